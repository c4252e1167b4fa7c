#include "strata/dialect/document_details.hpp"

#include <map>

namespace strata::dialect {

namespace {

template <typename Named>
const Named* find_named(const std::vector<Named>& items, const std::string& name, const diff::Comparator& names) {
  for (const Named& item : items)
    if (names.names_equal(item.name, name)) return &item;
  return nullptr;
}

// Named constraints: hints and locations by name (unnamed ones have neither).
template <typename Constraint>
void carry_constraints(std::vector<Constraint>& normalized, const std::vector<Constraint>& document,
                       const diff::Comparator& names) {
  for (Constraint& n : normalized)
    for (const Constraint& d : document)
      if (n.name && d.name && names.names_equal(*n.name, *d.name)) {
        n.renamed_from = d.renamed_from;
        n.where = d.where;
      }
}

template <typename Typed>
void carry_where(std::vector<Typed>& normalized, const std::vector<Typed>& document) {
  for (Typed& n : normalized)
    for (const Typed& d : document)
      if (d.name == n.name && d.schema == n.schema) n.where = d.where;
}

}  // namespace

void carry_document_details(const model::Schema& document, model::Schema& normalized, const diff::Comparator& names) {
  const bool keep_document_comments = !names.stores_comments();
  std::map<std::string, const model::Table*> by_key;
  for (const model::Table& t : document.tables) by_key[names.table_key(t)] = &t;
  for (model::Table& t : normalized.tables) {
    auto found = by_key.find(names.table_key(t));
    if (found == by_key.end()) continue;
    const model::Table& source = *found->second;
    t.where = source.where;
    t.renamed_from = source.renamed_from;
    if (keep_document_comments) t.comment = source.comment;
    for (model::Column& c : t.columns) {
      const model::Column* sc = find_named(source.columns, c.name, names);
      if (!sc) continue;
      c.where = sc->where;
      c.type_where = sc->type_where;
      c.renamed_from = sc->renamed_from;
      if (keep_document_comments) c.comment = sc->comment;
      if (c.default_value && sc->default_value) c.default_value->where = sc->default_value->where;
    }
    for (model::Index& i : t.indexes) {
      if (const model::Index* si = find_named(source.indexes, i.name, names)) {
        i.name_generated = si->name_generated;
        i.renamed_from = si->renamed_from;
        i.where = si->where;
      }
    }
    carry_constraints(t.uniques, source.uniques, names);
    carry_constraints(t.foreign_keys, source.foreign_keys, names);
    carry_constraints(t.checks, source.checks, names);
  }
  for (model::View& v : normalized.views)
    if (const model::View* sv = find_named(document.views, v.name, names)) v.where = sv->where;
  for (model::Trigger& t : normalized.triggers)
    if (const model::Trigger* st = find_named(document.triggers, t.name, names)) t.where = st->where;
  carry_where(normalized.enums, document.enums);
  carry_where(normalized.domains, document.domains);
  carry_where(normalized.sequences, document.sequences);
  for (model::EnumType& e : normalized.enums)
    for (const model::EnumType& d : document.enums)
      if (d.name == e.name && d.schema == e.schema) e.value_renames = d.value_renames;
}

}  // namespace strata::dialect
