// Telling unchanged tables from changed ones the way PostgreSQL would,
// without building them.
//
// PostgreSQL stores expressions deparsed: a document's "weight >= 0" reads
// back as "weight >= (0)::numeric", "varchar(64)" as "character varying(64)".
// Compared as written, such a table looks changed, and a changed table is
// built in the scratch database with its keys, indexes and foreign keys
// (and its foreign keys' targets) to be read back. Most of those tables are
// in fact unchanged.
//
// A stand-in is a partitioned table with no partitions: it has no storage,
// so creating it costs a fraction of a real table. It has the table's
// columns (types, collations, defaults, generated expressions), its checks
// and its indexes (not unique), and none of its keys. Reading the stand-ins
// back gives each table's types and expressions as PostgreSQL spells them;
// with those in place, the differ tells which tables really change, and
// which of those changes need the server to judge them.
#pragma once

#include <map>
#include <set>
#include <string>

#include "dialect/postgresql/connection.hpp"
#include "strata/diff/differ.hpp"
#include "strata/model/schema.hpp"

namespace strata::dialect::postgresql {

// What the stand-ins tell of the document's tables, spelled as the engine
// stores them and compared with current.
struct AsStored {
  // The table_key of every document table that no change of
  // diff_schemas(current, document) touches: the keys in unchanged given to
  // compare_as_stored, and those the stand-ins show to be unchanged.
  std::set<std::string> unchanged;
  // Changed tables that need no build (grafts.hpp), by table_key, as a build
  // would read them back.
  std::map<std::string, model::Table> grafted;
};

// Stand-ins are made for the document tables that exist in current and are
// not in unchanged; they are created on connection (a scratch database,
// where the document's types, domains, sequences and extensions already
// exist) in a schema of their own. A stand-in that PostgreSQL refuses leaves
// its table as changed, for the full normalization to report.
AsStored compare_as_stored(Connection& connection, const model::Schema& document, const model::Schema& current,
                           const std::set<std::string>& unchanged, const diff::Comparator& comparator);

}  // namespace strata::dialect::postgresql
