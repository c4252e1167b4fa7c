// Dependents of a change: views, triggers and policies that the engine will
// not let a change go through under (a view on a column whose type changes,
// a trigger on a function dropped to be created again), found through the
// object keys introspection reads into depends_on. Each is dropped before the
// change and created again after it, as the desired schema has it, and the
// grants on what is created again are given again. Column defaults, checks
// and indexes that call a function dropped to be created again (a table's
// function_uses) are dropped and added again the same way.
#pragma once

#include <vector>

#include "strata/diff/changes.hpp"
#include "strata/diff/differ.hpp"
#include "strata/model/schema.hpp"

namespace strata::diff {

void recreate_dependents(const model::Schema& current, const model::Schema& desired, const Comparator& comparator,
                         std::vector<Change>& changes);

}  // namespace strata::diff
