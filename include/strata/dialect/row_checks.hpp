// Data checks before the damage: for a planned change that may fail on
// existing rows (NOT NULL, a unique key, a check, a foreign key), a query that
// counts the rows that would make it fail, so plan can say so up front.
#pragma once

#include <string>
#include <vector>

#include "strata/dialect/dialect.hpp"
#include "strata/plan/planner.hpp"

namespace strata::dialect {

struct RowCheck {
  std::string object;  // "table.column" or "table"
  std::string what;    // "rows holding NULL", "duplicate groups", ...
  std::string sql;     // SELECT count(*) ...
};

std::vector<RowCheck> row_checks(const Dialect& dialect, const plan::Plan& plan);

}  // namespace strata::dialect
