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

void carry_table_details(const model::Table& source, model::Table& t, const diff::Comparator& names) {
  const bool keep_document_comments = !names.stores_comments();
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
  for (model::ExclusionConstraint& x : t.exclusions)
    for (const model::ExclusionConstraint& sx : source.exclusions)
      if (x.name && sx.name && names.names_equal(*x.name, *sx.name)) x.where = sx.where;
  for (model::Policy& p : t.policies)
    if (const model::Policy* sp = find_named(source.policies, p.name, names)) p.where = sp->where;
  for (model::Partition& p : t.partitions)
    if (const model::Partition* sp = find_named(source.partitions, p.name, names)) p.where = sp->where;
}

void carry_document_details(const model::Schema& document, model::Schema& normalized, const diff::Comparator& names) {
  std::map<std::string, const model::Table*> by_key;
  for (const model::Table& t : document.tables) by_key[names.table_key(t)] = &t;
  for (model::Table& t : normalized.tables) {
    auto found = by_key.find(names.table_key(t));
    if (found != by_key.end()) carry_table_details(*found->second, t, names);
  }
  for (model::View& v : normalized.views) {
    for (const model::View& sv : document.views) {
      if (!names.names_equal(sv.name, v.name) || !model::same_schema(sv.schema, v.schema)) continue;
      v.where = sv.where;
      if (!v.definition.empty()) {
        // The engine's text decides equality; the plan creates the view as written.
        v.sql = sv.sql;
        v.columns = sv.columns;
      }
    }
  }
  for (model::Trigger& t : normalized.triggers) {
    for (const model::Trigger& st : document.triggers) {
      if (!names.names_equal(st.name, t.name) || !names.names_equal(model::without_default_schema(st.table), t.table)) continue;
      t.where = st.where;
      if (!t.definition.empty()) t.sql = st.sql;
    }
  }
  // Overloads of one name are matched in the order they were created.
  std::map<std::string, std::size_t> overloads_seen;
  for (model::Function& f : normalized.functions) {
    const std::string key = f.schema + "." + f.name;
    std::size_t nth = overloads_seen[key]++;
    for (const model::Function& sf : document.functions) {
      if (sf.name != f.name || !model::same_schema(sf.schema, f.schema)) continue;
      if (nth-- == 0) {
        f.where = sf.where;
        f.comment = sf.comment;
        break;
      }
    }
  }
  for (model::Grant& g : normalized.grants)
    for (const model::Grant& sg : document.grants)
      if (sg.grantee == g.grantee && (sg.object == g.object || sg.object + "()" == g.object)) g.where = sg.where;
  carry_where(normalized.enums, document.enums);
  carry_where(normalized.domains, document.domains);
  carry_where(normalized.sequences, document.sequences);
  for (model::EnumType& e : normalized.enums)
    for (const model::EnumType& d : document.enums)
      if (d.name == e.name && d.schema == e.schema) e.value_renames = d.value_renames;
}

}  // namespace strata::dialect
