// Writes a schema as a document, YAML or TOML, in the same shape the loaders
// read: what `strata inspect` prints. Single-column keys, references and
// unique constraints are written on their column; generated index names are
// left out, so that the document reads as a person would write it.
#pragma once

#include <string>

#include "strata/load/loader.hpp"
#include "strata/model/schema.hpp"

namespace strata::emit {

std::string write_document(const model::Schema& schema, load::Format format);

}  // namespace strata::emit
