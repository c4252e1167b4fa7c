// SQLite introspection: reads a whole database schema in a fixed number of
// set-based queries over sqlite_schema and the table-valued pragma functions,
// and takes from the stored CREATE statements what the pragmas do not say.
#pragma once

#include "dialect/sqlite/connection.hpp"
#include "strata/diagnostics.hpp"
#include "strata/model/schema.hpp"

namespace strata::dialect::sqlite {

// Tables strata keeps for itself; never introspected, never diffed.
bool is_strata_table(const std::string& name);

model::Schema introspect(Connection& connection);

// How a stored DEFAULT text reads back: literal (number, string, boolean,
// NULL) or an SQL expression (enclosing parentheses removed).
model::Default classify_default(const std::string& stored);

}  // namespace strata::dialect::sqlite
