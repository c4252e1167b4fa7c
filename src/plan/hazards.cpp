#include "strata/plan/hazards.hpp"

#include <algorithm>

namespace strata::plan {

namespace {

bool existing_table(const Plan& plan, const std::string& name) { return plan.current.find_table(name) != nullptr; }

std::string column_shape(const model::Table& t) {
  std::string shape;
  for (const model::Column& c : t.columns) shape += model::to_lower(c.name) + ":" + model::to_lower(c.type) + ";";
  return shape;
}

}  // namespace

bool Hazard::needs_allow() const { return code.rfind("data_loss.", 0) == 0 || code == "rename.probable"; }

const std::vector<std::pair<std::string, std::string>>& hazard_codes() {
  static const std::vector<std::pair<std::string, std::string>> codes = {
      {"data_loss.drop_table", "a table and all its rows are dropped"},
      {"data_loss.drop_column", "a column and its values are dropped"},
      {"data_loss.type_change", "a column changes type; values may be converted, narrowed or refused"},
      {"data_loss.drop_enum_value", "enum labels are removed or reordered; rows holding a removed label fail"},
      {"data_loss.drop_sequence", "a sequence and its current value are dropped"},
      {"rename.probable", "a column or table is dropped and a same-shaped one added: probably a rename without a hint"},
      {"may_fail.not_null", "NOT NULL is set on a column of an existing table; rows holding NULL make it fail"},
      {"may_fail.unique", "a unique constraint or index is added to an existing table; duplicate rows make it fail"},
      {"may_fail.check", "a check constraint is added to an existing table; rows that break it make it fail"},
      {"may_fail.foreign_key", "a foreign key is added to an existing table; rows without a parent make it fail"},
      {"irreversible.down", "the down section cannot give back what the up section removes"},
      {"data_loss.drop_partition", "PostgreSQL: a partition and its rows are dropped"},
      {"recreate.materialized_view", "PostgreSQL: a materialized view is dropped and created again, its contents computed anew"},
      {"may_fail.exclusion", "PostgreSQL: an exclusion constraint is added to an existing table; conflicting rows make it fail"},
      {"may_fail.partition_bound", "PostgreSQL: a partition is attached with a new bound; rows outside it make it fail"},
      {"lock.index_build", "PostgreSQL: an index is built on an existing table while writes wait"},
      {"lock.table_rewrite", "PostgreSQL: a type change may rewrite the table under an exclusive lock"},
      {"lock.set_not_null", "PostgreSQL: SET NOT NULL scans the table under an exclusive lock"},
      {"lock.constraint_validation", "PostgreSQL: a new foreign key or check is validated while the table is locked"},
      {"lock.volatile_default", "PostgreSQL: a column added with a volatile default rewrites the table"},
  };
  return codes;
}

std::vector<Hazard> find_hazards(const Plan& plan) {
  std::vector<Hazard> out;
  auto add = [&](const char* code, const std::string& object, const std::string& reason, const SourceLocation& where = {}) {
    out.push_back({code, object, reason, where});
  };
  // Probable renames of whole tables: a dropped table and a created one with the same columns.
  std::vector<const model::Table*> dropped, created;
  for (const diff::Change& change : plan.changes) {
    if (auto* d = std::get_if<diff::DropTable>(&change)) dropped.push_back(&d->table);
    if (auto* c = std::get_if<diff::CreateTable>(&change)) created.push_back(&c->table);
  }
  for (const model::Table* c : created)
    for (const model::Table* d : dropped)
      if (column_shape(*c) == column_shape(*d))
        add("rename.probable", c->name,
            "table " + d->name + " is dropped and " + c->name + " created with the same columns; if it is a rename, add "
            "renamed_from: " + d->name + " to table " + c->name,
            c->where);

  for (const diff::Change& change : plan.changes) {
    if (auto* d = std::get_if<diff::DropTable>(&change)) {
      add("data_loss.drop_table", d->table.name, "drops table " + d->table.name + " and its rows");
      add("irreversible.down", d->table.name, "a rollback recreates " + d->table.name + " empty");
    } else if (auto* q = std::get_if<diff::DropSequence>(&change)) {
      add("data_loss.drop_sequence", q->sequence.name, "drops sequence " + q->sequence.name + " and its current value");
    } else if (auto* e = std::get_if<diff::ReplaceEnum>(&change)) {
      add("data_loss.drop_enum_value", e->to.name, "enum " + e->to.name + " loses or reorders labels", e->to.where);
    } else if (auto* idx = std::get_if<diff::CreateIndex>(&change)) {
      if (idx->index.unique && existing_table(plan, idx->table))
        add("may_fail.unique", idx->table + "." + idx->index.name, "unique index on existing rows of " + idx->table, idx->index.where);
    } else if (auto* m = std::get_if<diff::ModifyTable>(&change)) {
      const std::string& t = m->to.name;
      std::vector<const model::Column*> dropped_columns, added_columns;
      for (const diff::TableChange& tc : m->changes) {
        if (auto* dc = std::get_if<diff::DropColumn>(&tc)) {
          dropped_columns.push_back(&dc->column);
          add("data_loss.drop_column", t + "." + dc->column.name, "drops column " + t + "." + dc->column.name + " and its values",
              m->to.where);
          add("irreversible.down", t + "." + dc->column.name, "a rollback re-adds " + t + "." + dc->column.name + " without its values");
        } else if (auto* ac = std::get_if<diff::AddColumn>(&tc)) {
          added_columns.push_back(&ac->column);
          if (!ac->column.nullable && !ac->column.default_value && !ac->column.generated && !ac->column.identity)
            add("may_fail.not_null", t + "." + ac->column.name,
                "adds NOT NULL column " + t + "." + ac->column.name + " without a default; fails if the table has rows",
                ac->column.where);
        } else if (auto* al = std::get_if<diff::AlterColumn>(&tc)) {
          if (al->type_changed)
            add("data_loss.type_change", t + "." + al->to.name,
                "changes " + t + "." + al->to.name + " from " + al->from.type + " to " + al->to.type, al->to.type_where);
          if (al->nullability_changed && !al->to.nullable)
            add("may_fail.not_null", t + "." + al->to.name, "sets NOT NULL on " + t + "." + al->to.name, al->to.where);
        } else if (auto* u = std::get_if<diff::AddUnique>(&tc)) {
          add("may_fail.unique", t, "adds a unique constraint on existing rows of " + t, u->unique.where);
        } else if (auto* c = std::get_if<diff::AddCheck>(&tc)) {
          if (!c->check.not_valid) add("may_fail.check", t, "adds check (" + c->check.expression + ") on existing rows of " + t, c->check.where);
        } else if (auto* f = std::get_if<diff::AddForeignKey>(&tc)) {
          if (!f->foreign_key.not_valid)
            add("may_fail.foreign_key", t, "adds a foreign key to " + f->foreign_key.ref_table + " on existing rows of " + t,
                f->foreign_key.where);
        }
      }
      for (const model::Column* a : added_columns)
        for (const model::Column* gone : dropped_columns)
          if (model::to_lower(a->type) == model::to_lower(gone->type))
            add("rename.probable", t + "." + a->name,
                "column " + t + "." + gone->name + " is dropped and " + a->name + " of the same type added; if it is a "
                "rename, add renamed_from: " + gone->name + " to column " + a->name,
                a->where);
    }
  }
  return out;
}

std::vector<Hazard> unallowed(const std::vector<Hazard>& hazards, const std::vector<std::string>& allowed) {
  std::vector<Hazard> out;
  const bool all = std::find(allowed.begin(), allowed.end(), "all") != allowed.end();
  for (const Hazard& h : hazards)
    if (h.needs_allow() && !all && std::find(allowed.begin(), allowed.end(), h.code) == allowed.end()) out.push_back(h);
  return out;
}

void check_codes(const std::vector<std::string>& allowed) {
  for (const std::string& code : allowed) {
    if (code == "all") continue;
    const auto& known = hazard_codes();
    if (std::none_of(known.begin(), known.end(), [&](const auto& k) { return k.first == code; })) {
      std::vector<std::string> names;
      for (const auto& k : known) names.push_back(k.first);
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      throw Error(ExitCode::Usage, "--allow-hazard " + code + ": no hazard has that code; codes are " + list + ", or all");
    }
  }
}

void refuse_unallowed(const std::vector<Hazard>& hazards, const std::vector<std::string>& allowed, const std::string& verb) {
  check_codes(allowed);
  const std::vector<Hazard> refused = unallowed(hazards, allowed);
  if (refused.empty()) return;
  std::string message = verb + " refuses changes that can lose data or look like renames without a hint:";
  std::vector<std::string> codes;
  for (const Hazard& h : refused) {
    message += "\n  " + (h.where.known() ? h.where.str() + ": " : std::string()) + h.code + ": " + h.reason;
    if (std::find(codes.begin(), codes.end(), h.code) == codes.end()) codes.push_back(h.code);
  }
  std::string flags;
  for (const std::string& c : codes) flags += " --allow-hazard " + c;
  message += "\nif that is what you want, run it again with" + flags + " (see docs/hazards.md)";
  throw Error(ExitCode::InvalidInput, message);
}

}  // namespace strata::plan
