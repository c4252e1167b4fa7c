// Versioned migrations through the strata binary: the daily loop, adoption of
// an existing database, every refusal and failure with the database and the
// version table left as they were, and concurrent appliers.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "test_support.hpp"

using strata::testing::run_strata;
using strata::testing::TempDir;

namespace {

// The output of one query through the sqlite3 shell, trailing newline removed.
std::string sql(const TempDir& dir, const std::string& query) {
  const std::string out = dir.file("query.out");
  const std::string command = "sqlite3 '" + dir.file("app.db") + "' \"" + query + "\" > '" + out + "' 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  std::string text = strata::testing::read_file(out);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string example(const std::string& name) { return strata::testing::read_file(strata::testing::source_path("examples/heroes/" + name)); }

// A project folder with strata.toml pointing at app.db.
void init_project(const TempDir& dir) {
  REQUIRE(run_strata("init", dir.path()).exit_code == 0);
  dir.write("strata.toml", "[database]\nurl = \"sqlite:///app.db\"\n");
}

std::size_t count_files(const TempDir& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("migrations")))
    if (e.path().extension() == ".sql") ++n;
  return n;
}

// A migration written by hand, with the sum file updated as a reviewer would.
void hand_written(const TempDir& dir, const std::string& file, const std::string& content) {
  dir.write("migrations/" + file, content);
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
}

}  // namespace

TEST_CASE("the heroes story: revision, apply, rollback, apply, with rows kept", "[migrations]") {
  TempDir dir;
  init_project(dir);
  dir.write("schema.yaml", example("step1.yaml"));
  auto r1 = run_strata("revision -m 'create heroes'", dir.path());
  INFO(r1.err);
  REQUIRE(r1.exit_code == 0);
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  sql(dir, "INSERT INTO team (name, headquarters) VALUES ('Preventers', 'Sharp Tower');"
           "INSERT INTO hero (name, secret_name, team_id) VALUES ('Deadpond', 'Dive Wilson', 1);");

  dir.write("schema.yaml", example("step2.yaml"));
  auto pending = run_strata("check", dir.path());
  CHECK(pending.exit_code == 1);
  CHECK(pending.err.find("add column hero.power_level") != std::string::npos);
  REQUIRE(run_strata("revision -m 'add power level'", dir.path()).exit_code == 0);
  CHECK(run_strata("check", dir.path()).exit_code == 0);
  auto apply2 = run_strata("apply", dir.path());
  CHECK(apply2.err.find("applied ") != std::string::npos);
  CHECK(sql(dir, "SELECT power_level FROM hero") == "0");

  auto back = run_strata("rollback", dir.path());
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(sql(dir, "SELECT count(*) FROM pragma_table_info('hero') WHERE name = 'power_level'") == "0");
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  sql(dir, "INSERT INTO hero (name, secret_name, power_level) VALUES ('Rusty-Man', 'Tommy Sharp', 9)");

  dir.write("schema.yaml", example("step3.yaml"));
  REQUIRE(run_strata("revision -m 'add villain'", dir.path()).exit_code == 0);
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT count(*) FROM hero") == "2");
  CHECK(sql(dir, "SELECT name FROM team") == "Preventers");
  CHECK(sql(dir, "SELECT count(*) FROM strata_schema_versions") == "3");

  auto up_to_date = run_strata("apply", dir.path());
  CHECK(up_to_date.exit_code == 0);
  CHECK(up_to_date.err.find("up to date") != std::string::npos);
  auto nothing = run_strata("revision -m again", dir.path());
  CHECK(nothing.exit_code == 0);
  CHECK(nothing.err.find("no changes") != std::string::npos);
  CHECK(count_files(dir) == 3);

  auto status = run_strata("status", dir.path());
  CHECK(status.out.find("pending:  0") != std::string::npos);
  CHECK(status.out.find("drift:    none") != std::string::npos);
  auto history = run_strata("history --format json", dir.path());
  CHECK(history.out.find("\"state\": \"applied\"") != std::string::npos);

  // Rolling everything back leaves the data tables gone and the version table empty.
  REQUIRE(run_strata("rollback --to base", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name IN ('hero', 'team', 'villain')") == "0");
  CHECK(sql(dir, "SELECT count(*) FROM strata_schema_versions") == "0");
}

TEST_CASE("adopting a database: inspect, baseline revision, stamp head, no drift, then a change", "[migrations]") {
  TempDir dir;
  init_project(dir);
  sql(dir, "CREATE TABLE customer (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);"
           "INSERT INTO customer (email) VALUES ('a@example.com');");
  REQUIRE(run_strata("inspect -o schema.yaml", dir.path()).exit_code == 0);
  REQUIRE(run_strata("revision -m baseline", dir.path()).exit_code == 0);
  auto stamp = run_strata("stamp head", dir.path());
  INFO(stamp.err);
  REQUIRE(stamp.exit_code == 0);
  auto status = run_strata("status", dir.path());
  CHECK(status.out.find("pending:  0") != std::string::npos);
  CHECK(status.out.find("drift:    none") != std::string::npos);

  dir.write("schema.yaml", "tables:\n  - name: customer\n    columns:\n      - { name: id, type: INTEGER, primary_key: true }\n"
                           "      - { name: email, type: TEXT, unique: true }\n      - { name: vip, type: boolean, default: false }\n");
  REQUIRE(run_strata("revision -m 'vip customers'", dir.path()).exit_code == 0);
  auto apply = run_strata("apply", dir.path());
  INFO(apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(sql(dir, "SELECT email, vip FROM customer") == "a@example.com|0");

  // Drift: a change made by hand shows up in status.
  sql(dir, "CREATE INDEX ix_by_hand ON customer (vip)");
  CHECK(run_strata("status", dir.path()).out.find("create index ix_by_hand on customer") != std::string::npos);
}

TEST_CASE("a failing statement rolls its migration back and names file, line and statement", "[migrations][errors]") {
  TempDir dir;
  init_project(dir);
  hand_written(dir, "1_one.sql", "-- strata:up\nCREATE TABLE one (id INTEGER PRIMARY KEY);\n-- strata:down\nDROP TABLE one;\n");
  hand_written(dir, "2_two.sql",
               "-- strata:up\nCREATE TABLE two (id INTEGER PRIMARY KEY);\n\nINSERT INTO missing VALUES (1);\n"
               "-- strata:down\nDROP TABLE two;\n");
  auto r = run_strata("apply", dir.path());
  INFO(r.err);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("migrations/2_two.sql:4: error: migration 2_two.sql (up), statement 2 failed: no such table: missing") !=
        std::string::npos);
  CHECK(r.err.find("INSERT INTO missing VALUES (1)") != std::string::npos);
  CHECK(r.err.find("the recorded version is still 1") != std::string::npos);
  CHECK(sql(dir, "SELECT group_concat(version) FROM strata_schema_versions") == "1");
  CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name = 'two'") == "0");
}

TEST_CASE("a migration that breaks a foreign key is rolled back", "[migrations][errors]") {
  TempDir dir;
  init_project(dir);
  hand_written(dir, "1_one.sql",
               "-- strata:up\nCREATE TABLE p (id INTEGER PRIMARY KEY);\nCREATE TABLE c (p_id INTEGER REFERENCES p (id));\n"
               "INSERT INTO p VALUES (1);\nINSERT INTO c VALUES (1);\n-- strata:down\nDROP TABLE c;\nDROP TABLE p;\n");
  hand_written(dir, "2_two.sql", "-- strata:up\nDELETE FROM p;\n-- strata:down\nINSERT INTO p VALUES (1);\n");
  auto r = run_strata("apply", dir.path());
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("foreign key check failed") != std::string::npos);
  CHECK(sql(dir, "SELECT count(*) FROM p") == "1");
  CHECK(sql(dir, "SELECT group_concat(version) FROM strata_schema_versions") == "1");
}

TEST_CASE("edited, missing, out-of-order and unsummed migrations are refused unless allowed", "[migrations][errors]") {
  TempDir dir;
  init_project(dir);
  hand_written(dir, "10_one.sql", "-- strata:up\nCREATE TABLE one (id INTEGER);\n-- strata:down\nDROP TABLE one;\n");
  hand_written(dir, "30_three.sql", "-- strata:up\nCREATE TABLE three (id INTEGER);\n-- strata:down\nDROP TABLE three;\n");
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  const std::string versions_before = sql(dir, "SELECT group_concat(version || ':' || checksum) FROM strata_schema_versions");

  SECTION("a file added by hand without strata hash") {
    dir.write("migrations/40_four.sql", "-- strata:up\nCREATE TABLE four (id INTEGER);\n-- strata:down\nDROP TABLE four;\n");
    auto r = run_strata("apply", dir.path());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("40_four.sql is not in strata.sum") != std::string::npos);
    CHECK(run_strata("check", dir.path()).exit_code == 1);
    CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name = 'four'") == "0");
    CHECK(run_strata("apply --ignore-sum", dir.path()).exit_code == 0);
  }
  SECTION("an applied file edited") {
    hand_written(dir, "30_three.sql", "-- strata:up\nCREATE TABLE three (id TEXT);\n-- strata:down\nDROP TABLE three;\n");
    auto r = run_strata("apply", dir.path());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("30_three.sql was applied with checksum") != std::string::npos);
    CHECK(r.err.find("[--allow-edited]") != std::string::npos);
    CHECK(run_strata("status", dir.path()).out.find("edited:   30_three.sql") != std::string::npos);
    CHECK(run_strata("apply --allow-edited", dir.path()).exit_code == 0);
  }
  SECTION("an applied file missing") {
    std::filesystem::remove(dir.file("migrations/10_one.sql"));
    REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
    auto r = run_strata("apply", dir.path());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("version 10 (one) is applied but its file is missing") != std::string::npos);
    CHECK(run_strata("rollback --to base", dir.path()).exit_code == 3);
  }
  SECTION("a pending file older than the newest applied one") {
    hand_written(dir, "20_two.sql", "-- strata:up\nCREATE TABLE two (id INTEGER);\n-- strata:down\nDROP TABLE two;\n");
    auto r = run_strata("apply", dir.path());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("20_two.sql is pending but older than the newest applied version 30") != std::string::npos);
    CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name = 'two'") == "0");
    CHECK(run_strata("apply --allow-out-of-order", dir.path()).exit_code == 0);
    CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name = 'two'") == "1");
    return;
  }
  SECTION("an empty down section cannot be rolled back") {
    hand_written(dir, "40_four.sql", "-- strata:up\nCREATE TABLE four (id INTEGER);\n-- strata:down\n");
    REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
    auto r = run_strata("rollback", dir.path());
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("the down section is empty") != std::string::npos);
    CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name = 'four'") == "1");
    return;
  }
  if (std::filesystem::exists(dir.file("migrations/10_one.sql")) && !std::filesystem::exists(dir.file("migrations/40_four.sql"))) {
    // Refusals left the version table as it was.
    CHECK(sql(dir, "SELECT group_concat(version || ':' || checksum) FROM strata_schema_versions") == versions_before);
  }
}

TEST_CASE("apply --dry-run prints the SQL and runs nothing; --to stops at a version", "[migrations]") {
  TempDir dir;
  init_project(dir);
  hand_written(dir, "1_one.sql", "-- strata:up\nCREATE TABLE one (id INTEGER);\n-- strata:down\nDROP TABLE one;\n");
  hand_written(dir, "2_two.sql", "-- strata:up\nCREATE TABLE two (id INTEGER);\n-- strata:down\nDROP TABLE two;\n");
  auto dry = run_strata("apply --dry-run", dir.path());
  CHECK(dry.exit_code == 0);
  CHECK(dry.out.find("-- 1_one.sql (up)\nCREATE TABLE one (id INTEGER);") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("app.db")));
  REQUIRE(run_strata("apply --to 1", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT group_concat(version) FROM strata_schema_versions") == "1");
  CHECK(run_strata("rollback --dry-run", dir.path()).out.find("DROP TABLE one;") != std::string::npos);
  CHECK(run_strata("stamp 7", dir.path()).exit_code == 3);
  REQUIRE(run_strata("stamp head", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT group_concat(version) FROM strata_schema_versions") == "1,2");
  CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name = 'two'") == "0");  // stamp runs nothing
  REQUIRE(run_strata("stamp base", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT count(*) FROM strata_schema_versions") == "0");
}

TEST_CASE("eight appliers at once: every migration runs exactly once", "[migrations][concurrency]") {
  TempDir dir;
  init_project(dir);
  dir.write("migrations/.keep", "");
  for (int i = 1; i <= 6; ++i) {
    const std::string n = std::to_string(i);
    dir.write("migrations/" + n + "_m" + n + ".sql",
              "-- strata:up\nCREATE TABLE IF NOT EXISTS runs (version INTEGER);\nINSERT INTO runs VALUES (" + n + ");\n"
              "CREATE TABLE t" + n + " (id INTEGER);\n-- strata:down\nDROP TABLE t" + n + ";\nDELETE FROM runs WHERE version = " + n + ";\n");
  }
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  std::vector<std::thread> workers;
  std::vector<int> codes(8, -1);
  for (int w = 0; w < 8; ++w)
    workers.emplace_back([&, w] { codes[static_cast<std::size_t>(w)] = run_strata("apply", dir.path()).exit_code; });
  for (auto& t : workers) t.join();
  for (int code : codes) CHECK(code == 0);
  CHECK(sql(dir, "SELECT count(*), count(DISTINCT version) FROM runs") == "6|6");
  CHECK(sql(dir, "SELECT count(*) FROM strata_schema_versions") == "6");
}

TEST_CASE("status shows drift only for changes made outside the applied migrations", "[migrations]") {
  TempDir dir;
  init_project(dir);
  hand_written(dir, "10_one.sql", "-- strata:up\nCREATE TABLE one (id INTEGER);\n-- strata:down\nDROP TABLE one;\n");
  hand_written(dir, "30_three.sql", "-- strata:up\nCREATE TABLE three (id INTEGER);\n-- strata:down\nDROP TABLE three;\n");
  sql(dir, "CREATE TABLE IF NOT EXISTS placeholder (x INTEGER); DROP TABLE placeholder;");
  CHECK(run_strata("status", dir.path()).out.find("drift:    none") != std::string::npos);  // at base
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  hand_written(dir, "20_two.sql", "-- strata:up\nCREATE TABLE two (id INTEGER);\n-- strata:down\nDROP TABLE two;\n");
  auto status = run_strata("status", dir.path());
  CHECK(status.out.find("drift:    none") != std::string::npos);  // a pending older file is not drift
  CHECK(status.out.find("order:    20_two.sql") != std::string::npos);
  REQUIRE(run_strata("rollback --to base", dir.path()).exit_code == 0);
  CHECK(run_strata("status", dir.path()).out.find("drift:    none") != std::string::npos);
}

TEST_CASE("verbs that need an existing database or directory say so instead of creating one", "[migrations][errors]") {
  TempDir dir;
  init_project(dir);
  hand_written(dir, "1_one.sql", "-- strata:up\nCREATE TABLE one (id INTEGER);\n-- strata:down\nDROP TABLE one;\n");
  auto rollback = run_strata("rollback", dir.path());
  CHECK(rollback.exit_code == 4);
  auto stamp = run_strata("stamp head", dir.path());
  CHECK(stamp.exit_code == 4);
  CHECK_FALSE(std::filesystem::exists(dir.file("app.db")));
  auto apply = run_strata("apply --migrations-dir nowhere", dir.path());
  CHECK(apply.exit_code == 3);
  CHECK(apply.err.find("migrations directory \"nowhere\" does not exist") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.file("app.db")));
}

TEST_CASE("data-loss hazards: revision refuses them unless allowed, apply refuses what no one allowed", "[migrations][hazards]") {
  TempDir dir;
  init_project(dir);
  dir.write("schema.yaml", "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }, { name: a, type: text }] }\n");
  REQUIRE(run_strata("revision -m one", dir.path()).exit_code == 0);
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  sql(dir, "INSERT INTO t VALUES (1, 'kept until allowed')");
  dir.write("schema.yaml", "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }] }\n");

  auto refused = run_strata("revision -m 'drop a'", dir.path());
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("data_loss.drop_column: drops column t.a and its values") != std::string::npos);
  CHECK(refused.err.find("--allow-hazard data_loss.drop_column") != std::string::npos);
  CHECK(count_files(dir) == 1);

  auto r = run_strata("revision -m 'drop a' --allow-hazard data_loss.drop_column", dir.path());
  REQUIRE(r.exit_code == 0);
  const std::string path = dir.file(r.out.substr(0, r.out.size() - 1));
  std::string file = strata::testing::read_file(path);
  CHECK(file.find("-- strata:hazard data_loss.drop_column t.a") != std::string::npos);
  CHECK(file.find("-- strata:allow data_loss.drop_column") != std::string::npos);
  CHECK(file.find("-- warning: the down section re-adds t.a as NOT NULL without a default") != std::string::npos);

  // Someone deletes the allow line: apply refuses and nothing runs.
  const std::string allow = "-- strata:allow data_loss.drop_column\n";
  file.erase(file.find(allow), allow.size());
  dir.write("migrations/" + std::filesystem::path(path).filename().string(), file);
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  auto apply = run_strata("apply", dir.path());
  CHECK(apply.exit_code == 3);
  CHECK(apply.err.find("data_loss.drop_column t.a [--allow-hazard data_loss.drop_column]") != std::string::npos);
  CHECK(sql(dir, "SELECT a FROM t") == "kept until allowed");
  REQUIRE(run_strata("apply --allow-hazard data_loss.drop_column", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'a'") == "0");
}

TEST_CASE("renames fail closed: a probable rename is refused, a hint keeps the data, a stale hint is an error", "[migrations][hazards]") {
  TempDir dir;
  init_project(dir);
  dir.write("schema.yaml", "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }, { name: title, type: text }] }\n");
  REQUIRE(run_strata("revision -m one", dir.path()).exit_code == 0);
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  sql(dir, "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  const std::string checksum_before = sql(dir, "SELECT group_concat(id || ':' || title, ',') FROM t");

  dir.write("schema.yaml", "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }, { name: headline, type: text }] }\n");
  auto plan = run_strata("plan", dir.path());
  CHECK(plan.err.find("rename.probable: column t.title is dropped and headline of the same type added") != std::string::npos);
  auto refused = run_strata("revision -m rename", dir.path());
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("rename.probable") != std::string::npos);

  dir.write("schema.yaml", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n"
                           "      - { name: headline, type: text, renamed_from: title }\n");
  auto hinted = run_strata("revision -m rename", dir.path());
  INFO(hinted.err);
  REQUIRE(hinted.exit_code == 0);
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT group_concat(id || ':' || headline, ',') FROM t") == checksum_before);

  dir.write("schema.yaml", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n"
                           "      - { name: headline, type: text }\n      - { name: subtitle, type: text, renamed_from: subtitel }\n");
  auto stale = run_strata("plan", dir.path());
  CHECK(stale.exit_code == 3);
  CHECK(stale.err.find("column \"t.subtitle\" is renamed_from \"subtitel\", but the table has neither column") != std::string::npos);
}
