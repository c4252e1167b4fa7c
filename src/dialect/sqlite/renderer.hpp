// Renders an ordered plan as SQLite statements. Table changes that SQLite's
// ALTER TABLE can make (add, drop and rename a column, rename a table) use it;
// every other table change uses the documented rebuild: foreign keys off
// outside the transaction, new table, copy rows, drop, rename, recreate
// indexes, triggers and the views that read the table, foreign_key_check.
#pragma once

#include <vector>

#include "strata/plan/planner.hpp"
#include "strata/sql/statement.hpp"

namespace strata::dialect::sqlite {

std::vector<Statement> render_plan(const plan::Plan& plan);

// Whether a view or trigger body mentions name as an identifier.
bool sql_mentions(const std::string& sql, const std::string& name);

}  // namespace strata::dialect::sqlite
