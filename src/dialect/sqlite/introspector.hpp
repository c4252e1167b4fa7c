// SQLite introspection: reads a whole database schema from one query of
// sqlite_schema, reading each stored CREATE statement the way SQLite does.
// A table whose statements hold what that reading is not certain of has its
// columns and indexes read from its pragmas instead (table_facts.hpp).
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
