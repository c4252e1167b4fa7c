// Changed tables that need not be built to be known as PostgreSQL would
// store them.
//
// A changed table is built in the scratch database so that the server names
// what the document leaves unnamed, resolves foreign keys and keys, and
// judges what is new. Many changes ask none of that of it: a column added,
// dropped or given another type, default or comment, a named index added or
// dropped, a foreign key, unique or check dropped. Once the stand-ins have
// spelled the table's types and expressions (standins.hpp), such a table is
// the current one (as read from the database, with every stored name) with
// those changes made: the added and altered columns and the added indexes as
// the stand-ins spelled them, the rest as the database holds it. This is a
// graft; anything else the table changes, and it is built.
#pragma once

#include <optional>
#include <vector>

#include "strata/diff/changes.hpp"
#include "strata/diff/differ.hpp"
#include "strata/model/schema.hpp"

namespace strata::dialect::postgresql {

// The table as a build would read it back, or nothing when it must be built.
// current: the table as introspected; spelled: the document's table with the
// types and expressions the stand-ins read back; changes: every change of
// diff_schemas(current schema, spelled schema) that touches the table
// (diff::touched_tables). The document's locations and hints are carried
// over from spelled.
std::optional<model::Table> graft(const model::Table& current, const model::Table& spelled,
                                  const std::vector<const diff::Change*>& changes, const diff::Comparator& names);

}  // namespace strata::dialect::postgresql
