// Builds a model::Schema from a document tree, checking the shape of the
// document: known keys (with "did you mean"), value kinds, required fields.
#pragma once

#include "strata/diagnostics.hpp"
#include "strata/load/document_tree.hpp"
#include "strata/model/schema.hpp"

namespace strata::load {

// Appends the tables, views and triggers of one document to schema,
// consuming root as it goes.
void build_schema(Node&& root, model::Schema& schema, Diagnostics& diagnostics);

// Appends one entry of a document's "tables" list to schema.tables, as
// build_schema does with each (for readers that hand entries over one by one).
void build_table_entry(const Node& entry, model::Schema& schema, Diagnostics& diagnostics);

}  // namespace strata::load
