// After engine normalization the desired schema is what the engine stores,
// which has lost what only the document knows: source locations, rename
// hints, generated index names, and (where the engine keeps none) comments.
// This copies them back, matching objects by the engine's naming rules.
#pragma once

#include "strata/diff/differ.hpp"
#include "strata/model/schema.hpp"

namespace strata::dialect {

void carry_document_details(const model::Schema& document, model::Schema& normalized, const diff::Comparator& names);

// The same for one table: source is the document's, t its normalized form.
void carry_table_details(const model::Table& source, model::Table& t, const diff::Comparator& names);

}  // namespace strata::dialect
