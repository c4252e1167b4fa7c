#include "dialect/postgresql/postgresql_dialect.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "dialect/postgresql/connection.hpp"
#include "dialect/postgresql/database.hpp"
#include "dialect/postgresql/ddl.hpp"
#include "dialect/postgresql/renderer.hpp"
#include "dialect/postgresql/standins.hpp"
#include "dialect/postgresql/storage_less_build.hpp"
#include "strata/diff/unchanged.hpp"
#include "strata/dialect/document_details.hpp"
#include "strata/model/types.hpp"
#include "strata/timing.hpp"

namespace strata::dialect::postgresql {

namespace {

// From about this many tables in the scratch database, reading their columns
// on a second connection (introspector.hpp) saves more than opening that
// connection costs.
constexpr std::size_t kTablesWorthASecondConnection = 200;

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// The managed schemas plus every schema the document uses.
std::vector<std::string> schemas_for(const config::DatabaseUrl& url, const model::Schema& document) {
  std::vector<std::string> out = url.schemas.empty() ? std::vector<std::string>{"public"} : url.schemas;
  auto add = [&](const std::string& s) {
    const std::string name = s.empty() ? "public" : s;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  };
  for (const model::Table& t : document.tables) add(t.schema);
  for (const model::EnumType& e : document.enums) add(e.schema);
  for (const model::Domain& d : document.domains) add(d.schema);
  for (const model::Sequence& q : document.sequences) add(q.schema);
  return out;
}


bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// Where a change came from in the document and what to call it in a message.
std::pair<SourceLocation, std::string> origin(const diff::Change& change) {
  if (auto* x = std::get_if<diff::CreateView>(&change))
    return {x->view.where, std::string(x->view.materialized ? "materialized view " : "view ") + quoted(x->view.name)};
  if (auto* x = std::get_if<diff::CreateTrigger>(&change)) return {x->trigger.where, "trigger " + quoted(x->trigger.name)};
  if (auto* x = std::get_if<diff::CreatePolicy>(&change))
    return {x->policy.where, "policy " + quoted(x->policy.name) + " of table " + quoted(x->table)};
  if (auto* x = std::get_if<diff::GrantPrivileges>(&change))
    return {x->grant.where, "the grant on " + x->grant.kind + " " + quoted(x->grant.object) + " to " + quoted(x->grant.grantee)};
  return {SourceLocation{}, diff::describe(change)};
}

// Creates views in passes until none more can be (a view may read one the
// document lists after it), then triggers, policies and grants; each failure
// is an error at the object's line.
void create_dependents(const std::vector<const diff::Change*>& views, const std::vector<const diff::Change*>& later,
                       const std::function<std::optional<std::string>(const plan::Plan&)>& attempt, Diagnostics& diagnostics) {
  auto one = [](const diff::Change& change) {
    plan::Plan p;
    p.changes = {change};
    return p;
  };
  std::vector<const diff::Change*> pending = views;
  std::vector<std::string> reasons(pending.size());
  while (!pending.empty()) {
    std::vector<const diff::Change*> failed;
    std::vector<std::string> failed_reasons;
    for (const diff::Change* change : pending) {
      if (auto reason = attempt(one(*change))) {
        failed.push_back(change);
        failed_reasons.push_back(*reason);
      }
    }
    if (failed.size() == pending.size()) {
      for (std::size_t i = 0; i < failed.size(); ++i) {
        const auto [where, what] = origin(*failed[i]);
        diagnostics.error(where, what + ": PostgreSQL rejects its definition: " + failed_reasons[i]);
      }
      break;
    }
    pending = std::move(failed);
  }
  for (const diff::Change* change : later) {
    if (auto reason = attempt(one(*change))) {
      const auto [where, what] = origin(*change);
      diagnostics.error(where, what + ": PostgreSQL rejects its definition: " + *reason);
    }
  }
}

// What of a table a foreign key to it needs: its keys and unique indexes on
// plain columns, and those columns with their types.
model::Table key_part(const model::Table& table) {
  model::Table keys;
  keys.name = table.name;
  keys.schema = table.schema;
  keys.where = table.where;
  keys.primary_key = table.primary_key;
  keys.uniques = table.uniques;
  std::set<std::string> used;
  if (table.primary_key) used.insert(table.primary_key->columns.begin(), table.primary_key->columns.end());
  for (const model::UniqueConstraint& u : table.uniques) used.insert(u.columns.begin(), u.columns.end());
  for (const model::Index& index : table.indexes) {
    const bool plain = std::none_of(index.keys.begin(), index.keys.end(), [](const model::IndexKey& k) { return k.is_expression(); });
    if (!index.unique || index.where_clause || !plain) continue;
    keys.indexes.push_back(index);
    for (const model::IndexKey& k : index.keys) used.insert(k.column);
    used.insert(index.include.begin(), index.include.end());
  }
  for (const model::Column& c : table.columns) {
    if (!used.count(c.name)) continue;
    model::Column column;
    column.name = c.name;
    const auto base = serial_base(model::to_lower(c.type));
    column.type = base ? *base : c.type;
    column.collation = c.collation;
    column.nullable = c.nullable;
    column.where = c.where;
    keys.columns.push_back(std::move(column));
  }
  return keys;
}

// Function bodies are checked once everything they may read exists: each
// function read back from the scratch database is created again as
// PostgreSQL prints it, with the check on. (Its location came over from the
// document with the rest of its details.)
void check_function_bodies(Connection& c, const model::Schema& normalized, Diagnostics& diagnostics) {
  if (normalized.functions.empty()) return;
  c.exec("SET check_function_bodies = on");
  for (const model::Function& f : normalized.functions) {
    try {
      c.exec_one(f.definition);
    } catch (const std::exception& e) {
      std::string reason = e.what();
      while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
      diagnostics.error(f.where, "function " + quoted(f.name) + ": its body does not compile: " + reason);
    }
  }
}

// The objects the document's statements created are the ones it names.
void check_created_objects(const model::Schema& desired, const model::Schema& normalized, Diagnostics& diagnostics) {
  for (const model::Function& f : desired.functions) {
    const bool found = std::any_of(normalized.functions.begin(), normalized.functions.end(),
                                   [&](const model::Function& n) { return n.name == f.name && model::same_schema(n.schema, f.schema); });
    if (!found)
      diagnostics.error(f.where, "function " + quoted(f.name) + ": its statement creates no function of that name" +
                                     (f.schema.empty() ? std::string() : " in schema " + quoted(f.schema)) +
                                     "; make \"name\" (and \"schema\") say what the statement creates");
  }
  for (const model::Trigger& t : desired.triggers) {
    const std::string table = model::without_default_schema(t.table);
    const bool found = std::any_of(normalized.triggers.begin(), normalized.triggers.end(),
                                   [&](const model::Trigger& n) { return n.name == t.name && n.table == table; });
    if (!found)
      diagnostics.error(t.where, "trigger " + quoted(t.name) + ": its statement creates no trigger of that name on table " +
                                     quoted(t.table) + "; make \"name\" and \"table\" say what the statement creates");
  }
}

// Where scratch databases go: the server --dev-url names, or target's own.
const std::string& scratch_server(const config::DatabaseUrl& target) {
  return target.scratch_conninfo.empty() ? target.conninfo : target.scratch_conninfo;
}

}  // namespace

std::unique_ptr<Database> PostgresqlDialect::open(const config::DatabaseUrl& url, OpenMode) const {
  return std::make_unique<PostgresqlDatabase>(url.conninfo, url.schemas.empty() ? std::vector<std::string>{"public"} : url.schemas);
}

std::unique_ptr<Database> PostgresqlDialect::open_scratch(const config::DatabaseUrl& target) const {
  return PostgresqlDatabase::create_scratch(scratch_server(target),
                                            target.schemas.empty() ? std::vector<std::string>{"public"} : target.schemas);
}

std::unique_ptr<Groundwork> PostgresqlDialect::start_groundwork(const config::DatabaseUrl& target) const {
  return std::make_unique<ScratchInAdvance>(scratch_server(target));
}

void PostgresqlDialect::validate(const model::Schema& desired, Diagnostics& diagnostics) const {
  // Whole statements must be the statement they say they are; the engine
  // checks the rest when they are created in the scratch database.
  auto starts_with = [](const std::string& sql, std::initializer_list<const char*> openings) {
    std::string words;
    for (char c : sql) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!words.empty() && words.back() != ' ') words += ' ';
      } else {
        words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      if (words.size() > 40) break;
    }
    return std::any_of(openings.begin(), openings.end(), [&](const char* o) { return words.rfind(o, 0) == 0; });
  };
  for (const model::Function& f : desired.functions)
    if (!f.sql.empty() && !starts_with(f.sql, {"create function ", "create or replace function ", "create procedure ",
                                               "create or replace procedure "}))
      diagnostics.error(f.where, "function " + quoted(f.name) + ": \"sql\" must be a CREATE FUNCTION or CREATE PROCEDURE statement");
  for (const model::Trigger& t : desired.triggers)
    if (!starts_with(t.sql, {"create trigger ", "create or replace trigger ", "create constraint trigger "}))
      diagnostics.error(t.where, "trigger " + quoted(t.name) + ": \"sql\" must be a CREATE TRIGGER statement");
  for (const model::Table& t : desired.tables) {
    if (t.options.strict || t.options.without_rowid)
      diagnostics.error(t.where, "table " + quoted(t.name) + ": strict and without_rowid are SQLite options; remove them");
    for (const model::Column& c : t.columns) {
      if (c.type.empty() && c.type_where.known())
        diagnostics.error(c.type_where, "column " + quoted(t.name + "." + c.name) +
                                            ": PostgreSQL needs a type; an empty one is SQLite's column without a declared type");
      if (c.autoincrement)
        diagnostics.error(c.where, "column " + quoted(t.name + "." + c.name) +
                                       ": autoincrement is SQLite's; on PostgreSQL use identity: always (or by default)");
      if (c.generated && !c.generated->stored)
        diagnostics.error(c.where, "column " + quoted(t.name + "." + c.name) +
                                       ": PostgreSQL generated columns are stored; add stored: true");
      if (c.identity && c.default_value)
        diagnostics.error(c.where, "column " + quoted(t.name + "." + c.name) + ": an identity column cannot have a default");
    }
  }
  std::set<std::string> seen;
  for (const model::EnumType& e : desired.enums) {
    std::set<std::string> labels;
    for (const std::string& v : e.values)
      if (!labels.insert(v).second) diagnostics.error(e.where, "enum " + quoted(e.name) + " lists label " + quoted(v) + " twice");
    if (!seen.insert(e.schema + "." + e.name).second) diagnostics.error(e.where, "enum " + quoted(e.name) + " is defined twice");
  }
}

model::Schema PostgresqlDialect::normalize(const model::Schema& document, const config::DatabaseUrl& target,
                                          Diagnostics& diagnostics, std::set<std::string>& unchanged,
                                          const model::Schema* current, Groundwork* groundwork) const {
  // Views, functions, triggers, policies and grants may read any table, so
  // with any of them every table is created; the unchanged ones are left
  // out of the result afterwards.
  bool whole = !document.views.empty() || !document.functions.empty() || !document.triggers.empty() || !document.grants.empty();
  for (const model::Table& t : document.tables) whole = whole || !t.policies.empty();
  std::optional<PhaseTimer> step(std::in_place, "normalize: check expressions");
  // The tables not built: the unchanged ones, and later the grafted ones.
  std::set<std::string> left_out = whole ? std::set<std::string>() : unchanged;
  auto built = [&](const model::Table& t) { return left_out.count(table_key(t)) == 0; };
  // Expressions are checked before any reaches the server, each at its line.
  const std::size_t errors_before = diagnostics.error_count();
  auto contained = [&](const std::string& sql, const SourceLocation& where, const std::string& what) {
    if (auto reason = leaves_its_clause(sql)) diagnostics.error(where, what + " would not stay inside its clause: " + *reason);
  };
  for (const model::Table& t : document.tables) {
    if (!built(t)) continue;
    for (const model::Column& c : t.columns) {
      const std::string column = quoted(t.name + "." + c.name);
      contained(c.type, c.type_where.known() ? c.type_where : c.where, "the type of column " + column);
      if (c.default_value && c.default_value->kind == model::Default::Kind::Expression)
        contained(c.default_value->expression, c.default_value->where, "default of column " + column);
      if (c.generated) contained(c.generated->expression, c.where, "generated expression of column " + column);
    }
    for (const model::CheckConstraint& k : t.checks) contained(k.expression, k.where, "a check of table " + quoted(t.name));
    for (const model::Index& i : t.indexes) {
      if (i.where_clause) contained(*i.where_clause, i.where, "the where of index " + quoted(i.name));
      for (const model::IndexKey& k : i.keys)
        if (k.is_expression()) contained(k.expression, i.where, "an expression of index " + quoted(i.name));
    }
  }
  for (const model::Table& t : document.tables) {
    if (!built(t)) continue;
    for (const model::Policy& p : t.policies) {
      const std::string what = "policy " + quoted(p.name) + " of table " + quoted(t.name);
      if (p.using_clause) contained(*p.using_clause, p.where, "the using of " + what);
      if (p.with_check) contained(*p.with_check, p.where, "the with_check of " + what);
    }
    for (const model::ExclusionConstraint& x : t.exclusions) {
      contained(x.elements, x.where, "an exclusion constraint of table " + quoted(t.name));
      if (x.where_clause) contained(*x.where_clause, x.where, "the where of an exclusion constraint of table " + quoted(t.name));
    }
    if (t.partition_by) contained(*t.partition_by, t.where, "the partition_by of table " + quoted(t.name));
    for (const model::Partition& p : t.partitions) contained(p.bound, p.where, "the bound of partition " + quoted(p.name));
  }
  for (const model::View& v : document.views) contained(v.sql, v.where, "view " + quoted(v.name));
  for (const model::Domain& d : document.domains) {
    if (d.default_value && d.default_value->kind == model::Default::Kind::Expression)
      contained(d.default_value->expression, d.default_value->where, "default of domain " + quoted(d.name));
    for (const model::CheckConstraint& k : d.checks) contained(k.expression, k.where, "a check of domain " + quoted(d.name));
  }
  if (diagnostics.error_count() > errors_before) return {};
  if (std::none_of(document.tables.begin(), document.tables.end(), built) && document.enums.empty() &&
      document.domains.empty() && document.sequences.empty() && document.views.empty() && document.triggers.empty() &&
      document.extensions.empty() && document.functions.empty() && document.grants.empty()) {
    // Nothing the engine has to spell or check (a database that already
    // matches its files): no scratch database, so no CREATEDB needed and no
    // time spent.
    model::Schema nothing;
    nothing.grants_managed = document.grants_managed;
    return nothing;
  }
  // What is built. Where stand-ins may leave most tables out (below), it
  // first holds only what tables use (types, sequences, extensions), so that
  // the tables the stand-ins settle are never copied, nor planned.
  const bool standins = current && !whole;
  model::Schema desired = standins ? diff::without_any_table(document) : diff::without_tables(document, left_out, *this);

  step.emplace("normalize: create the scratch database");
  config::DatabaseUrl server = target;
  server.schemas = schemas_for(server, document);
  auto* in_advance = dynamic_cast<ScratchInAdvance*>(groundwork);
  std::unique_ptr<PostgresqlDatabase> scratch;
  if (in_advance) scratch = in_advance->take(scratch_server(server), server.schemas);
  if (!scratch) scratch = PostgresqlDatabase::create_scratch(scratch_server(server), server.schemas);
  Connection& c = scratch->connection();
  for (const std::string& s : server.schemas)
    if (s != "public") c.exec("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(s));
  for (const model::View& v : desired.views)
    if (!v.schema.empty()) c.exec("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(v.schema));
  for (const model::Function& f : desired.functions)
    if (!f.schema.empty()) c.exec("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(f.schema));
  // Bodies are checked once everything they may read exists (below).
  c.exec("SET check_function_bodies = off");

  step.emplace("normalize: build in the scratch database");
  auto creation_plan = [&] { return plan::order_changes(diff::diff_schemas({}, desired, *this).changes, {}, desired); };
  plan::Plan plan = creation_plan();
  // Each change is created alone so that an engine error names its object.
  // Tables are created without their foreign keys, which are added once every
  // table exists (as a plan does), through the same renderer.
  // Runs one change's statements; the engine's error, if any, or nothing.
  auto attempt = [&](const plan::Plan& one) -> std::optional<std::string> {
    for (const Statement& s : render_plan(one)) {
      if (s.sql.rfind("SET LOCAL ", 0) == 0) continue;  // the renderer's transaction settings
      try {
        c.exec_one(s.sql);  // a definition that brings a second statement along is refused, not run
      } catch (const std::exception& e) {
        std::string reason = e.what();
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
        return reason;
      }
    }
    return std::nullopt;
  };
  auto run = [&](const plan::Plan& one, const SourceLocation& where, const std::string& what) {
    if (auto reason = attempt(one)) diagnostics.error(where, what + ": PostgreSQL rejects its definition: " + *reason);
  };
  // Tables, indexes, foreign keys and partitions go to the server in one
  // round trip, when each statement is one statement (what the document
  // writes verbatim, such as an index method, could otherwise bring another
  // along). If PostgreSQL refuses any of them, the batch is undone as a
  // whole and each runs alone, so that the error names its object.
  struct Step {
    plan::Plan one;
    SourceLocation where;
    std::string what;
    std::vector<std::string> tables;  // the keys of the tables it creates or needs
    bool creates = false;             // it creates tables.front()
    std::optional<plan::Plan> with_storage;  // the step with storage, when `one` builds without (below)
  };
  std::vector<Step> steps;
  // Tables are built without storage where PostgreSQL allows it
  // (storage_less_build.hpp), keyed by table. Not with views, functions,
  // triggers, policies or grants, which may read every column or need more
  // than a partitioned table offers; and from PostgreSQL 12, the first to
  // take foreign keys to partitioned tables.
  std::map<std::string, StorageLessBuild> storage_less;
  const bool without_storage = !whole && c.server_version() >= 120000;
  // Builds every step with storage again; false when none was built without.
  auto with_storage_again = [&] {
    bool any = false;
    for (Step& queued : steps) {
      if (!queued.with_storage) continue;
      queued.one = std::move(*queued.with_storage);
      queued.with_storage.reset();
      any = true;
    }
    storage_less.clear();
    return any;
  };
  auto run_batch = [&] {
    std::string batch;
    bool single_statements = true;
    for (const Step& queued : steps) {
      for (const Statement& s : render_plan(queued.one)) {
        if (s.sql.rfind("SET LOCAL ", 0) == 0) continue;
        single_statements = single_statements && !leaves_its_clause(s.sql);
        batch += s.sql + ";\n";
      }
    }
    if (!single_statements) throw std::runtime_error("one at a time");
    if (!batch.empty()) c.exec(batch);
  };
  auto run_steps = [&] {
    try {
      run_batch();
    } catch (const std::exception&) {
      // A table built without storage may meet a limit of partitioned tables
      // that plan_storage_less_build does not foresee: the batch is tried
      // again with storage before any error is reported.
      if (with_storage_again()) {
        try {
          run_batch();
          steps.clear();
          return;
        } catch (const std::exception&) {
          // Refused with storage too: each step alone, below, names the error.
        }
      }
      // What needs a table PostgreSQL refused is not tried: its error would
      // only say that the table does not exist.
      std::set<std::string> refused;
      for (const Step& queued : steps) {
        if (std::any_of(queued.tables.begin(), queued.tables.end(), [&](const std::string& t) { return refused.count(t) > 0; }))
          continue;
        if (auto reason = attempt(queued.one)) {
          diagnostics.error(queued.where, queued.what + ": PostgreSQL rejects its definition: " + *reason);
          if (queued.creates) refused.insert(queued.tables.front());
        }
      }
    }
    steps.clear();
  };
  // Types, sequences and extensions come first: tables and their stand-ins use them.
  auto prerequisite = [](const diff::Change& change) {
    return std::holds_alternative<diff::CreateExtension>(change) || std::holds_alternative<diff::CreateEnum>(change) ||
           std::holds_alternative<diff::CreateDomain>(change) || std::holds_alternative<diff::CreateSequence>(change);
  };
  for (const diff::Change& change : plan.changes) {
    if (!prerequisite(change)) continue;
    plan::Plan one;
    one.changes = {change};
    SourceLocation where;
    std::string what = diff::describe(change);
    if (auto* x = std::get_if<diff::CreateEnum>(&change)) where = x->type.where, what = "enum " + quoted(x->type.name);
    if (auto* x = std::get_if<diff::CreateExtension>(&change)) what = "extension " + quoted(x->name);
    if (auto* x = std::get_if<diff::CreateDomain>(&change)) where = x->domain.where, what = "domain " + quoted(x->domain.name);
    if (auto* x = std::get_if<diff::CreateSequence>(&change)) where = x->sequence.where, what = "sequence " + quoted(x->sequence.name);
    run(one, where, what);
  }
  // Tables that differ from the current ones only in how the document spells
  // them need not be built (standins.hpp), nor those whose changes need no
  // judging by the server (grafts.hpp). With views, functions, triggers,
  // policies or grants every table is built anyway.
  std::map<std::string, model::Table> grafted;
  if (standins) {
    if (diagnostics.error_count() == errors_before) {
      step.emplace("normalize: stand-ins");
      AsStored found = compare_as_stored(c, document, *current, unchanged, *this);
      unchanged = std::move(found.unchanged);
      grafted = std::move(found.grafted);
      left_out = unchanged;
      for (const auto& entry : grafted) left_out.insert(entry.first);
      step.emplace("normalize: build in the scratch database");
    }
    desired = diff::without_tables(document, left_out, *this);
    plan = creation_plan();
  }
  // Views are created in passes, since the document does not say which view
  // reads which: a view whose creation fails is tried again once others exist.
  std::vector<const diff::Change*> views, after_views;
  std::vector<const model::Table*> with_foreign_keys;
  std::vector<std::pair<const model::Table*, const model::Partition*>> partitions;
  std::vector<const diff::Change*> deferred_functions;
  const model::SchemaIndex document_tables(document);
  std::map<std::string, std::vector<std::vector<std::string>>> referenced;  // table key -> columns foreign keys refer to
  if (without_storage) {
    for (const model::Table& t : desired.tables)
      for (const model::ForeignKey& fk : t.foreign_keys)
        if (const model::Table* to = document_tables.referenced_table(fk.ref_table, t.schema))
          referenced[table_key(*to)].push_back(fk.ref_columns);
    for (const model::Table& t : desired.tables)
      if (auto build = plan_storage_less_build(t, referenced[table_key(t)])) storage_less.emplace(table_key(t), std::move(*build));
  }
  auto storage_less_build_of = [&](const std::string& key) -> const StorageLessBuild* {
    auto found = storage_less.find(key);
    return found == storage_less.end() ? nullptr : &found->second;
  };
  for (const diff::Change& change : plan.changes) {
    if (prerequisite(change)) continue;  // done above
    plan::Plan one;
    std::optional<plan::Plan> with_storage;
    SourceLocation where;
    std::string what;
    if (std::holds_alternative<diff::CreateView>(change)) {
      views.push_back(&change);
      continue;
    }
    if (std::holds_alternative<diff::CreateTrigger>(change) || std::holds_alternative<diff::CreatePolicy>(change) ||
        std::holds_alternative<diff::GrantPrivileges>(change)) {
      after_views.push_back(&change);
      continue;
    }
    if (auto* x = std::get_if<diff::CreateTable>(&change)) {
      where = x->table.where, what = "table " + quoted(x->table.name);
      diff::CreateTable bare = *x;
      bare.table.foreign_keys.clear();
      bare.table.partitions.clear();  // each at its own line, below
      one.changes = {bare};
      if (const StorageLessBuild* build = storage_less_build_of(table_key(x->table))) {
        with_storage = one;
        bare.table = built_without_storage(bare.table, *build);
        one.changes = {bare};
      }
      for (const model::Partition& p : x->table.partitions) partitions.emplace_back(&x->table, &p);
      if (!x->table.foreign_keys.empty()) with_foreign_keys.push_back(&x->table);
    } else {
      one.changes = {change};
    }
    if (auto* x = std::get_if<diff::CreateIndex>(&change)) {
      where = x->index.where, what = "index " + quoted(x->index.name);
      if (const model::Table* t = desired.find_table(x->table)) {
        one.desired.tables = {*t};  // for its schema
        if (const StorageLessBuild* build = storage_less_build_of(table_key(*t))) {
          with_storage = one;
          one.changes = {diff::CreateIndex{x->table, built_without_storage(x->index, *build)}};
        }
      }
    }
    if (std::holds_alternative<diff::CreateFunction>(change)) {
      // A function that takes or returns a table's rows waits for the tables.
      if (attempt(one)) deferred_functions.push_back(&change);
      continue;
    }
    Step queued{std::move(one), where, what, {}, false, std::move(with_storage)};
    if (auto* x = std::get_if<diff::CreateTable>(&change)) queued.tables = {table_key(x->table)}, queued.creates = true;
    if (auto* x = std::get_if<diff::CreateIndex>(&change))
      if (const model::Table* t = desired.find_table(x->table)) queued.tables = {table_key(*t)};
    steps.push_back(std::move(queued));
  }
  // A table left out of normalization that a foreign key references is
  // created with only its keys (key_part), and not read back.
  std::set<std::string> context;
  for (const model::Table* t : with_foreign_keys) {
    for (const model::ForeignKey& fk : t->foreign_keys) {
      const model::Table* target_table = document_tables.referenced_table(fk.ref_table, t->schema);
      if (!target_table || !left_out.count(table_key(*target_table))) continue;
      if (!context.insert(table_key(*target_table)).second) continue;
      const model::Table keys = key_part(*target_table);
      auto creation = [](const model::Table& table) {
        plan::Plan one;
        one.changes = {diff::CreateTable{table}};
        for (const model::Index& index : table.indexes) one.changes.push_back(diff::CreateIndex{table.name, index});
        one.desired.tables = {table};  // for the indexes' schema
        return one;
      };
      Step queued{creation(keys), target_table->where, "table " + quoted(target_table->name), {table_key(keys)}, true, {}};
      if (without_storage) {
        if (auto build = plan_storage_less_build(keys, referenced[table_key(keys)])) {
          queued.with_storage = std::move(queued.one);
          queued.one = creation(built_without_storage(keys, *build));
        }
      }
      steps.push_back(std::move(queued));
    }
  }
  for (const model::Table* t : with_foreign_keys) {
    for (const model::ForeignKey& fk : t->foreign_keys) {
      plan::Plan one;
      one.changes = {diff::ModifyTable{*t, *t, {diff::AddForeignKey{fk}}}};
      const model::Table* target_table = document_tables.referenced_table(fk.ref_table, t->schema);
      std::vector<std::string> needs = {table_key(*t)};
      if (target_table) needs.push_back(table_key(*target_table));
      steps.push_back({std::move(one), fk.where.known() ? fk.where : t->where, "a foreign key of table " + quoted(t->name), needs, false, {}});
    }
  }
  for (const auto& [table, partition] : partitions) {
    plan::Plan one;
    one.changes = {diff::ModifyTable{*table, *table, {diff::AddPartition{*partition}}}};
    steps.push_back({std::move(one), partition->where.known() ? partition->where : table->where,
                     "partition " + quoted(partition->name) + " of table " + quoted(table->name), {table_key(*table)}, false, {}});
  }
  run_steps();
  for (const diff::Change* change : deferred_functions) {
    const auto& f = std::get<diff::CreateFunction>(*change).function;
    plan::Plan one;
    one.changes = {*change};
    run(one, f.where, "function " + quoted(f.name));
  }
  create_dependents(views, after_views, attempt, diagnostics);
  if (diagnostics.error_count() > errors_before) return {};
  step.emplace("normalize: read back");
  // A second connection costs a few milliseconds to open: more than it saves
  // on the few tables most plans build.
  const bool second_connection = desired.tables.size() + context.size() >= kTablesWorthASecondConnection;
  model::Schema normalized = scratch->introspect(Scope::built_from(desired), second_connection);
  if (whole && !unchanged.empty()) context.insert(unchanged.begin(), unchanged.end());
  if (!context.empty()) {
    auto in_context = [&](const model::Table& t) { return context.count(table_key(t)) > 0; };
    normalized.tables.erase(std::remove_if(normalized.tables.begin(), normalized.tables.end(), in_context),
                            normalized.tables.end());
  }
  for (model::Table& t : normalized.tables)
    if (const StorageLessBuild* build = storage_less_build_of(table_key(t))) as_built_with_storage(t, *build);
  carry_document_details(desired, normalized, *this);
  if (!grafted.empty()) {
    // In the document's order, as a build of every changed table reads them back.
    for (auto& entry : grafted) normalized.tables.push_back(std::move(entry.second));
    std::map<std::string, std::size_t> position;
    for (std::size_t i = 0; i < document.tables.size(); ++i) position.emplace(table_key(document.tables[i]), i);
    auto place = [&](const model::Table& t) {
      auto found = position.find(table_key(t));
      return found == position.end() ? position.size() : found->second;
    };
    std::stable_sort(normalized.tables.begin(), normalized.tables.end(),
                     [&](const model::Table& a, const model::Table& b) { return place(a) < place(b); });
  }
  check_created_objects(desired, normalized, diagnostics);
  check_function_bodies(c, normalized, diagnostics);
  if (diagnostics.error_count() > errors_before) return {};
  step.emplace("normalize: drop the scratch database");
  // Extensions in the document are the managed ones; others the scratch database got by default do not count.
  normalized.extensions = desired.extensions;
  normalized.grants_managed = desired.grants_managed;
  std::sort(normalized.extensions.begin(), normalized.extensions.end());
  return normalized;
}

std::vector<Statement> PostgresqlDialect::render(const plan::Plan& plan) const { return render_plan(plan); }

std::vector<plan::Hazard> PostgresqlDialect::engine_hazards(const plan::Plan& plan) const {
  std::vector<plan::Hazard> out;
  const bool online = plan.options.online;
  auto add = [&](const char* code, const std::string& object, const std::string& reason, const SourceLocation& where = {}) {
    out.push_back({code, object, reason, where});
  };
  for (const diff::Change& change : plan.changes) {
    if (auto* v = std::get_if<diff::DropView>(&change); v && v->view.materialized)
      add("recreate.materialized_view", v->view.name,
          "drops materialized view " + v->view.name + "; created again, its rows are computed anew (and stay empty "
          "until REFRESH when with_data is false)");
    if (auto* idx = std::get_if<diff::CreateIndex>(&change); idx && !online && plan.current.find_table(idx->table))
      add("lock.index_build", idx->table + "." + idx->index.name,
          "builds index " + idx->index.name + " while blocking writes to " + idx->table + " (--online builds it CONCURRENTLY)",
          idx->index.where);
    auto* m = std::get_if<diff::ModifyTable>(&change);
    if (!m) continue;
    const std::string& t = m->to.name;
    for (const diff::TableChange& tc : m->changes) {
      if (auto* a = std::get_if<diff::AlterColumn>(&tc)) {
        if (a->type_changed)
          add("lock.table_rewrite", t + "." + a->to.name,
              "changing the type of " + t + "." + a->to.name + " may rewrite the table under an exclusive lock", a->to.type_where);
        if (a->nullability_changed && !a->to.nullable && !online)
          add("lock.set_not_null", t + "." + a->to.name,
              "SET NOT NULL scans " + t + " under an exclusive lock (--online proves it with a validated check first)", a->to.where);
      } else if (auto* ac = std::get_if<diff::AddColumn>(&tc)) {
        const auto& d = ac->column.default_value;
        if (d && d->kind == model::Default::Kind::Expression) {
          // now() and CURRENT_TIMESTAMP are stable; functions like random() are volatile and force a rewrite.
          const std::string e = model::to_lower(d->expression);
          if (e.find("random") != std::string::npos || e.find("clock_timestamp") != std::string::npos ||
              e.find("nextval") != std::string::npos || e.find("uuid") != std::string::npos)
            add("lock.volatile_default", t + "." + ac->column.name,
                "a volatile default makes adding " + t + "." + ac->column.name + " rewrite the table", ac->column.where);
        }
      } else if (auto* dp = std::get_if<diff::DropPartition>(&tc)) {
        add("data_loss.drop_partition", dp->partition.name, "drops partition " + dp->partition.name + " of " + t + " and its rows");
        add("irreversible.down", dp->partition.name, "a rollback recreates partition " + dp->partition.name + " empty");
      } else if (auto* cb = std::get_if<diff::ChangePartitionBound>(&tc)) {
        add("may_fail.partition_bound", cb->to.name,
            "attaches " + cb->to.name + " with bound " + cb->to.bound + "; rows outside it make the migration fail", cb->to.where);
      } else if (auto* x = std::get_if<diff::AddExclusion>(&tc)) {
        add("may_fail.exclusion", t, "adds an exclusion constraint to " + t + "; conflicting rows make it fail", x->exclusion.where);
      } else if (auto* f = std::get_if<diff::AddForeignKey>(&tc); f && !online && !f->foreign_key.not_valid) {
        add("lock.constraint_validation", t, "adding a foreign key checks every row of " + t + " while holding its lock",
            f->foreign_key.where);
      } else if (auto* k = std::get_if<diff::AddCheck>(&tc); k && !online && !k->check.not_valid) {
        add("lock.constraint_validation", t, "adding a check scans " + t + " while holding its lock", k->check.where);
      }
    }
  }
  return out;
}

bool PostgresqlDialect::types_equal(const std::string& a, const std::string& b) const {
  return a == b || stored_type_name(a) == stored_type_name(b);
}

std::string PostgresqlDialect::table_sql(const model::Table& table) const { return table_name(table); }
std::string PostgresqlDialect::identifier_sql(const std::string& name) const { return quote_identifier(name); }

std::string PostgresqlDialect::rename_column_in_sql(const std::string& sql, const std::string& from, const std::string& to) const {
  // Both the bare and the quoted spelling of the old name, outside string literals.
  std::string out;
  const std::string quoted_from = "\"" + from + "\"";
  for (std::size_t i = 0; i < sql.size();) {
    if (sql[i] == '\'') {
      const std::size_t end = sql.find('\'', i + 1);
      const std::size_t stop = end == std::string::npos ? sql.size() : end + 1;
      out += sql.substr(i, stop - i);
      i = stop;
    } else if (sql.compare(i, quoted_from.size(), quoted_from) == 0) {
      out += quote_identifier(to);
      i += quoted_from.size();
    } else if (sql.compare(i, from.size(), from) == 0 && (i == 0 || !is_word_char(sql[i - 1])) &&
               (i + from.size() >= sql.size() || !is_word_char(sql[i + from.size()]))) {
      out += quote_identifier(to);
      i += from.size();
    } else {
      out += sql[i++];
    }
  }
  return out;
}

}  // namespace strata::dialect::postgresql
