#include "strata/diff/unchanged.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

namespace strata::diff {

namespace {

// Every name a change may use for the tables it touches: keys of full table
// definitions, and the plain (possibly schema-qualified) names other changes carry.
void touched_names(const Change& change, const Comparator& comparator, std::set<std::string>& out) {
  auto table = [&](const model::Table& t) {
    out.insert(comparator.table_key(t));
    out.insert(comparator.name_key(t.name));
  };
  auto name = [&](const std::string& n) {
    out.insert(comparator.name_key(n));
    const std::size_t dot = n.rfind('.');
    if (dot != std::string::npos) out.insert(comparator.name_key(n.substr(dot + 1)));
  };
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, CreateTable> || std::is_same_v<T, DropTable>) {
          table(c.table);
        } else if constexpr (std::is_same_v<T, ModifyTable>) {
          table(c.from);
          table(c.to);
        } else if constexpr (std::is_same_v<T, RenameTable>) {
          name(c.from);
          name(c.to);
        } else if constexpr (std::is_same_v<T, CreateIndex> || std::is_same_v<T, DropIndex> ||
                             std::is_same_v<T, RenameIndex> || std::is_same_v<T, CreatePolicy> ||
                             std::is_same_v<T, DropPolicy> || std::is_same_v<T, AlterPolicy>) {
          name(c.table);
        }
      },
      change);
}

}  // namespace

std::set<std::string> unchanged_tables(const model::Schema& current, const model::Schema& desired,
                                       const Comparator& comparator) {
  DiffOptions options;
  options.refuse_impossible = false;  // only which tables change matters here, not whether it can be done
  return touched_tables(diff_schemas(current, desired, comparator, options), current, desired, comparator).unchanged;
}

TouchedTables touched_tables(const DiffResult& diff, const model::Schema& current, const model::Schema& desired,
                             const Comparator& comparator) {
  std::set<std::string> existing;
  for (const model::Table& t : current.tables) existing.insert(comparator.table_key(t));
  // Each name a change uses, with the changes that use it.
  std::map<std::string, std::vector<const Change*>> touching;
  std::set<std::string> names;
  for (const Change& change : diff.changes) {
    names.clear();
    touched_names(change, comparator, names);
    for (const std::string& name : names) touching[name].push_back(&change);
  }
  // Tables whose name, column names or key a foreign key to them would see
  // change: it names its target's table and columns as they are now, and
  // references its primary key when it names no columns.
  std::set<std::string> reshaped;
  for (const Change& change : diff.changes) {
    if (auto* m = std::get_if<ModifyTable>(&change)) {
      const bool reshapes = std::any_of(m->changes.begin(), m->changes.end(), [](const TableChange& c) {
        return std::holds_alternative<RenameColumn>(c) || std::holds_alternative<ChangePrimaryKey>(c);
      });
      if (reshapes) touched_names(change, comparator, reshaped);
    } else if (std::holds_alternative<RenameTable>(change) || std::holds_alternative<DropTable>(change) ||
               std::holds_alternative<CreateTable>(change)) {
      touched_names(change, comparator, reshaped);
    }
  }

  // The keys under which a table's name may be used: its own, and that of
  // the part after a schema qualifier.
  auto keys_of_name = [&](const std::string& name) {
    std::vector<std::string> keys = {comparator.name_key(name)};
    const std::size_t dot = name.rfind('.');
    if (dot != std::string::npos) keys.push_back(comparator.name_key(name.substr(dot + 1)));
    return keys;
  };
  auto named_in = [&](const std::set<std::string>& set, const std::string& name) {
    for (const std::string& key : keys_of_name(name))
      if (set.count(key)) return true;
    return false;
  };
  TouchedTables out;
  for (const model::Table& t : desired.tables) {
    const std::string key = comparator.table_key(t);
    if (!existing.count(key)) continue;
    std::vector<const Change*> changes;
    std::vector<std::string> keys = keys_of_name(t.name);
    keys.push_back(key);
    for (const std::string& k : keys) {
      auto found = touching.find(k);
      if (found == touching.end()) continue;
      for (const Change* c : found->second)
        if (std::find(changes.begin(), changes.end(), c) == changes.end()) changes.push_back(c);
    }
    bool target_changes = false;
    for (const model::ForeignKey& fk : t.foreign_keys) target_changes = target_changes || named_in(reshaped, fk.ref_table);
    if (target_changes) continue;
    if (changes.empty()) out.unchanged.insert(key);
    else out.changed.emplace(key, std::move(changes));
  }
  return out;
}

model::Schema without_any_table(const model::Schema& schema) {
  model::Schema out;  // every member but the tables, copied as is
  out.enums = schema.enums;
  out.domains = schema.domains;
  out.sequences = schema.sequences;
  out.extensions = schema.extensions;
  out.functions = schema.functions;
  out.views = schema.views;
  out.triggers = schema.triggers;
  out.grants = schema.grants;
  out.grants_managed = schema.grants_managed;
  return out;
}

model::Schema without_tables(const model::Schema& schema, const std::set<std::string>& keys,
                             const Comparator& comparator) {
  model::Schema out = without_any_table(schema);
  for (const model::Table& t : schema.tables)
    if (!keys.count(comparator.table_key(t))) out.tables.push_back(t);
  return out;
}

}  // namespace strata::diff
