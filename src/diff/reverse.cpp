#include "strata/diff/reverse.hpp"

namespace strata::diff {

model::Schema with_reverse_hints(model::Schema original, const model::Schema& desired) {
  for (model::Table& t : original.tables) {
    t.renamed_from.reset();
    for (model::Column& c : t.columns) c.renamed_from.reset();
    for (model::Index& i : t.indexes) i.renamed_from.reset();
  }
  for (model::EnumType& e : original.enums) e.value_renames.clear();
  for (const model::EnumType& e : desired.enums) {
    for (model::EnumType& o : original.enums)
      if (o.name == e.name && o.schema == e.schema)
        for (const auto& [to, from] : e.value_renames) o.value_renames.emplace_back(from, to);
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
    for (const model::Index& i : t.indexes) {
      if (!i.renamed_from) continue;
      for (model::Index& o : target->indexes)
        if (model::iequals(o.name, *i.renamed_from)) o.renamed_from = i.name;
    }
    auto reverse_constraints = [](auto& originals, const auto& wanted) {
      for (const auto& w : wanted) {
        if (!w.renamed_from || !w.name) continue;
        for (auto& o : originals)
          if (o.name && model::iequals(*o.name, *w.renamed_from)) o.renamed_from = *w.name;
      }
    };
    reverse_constraints(target->uniques, t.uniques);
    reverse_constraints(target->foreign_keys, t.foreign_keys);
    reverse_constraints(target->checks, t.checks);
  }
  return original;
}

}  // namespace strata::diff
