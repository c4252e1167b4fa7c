#include "dialect/sqlite/renderer.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "dialect/sqlite/ddl.hpp"
#include "dialect/sqlite/lexer.hpp"

namespace strata::dialect::sqlite {

namespace {

using model::iequals;
using model::to_lower;
using Phase = Statement::Phase;

// Statement text without trailing semicolons and blanks (kept-as-written
// trigger bodies often end with one).
std::string without_terminator(std::string sql) {
  while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) sql.pop_back();
  return sql;
}

Statement stmt(std::string sql, std::string comment, bool destructive = false) {
  Statement s;
  s.sql = without_terminator(std::move(sql));
  s.comment = std::move(comment);
  s.destructive = destructive;
  return s;
}

// Whether SQLite's ALTER TABLE ADD COLUMN accepts the column.
bool can_add_column(const model::Table& table, const model::Column& c) {
  if (table.in_primary_key(c.name)) return false;
  if (c.generated && c.generated->stored) return false;
  if (!c.nullable && !c.generated) {
    if (!c.default_value || (c.default_value->kind == model::Default::Kind::Literal &&
                             c.default_value->literal.kind == model::Literal::Kind::Null))
      return false;
  }
  if (c.default_value && c.default_value->kind == model::Default::Kind::Expression) return false;
  return true;
}

// Whether SQLite's ALTER TABLE DROP COLUMN accepts the column: it refuses
// columns used by a key, an index, a foreign key, a check or a generated column.
bool can_drop_column(const model::Table& table, const model::Column& c) {
  if (table.in_primary_key(c.name)) return false;
  for (const auto& u : table.uniques)
    for (const auto& col : u.columns)
      if (iequals(col, c.name)) return false;
  for (const auto& fk : table.foreign_keys)
    for (const auto& col : fk.columns)
      if (iequals(col, c.name)) return false;
  for (const auto& check : table.checks)
    if (sql_mentions(check.expression, c.name)) return false;
  for (const auto& other : table.columns)
    if (other.generated && sql_mentions(other.generated->expression, c.name)) return false;
  for (const auto& index : table.indexes) {
    if (index.where_clause && sql_mentions(*index.where_clause, c.name)) return false;
    for (const auto& k : index.keys)
      if (k.is_expression() ? sql_mentions(k.expression, c.name) : iequals(k.column, c.name)) return false;
  }
  return true;
}

bool has_autoincrement(const model::Table& table) {
  return std::any_of(table.columns.begin(), table.columns.end(), [](const model::Column& c) { return c.autoincrement; });
}

bool needs_rebuild(const diff::ModifyTable& m) {
  for (const diff::TableChange& change : m.changes) {
    if (std::holds_alternative<diff::RenameColumn>(change)) continue;
    if (auto* add = std::get_if<diff::AddColumn>(&change)) {
      if (can_add_column(m.to, add->column)) continue;
      return true;
    }
    if (auto* drop = std::get_if<diff::DropColumn>(&change)) {
      if (can_drop_column(m.from, drop->column)) continue;
      return true;
    }
    return true;
  }
  return false;
}

std::string rebuild_reason(const diff::ModifyTable& m) {
  std::string out;
  for (const diff::TableChange& change : m.changes) {
    if (std::holds_alternative<diff::RenameColumn>(change)) continue;
    out += (out.empty() ? "" : "; ") + diff::describe(change, m.to.name);
  }
  return out;
}

bool is_destructive(const diff::TableChange& change) {
  if (std::holds_alternative<diff::DropColumn>(change)) return true;
  if (auto* alter = std::get_if<diff::AlterColumn>(&change)) return alter->type_changed;
  return false;
}

class Renderer {
 public:
  explicit Renderer(const plan::Plan& plan) : plan_(plan) {}

  std::vector<Statement> run() {
    find_rebuilds();
    find_dependents();

    const bool protect_foreign_keys = !rebuilt_.empty() || std::any_of(plan_.changes.begin(), plan_.changes.end(), [](const diff::Change& c) {
      return std::holds_alternative<diff::DropTable>(c);
    });
    if (protect_foreign_keys) {
      Statement off = stmt("PRAGMA foreign_keys = OFF",
                           "foreign keys off outside the transaction, so that dropping and rebuilding tables "
                           "fires no ON DELETE action");
      off.phase = Phase::BeforeTransaction;
      out_.push_back(off);
    }

    drop_triggers();
    drop_views();
    for (const diff::Change& change : plan_.changes) std::visit([&](const auto& c) { render(c); }, change);
    create_views();
    create_triggers();

    if (protect_foreign_keys) {
      Statement check = stmt("PRAGMA foreign_key_check", "every foreign key must still hold before commit");
      check.must_return_no_rows = true;
      out_.push_back(check);
      Statement on = stmt("PRAGMA foreign_keys = ON", "");
      on.phase = Phase::AfterTransaction;
      out_.push_back(on);
    }
    return std::move(out_);
  }

 private:
  bool rebuilt(const std::string& table) const { return rebuilt_.count(to_lower(table)) > 0; }

  void find_rebuilds() {
    for (const diff::Change& change : plan_.changes)
      if (auto* m = std::get_if<diff::ModifyTable>(&change); m && needs_rebuild(*m)) rebuilt_.insert(to_lower(m->to.name));
  }

  // Views and triggers that read a rebuilt table or a dropped view must be
  // dropped first and created again at the end: SQLite checks the whole
  // schema on every ALTER TABLE, and a view or trigger that reads something
  // missing fails it.
  void find_dependents() {
    std::set<std::string> names(rebuilt_.begin(), rebuilt_.end());
    for (const diff::Change& change : plan_.changes)
      if (auto* d = std::get_if<diff::DropView>(&change)) names.insert(to_lower(d->view.name));
    if (names.empty()) return;
    bool grew = true;
    while (grew) {
      grew = false;
      for (const model::View& v : plan_.current.views) {
        if (dependent_views_.count(to_lower(v.name))) continue;
        for (const std::string& n : names) {
          if (sql_mentions(v.sql, n)) {
            dependent_views_.insert(to_lower(v.name));
            names.insert(to_lower(v.name));
            grew = true;
            break;
          }
        }
      }
    }
    // Triggers of rebuilt tables too: created again only once every table is in place.
    for (const model::Trigger& t : plan_.current.triggers) {
      if (rebuilt(t.table)) dependent_triggers_.insert(to_lower(t.name));
      for (const std::string& n : names)
        if (sql_mentions(t.sql, n)) dependent_triggers_.insert(to_lower(t.name));
    }
  }

  template <typename T>
  static const T* find(const std::vector<T>& items, const std::string& name) {
    for (const T& item : items)
      if (iequals(item.name, name)) return &item;
    return nullptr;
  }

  void drop_triggers() {
    std::set<std::string> done;
    for (const diff::Change& change : plan_.changes) {
      if (auto* d = std::get_if<diff::DropTrigger>(&change)) {
        out_.push_back(stmt("DROP TRIGGER " + quote_identifier(d->trigger.name), "drop trigger " + d->trigger.name));
        done.insert(to_lower(d->trigger.name));
      }
    }
    for (const model::Trigger& t : plan_.current.triggers) {
      if (!dependent_triggers_.count(to_lower(t.name)) || done.count(to_lower(t.name))) continue;
      out_.push_back(stmt("DROP TRIGGER " + quote_identifier(t.name),
                          "drop trigger " + t.name + " while the tables it uses are rebuilt"));
      recreate_triggers_.insert(to_lower(t.name));
    }
  }

  void drop_views() {
    std::vector<const model::View*> to_drop;
    for (const diff::Change& change : plan_.changes)
      if (auto* d = std::get_if<diff::DropView>(&change)) to_drop.push_back(find(plan_.current.views, d->view.name));
    for (const model::View& v : plan_.current.views) {
      if (!dependent_views_.count(to_lower(v.name))) continue;
      if (std::find(to_drop.begin(), to_drop.end(), &v) == to_drop.end()) to_drop.push_back(&v);
      recreate_views_.insert(to_lower(v.name));
    }
    // Dependent views first.
    for (const model::View* v : views_in_dependency_order(plan_.current.views, to_drop, true)) {
      const bool kept = recreate_views_.count(to_lower(v->name)) > 0;
      out_.push_back(stmt("DROP VIEW " + quote_identifier(v->name),
                          kept ? "drop view " + v->name + " while the tables it reads are rebuilt" : "drop view " + v->name));
    }
  }

  static std::vector<const model::View*> views_in_dependency_order(const std::vector<model::View>& all,
                                                                   std::vector<const model::View*> subset,
                                                                   bool dependents_first) {
    // Order by the position in a dependency-sorted list of all views.
    std::vector<const model::View*> sorted;
    std::set<const model::View*> visiting;
    std::function<void(const model::View&)> visit = [&](const model::View& v) {
      if (std::find(sorted.begin(), sorted.end(), &v) != sorted.end() || visiting.count(&v)) return;
      visiting.insert(&v);
      for (const model::View& other : all)
        if (&other != &v && sql_mentions(v.sql, other.name)) visit(other);
      sorted.push_back(&v);
    };
    for (const model::View& v : all) visit(v);
    auto position = [&](const model::View* v) {
      return static_cast<std::size_t>(std::find(sorted.begin(), sorted.end(), v) - sorted.begin());
    };
    std::stable_sort(subset.begin(), subset.end(), [&](const model::View* a, const model::View* b) {
      return dependents_first ? position(a) > position(b) : position(a) < position(b);
    });
    return subset;
  }

  void create_views() {
    std::vector<const model::View*> to_create;
    for (const diff::Change& change : plan_.changes)
      if (auto* c = std::get_if<diff::CreateView>(&change)) to_create.push_back(find(plan_.desired.views, c->view.name));
    for (const model::View& v : plan_.desired.views) {
      if (recreate_views_.count(to_lower(v.name)) && std::find(to_create.begin(), to_create.end(), &v) == to_create.end())
        to_create.push_back(&v);
    }
    for (const model::View* v : views_in_dependency_order(plan_.desired.views, to_create, false))
      if (v) out_.push_back(stmt(create_view(*v), "create view " + v->name));
  }

  void create_triggers() {
    std::set<std::string> done;
    for (const diff::Change& change : plan_.changes) {
      auto* c = std::get_if<diff::CreateTrigger>(&change);
      if (!c) continue;
      out_.push_back(stmt(c->trigger.sql, "create trigger " + c->trigger.name));
      done.insert(to_lower(c->trigger.name));
    }
    for (const model::Trigger& t : plan_.desired.triggers) {
      if (done.count(to_lower(t.name))) continue;
      if (recreate_triggers_.count(to_lower(t.name)) || rebuilt(t.table))
        out_.push_back(stmt(t.sql, "create trigger " + t.name + " again"));
    }
  }

  void render(const diff::CreateTable& c) {
    out_.push_back(stmt(create_table(c.table, c.table.name), "create table " + c.table.name));
  }
  void render(const diff::DropTable& c) {
    out_.push_back(stmt("DROP TABLE " + quote_identifier(c.table.name), "drop table " + c.table.name + " and its rows", true));
  }
  void render(const diff::RenameTable& c) {
    out_.push_back(stmt("ALTER TABLE " + quote_identifier(c.from) + " RENAME TO " + quote_identifier(c.to),
                        "rename table " + c.from + " to " + c.to));
  }
  void render(const diff::CreateIndex& c) {
    if (rebuilt(c.table)) return;  // the rebuild creates every index of the table
    out_.push_back(stmt(create_index(c.table, c.index), "create index " + c.index.name + " on " + c.table));
  }
  void render(const diff::DropIndex& c) {
    out_.push_back(stmt("DROP INDEX " + quote_identifier(c.index.name), "drop index " + c.index.name));
  }
  void render(const diff::CreateView&) {}     // in create_views
  void render(const diff::DropView&) {}       // in drop_views
  void render(const diff::CreateTrigger&) {}  // in create_triggers
  void render(const diff::DropTrigger&) {}    // in drop_triggers
  // SQLite has neither; validation refuses documents that declare them.
  void render(const diff::CreateExtension&) {}
  void render(const diff::CreateEnum&) {}
  void render(const diff::DropEnum&) {}
  void render(const diff::AddEnumValue&) {}
  void render(const diff::ReplaceEnum&) {}
  void render(const diff::RenameEnumValue&) {}
  // SQLite cannot rename an index: it is dropped and created under its new name
  // (an index holds no data of its own), or created by the rebuild of its table.
  void render(const diff::RenameIndex& c) {
    out_.push_back(stmt("DROP INDEX " + quote_identifier(c.from), "rename index " + c.from + " to " + c.index.name + ": drop"));
    if (!rebuilt(c.table))
      out_.push_back(stmt(create_index(c.table, c.index), "rename index " + c.from + " to " + c.index.name + ": create"));
  }
  void render(const diff::CreateDomain&) {}
  void render(const diff::DropDomain&) {}
  void render(const diff::AlterDomain&) {}
  void render(const diff::CreateSequence&) {}
  void render(const diff::DropSequence&) {}
  void render(const diff::AlterSequence&) {}
  void render(const diff::CreateFunction&) {}
  void render(const diff::DropFunction&) {}
  void render(const diff::DropDefault&) {}
  void render(const diff::CreatePolicy&) {}
  void render(const diff::DropPolicy&) {}
  void render(const diff::AlterPolicy&) {}
  void render(const diff::GrantPrivileges&) {}
  void render(const diff::RevokePrivileges&) {}

  void render(const diff::ModifyTable& m) {
    const std::string table = quote_identifier(m.to.name);
    for (const diff::TableChange& change : m.changes) {
      if (auto* r = std::get_if<diff::RenameColumn>(&change)) {
        out_.push_back(stmt("ALTER TABLE " + table + " RENAME COLUMN " + quote_identifier(r->from) + " TO " +
                                quote_identifier(r->to),
                            diff::describe(change, m.to.name)));
      }
    }
    if (rebuilt(m.to.name)) {
      rebuild(m);
      return;
    }
    for (const diff::TableChange& change : m.changes) {
      if (auto* add = std::get_if<diff::AddColumn>(&change)) {
        out_.push_back(stmt("ALTER TABLE " + table + " ADD COLUMN " + column_definition(m.to, add->column),
                            diff::describe(change, m.to.name)));
      } else if (auto* drop = std::get_if<diff::DropColumn>(&change)) {
        out_.push_back(stmt("ALTER TABLE " + table + " DROP COLUMN " + quote_identifier(drop->column.name),
                            diff::describe(change, m.to.name) + " and its data", true));
      }
    }
  }

  void rebuild(const diff::ModifyTable& m) {
    const std::string temp_name = "_strata_new_" + m.to.name;
    const std::string temp = quote_identifier(temp_name);
    const std::string table = quote_identifier(m.to.name);
    bool destructive = false;
    for (const diff::TableChange& change : m.changes) destructive = destructive || is_destructive(change);

    out_.push_back(stmt(create_table(m.to, temp_name),
                        "rebuild table " + m.to.name + " (" + rebuild_reason(m) + "): new definition"));
    std::string columns;
    for (const model::Column& c : m.to.columns) {
      if (c.generated) continue;
      if (!m.from.find_column(c.name)) continue;  // a generated column becoming plain keeps its values
      columns += (columns.empty() ? "" : ", ") + quote_identifier(c.name);
    }
    if (!columns.empty()) {
      out_.push_back(stmt("INSERT INTO " + temp + " (" + columns + ")\n  SELECT " + columns + " FROM " + table,
                          "copy every row of " + m.to.name, destructive));
    }
    if (has_autoincrement(m.from) && has_autoincrement(m.to)) {
      // The copy restarted the counter at the highest id left; AUTOINCREMENT promises never to reuse one.
      out_.push_back(stmt("DELETE FROM sqlite_sequence WHERE name = " + quote_string(temp_name),
                          "keep the AUTOINCREMENT counter of " + m.to.name));
      out_.push_back(stmt("INSERT INTO sqlite_sequence (name, seq) SELECT " + quote_string(temp_name) +
                              ", seq FROM sqlite_sequence WHERE name = " + quote_string(m.to.name),
                          ""));
    }
    out_.push_back(stmt("DROP TABLE " + table, "replace the old table"));
    out_.push_back(stmt("ALTER TABLE " + temp + " RENAME TO " + table, ""));
    for (const model::Index& index : m.to.indexes)
      out_.push_back(stmt(create_index(m.to.name, index), "create index " + index.name + " on " + m.to.name));
  }

  const plan::Plan& plan_;
  std::vector<Statement> out_;
  std::set<std::string> rebuilt_;
  std::set<std::string> dependent_views_;
  std::set<std::string> dependent_triggers_;
  std::set<std::string> recreate_views_;
  std::set<std::string> recreate_triggers_;
};

}  // namespace

bool sql_mentions(const std::string& sql, const std::string& name) {
  for (const Token& t : significant_tokens(sql)) {
    if ((t.kind == Token::Kind::Word || t.kind == Token::Kind::QuotedIdentifier) && iequals(t.identifier(), name))
      return true;
  }
  return false;
}

std::vector<Statement> render_plan(const plan::Plan& plan) {
  if (plan.empty()) return {};
  return Renderer(plan).run();
}

}  // namespace strata::dialect::sqlite
