#include "dialect/postgresql/renderer.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "dialect/postgresql/ddl.hpp"
#include "dialect/postgresql/introspect_objects.hpp"
#include "strata/model/types.hpp"

namespace strata::dialect::postgresql {

namespace {

Statement stmt(std::string sql, std::string comment, bool destructive = false) {
  Statement s;
  s.sql = std::move(sql);
  s.comment = std::move(comment);
  s.destructive = destructive;
  return s;
}

std::string type_family(const std::string& type) {
  if (type.find('[') != std::string::npos) return "array|" + type;  // arrays convert only with USING
  const std::string base = model::type_base_name(type);
  if (base == "text" || base == "varchar" || base == "character" || base == "char" || base == "citext") return "text";
  if (base == "numeric" || base == "decimal") return "numeric";
  if (base == "varbit" || base == "bit") return "bit";
  return base + "|" + type;  // anything else is its own family
}

// Whether a type change needs an explicit USING cast: between families of
// binary-coercible types (text and varchar, numeric precisions) it does not.
bool needs_using(const std::string& from, const std::string& to) { return type_family(from) != type_family(to); }

// A body in dollar quotes, with a tag the body does not hold: a name with
// "$$" in it must not end the quote early.
std::string dollar_quoted(const std::string& body) {
  std::string tag = "$$";
  for (int n = 1; body.find(tag) != std::string::npos; ++n) tag = "$q" + std::to_string(n) + "$";
  return tag + " " + body + " " + tag;
}

std::string without_final_semicolon(std::string sql) {
  while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) sql.pop_back();
  return sql;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string comment_literal(const std::optional<std::string>& comment) {
  return comment ? quote_string(*comment) : std::string("NULL");
}

class Renderer {
 public:
  explicit Renderer(const plan::Plan& plan) : plan_(plan), online_(plan.options.online) {}

  std::vector<Statement> run() {
    if (online_) {
      // Every statement of the transaction waits at most lock_timeout for its lock.
      out_.push_back(stmt("SET LOCAL lock_timeout = " + quote_string(plan_.options.lock_timeout), "online: bounded lock waits"));
      if (!plan_.options.statement_timeout.empty())
        out_.push_back(stmt("SET LOCAL statement_timeout = " + quote_string(plan_.options.statement_timeout), ""));
    }
    create_schemas();
    if (std::any_of(plan_.changes.begin(), plan_.changes.end(),
                    [](const diff::Change& c) { return std::holds_alternative<diff::CreateFunction>(c); })) {
      // Bodies were checked when the plan was made, against the whole desired
      // schema; here a function may come before a table its body reads.
      out_.push_back(stmt("SET LOCAL check_function_bodies = off", "function bodies were checked when planning"));
    }
    // Constraint drops first: a table drop or a column change may depend on them being gone.
    for (const diff::Change& change : plan_.changes)
      if (auto* m = std::get_if<diff::ModifyTable>(&change)) drop_constraints(*m);
    std::vector<std::string> dropped_tables;
    std::vector<std::string> dropped_labels;
    for (const diff::Change& change : plan_.changes) {
      if (auto* d = std::get_if<diff::DropTable>(&change)) {
        dropped_tables.push_back(table_name(d->table));
        dropped_labels.push_back(d->table.name);
        continue;
      }
      if (!dropped_tables.empty()) flush_drops(dropped_tables, dropped_labels);
      if (!std::holds_alternative<diff::CreateTable>(change)) flush_foreign_keys();
      std::visit([&](const auto& c) { render(c); }, change);
    }
    flush_drops(dropped_tables, dropped_labels);
    flush_foreign_keys();
    if (!after_.empty()) {
      // Outside the transaction, each in its own: session timeouts first.
      Statement timeout = stmt("SET lock_timeout = " + quote_string(plan_.options.lock_timeout), "online: bounded lock waits");
      timeout.phase = Statement::Phase::AfterTransaction;
      timeout.after_commit = true;
      out_.push_back(timeout);
      if (!plan_.options.statement_timeout.empty()) {
        Statement st = stmt("SET statement_timeout = " + quote_string(plan_.options.statement_timeout), "");
        st.phase = Statement::Phase::AfterTransaction;
        st.after_commit = true;
        out_.push_back(st);
      }
      out_.insert(out_.end(), after_.begin(), after_.end());
    }
    return std::move(out_);
  }

 private:
  // Schemas that new tables or types live in and that hold nothing yet.
  void create_schemas() {
    std::set<std::string> existing, needed;
    for (const model::Table& t : plan_.current.tables) existing.insert(t.schema);
    for (const model::EnumType& e : plan_.current.enums) existing.insert(e.schema);
    for (const model::Domain& d : plan_.current.domains) existing.insert(d.schema);
    for (const model::Sequence& q : plan_.current.sequences) existing.insert(q.schema);
    for (const diff::Change& change : plan_.changes) {
      if (auto* c = std::get_if<diff::CreateTable>(&change)) needed.insert(c->table.schema);
      if (auto* e = std::get_if<diff::CreateEnum>(&change)) needed.insert(e->type.schema);
      if (auto* d = std::get_if<diff::CreateDomain>(&change)) needed.insert(d->domain.schema);
      if (auto* q = std::get_if<diff::CreateSequence>(&change)) needed.insert(q->sequence.schema);
      if (auto* v = std::get_if<diff::CreateView>(&change)) needed.insert(v->view.schema);
      if (auto* f = std::get_if<diff::CreateFunction>(&change)) needed.insert(f->function.schema);
    }
    for (const model::View& v : plan_.current.views) existing.insert(v.schema);
    for (const model::Function& f : plan_.current.functions) existing.insert(f.schema);
    for (const std::string& schema : needed)
      if (!schema.empty() && !existing.count(schema))
        out_.push_back(stmt("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(schema), "schema " + schema));
  }

  // A statement that runs after the plan's transaction, outside any transaction.
  void after(std::string sql, std::string comment) {
    Statement s = stmt(std::move(sql), std::move(comment));
    s.phase = Statement::Phase::AfterTransaction;
    s.after_commit = true;
    after_.push_back(std::move(s));
  }
  bool existing(const std::string& table) const { return plan_.current.find_table(table) != nullptr; }

  void flush_drops(std::vector<std::string>& tables, std::vector<std::string>& labels) {
    if (tables.empty()) return;
    // One statement, so that foreign keys between the dropped tables need no order.
    std::string sql = "DROP TABLE ";
    std::string comment = "drop table";
    for (std::size_t i = 0; i < tables.size(); ++i) {
      sql += (i ? ", " : "") + tables[i];
      comment += (i ? ", " : " ") + labels[i];
    }
    out_.push_back(stmt(sql, comment + " and its rows", true));
    tables.clear();
    labels.clear();
  }

  void flush_foreign_keys() {
    out_.insert(out_.end(), pending_foreign_keys_.begin(), pending_foreign_keys_.end());
    pending_foreign_keys_.clear();
  }

  void drop_constraints(const diff::ModifyTable& m) {
    const std::string table = table_name(m.to);
    auto drop = [&](const std::string& stored, const std::string& what) {
      out_.push_back(stmt("ALTER TABLE " + table + " DROP CONSTRAINT " + quote_identifier(stored), what));
    };
    for (const diff::TableChange& change : m.changes) {
      if (auto* c = std::get_if<diff::DropForeignKey>(&change)) drop(c->foreign_key.stored_name, diff::describe(change, m.to.name));
      if (auto* c = std::get_if<diff::DropUnique>(&change)) drop(c->unique.stored_name, diff::describe(change, m.to.name));
      if (auto* c = std::get_if<diff::DropCheck>(&change)) drop(c->check.stored_name, diff::describe(change, m.to.name));
      if (auto* c = std::get_if<diff::DropExclusion>(&change)) drop(c->exclusion.stored_name, diff::describe(change, m.to.name));
      if (auto* c = std::get_if<diff::ChangePrimaryKey>(&change); c && c->from)
        drop(c->from->stored_name, "drop the primary key of " + m.to.name);
    }
  }

  void render(const diff::CreateExtension& c) {
    out_.push_back(stmt("CREATE EXTENSION IF NOT EXISTS " + quote_identifier(c.name), "create extension " + c.name));
  }
  void render(const diff::CreateEnum& c) { out_.push_back(stmt(create_enum(c.type), "create enum type " + c.type.name)); }
  void render(const diff::DropEnum& c) {
    out_.push_back(stmt("DROP TYPE " + qualified(c.type.schema, c.type.name), "drop enum type " + c.type.name, true));
  }
  void render(const diff::AddEnumValue& c) {
    std::string sql = "ALTER TYPE " + qualified(c.type.schema, c.type.name) + " ADD VALUE IF NOT EXISTS " + quote_string(c.value);
    if (!c.before.empty()) sql += " BEFORE " + quote_string(c.before);
    // A new label cannot be used in the transaction that adds it: it is committed first.
    Statement s = stmt(sql, diff::describe(diff::Change{c}) + " (committed before the rest, so the plan can use it)");
    s.phase = Statement::Phase::BeforeTransaction;
    s.commit_first = true;
    out_.push_back(s);
  }
  void render(const diff::RenameIndex& c) {
    const model::Table* t = plan_.current.find_table(c.table);
    out_.push_back(stmt("ALTER INDEX " + qualified(t ? t->schema : "", c.from) + " RENAME TO " + quote_identifier(c.index.name),
                        "rename index " + c.from + " to " + c.index.name));
  }
  void render(const diff::RenameEnumValue& c) {
    out_.push_back(stmt("ALTER TYPE " + qualified(c.type.schema, c.type.name) + " RENAME VALUE " + quote_string(c.from) +
                            " TO " + quote_string(c.to),
                        "rename label " + c.from + " of " + c.type.name + " to " + c.to + " (rows keep it)"));
  }
  void render(const diff::ReplaceEnum& c) {
    const std::string old_name = qualified(c.from.schema, c.from.name);
    const std::string temp = c.to.name + "__strata_new";
    model::EnumType replacement = c.to;
    replacement.name = temp;
    out_.push_back(stmt(create_enum(replacement), "replace enum type " + c.to.name + ": the new labels", true));
    // Every column of that type is cast through text; a row holding a removed label makes this fail.
    const std::string type_text = c.from.schema.empty() ? c.from.name : c.from.schema + "." + c.from.name;
    for (const model::Table& t : plan_.current.tables) {
      for (const model::Column& col : t.columns) {
        if (col.type != type_text && col.type != quote_identifier(c.from.name)) continue;
        const std::string prefix = "ALTER TABLE " + table_name(t) + " ALTER COLUMN " + quote_identifier(col.name);
        if (col.default_value) out_.push_back(stmt(prefix + " DROP DEFAULT", ""));
        out_.push_back(stmt(prefix + " TYPE " + qualified(c.to.schema, temp) + " USING " + quote_identifier(col.name) +
                                "::text::" + qualified(c.to.schema, temp),
                            "column " + t.name + "." + col.name + " to the new labels"));
        if (col.default_value && col.default_value->kind == model::Default::Kind::Literal &&
            std::find(c.to.values.begin(), c.to.values.end(), col.default_value->literal.text) != c.to.values.end())
          out_.push_back(stmt(prefix + " SET DEFAULT " + quote_string(col.default_value->literal.text), ""));
      }
    }
    out_.push_back(stmt("DROP TYPE " + old_name, "", true));
    out_.push_back(stmt("ALTER TYPE " + qualified(c.to.schema, temp) + " RENAME TO " + quote_identifier(c.to.name), ""));
  }
  void render(const diff::CreateDomain& c) {
    const model::Domain& d = c.domain;
    std::string sql = "CREATE DOMAIN " + qualified(d.schema, d.name) + " AS " + declared_type(d.type);
    if (d.default_value) sql += " DEFAULT " + default_sql(*d.default_value, d.type);
    if (d.not_null) sql += " NOT NULL";
    for (const model::CheckConstraint& check : d.checks) sql += " " + check_clause(check);
    out_.push_back(stmt(sql, "create domain " + d.name));
    if (d.comment) out_.push_back(stmt("COMMENT ON DOMAIN " + qualified(d.schema, d.name) + " IS " + comment_literal(d.comment), ""));
  }
  void render(const diff::DropDomain& c) {
    out_.push_back(stmt("DROP DOMAIN " + qualified(c.domain.schema, c.domain.name), "drop domain " + c.domain.name));
  }
  void render(const diff::AlterDomain& c) {
    const std::string domain = "ALTER DOMAIN " + qualified(c.to.schema, c.to.name);
    const std::string what = "alter domain " + c.to.name;
    auto defaults_differ = [&] {
      if (c.from.default_value.has_value() != c.to.default_value.has_value()) return true;
      return c.to.default_value && default_sql(*c.from.default_value, c.from.type) != default_sql(*c.to.default_value, c.to.type);
    };
    if (defaults_differ())
      out_.push_back(stmt(c.to.default_value ? domain + " SET DEFAULT " + default_sql(*c.to.default_value, c.to.type)
                                             : domain + " DROP DEFAULT", what + ": default"));
    if (c.from.not_null != c.to.not_null)
      out_.push_back(stmt(domain + (c.to.not_null ? " SET NOT NULL" : " DROP NOT NULL"), what + ": not null"));
    bool checks_same = c.from.checks.size() == c.to.checks.size();
    for (std::size_t i = 0; checks_same && i < c.to.checks.size(); ++i)
      checks_same = c.from.checks[i].name == c.to.checks[i].name && c.from.checks[i].expression == c.to.checks[i].expression;
    if (!checks_same) {
      for (const model::CheckConstraint& check : c.from.checks)
        out_.push_back(stmt(domain + " DROP CONSTRAINT " + quote_identifier(check.stored_name), what + ": drop check"));
      for (const model::CheckConstraint& check : c.to.checks) out_.push_back(stmt(domain + " ADD " + check_clause(check), what + ": add check"));
    }
    if (c.from.comment != c.to.comment)
      out_.push_back(stmt("COMMENT ON DOMAIN " + qualified(c.to.schema, c.to.name) + " IS " + comment_literal(c.to.comment), what + ": comment"));
  }
  static std::string sequence_options(const model::Sequence& q, bool altering) {
    std::string sql = " AS " + q.type;
    sql += " INCREMENT BY " + std::to_string(q.increment.value_or(1));
    sql += q.min_value ? " MINVALUE " + std::to_string(*q.min_value) : std::string(" NO MINVALUE");
    sql += q.max_value ? " MAXVALUE " + std::to_string(*q.max_value) : std::string(" NO MAXVALUE");
    if (q.start || !altering) sql += q.start ? " START WITH " + std::to_string(*q.start) : std::string();
    sql += " CACHE " + std::to_string(q.cache.value_or(1));
    sql += q.cycle ? " CYCLE" : " NO CYCLE";
    return sql;
  }
  void render(const diff::CreateSequence& c) {
    out_.push_back(stmt("CREATE SEQUENCE " + qualified(c.sequence.schema, c.sequence.name) + sequence_options(c.sequence, false),
                        "create sequence " + c.sequence.name));
    if (c.sequence.comment)
      out_.push_back(stmt("COMMENT ON SEQUENCE " + qualified(c.sequence.schema, c.sequence.name) + " IS " +
                          comment_literal(c.sequence.comment), ""));
  }
  void render(const diff::DropSequence& c) {
    out_.push_back(stmt("DROP SEQUENCE " + qualified(c.sequence.schema, c.sequence.name), "drop sequence " + c.sequence.name));
  }
  void render(const diff::AlterSequence& c) {
    out_.push_back(stmt("ALTER SEQUENCE " + qualified(c.to.schema, c.to.name) + sequence_options(c.to, true),
                        "alter sequence " + c.to.name));
    if (c.from.comment != c.to.comment)
      out_.push_back(stmt("COMMENT ON SEQUENCE " + qualified(c.to.schema, c.to.name) + " IS " + comment_literal(c.to.comment), ""));
  }

  void render(const diff::CreateTable& c) {
    out_.push_back(stmt(create_table(c.table), "create table " + c.table.name));
    for (const model::CheckConstraint& check : c.table.checks)
      if (check.not_valid)
        out_.push_back(stmt("ALTER TABLE " + table_name(c.table) + " ADD " + check_clause(check), "add check (not valid)"));
    comments(c.table);
    table_extras(c.table);
    for (const model::ForeignKey& fk : c.table.foreign_keys)
      pending_foreign_keys_.push_back(stmt("ALTER TABLE " + table_name(c.table) + " ADD " + foreign_key_clause(fk, c.table.schema),
                                           "add foreign key " + c.table.name + " -> " + fk.ref_table));
  }
  void render(const diff::DropTable&) {}  // gathered in run()
  void render(const diff::RenameTable& c) {
    const model::Table* t = plan_.desired.find_table(c.to);
    const std::string schema = t ? t->schema : "";
    out_.push_back(stmt("ALTER TABLE " + qualified(schema, c.from) + " RENAME TO " + quote_identifier(c.to),
                        "rename table " + c.from + " to " + c.to));
    // Names PostgreSQL chose from the old table name follow it, as they would for a new table.
    if (const model::Table* old = plan_.current.find_table(c.from)) {
      std::vector<std::string> names;
      if (old->primary_key && !old->primary_key->name) names.push_back(old->primary_key->stored_name);
      for (const auto& u : old->uniques) if (!u.name) names.push_back(u.stored_name);
      for (const auto& f : old->foreign_keys) if (!f.name) names.push_back(f.stored_name);
      for (const auto& k : old->checks) if (!k.name) names.push_back(k.stored_name);
      for (const std::string& n : names) {
        if (n.rfind(c.from + "_", 0) != 0) continue;
        const std::string renamed = c.to + n.substr(c.from.size());
        out_.push_back(stmt("ALTER TABLE " + qualified(schema, c.to) + " RENAME CONSTRAINT " + quote_identifier(n) + " TO " +
                                quote_identifier(renamed),
                            "constraint " + n + " follows the table's new name"));
      }
    }
  }
  void render(const diff::CreateIndex& c) {
    const model::Table* t = plan_.desired.find_table(c.table);
    model::Table fallback;
    fallback.name = c.table;
    std::string sql = create_index(t ? *t : fallback, c.index);
    if (online_ && existing(c.table)) {
      // Built without blocking writes; CONCURRENTLY cannot run inside a transaction.
      sql.replace(sql.find(" INDEX ") + 7, 0, "CONCURRENTLY ");
      after(sql, "create index " + c.index.name + " on " + c.table + " without blocking writes");
      return;
    }
    out_.push_back(stmt(sql, "create index " + c.index.name + " on " + c.table));
  }
  void render(const diff::DropIndex& c) {
    const model::Table* t = plan_.current.find_table(c.table);
    if (online_) {
      Statement s = stmt("DROP INDEX CONCURRENTLY " + qualified(t ? t->schema : "", c.index.name),
                         "drop index " + c.index.name + " without blocking writes");
      s.phase = Statement::Phase::BeforeTransaction;
      s.commit_first = true;
      out_.push_back(s);
      return;
    }
    out_.push_back(stmt("DROP INDEX " + qualified(t ? t->schema : "", c.index.name), "drop index " + c.index.name));
  }
  void render(const diff::CreateView& c) {
    const model::View& v = c.view;
    const std::string kind = v.materialized ? "MATERIALIZED VIEW " : "VIEW ";
    if (c.replace && v.materialized) {  // only its comment changes: there is no CREATE OR REPLACE for it
      out_.push_back(stmt("COMMENT ON " + kind + qualified(v.schema, v.name) + " IS " + comment_literal(v.comment),
                          "comment on materialized view " + v.name));
      return;
    }
    std::string sql = (c.replace ? "CREATE OR REPLACE " : "CREATE ") + kind + qualified(v.schema, v.name);
    if (!v.columns.empty()) sql += " (" + join_names(v.columns) + ")";
    sql += " AS\n" + without_final_semicolon(v.sql);
    if (v.materialized && !v.with_data) sql += "\nWITH NO DATA";
    out_.push_back(stmt(sql, diff::describe(diff::Change(c))));
    if (v.comment || c.replace)
      out_.push_back(stmt("COMMENT ON " + kind + qualified(v.schema, v.name) + " IS " + comment_literal(v.comment), ""));
  }
  void render(const diff::DropView& c) {
    const std::string kind = c.view.materialized ? "MATERIALIZED VIEW " : "VIEW ";
    out_.push_back(stmt("DROP " + kind + qualified(c.view.schema, c.view.name), diff::describe(diff::Change(c)),
                        c.view.materialized));
  }
  void render(const diff::CreateTrigger& c) {
    out_.push_back(stmt(without_final_semicolon(c.trigger.sql), "create trigger " + c.trigger.name + " on " + c.trigger.table));
  }
  void render(const diff::DropTrigger& c) {
    out_.push_back(stmt("DROP TRIGGER " + quote_identifier(c.trigger.name) + " ON " + qualified_reference(c.trigger.table, ""),
                        "drop trigger " + c.trigger.name + " on " + c.trigger.table));
  }
  void render(const diff::CreateFunction& c) {
    const model::Function& f = c.function;
    out_.push_back(stmt(without_final_semicolon(f.definition.empty() ? f.sql : f.definition), diff::describe(diff::Change(c))));
    // A function as the document writes it has no known argument types yet
    // (scratch creation); its comment is compared from the document.
    const bool signature_known = !f.definition.empty();
    if (signature_known && (f.comment || c.replace))
      out_.push_back(stmt("COMMENT ON " + function_reference(f) + " IS " + comment_literal(f.comment), ""));
  }
  void render(const diff::DropDefault& c) {
    out_.push_back(stmt("ALTER TABLE " + table_name(c.table) + " ALTER COLUMN " + quote_identifier(c.column) + " DROP DEFAULT",
                        diff::describe(diff::Change(c))));
  }
  void render(const diff::DropFunction& c) {
    out_.push_back(stmt("DROP " + function_reference(c.function), diff::describe(diff::Change(c))));
  }
  // Always schema-qualified, as PostgreSQL prints the function when it is created.
  static std::string function_reference(const model::Function& f) {
    return std::string(f.procedure ? "PROCEDURE " : "FUNCTION ") + quote_identifier(f.schema.empty() ? "public" : f.schema) +
           "." + quote_identifier(f.name) + "(" + f.arguments + ")";
  }
  static std::string policy_clauses(const model::Policy& p, bool with_roles) {
    std::string out;
    if (with_roles) {
      std::vector<std::string> roles;
      for (const std::string& r : p.roles) roles.push_back(r == "public" ? "PUBLIC" : quote_identifier(r));
      out += " TO " + (roles.empty() ? std::string("PUBLIC") : join_list(roles));
    }
    if (p.using_clause) out += " USING (" + *p.using_clause + ")";
    if (p.with_check) out += " WITH CHECK (" + *p.with_check + ")";
    return out;
  }
  void render(const diff::CreatePolicy& c) {
    const model::Policy& p = c.policy;
    std::string sql = "CREATE POLICY " + quote_identifier(p.name) + " ON " + qualified_reference(c.table, "");
    if (p.restrictive) sql += " AS RESTRICTIVE";
    if (p.command != "all") sql += " FOR " + upper(p.command);
    out_.push_back(stmt(sql + policy_clauses(p, true), diff::describe(diff::Change(c))));
  }
  void render(const diff::DropPolicy& c) {
    out_.push_back(stmt("DROP POLICY " + quote_identifier(c.policy.name) + " ON " + qualified_reference(c.table, ""),
                        diff::describe(diff::Change(c))));
  }
  void render(const diff::AlterPolicy& c) {
    // ALTER POLICY can set a USING or WITH CHECK but not take one away.
    if ((c.from.using_clause && !c.to.using_clause) || (c.from.with_check && !c.to.with_check)) {
      render(diff::DropPolicy{c.table, c.from});
      render(diff::CreatePolicy{c.table, c.to});
      return;
    }
    out_.push_back(stmt("ALTER POLICY " + quote_identifier(c.to.name) + " ON " + qualified_reference(c.table, "") +
                            policy_clauses(c.to, true),
                        diff::describe(diff::Change(c))));
  }
  std::string grant_target(const model::Grant& g) const {
    if (g.kind == "schema") return "SCHEMA " + quote_identifier(g.object);
    if (g.kind == "sequence") return "SEQUENCE " + qualified_reference(g.object, "");
    if (g.kind == "function") {
      const std::size_t open = g.object.find('(');
      // ROUTINE (either kind) when the object is not known yet.
      std::string kind = "ROUTINE ";
      for (const auto* functions : {&plan_.desired.functions, &plan_.current.functions})
        for (const model::Function& f : *functions)
          if (f.signature() == g.object) kind = f.procedure ? "PROCEDURE " : "FUNCTION ";
      const std::string name = g.object.substr(0, open);
      const std::size_t dot = name.find('.');
      const std::string schema = dot == std::string::npos ? "public" : name.substr(0, dot);
      return kind + quote_identifier(schema) + "." +
             quote_identifier(dot == std::string::npos ? name : name.substr(dot + 1)) +
             (open == std::string::npos ? "()" : g.object.substr(open));
    }
    return "TABLE " + qualified_reference(g.object, "");
  }
  static std::string privilege_list(std::vector<std::string> privileges) {
    std::stable_sort(privileges.begin(), privileges.end(),
                     [](const std::string& a, const std::string& b) { return privilege_rank(a) < privilege_rank(b); });
    return join_list(privileges);
  }
  static std::string grantee(const std::string& role) { return role == "public" ? "PUBLIC" : quote_identifier(role); }
  void render(const diff::GrantPrivileges& c) {
    const model::Grant& g = c.grant;
    out_.push_back(stmt("GRANT " + privilege_list(g.privileges) + " ON " + grant_target(g) + " TO " + grantee(g.grantee) +
                            (g.grant_option ? " WITH GRANT OPTION" : ""),
                        diff::describe(diff::Change(c))));
  }
  void render(const diff::RevokePrivileges& c) {
    const model::Grant& g = c.grant;
    out_.push_back(stmt(std::string("REVOKE ") + (c.option_only ? "GRANT OPTION FOR " : "") + privilege_list(g.privileges) +
                            " ON " + grant_target(g) + " FROM " + grantee(g.grantee),
                        diff::describe(diff::Change(c))));
  }
  // After a table is created: its row-level security switches and its partitions.
  void table_extras(const model::Table& t) {
    if (t.row_security) out_.push_back(stmt("ALTER TABLE " + table_name(t) + " ENABLE ROW LEVEL SECURITY", ""));
    if (t.force_row_security) out_.push_back(stmt("ALTER TABLE " + table_name(t) + " FORCE ROW LEVEL SECURITY", ""));
    for (const model::Partition& p : t.partitions) out_.push_back(stmt(create_partition(t, p), "partition " + p.name + " of " + t.name));
  }

  void comments(const model::Table& t) {
    if (t.comment) out_.push_back(stmt("COMMENT ON TABLE " + table_name(t) + " IS " + comment_literal(t.comment), ""));
    for (const model::Column& c : t.columns)
      if (c.comment)
        out_.push_back(stmt("COMMENT ON COLUMN " + table_name(t) + "." + quote_identifier(c.name) + " IS " +
                                comment_literal(c.comment),
                            ""));
  }

  void render(const diff::ModifyTable& m) {
    const std::string table = "ALTER TABLE " + table_name(m.to);
    for (const diff::TableChange& change : m.changes) {
      const std::string what = diff::describe(change, m.to.name);
      if (auto* c = std::get_if<diff::RenameColumn>(&change)) {
        out_.push_back(stmt(table + " RENAME COLUMN " + quote_identifier(c->from) + " TO " + quote_identifier(c->to), what));
        rename_default_names(m, c->from, c->to);
      }
      if (auto* rc = std::get_if<diff::RenameConstraint>(&change))
        out_.push_back(stmt(table + " RENAME CONSTRAINT " + quote_identifier(rc->from) + " TO " + quote_identifier(rc->to), what));
    }
    for (const diff::TableChange& change : m.changes) {
      const std::string what = diff::describe(change, m.to.name);
      if (auto* add = std::get_if<diff::AddColumn>(&change)) {
        out_.push_back(stmt(table + " ADD COLUMN " + column_definition(add->column), what));
        if (add->column.comment)
          out_.push_back(stmt("COMMENT ON COLUMN " + table_name(m.to) + "." + quote_identifier(add->column.name) + " IS " +
                                  comment_literal(add->column.comment), ""));
      } else if (auto* dropped = std::get_if<diff::DropColumn>(&change)) {
        out_.push_back(stmt(table + " DROP COLUMN " + quote_identifier(dropped->column.name), what + " and its data", true));
      } else if (auto* alter = std::get_if<diff::AlterColumn>(&change)) {
        alter_column(m, *alter);
      } else if (auto* pk = std::get_if<diff::ChangePrimaryKey>(&change); pk && pk->to) {
        std::string s = table + " ADD ";
        if (pk->to->name) s += "CONSTRAINT " + quote_identifier(*pk->to->name) + " ";
        out_.push_back(stmt(s + "PRIMARY KEY (" + join_names(pk->to->columns) + ")", what));
      } else if (auto* uq = std::get_if<diff::AddUnique>(&change)) {
        std::string s = table + " ADD ";
        if (uq->unique.name) s += "CONSTRAINT " + quote_identifier(*uq->unique.name) + " ";
        s += uq->unique.nulls_not_distinct ? "UNIQUE NULLS NOT DISTINCT (" : "UNIQUE (";
        out_.push_back(stmt(s + join_names(uq->unique.columns) + ")", what));
      } else if (auto* ck = std::get_if<diff::AddCheck>(&change)) {
        if (online_ && !ck->check.not_valid) {
          // Added without scanning the table, then validated with a lighter lock.
          model::CheckConstraint check = ck->check;
          if (!check.name) check.name = m.to.name + "_check";
          check.not_valid = true;
          out_.push_back(stmt(table + " ADD " + check_clause(check), what + " (not valid yet)"));
          after(table + " VALIDATE CONSTRAINT " + quote_identifier(*check.name), "validate the check on " + m.to.name);
        } else {
          out_.push_back(stmt(table + " ADD " + check_clause(ck->check), what));
        }
      } else if (auto* fk = std::get_if<diff::AddForeignKey>(&change)) {
        if (online_ && !fk->foreign_key.not_valid) {
          model::ForeignKey key = fk->foreign_key;
          if (!key.name) {
            std::string name = m.to.name;
            for (const std::string& c : key.columns) name += "_" + c;
            key.name = name + "_fkey";
          }
          key.not_valid = true;
          out_.push_back(stmt(table + " ADD " + foreign_key_clause(key, m.to.schema), what + " (not valid yet)"));
          after(table + " VALIDATE CONSTRAINT " + quote_identifier(*key.name), "validate the foreign key of " + m.to.name);
        } else {
          out_.push_back(stmt(table + " ADD " + foreign_key_clause(fk->foreign_key, m.to.schema), what));
        }
      } else if (auto* note = std::get_if<diff::SetTableComment>(&change)) {
        out_.push_back(stmt("COMMENT ON TABLE " + table_name(m.to) + " IS " + comment_literal(note->comment), what));
      } else if (auto* x = std::get_if<diff::AddExclusion>(&change)) {
        out_.push_back(stmt(table + " ADD " + exclusion_clause(x->exclusion), what));
      } else if (auto* rls = std::get_if<diff::SetRowSecurity>(&change)) {
        if (rls->enable_changed) out_.push_back(stmt(table + (rls->enable ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY", what));
        if (rls->force_changed) out_.push_back(stmt(table + (rls->force ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY", what));
      } else if (auto* ap = std::get_if<diff::AddPartition>(&change)) {
        out_.push_back(stmt(create_partition(m.to, ap->partition), what));
      } else if (auto* dp = std::get_if<diff::DropPartition>(&change)) {
        out_.push_back(stmt("DROP TABLE " + qualified(dp->partition.schema, dp->partition.name), what + " and its rows", true));
      } else if (auto* cb = std::get_if<diff::ChangePartitionBound>(&change)) {
        const std::string partition = qualified(cb->to.schema, cb->to.name);
        out_.push_back(stmt(table + " DETACH PARTITION " + partition, what));
        out_.push_back(stmt(table + " ATTACH PARTITION " + partition + " " + cb->to.bound, ""));
      }
    }
  }

  // Constraint names PostgreSQL built from a column's old name follow the new one.
  void rename_default_names(const diff::ModifyTable& m, const std::string& from, const std::string& to) {
    std::vector<std::string> names;
    if (m.from.primary_key && !m.from.primary_key->name) names.push_back(m.from.primary_key->stored_name);
    for (const auto& u : m.from.uniques) if (!u.name) names.push_back(u.stored_name);
    for (const auto& f : m.from.foreign_keys) if (!f.name) names.push_back(f.stored_name);
    for (const auto& k : m.from.checks) if (!k.name) names.push_back(k.stored_name);
    // If the table was renamed in this plan, its default names were renamed first.
    std::string old_table;
    for (const diff::Change& change : plan_.changes)
      if (auto* r = std::get_if<diff::RenameTable>(&change); r && r->to == m.to.name) old_table = r->from;
    for (std::string& n : names)
      if (!old_table.empty() && n.rfind(old_table + "_", 0) == 0) n = m.to.name + n.substr(old_table.size());
    const std::string needle = "_" + from + "_";
    for (const std::string& n : names) {
      const std::size_t at = n.find(needle, m.from.name.size());
      if (n.rfind(m.from.name + "_", 0) != 0 || at == std::string::npos) continue;
      const std::string renamed = n.substr(0, at) + "_" + to + "_" + n.substr(at + needle.size());
      out_.push_back(stmt("ALTER TABLE " + table_name(m.to) + " RENAME CONSTRAINT " + quote_identifier(n) + " TO " +
                              quote_identifier(renamed),
                          "constraint " + n + " follows the column's new name"));
    }
  }

  void alter_column(const diff::ModifyTable& m, const diff::AlterColumn& c) {
    const std::string table = "ALTER TABLE " + table_name(m.to);
    const std::string column = quote_identifier(c.to.name);
    const std::string prefix = table + " ALTER COLUMN " + column;
    const std::string what = "column " + m.to.name + "." + c.to.name;
    if (c.generated_changed) {
      // A generated expression cannot be altered in place: the column is computed again.
      out_.push_back(stmt(table + " DROP COLUMN " + column, what + ": drop to change how it is generated"));
      out_.push_back(stmt(table + " ADD COLUMN " + column_definition(c.to), what + ": add it back"));
      return;
    }
    if (c.identity_changed && c.from.identity) {
      if (!c.to.identity) {
        out_.push_back(stmt(prefix + " DROP IDENTITY", what + ": drop identity"));
      } else {
        // The kind and the sequence options in one ALTER; options left out return to their defaults.
        model::SequenceOptions defaults_back = c.to.identity_sequence();
        const model::SequenceOptions from = c.from.identity_sequence();
        std::string sql = prefix + " SET GENERATED " + (*c.to.identity == "always" ? "ALWAYS" : "BY DEFAULT");
        sql += identity_options_sql(defaults_back, " SET ");
        if (!defaults_back.increment && from.increment) sql += " SET INCREMENT BY 1";
        if (!defaults_back.min_value && from.min_value) sql += " SET NO MINVALUE";
        if (!defaults_back.max_value && from.max_value) sql += " SET NO MAXVALUE";
        if (!defaults_back.cache && from.cache) sql += " SET CACHE 1";
        if (!defaults_back.cycle && from.cycle) sql += " SET NO CYCLE";
        out_.push_back(stmt(sql, what + ": identity"));
      }
    }
    const auto from_serial = serial_base(c.from.type), to_serial = serial_base(c.to.type);
    const std::string from_type = from_serial.value_or(c.from.type), to_type = to_serial.value_or(c.to.type);
    const bool type_changed = from_type != to_type;
    if (from_serial && !to_serial) {
      // The column stops being serial: its default and the sequence it owns go.
      out_.push_back(stmt(prefix + " DROP DEFAULT", what + ": no longer serial"));
      out_.push_back(stmt("DO " + dollar_quoted("BEGIN EXECUTE format('DROP SEQUENCE %s', pg_get_serial_sequence(" +
                                                quote_string(table_name(m.to)) + ", " + quote_string(c.to.name) + ")); END"),
                          what + ": drop the sequence it owned"));
    }
    if ((c.default_changed || type_changed) && c.from.default_value)
      out_.push_back(stmt(prefix + " DROP DEFAULT", what + ": drop default"));
    if (type_changed || c.collation_changed) {
      const std::string type = declared_type(to_type);
      std::string sql = prefix + " TYPE " + type;
      if (c.to.collation) sql += " COLLATE " + quote_identifier(*c.to.collation);
      if (type_changed && needs_using(from_type, to_type)) sql += " USING " + column + "::" + type;
      out_.push_back(stmt(sql, what + ": type " + c.from.type + " -> " + c.to.type, type_changed));
    }
    if (to_serial && !from_serial) {
      // The column becomes serial: a sequence it owns, continuing after its values, as its default.
      const std::string sequence = qualified(m.to.schema, m.to.name + "_" + c.to.name + "_seq");
      out_.push_back(stmt("CREATE SEQUENCE " + sequence + " AS " + to_type + " OWNED BY " + table_name(m.to) + "." + column,
                          what + ": becomes serial"));
      out_.push_back(stmt("SELECT setval(" + quote_string(sequence) + ", COALESCE(max(" + column + "), 0) + 1, false) FROM " +
                              table_name(m.to), ""));
      out_.push_back(stmt(prefix + " SET DEFAULT nextval(" + quote_string(sequence) + "::regclass)", ""));
    }
    if (c.nullability_changed && !c.to.nullable && online_) {
      // SET NOT NULL scans the table under an exclusive lock, unless a validated
      // check already proves it: add one NOT VALID, validate it, then set and drop it.
      const std::string check = quote_identifier(m.to.name + "_" + c.to.name + "_not_null");
      out_.push_back(stmt(table + " ADD CONSTRAINT " + check + " CHECK (" + column + " IS NOT NULL) NOT VALID",
                          what + ": not null, checked without a long lock"));
      after(table + " VALIDATE CONSTRAINT " + check, what + ": validate");
      after(prefix + " SET NOT NULL", what + ": set not null (proved by the check)");
      after(table + " DROP CONSTRAINT " + check, "");
    } else if (c.nullability_changed) {
      out_.push_back(stmt(prefix + (c.to.nullable ? " DROP NOT NULL" : " SET NOT NULL"), what + (c.to.nullable ? ": drop not null" : ": set not null")));
    }
    if ((c.default_changed || type_changed) && c.to.default_value)
      out_.push_back(stmt(prefix + " SET DEFAULT " + default_sql(*c.to.default_value, c.to.type), what + ": default"));
    if (c.identity_changed && !c.from.identity && c.to.identity) {
      const std::string options = identity_options_sql(c.to.identity_sequence(), " ");
      out_.push_back(stmt(prefix + " ADD GENERATED " + (*c.to.identity == "always" ? "ALWAYS" : "BY DEFAULT") + " AS IDENTITY" +
                              (options.empty() ? std::string() : " (" + options.substr(1) + ")"),
                          what + ": identity"));
      // The new sequence starts past the values the column already holds.
      out_.push_back(stmt("SELECT setval(pg_get_serial_sequence(" + quote_string(table_name(m.to)) + ", " +
                              quote_string(c.to.name) + "), COALESCE(max(" + column + "), 0) + 1, false) FROM " +
                              table_name(m.to),
                          what + ": identity continues after the existing values"));
    }
    if (c.comment_changed)
      out_.push_back(stmt("COMMENT ON COLUMN " + table_name(m.to) + "." + column + " IS " + comment_literal(c.to.comment),
                          what + ": comment"));
  }


  const plan::Plan& plan_;
  bool online_;
  std::vector<Statement> out_;
  std::vector<Statement> pending_foreign_keys_;
  std::vector<Statement> after_;
};

}  // namespace

std::vector<Statement> render_plan(const plan::Plan& plan) {
  if (plan.empty()) return {};
  return Renderer(plan).run();
}

}  // namespace strata::dialect::postgresql
