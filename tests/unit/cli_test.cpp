// The strata binary end to end: stdout carries only SQL, errors go to stderr
// with documented exit codes, and plan never touches the database.
#include <catch2/catch.hpp>

#include <filesystem>

#include "test_support.hpp"

using strata::testing::run_strata;
using strata::testing::TempDir;

namespace {
const char* const kHeroes = R"(tables:
  - name: team
    columns:
      - { name: id, type: integer, primary_key: true }
      - { name: name, type: text }
  - name: hero
    columns:
      - { name: id, type: integer, primary_key: true }
      - { name: name, type: text }
      - { name: team_id, type: integer, nullable: true, references: { table: team, column: id } }
)";

int sqlite3_shell(const std::string& db, const std::string& sql_file) {
  return std::system(("sqlite3 -bail '" + db + "' < '" + sql_file + "'").c_str());
}
}  // namespace

TEST_CASE("plan prints SQL that, once run, leaves nothing to plan", "[cli]") {
  TempDir dir;
  dir.write("schema.yaml", kHeroes);
  auto first = run_strata("plan --url sqlite:///app.db --exit-code", dir.path());
  INFO(first.err);
  CHECK(first.exit_code == 1);
  CHECK(first.out.find("CREATE TABLE team") != std::string::npos);
  CHECK(first.out.rfind("BEGIN;", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(dir.file("app.db")));  // plan never creates the database
  CHECK(first.err.find("does not exist yet") != std::string::npos);

  dir.write("up.sql", first.out);
  REQUIRE(sqlite3_shell(dir.file("app.db"), dir.file("up.sql")) == 0);
  auto second = run_strata("plan --url sqlite:///app.db --exit-code", dir.path());
  CHECK(second.exit_code == 0);
  CHECK(second.out.empty());
}

TEST_CASE("plan --format json lists statements for machines", "[cli]") {
  TempDir dir;
  dir.write("schema.yaml", kHeroes);
  auto r = run_strata("plan --url sqlite:///app.db --format json", dir.path());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"statements\"") != std::string::npos);
  CHECK(r.out.find("CREATE TABLE hero") != std::string::npos);
}

TEST_CASE("settings come from DATABASE_URL and strata.toml", "[cli]") {
  TempDir dir;
  dir.write("db/schema.yaml", kHeroes);
  dir.write("strata.toml", "[database]\nurl = \"sqlite:///./from_toml.db\"\n[schema]\npath = \"db/schema.yaml\"\n");
  auto r = run_strata("plan", dir.path());
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("from_toml.db") != std::string::npos);
  auto e = run_strata("plan", dir.path(), "DATABASE_URL=sqlite:///./from_env.db");
  CHECK(e.err.find("from_env.db") != std::string::npos);
}

TEST_CASE("an invalid schema exits 3, prints every error on stderr and nothing on stdout", "[cli][errors]") {
  TempDir dir;
  dir.write("schema.yaml", "tables:\n  - name: t\n    columns:\n      - { name: a, type: varchr(3) }\n      - { name: b, type: text, nulable: true }\n");
  auto r = run_strata("plan --url sqlite:///app.db", dir.path());
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(r.err.find("schema.yaml:4:26: error: column \"t.a\": unknown type \"varchr(3)\" (did you mean \"varchar\"?)") !=
        std::string::npos);
  CHECK(r.err.find("schema.yaml:5:32: error: unknown key \"nulable\"") != std::string::npos);
  CHECK(r.err.find("2 errors") != std::string::npos);
}

TEST_CASE("an engine-rejected expression points at its line", "[cli][errors]") {
  TempDir dir;
  dir.write("schema.yaml", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer, default_sql: \"1 +\" }\n");
  auto r = run_strata("plan --url sqlite:///app.db", dir.path());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("schema.yaml:4:48: error: default of column \"t.a\" is not a valid SQLite expression") != std::string::npos);
}

TEST_CASE("bad URLs, missing files and unreadable databases have their exit codes", "[cli][errors]") {
  TempDir dir;
  dir.write("schema.yaml", kHeroes);
  auto bad_url = run_strata("plan --url sqlite:app.db", dir.path());
  CHECK(bad_url.exit_code == 3);
  CHECK(bad_url.err.find("invalid SQLite URL") == std::string::npos);
  CHECK(bad_url.err.find("expected scheme://") != std::string::npos);

  auto no_schema = run_strata("plan --url sqlite:///app.db --schema missing.yaml", dir.path());
  CHECK(no_schema.exit_code == 3);
  CHECK(no_schema.err.find("schema file \"missing.yaml\" does not exist") != std::string::npos);

  dir.write("not-a-db.db", "this is not an SQLite database, just text that is long enough to be read as a header");
  auto bad_db = run_strata("plan --url sqlite:///not-a-db.db", dir.path());
  CHECK(bad_db.exit_code == 4);
  CHECK(bad_db.err.find("cannot open SQLite database \"not-a-db.db\"") != std::string::npos);

  auto missing_db = run_strata("inspect --url sqlite:///nothing.db", dir.path());
  CHECK(missing_db.exit_code == 4);
  CHECK(missing_db.err.find("does not exist") != std::string::npos);

  auto no_dir = run_strata("inspect --url sqlite:///no/such/dir/x.db", dir.path());
  CHECK(no_dir.exit_code == 4);

  auto unreadable = run_strata("plan --url sqlite:///app.db --schema .", dir.path());
  CHECK(unreadable.exit_code == 0);  // a directory of schema files is fine

  dir.write("empty/readme.txt", "no schema here");
  auto empty_dir = run_strata("plan --url sqlite:///app.db --schema empty", dir.path());
  CHECK(empty_dir.exit_code == 3);
  CHECK(empty_dir.err.find("holds no *.yaml") != std::string::npos);

  auto usage = run_strata("plan --no-such-flag", dir.path());
  CHECK(usage.exit_code == 2);
  auto bad_format = run_strata("plan --format xml", dir.path());
  CHECK(bad_format.exit_code == 2);
  CHECK(bad_format.err.find("xml") != std::string::npos);
  auto bad_hazard = run_strata("revision -m x --allow-hazard data_loss.drop_colum --url sqlite:///app.db", dir.path());
  CHECK(bad_hazard.exit_code == 2);
  CHECK(bad_hazard.err.find("--allow-hazard data_loss.drop_colum: no hazard has that code") != std::string::npos);
  auto no_verb = run_strata("", dir.path());
  CHECK(no_verb.exit_code == 2);

  auto pg = run_strata("plan --url postgresql://me:hunter2@127.0.0.1:1/db", dir.path());
  CHECK(pg.exit_code == 4);
  CHECK(pg.err.find("cannot connect to PostgreSQL (host 127.0.0.1 port 1, database db, user me)") != std::string::npos);
  CHECK(pg.err.find("hunter2") == std::string::npos);
}

TEST_CASE("inspect prints the database as a document that plans to nothing", "[cli]") {
  TempDir dir;
  dir.write("setup.sql",
            "CREATE TABLE team (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL UNIQUE);\n"
            "CREATE TABLE hero (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE NOCASE,\n"
            "  age INT CHECK (age >= 0), team_id INTEGER REFERENCES team(id) ON DELETE CASCADE,\n"
            "  created DATETIME DEFAULT CURRENT_TIMESTAMP, score REAL DEFAULT 1.5, tag TEXT DEFAULT 'x''y');\n"
            "CREATE INDEX ix_hero_age ON hero (age DESC) WHERE age > 10;\n"
            "CREATE VIEW adults AS SELECT name FROM hero WHERE age >= 18;\n"
            "CREATE TRIGGER t AFTER INSERT ON hero BEGIN UPDATE hero SET age = 0 WHERE id = NEW.id AND age IS NULL; END;\n");
  REQUIRE(sqlite3_shell(dir.file("app.db"), dir.file("setup.sql")) == 0);
  auto yaml = run_strata("inspect --url sqlite:///app.db -o inspected.yaml", dir.path());
  INFO(yaml.err);
  REQUIRE(yaml.exit_code == 0);
  const std::string doc = strata::testing::read_file(dir.file("inspected.yaml"));
  INFO(doc);
  CHECK(doc.find("type: VARCHAR(40)") != std::string::npos);
  CHECK(doc.find("type: INT,") != std::string::npos);
  CHECK(doc.find("autoincrement: true") != std::string::npos);
  CHECK(doc.find("default_sql: CURRENT_TIMESTAMP") != std::string::npos);
  auto plan = run_strata("plan --url sqlite:///app.db --schema inspected.yaml --exit-code", dir.path());
  INFO(plan.out << plan.err);
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.empty());

  auto toml = run_strata("inspect --url sqlite:///app.db --format toml -o inspected.toml", dir.path());
  REQUIRE(toml.exit_code == 0);
  auto plan_toml = run_strata("plan --url sqlite:///app.db --schema inspected.toml --exit-code", dir.path());
  INFO(strata::testing::read_file(dir.file("inspected.toml")) << plan_toml.out << plan_toml.err);
  CHECK(plan_toml.exit_code == 0);

  // Round trip: plan the inspected document into an empty database, inspect again: same document.
  auto fresh = run_strata("plan --url sqlite:///fresh.db --schema inspected.yaml", dir.path());
  dir.write("fresh.sql", fresh.out);
  REQUIRE(sqlite3_shell(dir.file("fresh.db"), dir.file("fresh.sql")) == 0);
  auto again = run_strata("inspect --url sqlite:///fresh.db", dir.path());
  CHECK(again.out == doc);
}

TEST_CASE("init scaffolds a project that plans, and never overwrites", "[cli]") {
  TempDir dir;
  auto r = run_strata("init", dir.path());
  REQUIRE(r.exit_code == 0);
  CHECK(std::filesystem::exists(dir.file("strata.toml")));
  CHECK(std::filesystem::exists(dir.file("schema.yaml")));
  CHECK(std::filesystem::is_directory(dir.file("migrations")));
  auto plan = run_strata("plan", dir.path());
  CHECK(plan.exit_code == 0);
  CHECK(plan.out.find("CREATE TABLE hero") != std::string::npos);
  dir.write("schema.yaml", "tables: []\n");
  auto again = run_strata("init", dir.path());
  CHECK(again.err.find("kept") != std::string::npos);
  CHECK(strata::testing::read_file(dir.file("schema.yaml")) == "tables: []\n");

  TempDir toml_dir;
  REQUIRE(run_strata("init --format toml", toml_dir.path()).exit_code == 0);
  auto toml_plan = run_strata("plan", toml_dir.path());
  CHECK(toml_plan.exit_code == 0);
  CHECK(toml_plan.out.find("CREATE TABLE team") != std::string::npos);
}

TEST_CASE("plan warns on stderr about drops and type changes; stdout stays SQL", "[cli]") {
  TempDir dir;
  dir.write("setup.sql", "CREATE TABLE old (a INT); CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b TEXT);");
  REQUIRE(sqlite3_shell(dir.file("app.db"), dir.file("setup.sql")) == 0);
  dir.write("schema.yaml", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n"
                           "      - { name: a, type: text }\n");
  auto r = run_strata("plan --url sqlite:///app.db", dir.path());
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("warning: data_loss.drop_table: drops table old and its rows") != std::string::npos);
  CHECK(r.err.find("schema.yaml:2:5: warning: data_loss.drop_column: drops column t.b and its values") != std::string::npos);
  CHECK(r.err.find("schema.yaml:5:26: warning: data_loss.type_change: changes t.a from INT to TEXT") != std::string::npos);
  auto json = run_strata("plan --url sqlite:///app.db --format json", dir.path());
  CHECK(json.out.find("\"code\": \"data_loss.drop_column\"") != std::string::npos);
  CHECK(json.out.find("\"object\": \"t.b\"") != std::string::npos);
  CHECK(r.out.find("warning") == std::string::npos);
  CHECK(r.out.find("DROP TABLE old;") != std::string::npos);
}

TEST_CASE("a schema file of unknown format, or a folder path, is invalid input", "[cli][errors]") {
  TempDir dir;
  dir.write("schema.json", "{}");
  auto json = run_strata("plan --url sqlite:///app.db --schema schema.json", dir.path());
  CHECK(json.exit_code == 3);
  CHECK(json.err.find("cannot tell the format of schema file \"schema.json\": name it *.yaml, *.yml or *.toml") !=
        std::string::npos);
  dir.write("strata.toml", "[database]\nurl = 5\n");
  auto config = run_strata("plan", dir.path());
  CHECK(config.exit_code == 3);
  CHECK(config.err.rfind("strata.toml:2:7: error: \"database.url\" must be a string", 0) == 0);
}

TEST_CASE("plan counts the rows that would make a change fail, before anything runs", "[cli][hazards]") {
  TempDir dir;
  dir.write("setup.sql",
            "CREATE TABLE team (id INTEGER PRIMARY KEY);"
            "CREATE TABLE hero (id INTEGER PRIMARY KEY, name TEXT, code TEXT, power INTEGER, team_id INTEGER);"
            "INSERT INTO team VALUES (1);"
            "INSERT INTO hero VALUES (1, NULL, 'a', -5, 1), (2, 'x', 'a', 3, 9), (3, NULL, 'b', -1, NULL);");
  REQUIRE(sqlite3_shell(dir.file("app.db"), dir.file("setup.sql")) == 0);
  dir.write("schema.yaml",
            "tables:\n  - { name: team, columns: [{ name: id, type: INTEGER, primary_key: true }] }\n"
            "  - name: hero\n    columns:\n      - { name: id, type: INTEGER, primary_key: true }\n"
            "      - { name: name, type: TEXT }\n      - { name: code, type: TEXT, unique: true, nullable: true }\n"
            "      - { name: power, type: INTEGER, nullable: true, check: \"power >= 0\" }\n"
            "      - { name: team_id, type: INTEGER, nullable: true, references: { table: team, column: id } }\n");
  auto r = run_strata("plan --url sqlite:///app.db", dir.path());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("hero.name: 2 rows holding NULL now") != std::string::npos);
  CHECK(r.err.find("hero: 1 groups of duplicate rows now") != std::string::npos);
  CHECK(r.err.find("hero: 2 rows breaking check (power >= 0) now") != std::string::npos);
  CHECK(r.err.find("hero: 1 rows without a parent in team now") != std::string::npos);
  auto json = run_strata("plan --url sqlite:///app.db --format json", dir.path());
  CHECK(json.out.find("\"failing_rows\"") != std::string::npos);
  CHECK(json.out.find("\"count\": 2") != std::string::npos);
}
