// Reversing a change that used rename hints: the original schema as a target,
// with each renamed_from of the forward direction turned around, so that the
// way back renames instead of dropping and adding.
#pragma once

#include "strata/model/schema.hpp"

namespace strata::diff {

// original: the schema before the change; desired: the target of the forward
// change (with its renamed_from hints).
model::Schema with_reverse_hints(model::Schema original, const model::Schema& desired);

}  // namespace strata::diff
