// Semantic validation of a loaded schema, independent of any dialect:
// duplicate names, references to missing tables and columns, nullable primary
// keys, misplaced options. Every finding names its element's location.
#pragma once

#include "strata/diagnostics.hpp"
#include "strata/model/schema.hpp"

namespace strata::load {

void validate_schema(const model::Schema& schema, Diagnostics& diagnostics);

}  // namespace strata::load
