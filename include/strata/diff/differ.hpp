// The differ: compares the current schema with the desired one and returns
// the changes, unordered. It matches objects by name (and by renamed_from
// hints) and asks the dialect whether two names, types or expressions are the
// same; it never produces SQL.
#pragma once

#include <string>
#include <vector>

#include "strata/diagnostics.hpp"
#include "strata/diff/changes.hpp"
#include "strata/model/schema.hpp"

namespace strata::diff {

// The questions only a dialect can answer.
class Comparator {
 public:
  virtual ~Comparator() = default;
  // The form under which the engine identifies a name (SQLite: ASCII lowercase).
  virtual std::string name_key(const std::string& name) const = 0;
  // Whether two names are one to the engine: equal keys. Dialects answer it
  // without building the keys, as the differ asks it for every pair of
  // columns, indexes and constraints it matches.
  virtual bool names_equal(const std::string& a, const std::string& b) const { return name_key(a) == name_key(b); }
  // Types as each side declares them (the desired side after engine normalization).
  virtual bool types_equal(const std::string& a, const std::string& b) const = 0;
  // SQL fragments: defaults, checks, predicates, generated columns, view and trigger bodies.
  virtual bool sql_equal(const std::string& a, const std::string& b) const = 0;
  // An SQL fragment of one table with a column renamed, as the engine rewrites
  // checks, predicates and generated expressions when a column is renamed.
  virtual std::string rename_column_in_sql(const std::string& sql, const std::string& from, const std::string& to) const = 0;
  // Whether the engine stores comments on tables and columns (SQLite does not).
  virtual bool stores_comments() const { return false; }
  // The key that identifies a table: its name, qualified by its schema where
  // the engine has schemas.
  virtual std::string table_key(const model::Table& table) const { return name_key(table.name); }
};

struct DiffResult {
  std::vector<Change> changes;
  Diagnostics diagnostics;  // warnings (a renamed_from hint that matches nothing), errors (a change strata cannot make)
};

struct DiffOptions {
  // Changes the engine cannot make (removing an enum label) are errors; for
  // the down section of a revision they are warnings and are left out.
  bool refuse_impossible = true;
};

DiffResult diff_schemas(const model::Schema& current, const model::Schema& desired, const Comparator& comparator,
                        const DiffOptions& options = {});

}  // namespace strata::diff
