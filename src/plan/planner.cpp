#include "strata/plan/planner.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace strata::plan {

namespace {

// Execution phases; changes keep their relative order inside a phase except
// where foreign keys sort them.
enum Phase {
  kCreateExtensions,
  kCreateEnums,
  kRevokes,
  kDropPolicies,
  kDropTriggers,
  kDropViews,
  kDropFunctionsOnTables,  // before the tables whose row types they use
  kDropIndexes,
  kRenameTables,
  kDropTables,
  kDropDefaults,  // defaults that call a function about to be dropped and created again
  kDropRecreatedFunctions,
  kReplaceEnums,  // after the views, triggers and functions that use the type are dropped
  kCreateFunctions,  // before tables: defaults and checks may call them
  kCreateTables,
  kModifyTables,
  kCreateIndexes,
  kCreateFunctionsOnTables,  // functions that take or return a table's row type
  kCreateViews,
  kCreateTriggers,
  kCreatePolicies,
  kGrants,
  kDropFunctions,  // after the tables and views that used them changed
  kDropEnums,
};

// Whether an object key ("schema.name", see model::View::depends_on) names
// the relation; one of the default schema has no schema of its own.
bool names_relation(const std::string& key, const std::string& schema, const std::string& name) {
  if (!schema.empty()) return key == schema + "." + name;
  const std::size_t dot = key.find('.');
  return dot != std::string::npos && key.find('.', dot + 1) == std::string::npos &&
         key.compare(dot + 1, std::string::npos, name) == 0;
}

// A function whose arguments or result are rows of a table of the schema,
// which must exist before the function is created and while it exists.
bool uses_table_row(const model::Function& f, const model::Schema& schema) {
  for (const std::string& key : f.depends_on)
    for (const model::Table& t : schema.tables)
      if (names_relation(key, t.schema, t.name)) return true;
  return false;
}

Phase phase_of(const diff::Change& change, const model::Schema& current, const model::Schema& desired) {
  return std::visit(
      [&](const auto& c) -> Phase {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, diff::CreateExtension>) return kCreateExtensions;
        else if constexpr (std::is_same_v<T, diff::ReplaceEnum>) return kReplaceEnums;
        else if constexpr (std::is_same_v<T, diff::DropDefault>) return kDropDefaults;
        else if constexpr (std::is_same_v<T, diff::CreateEnum> || std::is_same_v<T, diff::AddEnumValue> ||
                           std::is_same_v<T, diff::RenameEnumValue> ||
                           std::is_same_v<T, diff::CreateDomain> || std::is_same_v<T, diff::AlterDomain> ||
                           std::is_same_v<T, diff::CreateSequence> || std::is_same_v<T, diff::AlterSequence>)
          return kCreateEnums;
        else if constexpr (std::is_same_v<T, diff::DropDomain> || std::is_same_v<T, diff::DropSequence>) return kDropEnums;
        else if constexpr (std::is_same_v<T, diff::DropEnum>) return kDropEnums;
        else if constexpr (std::is_same_v<T, diff::DropTrigger>) return kDropTriggers;
        else if constexpr (std::is_same_v<T, diff::RevokePrivileges>) return kRevokes;
        else if constexpr (std::is_same_v<T, diff::DropPolicy>) return kDropPolicies;
        else if constexpr (std::is_same_v<T, diff::CreatePolicy> || std::is_same_v<T, diff::AlterPolicy>) return kCreatePolicies;
        else if constexpr (std::is_same_v<T, diff::GrantPrivileges>) return kGrants;
        else if constexpr (std::is_same_v<T, diff::CreateFunction>)
          return uses_table_row(c.function, desired) ? kCreateFunctionsOnTables : kCreateFunctions;
        else if constexpr (std::is_same_v<T, diff::DropFunction>)
          return uses_table_row(c.function, current) ? kDropFunctionsOnTables
                 : c.recreated                       ? kDropRecreatedFunctions
                                                     : kDropFunctions;
        else if constexpr (std::is_same_v<T, diff::DropView>) return kDropViews;
        else if constexpr (std::is_same_v<T, diff::DropIndex> || std::is_same_v<T, diff::RenameIndex>) return kDropIndexes;
        else if constexpr (std::is_same_v<T, diff::RenameTable>) return kRenameTables;
        else if constexpr (std::is_same_v<T, diff::DropTable>) return kDropTables;
        else if constexpr (std::is_same_v<T, diff::CreateTable>) return kCreateTables;
        else if constexpr (std::is_same_v<T, diff::ModifyTable>) return kModifyTables;
        else if constexpr (std::is_same_v<T, diff::CreateIndex>) return kCreateIndexes;
        else if constexpr (std::is_same_v<T, diff::CreateView>) return kCreateViews;
        else if constexpr (std::is_same_v<T, diff::CreateTrigger>) return kCreateTriggers;
        else return kCreateTriggers;
      },
      change);
}

std::string table_of(const diff::Change& change) {
  if (auto* c = std::get_if<diff::CreateTable>(&change)) return model::to_lower(c->table.name);
  if (auto* c = std::get_if<diff::DropTable>(&change)) return model::to_lower(c->table.name);
  if (auto* c = std::get_if<diff::ModifyTable>(&change)) return model::to_lower(c->to.name);
  return "";
}

bool names_view(const std::string& key, const model::View& view) { return names_relation(key, view.schema, view.name); }

// Position of each view (schema + "." + name) in dependency order: a view
// after the views it reads.
std::map<std::string, std::size_t> rank_views(const std::vector<model::View>& views) {
  std::map<std::string, std::size_t> rank;
  std::map<const model::View*, int> state;  // 1 visiting, 2 done
  std::function<void(const model::View&)> visit = [&](const model::View& v) {
    if (state[&v] != 0) return;
    state[&v] = 1;
    for (const std::string& key : v.depends_on)
      for (const model::View& other : views)
        if (&other != &v && names_view(key, other)) visit(other);
    state[&v] = 2;
    rank[v.schema + "." + v.name] = rank.size();
  };
  for (const model::View& v : views) visit(v);
  return rank;
}

std::string view_of(const diff::Change& change) {
  if (auto* c = std::get_if<diff::CreateView>(&change)) return c->view.schema + "." + c->view.name;
  if (auto* c = std::get_if<diff::DropView>(&change)) return c->view.schema + "." + c->view.name;
  return "";
}

// Position of each table name (lowercased) in dependency order.
std::map<std::string, std::size_t> rank_tables(const std::vector<model::Table>& tables) {
  std::map<std::string, std::size_t> rank;
  std::size_t i = 0;
  for (const std::string& name : tables_in_dependency_order(tables)) rank[model::to_lower(name)] = i++;
  return rank;
}

}  // namespace

std::vector<std::string> tables_in_dependency_order(const std::vector<model::Table>& tables) {
  // Depth-first topological sort in document order; a back edge (a cycle)
  // is ignored, which leaves the members of the cycle in visiting order.
  std::map<std::string, const model::Table*> by_name;
  for (const model::Table& t : tables) by_name[model::to_lower(t.name)] = &t;
  std::vector<std::string> order;
  std::map<std::string, int> state;  // 1 visiting, 2 done
  struct Visit {
    std::map<std::string, const model::Table*>& by_name;
    std::map<std::string, int>& state;
    std::vector<std::string>& order;
    void operator()(const model::Table& t) {
      const std::string key = model::to_lower(t.name);
      if (state[key] != 0) return;
      state[key] = 1;
      for (const model::ForeignKey& fk : t.foreign_keys) {
        auto it = by_name.find(model::to_lower(fk.ref_table));
        if (it != by_name.end() && it->first != key) (*this)(*it->second);
      }
      state[key] = 2;
      order.push_back(t.name);
    }
  } visit{by_name, state, order};
  for (const model::Table& t : tables) visit(t);
  return order;
}

Plan order_changes(std::vector<diff::Change> changes, model::Schema current, model::Schema desired) {
  const auto desired_rank = rank_tables(desired.tables);
  const auto current_rank = rank_tables(current.tables);
  const auto desired_view_rank = rank_views(desired.views);
  const auto current_view_rank = rank_views(current.views);
  auto rank = [](const std::map<std::string, std::size_t>& ranks, const std::string& name) {
    auto it = ranks.find(name);
    return it == ranks.end() ? ranks.size() : it->second;
  };
  // Each change's place, worked out once: its phase, then its rank inside the
  // phase where order matters (table and view dependencies).
  struct Place {
    Phase phase;
    long long rank;
  };
  std::vector<Place> places;
  places.reserve(changes.size());
  for (const diff::Change& change : changes) {
    const Phase phase = phase_of(change, current, desired);
    long long r = 0;
    if (phase == kCreateTables || phase == kModifyTables) r = static_cast<long long>(rank(desired_rank, table_of(change)));
    if (phase == kDropTables) r = -static_cast<long long>(rank(current_rank, table_of(change)));  // children before parents
    if (phase == kCreateViews) r = static_cast<long long>(rank(desired_view_rank, view_of(change)));
    if (phase == kDropViews) r = -static_cast<long long>(rank(current_view_rank, view_of(change)));  // readers first
    places.push_back({phase, r});
  }
  std::vector<std::size_t> order(changes.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (places[a].phase != places[b].phase) return places[a].phase < places[b].phase;
    return places[a].rank < places[b].rank;
  });
  std::vector<diff::Change> sorted;
  sorted.reserve(changes.size());
  for (std::size_t i : order) sorted.push_back(std::move(changes[i]));
  changes = std::move(sorted);
  Plan plan;
  plan.changes = std::move(changes);
  plan.current = std::move(current);
  plan.desired = std::move(desired);
  return plan;
}

}  // namespace strata::plan
