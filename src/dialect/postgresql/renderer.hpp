// Renders an ordered plan as PostgreSQL statements. Every table change is an
// ALTER TABLE; foreign keys of new tables are added once all of them exist
// (so cycles need nothing special); constraint drops run before table drops.
#pragma once

#include <vector>

#include "strata/plan/planner.hpp"
#include "strata/sql/statement.hpp"

namespace strata::dialect::postgresql {

std::vector<Statement> render_plan(const plan::Plan& plan);

}  // namespace strata::dialect::postgresql
