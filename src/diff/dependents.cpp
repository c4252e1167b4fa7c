#include "diff/dependents.hpp"

#include <algorithm>
#include <set>
#include <string>

namespace strata::diff {

namespace {

// Keys in the form introspection writes them: the comparator's table key for
// relations ("schema.name"), with ".column" for a column and "(types)" for a
// function.
class Keys {
 public:
  explicit Keys(const Comparator& comparator) : comparator_(comparator) {}
  std::string relation(const std::string& schema, const std::string& name) const {
    model::Table t;
    t.schema = schema;
    t.name = name;
    return comparator_.table_key(t);
  }
  std::string relation(const model::Table& t) const { return comparator_.table_key(t); }
  std::string column(const model::Table& t, const std::string& column) const { return relation(t) + "." + column; }
  std::string function(const model::Function& f) const { return relation(f.schema, f.name + "(" + f.arguments + ")"); }

 private:
  const Comparator& comparator_;
};

bool touches(const std::vector<std::string>& depends_on, const std::set<std::string>& disturbed) {
  return std::any_of(depends_on.begin(), depends_on.end(), [&](const std::string& k) { return disturbed.count(k) > 0; });
}

// Table parts that call a function dropped to be created again: a default is
// dropped before and set again after, a check or an index dropped and added
// again, as the desired table has them.
void recreate_function_uses(const model::Schema& current, const model::Schema& desired, const std::set<std::string>& functions,
                            const Comparator& comparator, std::vector<Change>& changes) {
  auto already = [&](auto&& matches) { return std::any_of(changes.begin(), changes.end(), matches); };
  for (const model::Table& have : current.tables) {
    const model::Table* want = nullptr;
    for (const model::Table& t : desired.tables)
      if (comparator.table_key(t) == comparator.table_key(have)) want = &t;
    if (!want) continue;
    std::vector<TableChange> parts;
    auto table_changes = [&](auto&& matches) {
      return already([&](const Change& c) {
        auto* m = std::get_if<ModifyTable>(&c);
        return m && comparator.table_key(m->from) == comparator.table_key(have) &&
               std::any_of(m->changes.begin(), m->changes.end(), matches);
      });
    };
    for (const model::FunctionUse& use : have.function_uses) {
      if (!functions.count(use.function)) continue;
      if (use.part == model::FunctionUse::Part::Default) {
        const model::Column* column = have.find_column(use.name);
        const model::Column* wanted = want->find_column(use.name);
        if (!column) continue;
        changes.push_back(DropDefault{have, column->name});
        const bool set_later = table_changes([&](const TableChange& tc) {
          auto* a = std::get_if<AlterColumn>(&tc);
          return a && a->default_changed && a->to.name == column->name;
        });
        if (wanted && wanted->default_value && !set_later) {
          AlterColumn alter{*column, *wanted};
          alter.from.default_value.reset();
          alter.default_changed = true;
          parts.push_back(alter);
        }
      } else if (use.part == model::FunctionUse::Part::Check) {
        auto check = std::find_if(have.checks.begin(), have.checks.end(), [&](const auto& k) { return k.stored_name == use.name; });
        if (check == have.checks.end()) continue;
        const bool dropped = table_changes([&](const TableChange& tc) {
          auto* d = std::get_if<DropCheck>(&tc);
          return d && d->check.stored_name == check->stored_name;
        });
        if (dropped) continue;
        parts.push_back(DropCheck{*check});
        for (const model::CheckConstraint& k : want->checks)
          if (check->name ? (k.name && *k.name == *check->name) : (!k.name && k.expression == check->expression))
            parts.push_back(AddCheck{k});
      } else {
        auto index = std::find_if(have.indexes.begin(), have.indexes.end(), [&](const auto& i) { return i.name == use.name; });
        if (index == have.indexes.end()) continue;
        const bool dropped = already([&](const Change& c) {
          auto* d = std::get_if<DropIndex>(&c);
          return d && d->table == have.name && d->index.name == index->name;
        });
        if (dropped) continue;
        changes.push_back(DropIndex{have.name, *index});
        for (const model::Index& i : want->indexes)
          if (i.name == index->name) changes.push_back(CreateIndex{want->name, i});
      }
    }
    if (!parts.empty()) changes.push_back(ModifyTable{have, *want, std::move(parts)});
  }
}

}  // namespace

void recreate_dependents(const model::Schema& current, const model::Schema& desired, const Comparator& comparator,
                         std::vector<Change>& changes) {
  const Keys keys(comparator);
  std::set<std::string> disturbed;
  std::set<std::string> dropped_views, dropped_triggers, dropped_policies, recreated_objects, recreated_functions;
  auto trigger_id = [](const model::Trigger& t) { return t.table + "\n" + t.name; };
  auto policy_id = [](const std::string& table, const model::Policy& p) { return table + "\n" + p.name; };

  for (const Change& change : changes) {
    if (auto* m = std::get_if<ModifyTable>(&change)) {
      for (const TableChange& tc : m->changes) {
        if (auto* a = std::get_if<AlterColumn>(&tc); a && (a->type_changed || a->collation_changed || a->generated_changed))
          disturbed.insert(keys.column(m->from, a->from.name));
        if (auto* d = std::get_if<DropColumn>(&tc)) disturbed.insert(keys.column(m->from, d->column.name));
      }
    } else if (auto* d = std::get_if<DropTable>(&change)) {
      disturbed.insert(keys.relation(d->table));
    } else if (auto* r = std::get_if<ReplaceEnum>(&change)) {
      disturbed.insert(keys.relation(r->from.schema, r->from.name));  // functions taking or returning it
      // Every column of the type is cast to the new one.
      const std::string name = r->from.name, qualified = model::relation_label(r->from.schema, r->from.name);
      for (const model::Table& t : current.tables)
        for (const model::Column& c : t.columns)
          if (c.type == name || c.type == qualified || c.type == name + "[]" || c.type == qualified + "[]")
            disturbed.insert(keys.column(t, c.name));
    } else if (auto* v = std::get_if<DropView>(&change)) {
      disturbed.insert(keys.relation(v->view.schema, v->view.name));
      dropped_views.insert(keys.relation(v->view.schema, v->view.name));
    } else if (auto* f = std::get_if<DropFunction>(&change)) {
      disturbed.insert(keys.function(f->function));
      if (f->recreated) {
        recreated_objects.insert(f->function.signature());
        recreated_functions.insert(keys.function(f->function));
      }
    } else if (auto* t = std::get_if<DropTrigger>(&change)) {
      dropped_triggers.insert(trigger_id(t->trigger));
    } else if (auto* p = std::get_if<DropPolicy>(&change)) {
      dropped_policies.insert(policy_id(p->table, p->policy));
    }
  }
  for (const Change& change : changes)
    if (auto* v = std::get_if<CreateView>(&change); v && dropped_views.count(keys.relation(v->view.schema, v->view.name)))
      recreated_objects.insert(model::relation_label(v->view.schema, v->view.name));
  auto find_create_view = [&](const model::View& view) -> CreateView* {
    for (Change& c : changes)
      if (auto* v = std::get_if<CreateView>(&c); v && v->view.name == view.name && v->view.schema == view.schema) return v;
    return nullptr;
  };
  std::set<std::string> dropped_functions;
  for (const Change& change : changes)
    if (auto* f = std::get_if<DropFunction>(&change)) dropped_functions.insert(keys.function(f->function));
  bool grew = true;
  while (grew) {
    grew = false;
    for (const model::Function& function : current.functions) {
      const std::string key = keys.function(function);
      if (dropped_functions.count(key) || !touches(function.depends_on, disturbed)) continue;
      changes.push_back(DropFunction{function, true});
      dropped_functions.insert(key);
      disturbed.insert(key);
      recreated_functions.insert(key);
      recreated_objects.insert(function.signature());
      grew = true;
      CreateFunction* existing = nullptr;
      for (Change& c : changes)
        if (auto* f = std::get_if<CreateFunction>(&c); f && f->function.signature() == function.signature()) existing = f;
      if (existing) {
        existing->replace = false;
      } else {
        for (const model::Function& want : desired.functions)
          if (want.signature() == function.signature()) changes.push_back(CreateFunction{want, false});
      }
    }
    for (const model::View& view : current.views) {
      const std::string key = keys.relation(view.schema, view.name);
      if (dropped_views.count(key) || !touches(view.depends_on, disturbed)) continue;
      changes.push_back(DropView{view});
      dropped_views.insert(key);
      disturbed.insert(key);
      grew = true;
      if (CreateView* existing = find_create_view(view)) {
        existing->replace = false;
      } else {
        for (const model::View& want : desired.views)
          if (want.name == view.name && want.schema == view.schema) changes.push_back(CreateView{want});
      }
      recreated_objects.insert(model::relation_label(view.schema, view.name));
    }
    for (const model::Trigger& trigger : current.triggers) {
      if (dropped_triggers.count(trigger_id(trigger)) || !touches(trigger.depends_on, disturbed)) continue;
      changes.push_back(DropTrigger{trigger});
      dropped_triggers.insert(trigger_id(trigger));
      const bool created = std::any_of(changes.begin(), changes.end(), [&](const Change& c) {
        auto* t = std::get_if<CreateTrigger>(&c);
        return t && trigger_id(t->trigger) == trigger_id(trigger);
      });
      if (!created)
        for (const model::Trigger& want : desired.triggers)
          if (trigger_id(want) == trigger_id(trigger)) changes.push_back(CreateTrigger{want});
    }
    for (const model::Table& table : current.tables) {
      const std::string table_label = model::relation_label(table.schema, table.name);
      for (const model::Policy& policy : table.policies) {
        if (dropped_policies.count(policy_id(table_label, policy)) || !touches(policy.depends_on, disturbed)) continue;
        dropped_policies.insert(policy_id(table_label, policy));
        // An ALTER POLICY planned for it becomes a creation of the new form.
        changes.erase(std::remove_if(changes.begin(), changes.end(), [&](const Change& c) {
                        auto* a = std::get_if<AlterPolicy>(&c);
                        return a && a->table == table_label && a->to.name == policy.name;
                      }),
                      changes.end());
        changes.push_back(DropPolicy{table_label, policy});
        const bool created = std::any_of(changes.begin(), changes.end(), [&](const Change& c) {
          auto* p = std::get_if<CreatePolicy>(&c);
          return p && p->table == table_label && p->policy.name == policy.name;
        });
        if (created) continue;
        for (const model::Table& want : desired.tables)
          if (model::relation_label(want.schema, want.name) == table_label)
            for (const model::Policy& p : want.policies)
              if (p.name == policy.name) changes.push_back(CreatePolicy{table_label, p});
      }
    }
  }

  if (!recreated_functions.empty()) recreate_function_uses(current, desired, recreated_functions, comparator, changes);

  // What is created again has lost its grants: the desired ones are given again.
  if (recreated_objects.empty()) return;
  changes.erase(std::remove_if(changes.begin(), changes.end(), [&](const Change& c) {
                  if (auto* g = std::get_if<GrantPrivileges>(&c)) return recreated_objects.count(g->grant.object) > 0;
                  if (auto* r = std::get_if<RevokePrivileges>(&c)) return recreated_objects.count(r->grant.object) > 0;
                  return false;
                }),
                changes.end());
  // Grants the document does not manage are kept as the database has them.
  for (const model::Grant& g : desired.grants_managed ? desired.grants : current.grants)
    if (recreated_objects.count(g.object)) changes.push_back(GrantPrivileges{g});
}

}  // namespace strata::diff
