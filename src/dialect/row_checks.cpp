#include "strata/dialect/row_checks.hpp"

namespace strata::dialect {

namespace {

std::string columns_sql(const Dialect& d, const std::vector<std::string>& columns, const std::string& prefix = "") {
  std::string out;
  for (const std::string& c : columns) out += (out.empty() ? "" : ", ") + prefix + d.identifier_sql(c);
  return out;
}

// Standard SQL both engines read the same way; names come from the dialect.
void checks_for(const Dialect& d, const model::Table& table, const diff::TableChange& change, std::vector<RowCheck>& out) {
  const std::string t = d.table_sql(table);
  if (auto* a = std::get_if<diff::AlterColumn>(&change); a && a->nullability_changed && !a->to.nullable) {
    out.push_back({table.name + "." + a->to.name, "rows holding NULL",
                   "SELECT count(*) FROM " + t + " WHERE " + d.identifier_sql(a->from.name) + " IS NULL"});
  } else if (auto* u = std::get_if<diff::AddUnique>(&change)) {
    std::string not_null;
    for (const std::string& c : u->unique.columns)
      not_null += (not_null.empty() ? "" : " AND ") + d.identifier_sql(c) + " IS NOT NULL";
    out.push_back({table.name, "groups of duplicate rows",
                   "SELECT count(*) FROM (SELECT 1 FROM " + t + " WHERE " + not_null + " GROUP BY " +
                       columns_sql(d, u->unique.columns) + " HAVING count(*) > 1) AS duplicates"});
  } else if (auto* c = std::get_if<diff::AddCheck>(&change); c && !c->check.not_valid) {
    out.push_back({table.name, "rows breaking check (" + c->check.expression + ")",
                   "SELECT count(*) FROM " + t + " WHERE NOT (" + c->check.expression + ")"});
  } else if (auto* f = std::get_if<diff::AddForeignKey>(&change); f && !f->foreign_key.not_valid && !f->foreign_key.ref_columns.empty()) {
    const model::ForeignKey& fk = f->foreign_key;
    model::Table parent;
    parent.name = fk.ref_table;
    if (const std::size_t dot = fk.ref_table.find('.'); dot != std::string::npos) {
      parent.schema = fk.ref_table.substr(0, dot);
      parent.name = fk.ref_table.substr(dot + 1);
    } else {
      parent.schema = table.schema;
    }
    std::string present, match;
    for (std::size_t i = 0; i < fk.columns.size() && i < fk.ref_columns.size(); ++i) {
      present += (present.empty() ? "" : " AND ") + std::string("c.") + d.identifier_sql(fk.columns[i]) + " IS NOT NULL";
      match += (match.empty() ? "" : " AND ") + std::string("p.") + d.identifier_sql(fk.ref_columns[i]) + " = c." +
               d.identifier_sql(fk.columns[i]);
    }
    out.push_back({table.name, "rows without a parent in " + fk.ref_table,
                   "SELECT count(*) FROM " + t + " AS c WHERE " + present + " AND NOT EXISTS (SELECT 1 FROM " +
                       d.table_sql(parent) + " AS p WHERE " + match + ")"});
  }
}

}  // namespace

std::vector<RowCheck> row_checks(const Dialect& dialect, const plan::Plan& plan) {
  std::vector<RowCheck> out;
  for (const diff::Change& change : plan.changes) {
    if (auto* m = std::get_if<diff::ModifyTable>(&change)) {
      // Checks run before any change, so they name the table and columns as they are now.
      model::Table current = m->from;
      for (const diff::Change& other : plan.changes)
        if (auto* r = std::get_if<diff::RenameTable>(&other); r && r->to == m->to.name) current.name = r->from;
      bool renamed_column = false;
      for (const diff::TableChange& tc : m->changes) renamed_column = renamed_column || std::holds_alternative<diff::RenameColumn>(tc);
      if (renamed_column) continue;  // names differ before and after; the check is skipped rather than guessed
      for (const diff::TableChange& tc : m->changes) checks_for(dialect, current, tc, out);
    }
    if (auto* idx = std::get_if<diff::CreateIndex>(&change); idx && idx->index.unique && !idx->index.where_clause) {
      const model::Table* table = plan.current.find_table(idx->table);
      bool plain = table != nullptr;
      std::vector<std::string> columns;
      for (const model::IndexKey& k : idx->index.keys) {
        plain = plain && !k.is_expression();
        columns.push_back(k.column);
      }
      if (plain) {
        model::UniqueConstraint u;
        u.columns = columns;
        checks_for(dialect, *table, diff::AddUnique{u}, out);
      }
    }
  }
  return out;
}

}  // namespace strata::dialect
