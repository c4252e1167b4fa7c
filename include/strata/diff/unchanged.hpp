// Which desired tables need no engine normalization because the current
// schema already holds them exactly as the document describes them.
//
// Normalization rewrites a definition into the form the engine stores. A
// table the differ already finds equal to the current one, before
// normalization, is in that form already (the current side is what the
// engine stores), so normalizing it could only give back the current table.
// Skipping those tables is what keeps planning a small change to a database
// of thousands of tables fast: only the tables that change, and what they
// need, go through the engine.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "strata/diff/differ.hpp"
#include "strata/model/schema.hpp"

namespace strata::diff {

// The table_key of every desired table that exists in current and that no
// change of diff_schemas(current, desired) touches.
std::set<std::string> unchanged_tables(const model::Schema& current, const model::Schema& desired,
                                       const Comparator& comparator);

// How diff (diff_schemas(current, desired), taken with refuse_impossible
// off) touches the desired tables that exist in current. unchanged is what
// unchanged_tables returns. changed holds every other such table whose
// foreign keys' targets keep their names, columns and keys, with the changes
// that touch it (pointers into diff.changes).
struct TouchedTables {
  std::set<std::string> unchanged;
  std::map<std::string, std::vector<const Change*>> changed;
};
TouchedTables touched_tables(const DiffResult& diff, const model::Schema& current, const model::Schema& desired,
                             const Comparator& comparator);

// schema without any table: its types, sequences, extensions, functions,
// views, triggers and grants.
model::Schema without_any_table(const model::Schema& schema);

// schema with the tables whose table_key is in keys left out.
model::Schema without_tables(const model::Schema& schema, const std::set<std::string>& keys,
                             const Comparator& comparator);

}  // namespace strata::diff
