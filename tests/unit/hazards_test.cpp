// Every hazard code: plan names it (stderr and JSON); for the codes that need
// an allow, revision refuses without --allow-hazard, records it with it, and
// apply refuses a recorded hazard nobody allowed and runs it when allowed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <optional>

#include "test_support.hpp"

using strata::testing::PgDatabase;
using strata::testing::run_strata;
using strata::testing::TempDir;

namespace {

struct HazardCase {
  const char* code;
  const char* setup;   // SQL for the database, applied through a baseline migration
  const char* schema;  // the document that raises the hazard
  bool needs_allow;
};

// Database URL for one case: a SQLite file in dir, or a fresh PostgreSQL
// database held (and dropped at the end) by pg.
std::string make_database(const TempDir& dir, std::optional<PgDatabase>& pg, bool postgres, const std::string& setup) {
  if (!postgres) {
    dir.write("setup.sql", setup);
    REQUIRE(std::system(("sqlite3 -bail '" + dir.file("app.db") + "' < '" + dir.file("setup.sql") + "'").c_str()) == 0);
    return "sqlite:///" + dir.file("app.db");
  }
  pg.emplace("strata_hazard");
  pg->exec(setup);
  return pg->url();
}

void check_hazard(const HazardCase& c, bool postgres) {
  INFO(c.code);
  TempDir dir;
  std::optional<PgDatabase> pg;
  const std::string url = make_database(dir, pg, postgres, c.setup);
  REQUIRE(run_strata("init", dir.path()).exit_code == 0);
  dir.write("strata.toml", "[database]\nurl = \"" + url + "\"\n");
  REQUIRE(run_strata("inspect -o schema.yaml", dir.path()).exit_code == 0);
  REQUIRE(run_strata("revision -m baseline", dir.path()).exit_code == 0);
  REQUIRE(run_strata("stamp head", dir.path()).exit_code == 0);
  dir.write("schema.yaml", c.schema);

  auto plan = run_strata("plan --format json", dir.path());
  INFO(plan.err << plan.out);
  CHECK(plan.err.find(std::string("warning: ") + c.code) != std::string::npos);
  CHECK(plan.out.find(std::string("\"code\": \"") + c.code + "\"") != std::string::npos);
  if (!c.needs_allow) return;

  auto refused = run_strata("revision -m change", dir.path());
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find(std::string("--allow-hazard ") + c.code) != std::string::npos);
  auto allowed = run_strata(std::string("revision -m change --allow-hazard all"), dir.path());
  INFO(allowed.err);
  REQUIRE(allowed.exit_code == 0);
  const std::string path = dir.file(allowed.out.substr(0, allowed.out.size() - 1));
  std::string file = strata::testing::read_file(path);
  CHECK(file.find(std::string("-- strata:allow ") + c.code) != std::string::npos);
  // Without the file's allow lines, apply refuses; with the flag it runs.
  std::string stripped;
  std::size_t pos = 0;
  while (pos < file.size()) {
    std::size_t end = file.find('\n', pos);
    if (end == std::string::npos) end = file.size();
    const std::string line = file.substr(pos, end - pos);
    if (line.rfind("-- strata:allow ", 0) != 0) stripped += line + "\n";
    pos = end + 1;
  }
  dir.write("migrations/" + std::filesystem::path(path).filename().string(), stripped);
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  auto apply = run_strata("apply", dir.path());
  CHECK(apply.exit_code == 3);
  CHECK(apply.err.find(c.code) != std::string::npos);
  auto forced = run_strata(std::string("apply --allow-hazard all"), dir.path());
  INFO(forced.err);
  CHECK(forced.exit_code == 0);
  CHECK(run_strata("plan --exit-code", dir.path()).exit_code == 0);
}

const char* const kTable = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, n INTEGER); INSERT INTO t VALUES (1, 'x', 1);";
const char* const kPgTable = "CREATE TABLE t (id integer PRIMARY KEY, a text, n integer); INSERT INTO t VALUES (1, 'x', 1);";

}  // namespace

TEST_CASE("every hazard code on SQLite", "[hazards]") {
  const HazardCase cases[] = {
      {"data_loss.drop_table", kTable, "tables: []\n", true},
      {"data_loss.drop_column", kTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: INTEGER, primary_key: true }, { name: a, type: TEXT, nullable: true }] }\n", true},
      {"data_loss.type_change", kTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: INTEGER, primary_key: true }, { name: a, type: TEXT, nullable: true }, "
       "{ name: n, type: TEXT, nullable: true }] }\n", true},
      {"rename.probable", kTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: INTEGER, primary_key: true }, { name: b, type: TEXT, nullable: true }, "
       "{ name: n, type: INTEGER, nullable: true }] }\n", true},
      {"irreversible.down", kTable, "tables: []\n", false},
      {"may_fail.not_null", kTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: INTEGER, primary_key: true }, { name: a, type: TEXT }, "
       "{ name: n, type: INTEGER, nullable: true }] }\n", false},
      {"may_fail.unique", kTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: INTEGER, primary_key: true }, { name: a, type: TEXT, nullable: true, unique: true }, "
       "{ name: n, type: INTEGER, nullable: true }] }\n", false},
      {"may_fail.check", kTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: INTEGER, primary_key: true }, { name: a, type: TEXT, nullable: true }, "
       "{ name: n, type: INTEGER, nullable: true, check: \"n > 0\" }] }\n", false},
      {"may_fail.foreign_key", kTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: INTEGER, primary_key: true }, { name: a, type: TEXT, nullable: true }, "
       "{ name: n, type: INTEGER, nullable: true, references: { table: t, column: id } }] }\n", false},
  };
  for (const HazardCase& c : cases) check_hazard(c, false);
}

TEST_CASE("every PostgreSQL-only hazard code", "[hazards][postgresql]") {
  if (!std::getenv("STRATA_TEST_PG_URL")) {
    WARN("STRATA_TEST_PG_URL is not set: the PostgreSQL hazards did not run");
    return;
  }
  const HazardCase cases[] = {
      {"data_loss.drop_enum_value",
       "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE p (id integer PRIMARY KEY, m mood); INSERT INTO p VALUES (1, 'ok');",
       "enums:\n  - { name: mood, values: [ok, happy] }\ntables:\n  - { name: p, columns: [{ name: id, type: integer, primary_key: true }, "
       "{ name: m, type: mood, nullable: true }] }\n", true},
      {"data_loss.drop_sequence", "CREATE SEQUENCE counter;",
       "tables: []\n", true},
      {"lock.index_build", kPgTable,
       "tables:\n  - name: t\n    columns: [{ name: id, type: integer, primary_key: true }, { name: a, type: text, nullable: true }, "
       "{ name: n, type: integer, nullable: true }]\n    indexes: [{ columns: [a] }]\n", false},
      {"lock.table_rewrite", kPgTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }, { name: a, type: text, nullable: true }, "
       "{ name: n, type: bigint, nullable: true }] }\n", false},
      {"lock.set_not_null", kPgTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }, { name: a, type: text }, "
       "{ name: n, type: integer, nullable: true }] }\n", false},
      {"lock.constraint_validation", kPgTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }, { name: a, type: text, nullable: true }, "
       "{ name: n, type: integer, nullable: true, check: \"n > 0\" }] }\n", false},
      {"lock.volatile_default", kPgTable,
       "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }, { name: a, type: text, nullable: true }, "
       "{ name: n, type: integer, nullable: true }, { name: r, type: double, default_sql: \"random()\" }] }\n", false},
  };
  for (const HazardCase& c : cases) check_hazard(c, true);
}
