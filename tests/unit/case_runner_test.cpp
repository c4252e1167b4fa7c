// The data-driven case suite: every case in tests/cases/*.yaml runs four
// phases against a real SQLite file (forward, idempotent, reverse,
// idempotent) and checks that rows survive every phase that is not lossy.
// Set STRATA_CASE=<text> to run only the cases whose name contains it.
#include <yaml-cpp/yaml.h>

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "dialect/postgresql/connection.hpp"
#include "dialect/sqlite/connection.hpp"
#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/diff/reverse.hpp"
#include "strata/load/loader.hpp"
#include "strata/reconcile.hpp"
#include "test_support.hpp"

namespace {

using namespace strata;
using strata::testing::TempDir;

struct Case {
  std::string file;
  std::string name;
  std::string current;
  std::string desired;
  std::vector<std::string> up_contains;
  std::vector<std::string> up_not_contains;
  std::string lossy = "none";
  std::optional<std::string> error;
  std::optional<std::string> apply_error;
  bool no_changes = false;
  bool skip_reverse = false;  // the change cannot be undone by a plan (e.g. removing an enum label)
};

std::vector<std::string> strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (!node) return out;
  if (node.IsScalar()) out.push_back(node.as<std::string>());
  else
    for (const auto& item : node) out.push_back(item.as<std::string>());
  return out;
}

std::vector<Case> load_cases(const std::string& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(strata::testing::source_path(folder)))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  const char* filter = std::getenv("STRATA_CASE");
  for (const auto& file : files) {
    YAML::Node root = YAML::LoadFile(file.string());
    for (const YAML::Node& n : root["cases"]) {
      Case c;
      c.file = file.filename().string();
      c.name = n["name"].as<std::string>();
      c.current = n["current"] ? n["current"].as<std::string>() : "";
      c.desired = n["desired"] ? n["desired"].as<std::string>() : "";
      c.up_contains = strings(n["up_contains"]);
      c.up_not_contains = strings(n["up_not_contains"]);
      if (n["lossy"]) c.lossy = n["lossy"].as<std::string>();
      if (n["error"]) c.error = n["error"].as<std::string>();
      if (n["apply_error"]) c.apply_error = n["apply_error"].as<std::string>();
      if (n["no_changes"]) c.no_changes = n["no_changes"].as<bool>();
      if (n["skip_reverse"]) c.skip_reverse = n["skip_reverse"].as<bool>();
      if (filter && c.name.find(filter) == std::string::npos) continue;
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

// Every table's rows, each value as text, for row-survival checks.
struct TableRows {
  std::vector<std::string> columns;  // lowercased
  std::vector<bool> generated;
  std::vector<dialect::sqlite::Connection::Row> rows;
};
using Snapshot = std::map<std::string, TableRows>;

// A database for one case: made from the case's SQL, read for row checks.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;
  // Creates a database holding setup_sql's objects and rows; returns its URL.
  virtual std::string create(const std::string& setup_sql) = 0;
  virtual std::vector<dialect::sqlite::Connection::Row> query(const std::string& sql) = 0;
  virtual std::string qualified(const model::Table& t) const = 0;
};

std::string double_quoted(const std::string& name) {
  std::string out = "\"";
  for (char ch : name) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

class SqliteBackend final : public Backend {
 public:
  std::string name() const override { return "sqlite"; }
  std::string create(const std::string& setup_sql) override {
    path_ = dir_.file("case.db");
    dialect::sqlite::Connection(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).exec(setup_sql);
    return "sqlite:///" + path_;
  }
  std::vector<dialect::sqlite::Connection::Row> query(const std::string& sql) override {
    return dialect::sqlite::Connection(path_, SQLITE_OPEN_READONLY).query(sql);
  }
  std::string qualified(const model::Table& t) const override { return double_quoted(t.name); }

 private:
  TempDir dir_;
  std::string path_;
};

// Each case gets a database of its own on the test server, dropped afterwards.
class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(std::string server) : server_(std::move(server)) {}
  ~PostgresBackend() override {
    connection_.reset();
    if (database_.empty()) return;
    try {
      dialect::postgresql::Connection(server_).exec("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    } catch (const std::exception&) {
    }
  }
  std::string name() const override { return "postgresql"; }
  std::string create(const std::string& setup_sql) override {
    static int counter = 0;
    database_ = "strata_case_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    dialect::postgresql::Connection(server_).exec("CREATE DATABASE " + database_ + " TEMPLATE template0");
    const std::string url = server_.substr(0, server_.rfind('/') + 1) + database_;
    connection_ = std::make_unique<dialect::postgresql::Connection>(url);
    connection_->exec("SET client_min_messages = warning");
    if (!setup_sql.empty()) connection_->exec(setup_sql);
    return url;
  }
  std::vector<dialect::sqlite::Connection::Row> query(const std::string& sql) override {
    std::vector<dialect::sqlite::Connection::Row> out;
    for (const auto& row : connection_->query(sql)) {
      out.emplace_back();
      for (std::size_t i = 0; i < row.size(); ++i) out.back().push_back(row[i]);
    }
    return out;
  }
  std::string qualified(const model::Table& t) const override {
    return t.schema.empty() ? double_quoted(t.name) : double_quoted(t.schema) + "." + double_quoted(t.name);
  }

 private:
  std::string server_;
  std::string database_;
  std::unique_ptr<dialect::postgresql::Connection> connection_;
};

Snapshot snapshot(Backend& backend, const model::Schema& schema) {
  Snapshot out;
  for (const model::Table& t : schema.tables) {
    TableRows rows;
    std::string select;
    for (const model::Column& c : t.columns) {
      rows.columns.push_back(model::to_lower(c.name));
      rows.generated.push_back(c.generated.has_value());
      select += (select.empty() ? "" : ", ") + std::string("CAST(") + double_quoted(c.name) + " AS TEXT)";
    }
    rows.rows = backend.query("SELECT " + (select.empty() ? std::string("1") : select) + " FROM " + backend.qualified(t));
    out[model::to_lower(t.schema.empty() ? t.name : t.schema + "." + t.name)] = std::move(rows);
  }
  return out;
}

// Renames from hints: after-name (lowercased) -> before-name, for tables and "table.column".
struct Renames {
  std::map<std::string, std::string> tables;   // before -> after
  std::map<std::string, std::string> columns;  // "after_table.before_col" -> after_col
};

Renames forward_renames(const model::Schema& desired) {
  Renames r;
  for (const model::Table& t : desired.tables) {
    if (t.renamed_from) r.tables[model::to_lower(*t.renamed_from)] = model::to_lower(t.name);
    for (const model::Column& c : t.columns)
      if (c.renamed_from) r.columns[model::to_lower(t.name) + "." + model::to_lower(*c.renamed_from)] = model::to_lower(c.name);
  }
  return r;
}

Renames reverse_renames(const model::Schema& desired) {
  Renames r;
  for (const model::Table& t : desired.tables) {
    const std::string before_table = model::to_lower(t.renamed_from.value_or(t.name));
    if (t.renamed_from) r.tables[model::to_lower(t.name)] = before_table;
    for (const model::Column& c : t.columns)
      if (c.renamed_from) r.columns[before_table + "." + model::to_lower(c.name)] = model::to_lower(*c.renamed_from);
  }
  return r;
}

// Rows of kept columns in before must all be in after (same multiset).
void check_rows_survive(const Snapshot& before, const Snapshot& after, const Renames& renames, const std::string& phase) {
  for (const auto& [table, rows] : before) {
    const std::string after_table = renames.tables.count(table) ? renames.tables.at(table) : table;
    auto it = after.find(after_table);
    if (it == after.end()) continue;  // the table was dropped
    const TableRows& other = it->second;
    std::vector<std::pair<std::size_t, std::size_t>> kept;
    for (std::size_t i = 0; i < rows.columns.size(); ++i) {
      const std::string key = after_table + "." + rows.columns[i];
      const std::string after_column = renames.columns.count(key) ? renames.columns.at(key) : rows.columns[i];
      auto pos = std::find(other.columns.begin(), other.columns.end(), after_column);
      if (pos == other.columns.end()) continue;
      const std::size_t j = static_cast<std::size_t>(pos - other.columns.begin());
      if (rows.generated[i] || other.generated[j]) continue;
      kept.emplace_back(i, j);
    }
    INFO("phase " << phase << ": rows of table " << table);
    REQUIRE(rows.rows.size() == other.rows.size());
    auto project = [&](const std::vector<dialect::sqlite::Connection::Row>& all, bool left) {
      std::vector<std::vector<std::string>> out;
      for (const auto& row : all) {
        std::vector<std::string> values;
        for (const auto& [i, j] : kept) {
          const auto& v = row[left ? i : j];
          values.push_back(v ? "v:" + *v : "NULL");
        }
        out.push_back(values);
      }
      std::sort(out.begin(), out.end());
      return out;
    };
    CHECK(project(rows.rows, true) == project(other.rows, false));
  }
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// up_contains ignores ASCII case: SQLite reads keywords, identifiers and type
// names case-insensitively, and declared types keep the spelling of the
// document. up_not_contains is exact, so that "CHECK" does not match a pragma.
bool contains_ignoring_case(const std::string& text, const std::string& part) {
  return contains(model::to_lower(text), model::to_lower(part));
}

void run_case(const Case& c, Backend& backend) {
  config::DatabaseUrl url = config::parse_database_url(backend.create(c.current));
  load::LoadResult loaded = load::load_schema_text(c.desired, c.file + "#" + c.name, load::Format::Yaml);
  const load::LoadResult loaded_again = loaded;
  const model::Schema document = loaded.schema;
  manage_schemas_of(document, url);  // as plan does: the schemas the document names are managed
  const dialect::Dialect& dialect = dialect::dialect_for(url);
  auto database = dialect.open(url, dialect::OpenMode::ReadWrite);
  const model::Schema original = database->introspect();
  const Snapshot rows0 = snapshot(backend, original);

  Diagnostics warnings;
  if (c.error) {
    // Rejected when loaded, or when planned against this database (a stale rename hint).
    try {
      const model::Schema accepted = prepare_desired(std::move(loaded), dialect, url, warnings);
      reconcile(dialect, original, accepted);
      FAIL("the desired document was accepted; expected an error containing: " << *c.error);
    } catch (const InvalidDocument& e) {
      INFO(e.what());
      CHECK(contains(e.what(), *c.error));
    }
    return;
  }
  model::Schema desired;
  try {
    desired = prepare_desired(std::move(loaded), dialect, url, warnings);
  } catch (const InvalidDocument& e) {
    FAIL("phase load: the desired document was rejected:\n" << e.what());
  }

  // Phase 1: forward.
  Reconciliation forward = reconcile(dialect, original, desired);
  const std::string up = to_sql_script(forward.statements);
  INFO("forward SQL:\n" << up);
  if (c.no_changes) {
    CHECK(up.empty());
    return;
  }
  REQUIRE_FALSE(forward.statements.empty());
  for (const std::string& s : c.up_contains) CHECK(contains_ignoring_case(up, s));
  // Normalizing only what differs from the database gives the same plan.
  auto desired_against = [&](const model::Schema& current) {
    Diagnostics ignored;
    return prepare_desired(loaded_again, dialect, url, ignored, &current);
  };
  {
    const model::Schema against_original = desired_against(original);
    const std::string shortcut = to_sql_script(reconcile(dialect, original, against_original).statements);
    INFO("phase forward, unchanged tables taken from the database, gave:\n" << shortcut);
    CHECK(shortcut == up);
    // The way back, as a revision writes it, starts from the normalized
    // desired schema: its stored names are what the down section drops.
    auto down_from = [&](const model::Schema& normalized) {
      diff::DiffOptions down_options;
      down_options.refuse_impossible = false;
      return to_sql_script(
          reconcile(dialect, normalized, diff::with_reverse_hints(original, normalized), down_options).statements);
    };
    const std::string down_shortcut = down_from(against_original);
    INFO("revision down section, unchanged tables taken from the database, gave:\n" << down_shortcut);
    CHECK(down_shortcut == down_from(desired));
  }
  for (const std::string& s : c.up_not_contains) CHECK_FALSE(contains(up, s));

  if (c.apply_error) {
    try {
      database->execute(forward.statements);
      FAIL("phase forward: the SQL applied; expected it to fail with: " << *c.apply_error);
    } catch (const Error& e) {
      INFO(e.what());
      CHECK(contains(e.what(), *c.apply_error));
    }
    const model::Schema after = database->introspect();
    INFO("phase forward (failed): the database must be unchanged");
    CHECK(to_sql_script(reconcile(dialect, after, original).statements).empty());
    check_rows_survive(rows0, snapshot(backend, after), {}, "failed forward");
    return;
  }

  database->execute(forward.statements);
  const model::Schema after_forward = database->introspect();
  const Snapshot rows1 = snapshot(backend, after_forward);
  if (c.lossy != "forward" && c.lossy != "both") check_rows_survive(rows0, rows1, forward_renames(document), "forward");

  // Phase 2: idempotent.
  {
    const std::string again = to_sql_script(reconcile(dialect, after_forward, desired).statements);
    INFO("phase idempotent: a second plan must be empty, got:\n" << again);
    CHECK(again.empty());
    const std::string shortcut = to_sql_script(reconcile(dialect, after_forward, desired_against(after_forward)).statements);
    INFO("phase idempotent, unchanged tables taken from the database: a second plan must be empty, got:\n" << shortcut);
    CHECK(shortcut.empty());
  }

  if (c.skip_reverse) return;

  // Phase 3: reverse.
  const model::Schema target = diff::with_reverse_hints(original, document);
  Reconciliation reverse = reconcile(dialect, after_forward, target);
  const std::string down = to_sql_script(reverse.statements);
  INFO("reverse SQL:\n" << down);
  CHECK_FALSE(reverse.statements.empty());
  database->execute(reverse.statements);
  const model::Schema after_reverse = database->introspect();
  if (c.lossy != "reverse" && c.lossy != "both")
    check_rows_survive(rows1, snapshot(backend, after_reverse), reverse_renames(document), "reverse");

  // Phase 4: idempotent again, and back where we started.
  const std::string again = to_sql_script(reconcile(dialect, after_reverse, original).statements);
  INFO("phase reverse idempotent: a plan back to the original must be empty, got:\n" << again);
  CHECK(again.empty());
}

}  // namespace

TEST_CASE("schema cases on SQLite: forward, idempotent, reverse, idempotent", "[cases]") {
  const std::vector<Case> cases = load_cases("tests/cases");
  if (!std::getenv("STRATA_CASE")) REQUIRE(cases.size() >= 80);
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.file << ": " << c.name) {
      SqliteBackend backend;
      run_case(c, backend);
    }
  }
}

TEST_CASE("schema cases on PostgreSQL: forward, idempotent, reverse, idempotent", "[cases][postgresql]") {
  const char* server = std::getenv("STRATA_TEST_PG_URL");
  if (!server) {
    WARN("STRATA_TEST_PG_URL is not set: the PostgreSQL cases did not run (scripts/test.sh starts a server)");
    return;
  }
  const std::vector<Case> cases = load_cases("tests/cases/postgresql");
  if (!std::getenv("STRATA_CASE")) REQUIRE(cases.size() >= 1);
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.file << ": " << c.name) {
      PostgresBackend backend(server);
      run_case(c, backend);
    }
  }
}
