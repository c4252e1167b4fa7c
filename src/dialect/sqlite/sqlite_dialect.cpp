#include "dialect/sqlite/sqlite_dialect.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <stdexcept>

#include "dialect/sqlite/connection.hpp"
#include "dialect/sqlite/database.hpp"
#include "dialect/sqlite/ddl.hpp"
#include "dialect/sqlite/introspector.hpp"
#include "dialect/sqlite/lexer.hpp"
#include "dialect/sqlite/renderer.hpp"
#include "strata/diff/unchanged.hpp"
#include "strata/dialect/document_details.hpp"
#include "strata/model/types.hpp"

namespace strata::dialect::sqlite {

namespace {

using model::iequals;
using model::to_lower;

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// Whether a string, quoted name, blob or comment token is closed. The lexer
// ends an unclosed one at the end of the input.
bool token_closed(const Token& t, const std::string& sql) {
  const std::string& s = t.text;
  switch (t.kind) {
    case Token::Kind::String:
    case Token::Kind::QuotedIdentifier: {
      const char close = s[0] == '[' ? ']' : s[0];
      for (std::size_t i = 1; i < s.size(); ++i) {
        if (s[i] != close) continue;
        if (close != ']' && i + 1 < s.size() && s[i + 1] == close) {
          ++i;
          continue;
        }
        return i + 1 == s.size();
      }
      return false;
    }
    case Token::Kind::Blob:
      return s.size() >= 3 && s.back() == '\'';
    case Token::Kind::Comment:
      if (s.compare(0, 2, "/*") == 0) return s.size() >= 4 && s.compare(s.size() - 2, 2, "*/") == 0;
      return t.end < sql.size();  // a line comment is closed by the line break after it
    default:
      return true;
  }
}

// Why SQL from the document would not stay inside the place the renderer puts
// it in, or nothing. Expressions, view queries and trigger statements go into
// the plan as written, so a ")" that closes more than the text opened, a ";"
// in an expression, or a string, name or comment left open (which takes in
// the SQL after it) would let the text end its clause and add SQL of its own.
// SQLite itself accepts some of these whenever the result still parses.
std::optional<std::string> leaves_its_clause(const std::string& sql, bool expression) {
  int depth = 0;
  for (const Token& t : tokenize(sql)) {
    if (!token_closed(t, sql)) {
      if (t.kind == Token::Kind::Comment && t.text.compare(0, 2, "--") == 0)
        return std::string("it ends in a -- comment, which would comment out the SQL after it");
      return std::string(t.kind == Token::Kind::Comment ? "it leaves a /* comment open"
                                                         : "it leaves a string or quoted name open");
    }
    if (t.is_punct("(")) ++depth;
    if (t.is_punct(")") && --depth < 0) return std::string("it closes a parenthesis it did not open");
    if (t.is_punct(";") && expression) return std::string("it holds a \";\", which would end the statement");
  }
  if (depth > 0) return std::string("it leaves a parenthesis open");
  return std::nullopt;
}

// In-memory databases the desired schema is created in, to be read back as
// SQLite stores it. SQLite re-reads its schema table and clears a cache of
// every table on each CREATE, so N objects in one database cost O(N²): 16 s
// for 10,000 tables. Tables are therefore spread over databases of at most
// kTablesPerDatabase tables, each table with its indexes and triggers. Views,
// triggers on views and triggers on tables left out of normalization go to
// one more database, the context, that also holds every table of the document
// they name (a view's columns can only be read when its tables exist); of the
// context only the views and triggers are read back.
class ScratchSet {
 public:
  static constexpr std::size_t kTablesPerDatabase = 200;

  ScratchSet(std::unique_ptr<Connection> first, const model::Schema& desired) {
    tables_.push_back(std::move(first));
    for (const model::Table& t : desired.tables) desired_tables_[to_lower(t.name)] = &t;
  }

  Connection& connection_for(const diff::Change& change) {
    if (auto* c = std::get_if<diff::CreateTable>(&change)) {
      if (in_current_ >= kTablesPerDatabase) tables_.push_back(open()), in_current_ = 0;
      ++in_current_;
      home_[to_lower(c->table.name)] = tables_.back().get();
      return *tables_.back();
    }
    if (auto* c = std::get_if<diff::CreateIndex>(&change)) return home_of(c->table);
    if (auto* c = std::get_if<diff::CreateTrigger>(&change)) {
      if (home_.count(to_lower(c->trigger.table))) return home_of(c->trigger.table);
      add_table(c->trigger.table);  // a view's trigger, or one of a table left out of normalization
    }
    if (auto* c = std::get_if<diff::CreateView>(&change)) add_tables_named_by(c->view.sql);
    return context();
  }

  // Everything created, read back in creation order.
  model::Schema introspect() {
    model::Schema all;
    for (auto& connection : tables_) {
      model::Schema part = sqlite::introspect(*connection);
      for (model::Table& t : part.tables) all.tables.push_back(std::move(t));
      for (model::Trigger& t : part.triggers) all.triggers.push_back(std::move(t));
    }
    if (context_) {
      model::Schema part = sqlite::introspect(*context_);
      for (model::View& v : part.views) all.views.push_back(std::move(v));
      for (model::Trigger& t : part.triggers) all.triggers.push_back(std::move(t));
    }
    return all;
  }

 private:
  static std::unique_ptr<Connection> open() {
    return std::make_unique<Connection>(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY);
  }

  Connection& home_of(const std::string& table) {
    auto found = home_.find(to_lower(table));
    return found != home_.end() ? *found->second : *tables_.back();
  }

  Connection& context() {
    if (!context_) context_ = open();
    return *context_;
  }

  void add_tables_named_by(const std::string& sql) {
    for (const Token& token : tokenize(sql))
      if (token.kind == Token::Kind::Word || token.kind == Token::Kind::QuotedIdentifier) add_table(token.identifier());
  }

  // A table of the document, created in the context database without its
  // indexes: what views and triggers need of it.
  void add_table(const std::string& name) {
    auto found = desired_tables_.find(to_lower(name));
    if (found == desired_tables_.end() || !in_context_.insert(found->first).second) return;
    plan::Plan one;
    model::Table bare = *found->second;
    bare.indexes.clear();
    one.changes = {diff::CreateTable{bare}};
    for (const Statement& s : render_plan(one)) context().exec_one(s.sql);
  }

  std::map<std::string, const model::Table*> desired_tables_;  // lowercased name -> table
  std::vector<std::unique_ptr<Connection>> tables_;
  std::size_t in_current_ = 0;
  std::map<std::string, Connection*> home_;  // lowercased table name -> its database
  std::unique_ptr<Connection> context_;
  std::set<std::string> in_context_;  // lowercased names of the tables created in context_
};


}  // namespace

std::unique_ptr<Database> SqliteDialect::open(const config::DatabaseUrl& url, OpenMode mode) const {
  return std::make_unique<SqliteDatabase>(url, mode);
}

std::unique_ptr<Database> SqliteDialect::open_scratch(const config::DatabaseUrl&) const {
  config::DatabaseUrl memory;
  memory.original = "sqlite://:memory:";
  memory.scheme = "sqlite";
  memory.memory = true;
  return std::make_unique<SqliteDatabase>(memory, OpenMode::ReadWrite);
}

void SqliteDialect::validate(const model::Schema& desired, Diagnostics& diagnostics) const {
  static const char* const kStrictTypes[] = {"INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"};
  for (const model::EnumType& e : desired.enums)
    diagnostics.error(e.where, "enum " + quoted(e.name) + ": SQLite has no enum types; use a text column with a check "
                               "such as \"status IN ('a', 'b')\"");
  for (const model::Domain& d : desired.domains)
    diagnostics.error(d.where, "domain " + quoted(d.name) + ": SQLite has no domains; use the base type and a check");
  for (const model::Sequence& q : desired.sequences)
    diagnostics.error(q.where, "sequence " + quoted(q.name) + ": SQLite has no sequences; use autoincrement");
  if (!desired.extensions.empty())
    diagnostics.error({}, "extensions (" + desired.extensions.front() + ") are a PostgreSQL feature; SQLite has none");
  for (const model::Function& f : desired.functions)
    diagnostics.error(f.where, "function " + quoted(f.name) + ": SQLite has no stored functions; application code "
                               "registers them on each connection");
  for (const model::Grant& g : desired.grants)
    diagnostics.error(g.where, "grant on " + quoted(g.object) + ": SQLite has no roles or privileges");
  for (const model::View& v : desired.views) {
    if (v.materialized) diagnostics.error(v.where, "view " + quoted(v.name) + ": SQLite has no materialized views; use a table");
    if (!v.schema.empty() && v.schema != "main")
      diagnostics.error(v.where, "view " + quoted(v.name) + ": schema " + quoted(v.schema) + " is PostgreSQL's; remove it");
  }
  std::map<std::string, SourceLocation> trigger_names;  // SQLite trigger names are unique in the database
  for (const model::Trigger& t : desired.triggers) {
    auto [it, inserted] = trigger_names.emplace(model::to_lower(t.name), t.where);
    if (!inserted) diagnostics.error(t.where, "trigger " + quoted(t.name) + " is defined twice (also at " + it->second.str() + ")");
  }
  for (const model::Table& t : desired.tables) {
    if (t.row_security || t.force_row_security || !t.policies.empty())
      diagnostics.error(t.where, "table " + quoted(t.name) + ": row-level security and policies are PostgreSQL's; SQLite has none");
    if (t.partition_by)
      diagnostics.error(t.where, "table " + quoted(t.name) + ": SQLite has no partitioned tables; remove partition_by");
    if (!t.exclusions.empty())
      diagnostics.error(t.exclusions.front().where, "table " + quoted(t.name) + ": SQLite has no exclusion constraints");
    if (!t.schema.empty() && t.schema != "main")
      diagnostics.error(t.where, "table " + quoted(t.name) + ": schema " + quoted(t.schema) +
                                     " is not available on SQLite; remove \"schema\"");
    for (const model::Index& i : t.indexes) {
      if (!i.method.empty() || !i.include.empty() || i.nulls_not_distinct)
        diagnostics.error(i.where, "index " + quoted(i.name) + ": \"method\", \"include\" and \"nulls_not_distinct\" are PostgreSQL features");
      for (const model::IndexKey& k : i.keys)
        if (k.opclass || k.nulls_first)
          diagnostics.error(i.where, "index " + quoted(i.name) + ": \"opclass\" and \"nulls\" are PostgreSQL features");
    }
    for (const model::Column& c : t.columns) {
      if (t.options.strict && !model::parse_portable_type(c.type)) {
        bool allowed = false;
        for (const char* s : kStrictTypes) allowed = allowed || iequals(c.type, s);
        if (!allowed) {
          diagnostics.error(c.type_where, "column " + quoted(t.name + "." + c.name) + ": type " + quoted(c.type) +
                                              " is not allowed in a STRICT table; use a portable type or one of "
                                              "INT, INTEGER, REAL, TEXT, BLOB, ANY");
        }
      }
      if (c.autoincrement && !iequals(declared_type(c.type, t.options.strict), "INTEGER")) {
        diagnostics.error(c.where, "column " + quoted(t.name + "." + c.name) +
                                       ": SQLite allows autoincrement only on an INTEGER primary key; use type integer");
      }
      if (c.identity) {
        diagnostics.error(c.where, "column " + quoted(t.name + "." + c.name) +
                                       ": identity columns are a PostgreSQL feature; on SQLite use autoincrement: true");
      }
      if (c.autoincrement && t.options.without_rowid) {
        diagnostics.error(c.where, "column " + quoted(t.name + "." + c.name) +
                                       ": autoincrement is not possible in a without_rowid table");
      }
    }
    for (const model::CheckConstraint& c : t.checks)
      if (c.not_valid) diagnostics.error(c.where, "a check of " + quoted(t.name) + ": not_valid is a PostgreSQL feature");
    for (const model::UniqueConstraint& u : t.uniques)
      if (u.nulls_not_distinct)
        diagnostics.error(u.where, "a unique constraint of " + quoted(t.name) + ": nulls_not_distinct is a PostgreSQL feature");
    for (const model::ForeignKey& fk : t.foreign_keys) {
      if (fk.not_valid || fk.match_full)
        diagnostics.error(fk.where, "a foreign key of " + quoted(t.name) + ": match and not_valid are PostgreSQL features");
      if (fk.deferrable == false && fk.initially_deferred) {
        diagnostics.error(fk.where, "a foreign key of " + quoted(t.name) +
                                        " is initially_deferred but not deferrable; add deferrable: true");
      }
    }
  }
}

model::Schema SqliteDialect::normalize(const model::Schema& document, const config::DatabaseUrl&,
                                       Diagnostics& diagnostics, std::set<std::string>& unchanged,
                                       const model::Schema*, Groundwork*) const {
  const model::Schema desired = diff::without_tables(document, unchanged, *this);
  auto scratch = std::make_unique<Connection>(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY);
  const std::size_t errors_before = diagnostics.error_count();
  // Expressions are checked one by one first, so an error points at its line.
  auto contained = [&](const std::string& sql, bool expression, const SourceLocation& where, const std::string& what) {
    if (auto reason = leaves_its_clause(sql, expression))
      diagnostics.error(where, what + " would not stay inside its clause: " + *reason);
  };
  for (const model::Table& t : desired.tables) {
    const std::string table = quoted(t.name);
    for (const model::Column& c : t.columns) {
      const std::string column = quoted(t.name + "." + c.name);
      if (c.default_value && c.default_value->kind == model::Default::Kind::Expression)
        contained(c.default_value->expression, true, c.default_value->where, "default of column " + column);
      if (c.generated) contained(c.generated->expression, true, c.where, "generated expression of column " + column);
    }
    for (const model::CheckConstraint& k : t.checks) contained(k.expression, true, k.where, "a check of table " + table);
    for (const model::Index& i : t.indexes) {
      if (i.where_clause) contained(*i.where_clause, true, i.where, "the where of index " + quoted(i.name));
      for (const model::IndexKey& k : i.keys)
        if (k.is_expression()) contained(k.expression, true, i.where, "an expression of index " + quoted(i.name));
    }
  }
  for (const model::View& v : desired.views) contained(v.sql, false, v.where, "the query of view " + quoted(v.name));
  for (const model::Trigger& t : desired.triggers) contained(t.sql, false, t.where, "trigger " + quoted(t.name));
  if (diagnostics.error_count() > errors_before) return {};
  for (const model::Table& t : desired.tables) {
    for (const model::Column& c : t.columns) {
      if (c.default_value && c.default_value->kind == model::Default::Kind::Expression) {
        if (auto error = scratch->prepare_error("SELECT " + default_sql(*c.default_value))) {
          diagnostics.error(c.default_value->where, "default of column " + quoted(t.name + "." + c.name) +
                                                        " is not a valid SQLite expression: " + *error);
        }
      }
    }
  }
  if (diagnostics.error_count() > errors_before) return {};

  diff::DiffResult creation = diff::diff_schemas({}, desired, *this);
  plan::Plan plan = plan::order_changes(std::move(creation.changes), {}, desired);
  ScratchSet scratches(std::move(scratch), document);
  for (const diff::Change& change : plan.changes) {
    // Rendered one change at a time, so an engine error names its object. The
    // plan carries only what rendering that change looks up (a view's definition).
    plan::Plan one;
    one.changes = {change};
    if (auto* v = std::get_if<diff::CreateView>(&change)) one.desired.views = {v->view};
    SourceLocation where;
    std::string what;
    if (auto* c = std::get_if<diff::CreateTable>(&change)) where = c->table.where, what = "table " + quoted(c->table.name);
    if (auto* c = std::get_if<diff::CreateIndex>(&change)) where = c->index.where, what = "index " + quoted(c->index.name);
    if (auto* c = std::get_if<diff::CreateView>(&change)) where = c->view.where, what = "view " + quoted(c->view.name);
    if (auto* c = std::get_if<diff::CreateTrigger>(&change)) where = c->trigger.where, what = "trigger " + quoted(c->trigger.name);
    Connection& target = scratches.connection_for(change);
    for (const Statement& s : render_plan(one)) {
      try {
        target.exec_one(s.sql);
      } catch (const std::runtime_error& e) {
        diagnostics.error(where, what + ": SQLite rejects its definition: " + e.what());
        break;
      }
    }
  }
  if (diagnostics.error_count() > errors_before) return {};

  model::Schema normalized = scratches.introspect();
  // A foreign key that names no columns references its parent's primary key,
  // which introspection resolves only when the parent is in the same scratch
  // database; the others are resolved here, from the document when the parent
  // was left out of normalization.
  std::map<std::string, const model::Table*> parents;
  for (const model::Table& t : document.tables) parents[to_lower(t.name)] = &t;
  for (const model::Table& t : normalized.tables) parents[to_lower(t.name)] = &t;
  for (model::Table& t : normalized.tables) {
    for (model::ForeignKey& fk : t.foreign_keys) {
      if (!fk.ref_columns.empty()) continue;
      auto parent = parents.find(to_lower(fk.ref_table));
      if (parent != parents.end() && parent->second->primary_key) fk.ref_columns = parent->second->primary_key->columns;
    }
  }
  carry_document_details(desired, normalized, *this);
  for (const model::Trigger& t : desired.triggers) {
    for (const model::Trigger& n : normalized.triggers) {
      if (iequals(n.name, t.name) && !iequals(n.table, t.table)) {
        diagnostics.error(t.where, "trigger " + quoted(t.name) + " says table " + quoted(t.table) +
                                       ", but its SQL creates it on " + quoted(n.table) + "; make them agree");
      }
    }
  }
  return normalized;
}

std::vector<Statement> SqliteDialect::render(const plan::Plan& plan) const { return render_plan(plan); }

std::string SqliteDialect::table_sql(const model::Table& table) const { return quote_identifier(table.name); }
std::string SqliteDialect::identifier_sql(const std::string& name) const { return quote_identifier(name); }

std::string SqliteDialect::name_key(const std::string& name) const { return model::to_lower(name); }
bool SqliteDialect::names_equal(const std::string& a, const std::string& b) const { return iequals(a, b); }

// The same text has the same canonical form; most compared fragments are the
// same text, so they are not tokenized at all.
bool SqliteDialect::types_equal(const std::string& a, const std::string& b) const {
  return a == b || canonical_sql(a) == canonical_sql(b);
}

bool SqliteDialect::sql_equal(const std::string& a, const std::string& b) const {
  return a == b || canonical_sql(a) == canonical_sql(b);
}

std::string SqliteDialect::rename_column_in_sql(const std::string& sql, const std::string& from,
                                               const std::string& to) const {
  std::string out;
  for (const Token& t : tokenize(sql)) {
    const bool names_it = (t.kind == Token::Kind::Word || t.kind == Token::Kind::QuotedIdentifier) && iequals(t.identifier(), from);
    out += names_it ? quote_identifier(to) : t.text;
  }
  return out;
}

}  // namespace strata::dialect::sqlite
