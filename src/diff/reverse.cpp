#include "strata/diff/reverse.hpp"

namespace strata::diff {

model::Schema with_reverse_hints(model::Schema original, const model::Schema& desired) {
  for (model::Table& t : original.tables) {
    t.renamed_from.reset();
    for (model::Column& c : t.columns) c.renamed_from.reset();
  }
  for (const model::Table& t : desired.tables) {
    const std::string before = t.renamed_from.value_or(t.name);
    model::Table* target = original.find_table(before);
    if (!target) continue;
    if (t.renamed_from && !desired.find_table(before)) target->renamed_from = t.name;
    for (const model::Column& c : t.columns) {
      if (!c.renamed_from) continue;
      if (model::Column* col = target->find_column(*c.renamed_from)) col->renamed_from = c.name;
    }
  }
  return original;
}

}  // namespace strata::diff
