// The SQLite dialect's parts: SQL comparison, reading stored CREATE
// statements, default classification, and the safety of table rebuilds.
#include <catch2/catch.hpp>

#include "dialect/sqlite/connection.hpp"
#include "dialect/sqlite/create_parser.hpp"
#include "dialect/sqlite/introspector.hpp"
#include "dialect/sqlite/lexer.hpp"
#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/reconcile.hpp"
#include "test_support.hpp"

using namespace strata;
using namespace strata::dialect::sqlite;

namespace {

// A database file made by setup_sql, and a desired schema ready to plan against it.
struct Scenario {
  testing::TempDir dir;
  std::string db;
  config::DatabaseUrl url;
  const dialect::Dialect* dialect = nullptr;
  model::Schema desired;

  Scenario(const std::string& setup_sql, const std::string& schema_yaml) : db(dir.file("app.db")) {
    Connection(db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).exec(setup_sql);
    url = config::parse_database_url("sqlite:///" + db);
    dialect = &dialect::dialect_for(url);
    Diagnostics warnings;
    desired = prepare_desired(load::load_schema_text(schema_yaml, "schema.yaml", load::Format::Yaml), *dialect, url, warnings);
  }
  std::unique_ptr<dialect::Database> open(dialect::OpenMode mode) const { return dialect->open(url, mode); }
};

}  // namespace

TEST_CASE("SQL fragments compare the way SQLite reads them", "[sqlite]") {
  CHECK(canonical_sql("(x>0)") == canonical_sql("x > 0"));
  CHECK(canonical_sql("((a + b))") == canonical_sql("a+b"));
  CHECK(canonical_sql("\"Name\" = 'x'") == canonical_sql("name='x'"));
  CHECK(canonical_sql("lower( name ) -- comment") == canonical_sql("LOWER(name)"));
  CHECK(canonical_sql("a <> b") == canonical_sql("a != b"));
  CHECK(canonical_sql("name = 'A'") != canonical_sql("name = 'a'"));
  CHECK(canonical_sql("(a) + (b)") != canonical_sql("a) + (b"));
}

TEST_CASE("stored CREATE TABLE statements are read completely", "[sqlite]") {
  const ParsedTable t = parse_create_table(
      "CREATE TABLE \"my table\" (\n"
      "  id INTEGER CONSTRAINT pk_t PRIMARY KEY AUTOINCREMENT,\n"
      "  name TEXT NOT NULL COLLATE NOCASE CHECK (length(name) > 0),\n"
      "  total INT GENERATED ALWAYS AS (id * 2) STORED,\n"
      "  half AS (id / 2),\n"
      "  parent INTEGER REFERENCES \"my table\" (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,\n"
      "  [weird col] TEXT UNIQUE,\n"
      "  CONSTRAINT uq_name UNIQUE (name, total),\n"
      "  CONSTRAINT ck_total CHECK (total >= 0),\n"
      "  FOREIGN KEY (parent, id) REFERENCES other\n"
      ") WITHOUT ROWID, STRICT");
  REQUIRE(t.columns.size() == 6);
  CHECK(t.columns[0].autoincrement);
  CHECK(t.columns[0].primary_key_name == std::string("pk_t"));
  CHECK(t.columns[1].collation == std::string("NOCASE"));
  CHECK(t.columns[2].generated == std::string("id * 2"));
  CHECK(t.columns[2].generated_stored);
  CHECK(t.columns[3].generated == std::string("id / 2"));
  CHECK_FALSE(t.columns[3].generated_stored);
  CHECK(t.columns[5].name == "weird col");
  REQUIRE(t.checks.size() == 2);
  CHECK(t.checks[0].expression == "length(name) > 0");
  CHECK(t.checks[1].name == std::string("ck_total"));
  REQUIRE(t.foreign_keys.size() == 2);
  CHECK(t.foreign_keys[0].on_delete == "CASCADE");
  CHECK(t.foreign_keys[0].initially_deferred);
  CHECK(t.foreign_keys[1].columns == std::vector<std::string>{"parent", "id"});
  CHECK(t.foreign_keys[1].ref_columns.empty());
  REQUIRE(t.uniques.size() == 2);
  CHECK(t.uniques[1].name == std::string("uq_name"));
  CHECK(t.without_rowid);
  CHECK(t.strict);
}

TEST_CASE("tables made by CREATE TABLE AS are read from their columns", "[sqlite]") {
  Scenario s("CREATE TABLE src (a INT, b TEXT); CREATE TABLE copy AS SELECT a, b FROM src;",
             "tables:\n  - { name: src, columns: [{ name: a, type: INT, nullable: true }, { name: b, type: TEXT, nullable: true }] }\n"
             "  - { name: copy, columns: [{ name: a, type: INT, nullable: true }, { name: b, type: TEXT, nullable: true }] }\n");
  const model::Schema live = s.open(dialect::OpenMode::ReadOnly)->introspect();
  REQUIRE(live.tables.size() == 2);
  CHECK(live.tables[1].columns.size() == 2);
  CHECK(reconcile(*s.dialect, live, s.desired).statements.empty());
}

TEST_CASE("stored CREATE INDEX statements give expressions and predicates", "[sqlite]") {
  const ParsedIndex i = parse_create_index(
      "CREATE UNIQUE INDEX ix ON t (lower(name) COLLATE NOCASE DESC, \"a b\", c + 1) WHERE c > 0 AND (d IS NULL);");
  REQUIRE(i.keys.size() == 3);
  CHECK(i.keys[0].text == "lower(name)");
  CHECK(i.keys[0].descending);
  CHECK(i.keys[0].collation == std::string("NOCASE"));
  CHECK(i.keys[1].is_column);
  CHECK(i.keys[1].column == "a b");
  CHECK(i.keys[2].text == "c + 1");
  CHECK(i.where_clause == std::string("c > 0 AND (d IS NULL)"));
}

TEST_CASE("stored defaults read back as literals or expressions", "[sqlite]") {
  CHECK(classify_default("0").literal.kind == model::Literal::Kind::Number);
  CHECK(classify_default("-1.5").literal.text == "-1.5");
  CHECK(classify_default("'it''s'").literal.text == "it's");
  CHECK(classify_default("TRUE").literal.kind == model::Literal::Kind::Boolean);
  CHECK(classify_default("NULL").literal.kind == model::Literal::Kind::Null);
  CHECK(classify_default("CURRENT_TIMESTAMP").kind == model::Default::Kind::Expression);
  CHECK(classify_default("(1 + 2)").expression == "1 + 2");
  CHECK(classify_default("(a) || (b)").expression == "(a) || (b)");
}

TEST_CASE("a rebuilt parent keeps the rows of ON DELETE CASCADE children, even with foreign keys on",
          "[sqlite][safety]") {
  // The name becomes NOT NULL: SQLite cannot ALTER that, so team is rebuilt.
  Scenario s(
      "CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT);"
      "CREATE TABLE hero (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES team(id) ON DELETE CASCADE);"
      "INSERT INTO team VALUES (1, 'a'), (2, 'b');"
      "INSERT INTO hero VALUES (1, 1), (2, 1), (3, 2);",
      "tables:\n"
      "  - { name: team, columns: [{ name: id, type: integer, primary_key: true }, { name: name, type: text }] }\n"
      "  - name: hero\n"
      "    columns:\n"
      "      - { name: id, type: integer, primary_key: true }\n"
      "      - { name: team_id, type: integer, nullable: true, references: { table: team, column: id, on_delete: cascade } }\n");
  const std::string sql =
      to_sql_script(reconcile(*s.dialect, s.open(dialect::OpenMode::ReadOnly)->introspect(), s.desired).statements);
  INFO(sql);
  REQUIRE(sql.find("_strata_new_team") != std::string::npos);
  CHECK(sql.find("PRAGMA foreign_keys = OFF;") < sql.find("BEGIN;"));  // outside the transaction, where it takes effect

  // Run the plan as a user would, on a connection that enforces foreign keys.
  s.dir.write("up.sql", "PRAGMA foreign_keys = ON;\n" + sql);
  REQUIRE(std::system(("sqlite3 -bail '" + s.db + "' < '" + s.dir.file("up.sql") + "'").c_str()) == 0);
  Connection check(s.db, SQLITE_OPEN_READONLY);
  CHECK(check.query("SELECT count(*) FROM hero")[0][0] == std::string("3"));
  CHECK(check.query("SELECT count(*) FROM team")[0][0] == std::string("2"));
}

TEST_CASE("a failing plan leaves the database as it was", "[sqlite][safety]") {
  Scenario s("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); INSERT INTO t VALUES (1, NULL), (2, 'x');",
             "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }, { name: a, type: text }] }\n"
             "  - { name: u, columns: [{ name: id, type: integer }] }\n");
  auto database = s.open(dialect::OpenMode::ReadWrite);
  const dialect::Dialect& d = *s.dialect;
  const model::Schema before = database->introspect();
  auto plan = reconcile(d, before, s.desired);
  try {
    database->execute(plan.statements);
    FAIL("a NOT NULL column holding NULL was accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::MigrationFailed);
    CHECK(std::string(e.what()).find("NOT NULL constraint failed") != std::string::npos);
  }
  const model::Schema after = database->introspect();
  CHECK(after.tables.size() == 1);
  CHECK(reconcile(d, after, before).statements.empty());
  Connection check(s.db, SQLITE_OPEN_READONLY);
  CHECK(check.query("SELECT count(*) FROM t")[0][0] == std::string("2"));
}

TEST_CASE("a rebuild keeps the AUTOINCREMENT counter, so ids are never reused", "[sqlite][safety]") {
  Scenario s("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT);"
             "INSERT INTO t (a) VALUES ('x'), ('y'), ('z'); DELETE FROM t WHERE id = 3;",
             "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true, autoincrement: true }\n"
             "      - { name: a, type: text, default: none }\n");
  auto database = s.open(dialect::OpenMode::ReadWrite);
  auto plan = reconcile(*s.dialect, database->introspect(), s.desired);
  REQUIRE(to_sql_script(plan.statements).find("_strata_new_t") != std::string::npos);
  database->execute(plan.statements);
  Connection c(s.db, SQLITE_OPEN_READWRITE);
  c.exec("INSERT INTO t (a) VALUES ('w')");
  CHECK(c.query("SELECT max(id) FROM t")[0][0] == std::string("4"));
}

TEST_CASE("rebuilding a 100,000-row parent keeps every ON DELETE CASCADE child row", "[sqlite][safety]") {
  Scenario s(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);"
      "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id) ON DELETE CASCADE);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
      "  INSERT INTO parent SELECT i, 'p' || i FROM n;"
      "INSERT INTO child SELECT id, id FROM parent;",
      "tables:\n"
      "  - { name: parent, columns: [{ name: id, type: integer, primary_key: true }, { name: name, type: text }] }\n"
      "  - name: child\n"
      "    columns:\n"
      "      - { name: id, type: INTEGER, primary_key: true }\n"
      "      - { name: parent_id, type: INTEGER, references: { table: parent, column: id, on_delete: cascade } }\n");
  Connection before(s.db, SQLITE_OPEN_READONLY);
  const std::string checksum = *before.query("SELECT sum(id * 31 + parent_id) || ':' || count(*) FROM child")[0][0];
  auto database = s.open(dialect::OpenMode::ReadWrite);
  // The database enforces foreign keys, as an application's connection would.
  auto plan = reconcile(*s.dialect, database->introspect(), s.desired);
  const std::string sql = to_sql_script(plan.statements);
  REQUIRE(sql.find("_strata_new_parent") != std::string::npos);  // name becomes NOT NULL: a rebuild
  s.dir.write("up.sql", "PRAGMA foreign_keys = ON;\n" + sql);
  REQUIRE(std::system(("sqlite3 -bail '" + s.db + "' < '" + s.dir.file("up.sql") + "'").c_str()) == 0);
  Connection after(s.db, SQLITE_OPEN_READONLY);
  CHECK(*after.query("SELECT sum(id * 31 + parent_id) || ':' || count(*) FROM child")[0][0] == checksum);
  CHECK(*after.query("SELECT count(*) FROM parent")[0][0] == "100000");
  CHECK(after.query("PRAGMA foreign_key_check").empty());
}

TEST_CASE("a schema larger than one scratch database normalizes like a small one", "[sqlite]") {
  // 450 tables span three scratch databases; each references the one before
  // it by its primary key without naming the column, a view reads the first
  // and the last table, and a trigger sits on the last one.
  std::string yaml = "tables:\n";
  for (int i = 0; i < 450; ++i) {
    yaml += "  - name: t" + std::to_string(i) + "\n    columns:\n      - { name: id, type: integer, primary_key: true }\n";
    yaml += "      - { name: label, type: text, default: 'x' }\n";
    if (i > 0) yaml += "      - { name: prev_id, type: integer, nullable: true, references: { table: t" + std::to_string(i - 1) + " } }\n";
    yaml += "    indexes: [{ columns: [label] }]\n";
  }
  yaml += "views:\n  - name: ends\n    sql: SELECT a.id, b.label FROM t0 AS a JOIN t449 AS b ON b.prev_id = a.id\n";
  yaml += "triggers:\n  - name: t449_touch\n    table: t449\n    sql: CREATE TRIGGER t449_touch AFTER INSERT ON t449 BEGIN UPDATE t0 SET label = 'y'; END\n";

  Scenario s("", yaml);
  REQUIRE(s.desired.tables.size() == 450);
  for (const model::Table& t : s.desired.tables) {
    if (t.name == "t0") continue;
    REQUIRE(t.foreign_keys.size() == 1);
    CHECK(t.foreign_keys[0].ref_columns == std::vector<std::string>{"id"});
  }
  REQUIRE(s.desired.views.size() == 1);
  CHECK(s.desired.views[0].name == "ends");
  REQUIRE(s.desired.triggers.size() == 1);

  auto database = s.open(dialect::OpenMode::ReadWrite);
  database->execute(reconcile(*s.dialect, database->introspect(), s.desired).statements);
  const model::Schema current = database->introspect();
  CHECK(reconcile(*s.dialect, current, s.desired).statements.empty());

  // Against the database, unchanged tables are taken from it: the same result.
  Diagnostics warnings;
  const model::Schema again = prepare_desired(load::load_schema_text(yaml, "schema.yaml", load::Format::Yaml), *s.dialect,
                                              s.url, warnings, &current);
  CHECK(again.tables.size() == 450);
  CHECK(reconcile(*s.dialect, current, again).statements.empty());
}

TEST_CASE("a column without a declared type round-trips through inspect as type \"\"", "[sqlite]") {
  Scenario s("CREATE TABLE t (a, b INTEGER);",
             "tables:\n  - name: t\n    columns:\n      - { name: a, type: \"\", nullable: true }\n"
             "      - { name: b, type: INTEGER, nullable: true }\n");
  auto database = s.open(dialect::OpenMode::ReadOnly);
  const model::Schema current = database->introspect();
  REQUIRE(current.tables.size() == 1);
  CHECK(current.tables[0].columns[0].type.empty());
  CHECK(reconcile(*s.dialect, current, s.desired).statements.empty());
}
