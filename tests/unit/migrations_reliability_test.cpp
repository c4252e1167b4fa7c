// What strata does when it is not alone or not whole: a writer killed in the
// middle of a migration, another process holding the lock (the wait is
// reported and bounded by --lock-timeout), another process rolling back or
// applying while a command waits (apply plans again, rollback refuses), and on
// PostgreSQL a session that the server ends. The scripts of tests/reliability
// repeat these at random; these cases pin each behaviour down.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "dialect/postgresql/connection.hpp"
#include "test_support.hpp"

using strata::testing::run_strata;
using strata::testing::PgDatabase;
using strata::testing::TempDir;

namespace {

// The output of one query through the sqlite3 shell, trailing newline removed.
std::string sql(const TempDir& dir, const std::string& query) {
  const std::string out = dir.file("query.out");
  const std::string command = "sqlite3 -cmd '.timeout 20000' '" + dir.file("app.db") + "' \"" + query + "\" > '" + out + "' 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  std::string text = strata::testing::read_file(out);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

void sqlite_project(const TempDir& dir) {
  dir.write("strata.toml", "[database]\nurl = \"sqlite:///app.db\"\n");
  dir.write("migrations/.keep", "");
}

// Migration n creates table tn and adds its row to runs (the first creates runs).
void numbered_migration(const TempDir& dir, int n, const std::string& extra = "") {
  const std::string v = std::to_string(n);
  dir.write("migrations/" + v + "_m" + v + ".sql",
            "-- strata:up\n" + std::string(n == 1 ? "CREATE TABLE runs (version integer NOT NULL);\n" : "") +
                "CREATE TABLE t" + v + " (id integer);\nINSERT INTO runs VALUES (" + v + ");\n" + extra +
                "-- strata:down\nDROP TABLE t" + v + ";\nDELETE FROM runs WHERE version = " + v + ";\n" +
                (n == 1 ? "DROP TABLE runs;\n" : ""));
}

// A sqlite3 shell in the background that takes the write lock, runs the
// statements, holds the lock for `seconds` and commits. Returns once it holds
// the lock (its rollback journal exists).
void hold_write_lock(const TempDir& dir, const std::string& statements, int seconds) {
  const std::string command = "sqlite3 '" + dir.file("app.db") + "' 'BEGIN IMMEDIATE' \"" + statements +
                              "\" '.shell sleep " + std::to_string(seconds) + "' 'COMMIT' > /dev/null 2>&1 &";
  REQUIRE(std::system(command.c_str()) == 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::filesystem::exists(dir.file("app.db-journal")) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(std::filesystem::exists(dir.file("app.db-journal")));
}

void wait_for_no_journal(const TempDir& dir) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::exists(dir.file("app.db-journal")) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

// "sha256:..." of a migration file, as strata.sum records it.
std::string sum_of(const TempDir& dir, const std::string& file) {
  std::istringstream in(strata::testing::read_file(dir.file("migrations/strata.sum")));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(file + " ", 0) == 0) return line.substr(file.size() + 1);
  FAIL("no line for " << file << " in strata.sum");
  return "";
}

}  // namespace

TEST_CASE("read-only verbs read a database that a killed writer left with a hot journal", "[migrations][reliability]") {
  TempDir dir;
  sqlite_project(dir);
  dir.write("migrations/1_big.sql",
            "-- strata:up\nCREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100000)\n"
            "INSERT INTO big SELECT i, printf('%040d', i) FROM s;\n-- strata:down\nDROP TABLE big;\n");
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  // A writer dies in the middle of a large UPDATE: its changes are partly in
  // the database file, and the journal to undo them is left behind.
  const std::string kill = "sqlite3 '" + dir.file("app.db") +
                           "' 'BEGIN' \"UPDATE big SET v = v || 'x'\" '.shell kill -9 $PPID' > /dev/null 2>&1";
  CHECK(std::system(kill.c_str()) != 0);
  REQUIRE(std::filesystem::file_size(dir.file("app.db-journal")) > 0);

  auto status = run_strata("status", dir.path());
  INFO(status.err);
  CHECK(status.exit_code == 0);
  CHECK(status.out.find("current:  1 big") != std::string::npos);
  CHECK(status.out.find("drift:    none") != std::string::npos);
  CHECK(run_strata("inspect", dir.path()).exit_code == 0);
  CHECK(run_strata("rollback --dry-run", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT count(*) FROM big WHERE v LIKE '%x'") == "0");  // the dead writer's change is gone
  CHECK(sql(dir, "SELECT count(*) FROM big") == "100000");
}

TEST_CASE("an applier waiting for another writer says so after a second; --lock-timeout ends the wait",
          "[migrations][reliability]") {
  TempDir dir;
  sqlite_project(dir);
  numbered_migration(dir, 1);
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  sql(dir, "CREATE TABLE other (x integer)");
  hold_write_lock(dir, "INSERT INTO other VALUES (1)", 3);

  const auto started = std::chrono::steady_clock::now();
  auto timed_out = run_strata("apply --lock-timeout 1", dir.path());
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(timed_out.err);
  CHECK(timed_out.exit_code == 5);
  CHECK(seconds < 2.5);
  CHECK(timed_out.err.find("another process held the write lock for 1 s (--lock-timeout); nothing of this migration ran") !=
        std::string::npos);

  auto waits = run_strata("apply", dir.path());  // the holder still has about 2 s to go
  INFO(waits.err);
  CHECK(waits.exit_code == 0);
  CHECK(waits.err.find("waiting for another process that is writing to app.db (the file is locked by another writer, "
                       "perhaps another strata apply); giving up after 600 s (--lock-timeout)\n") == 0);
  CHECK(waits.err.find("applied 1_m1.sql") != std::string::npos);
  CHECK(sql(dir, "SELECT count(*) FROM runs") == "1");
}

TEST_CASE("apply plans again when another process rolls back while it waits; rollback refuses to undo what is no "
          "longer the newest",
          "[migrations][reliability]") {
  TempDir dir;
  sqlite_project(dir);
  for (int n = 1; n <= 4; ++n) numbered_migration(dir, n);
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  REQUIRE(run_strata("apply --to 2", dir.path()).exit_code == 0);

  // While apply waits to run 3 on top of 2, someone rolls 2 back.
  hold_write_lock(dir, "DROP TABLE t2; DELETE FROM runs WHERE version = 2; "
                       "DELETE FROM strata_schema_versions WHERE version = '2'", 2);
  auto apply = run_strata("apply --to 3", dir.path());
  INFO(apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(apply.err.find("the recorded versions changed while this apply ran (another strata process rolled back or "
                       "applied migrations; now at 1); reading them again") != std::string::npos);
  CHECK(sql(dir, "SELECT group_concat(version) FROM strata_schema_versions") == "1,2,3");
  CHECK(sql(dir, "SELECT group_concat(version) FROM (SELECT version FROM runs ORDER BY version)") == "1,2,3");

  // While rollback waits to undo 3, someone applies 4 on top of it.
  wait_for_no_journal(dir);
  hold_write_lock(dir, "CREATE TABLE t4 (id integer); INSERT INTO runs VALUES (4); "
                       "INSERT INTO strata_schema_versions VALUES ('4', 'm4', '" + sum_of(dir, "4_m4.sql") +
                       "', '2026-01-01T00:00:00Z', 0)", 2);
  auto rollback = run_strata("rollback", dir.path());
  INFO(rollback.err);
  CHECK(rollback.exit_code == 5);
  CHECK(rollback.err.find("did not roll back 3_m3.sql: another strata process changed the recorded versions since this "
                          "rollback read them (the newest applied version is now 4), so it is no longer the newest; "
                          "nothing of it ran") != std::string::npos);
  CHECK(sql(dir, "SELECT group_concat(version) FROM strata_schema_versions") == "1,2,3,4");
  CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name = 't3'") == "1");
  CHECK(run_strata("rollback --steps 2", dir.path()).exit_code == 0);
  CHECK(sql(dir, "SELECT group_concat(version) FROM strata_schema_versions") == "1,2");
}

TEST_CASE("PostgreSQL: a waiting applier names the session that holds the lock; --lock-timeout ends the wait",
          "[postgresql][reliability]") {
  PgDatabase db("strata_reliability");
  REQUIRE_PG_SERVER(db);
  TempDir dir;
  dir.write("strata.toml", "[database]\nurl = \"" + db.url() + "\"\n");
  dir.write("migrations/1_one.sql", "-- strata:up\nCREATE TABLE one (id integer);\n-- strata:down\nDROP TABLE one;\n");
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  // psql takes strata's advisory lock and keeps it for 3 s.
  const std::string hold = "psql -X -q '" + db.url() + "' -c 'BEGIN' -c \"SELECT pg_advisory_xact_lock(hashtext('strata_"
                           "schema_versions'))\" -c 'SELECT pg_sleep(3)' -c 'COMMIT' > /dev/null 2>&1 &";
  REQUIRE(std::system(hold.c_str()) == 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string holder;
  while (holder.empty() && std::chrono::steady_clock::now() < deadline) {
    holder = db.value("SELECT coalesce(max(pid)::text, '') FROM pg_locks WHERE locktype = 'advisory' AND granted "
                      "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE_FALSE(holder.empty());

  auto timed_out = run_strata("apply --lock-timeout 1", dir.path());
  INFO(timed_out.err);
  CHECK(timed_out.exit_code == 5);
  CHECK(timed_out.err.find("gave up after 1 s waiting for the migration lock, which another strata process holds "
                           "(server pid " + holder + ", application psql); nothing of this migration ran") !=
        std::string::npos);
  auto waits = run_strata("apply", dir.path());
  INFO(waits.err);
  CHECK(waits.exit_code == 0);
  CHECK(waits.err.find("waiting for another strata process, which holds the migration lock of database ") == 0);
  CHECK(waits.err.find("(server pid " + holder + ", application psql); giving up after 600 s (--lock-timeout)") !=
        std::string::npos);
  CHECK(db.value("SELECT count(*) FROM strata_schema_versions") == "1");
}

TEST_CASE("PostgreSQL: a migration whose session the server ends fails with its file named and leaves nothing",
          "[postgresql][reliability]") {
  PgDatabase db("strata_reliability");
  REQUIRE_PG_SERVER(db);
  TempDir dir;
  dir.write("strata.toml", "[database]\nurl = \"" + db.url() + "\"\n");
  dir.write("migrations/1_one.sql", "-- strata:up\nCREATE TABLE one (id integer);\n-- strata:down\nDROP TABLE one;\n");
  dir.write("migrations/2_slow.sql", "-- strata:up\nCREATE TABLE two (id integer);\nSELECT pg_sleep(30);\n"
                                     "-- strata:down\nDROP TABLE two;\n");
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  strata::testing::CommandResult apply;
  std::thread runner([&] { apply = run_strata("apply", dir.path()); });
  // strata names its sessions "strata" on the server (this test's own
  // connection too, so it leaves itself out).
  std::string pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (pid.empty() && std::chrono::steady_clock::now() < deadline) {
    pid = db.value("SELECT coalesce(max(pid)::text, '') FROM pg_stat_activity WHERE datname = current_database() "
                   "AND application_name = 'strata' AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!pid.empty()) db.value("SELECT pg_terminate_backend(" + pid + ")");
  runner.join();
  REQUIRE_FALSE(pid.empty());
  INFO(apply.err);
  CHECK(apply.exit_code == 5);
  CHECK(apply.err.find("2_slow.sql (up), statement 2 failed: lost the connection to the server: the session was ended") !=
        std::string::npos);
  CHECK(apply.err.find("the recorded version is still 1") != std::string::npos);
  CHECK(db.value("SELECT string_agg(version, ',') FROM strata_schema_versions") == "1");
  CHECK(db.value("SELECT to_regclass('two') IS NULL") == "t");
}

// Forty migrations, each creating table tN; the statement of each ends in a
// line comment. Migration `failing` (if any) has up section `up` instead.
// After the first sixteen, PostgreSQL apply sends whole migrations in one
// message, so a failure there is read from the middle of a message; SQLite
// apply runs them in one transaction, so a failure there undoes a savepoint.
void forty_migrations(const TempDir& dir, int failing, const std::string& up) {
  for (int n = 1; n <= 40; ++n) {
    const std::string v = std::to_string(n);
    dir.write("migrations/" + v + "_m" + v + ".sql",
              "-- strata:up\n" + (n == failing ? up : "CREATE TABLE t" + v + " (id integer) -- table " + v + "\n") +
                  "-- strata:down\nDROP TABLE t" + v + ";\n");
  }
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
}

TEST_CASE("PostgreSQL: migrations sent together fail one at a time, named by file, line and statement",
          "[postgresql][migrations][errors]") {
  PgDatabase db("strata_chained");
  REQUIRE_PG_SERVER(db);
  TempDir dir;
  dir.write("strata.toml", "[database]\nurl = \"" + db.url() + "\"\n");
  auto recorded = [&] { return db.value("SELECT count(*) || ' up to ' || max(version::int) FROM strata_schema_versions"); };

  SECTION("all forty, each statement ending in a line comment") {
    forty_migrations(dir, 0, "");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 0);
    CHECK(recorded() == "40 up to 40");
    CHECK(db.value("SELECT count(*) FROM pg_tables WHERE tablename ~ '^t[0-9]+$'") == "40");
    // Each duration is the migration's own, not the message's.
    CHECK(db.value("SELECT max(duration_ms) < 1000 FROM strata_schema_versions") == "t");
  }
  SECTION("a failing statement: the line within the statement, and nothing of that migration or after it") {
    forty_migrations(dir, 30, "CREATE TABLE t30 (id integer);\nINSERT INTO t30 VALUES (1);\n\nINSERT INTO missing VALUES (1);\n");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 5);
    CHECK(apply.err.find("migrations/30_m30.sql:5: error: migration 30_m30.sql (up), statement 3 failed: ERROR:  "
                         "relation \"missing\" does not exist\nLINE 1: INSERT INTO missing VALUES (1)") !=
          std::string::npos);
    CHECK(apply.err.find("the recorded version is still 29") != std::string::npos);
    CHECK(recorded() == "29 up to 29");
    CHECK(db.value("SELECT to_regclass('t30') IS NULL AND to_regclass('t31') IS NULL") == "t");
  }
  SECTION("a syntax error, which PostgreSQL finds before it runs anything of the message") {
    forty_migrations(dir, 30, "CREATE TABLE t30 (id integer);\nCREATE TABLE t30b (\n  id integer,\n  oops oops oops\n);\n");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 5);
    CHECK(apply.err.find("migrations/30_m30.sql:3: error: migration 30_m30.sql (up), statement 2 failed: ERROR:  "
                         "syntax error at or near \"oops\"\nLINE 3:   oops oops oops") != std::string::npos);
    CHECK(recorded() == "29 up to 29");
    CHECK(db.value("SELECT to_regclass('t30') IS NULL") == "t");
  }
  SECTION("a deferred foreign key that fails at COMMIT") {
    forty_migrations(dir, 30,
                     "CREATE TABLE t30 (id integer PRIMARY KEY);\n"
                     "CREATE TABLE c30 (p integer REFERENCES t30 DEFERRABLE INITIALLY DEFERRED);\n"
                     "INSERT INTO c30 VALUES (7);\n");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 5);
    CHECK(apply.err.find("migration 30_m30.sql failed: ERROR:  insert or update on table \"c30\" violates foreign key "
                         "constraint") != std::string::npos);
    CHECK(recorded() == "29 up to 29");
    CHECK(db.value("SELECT to_regclass('t30') IS NULL") == "t");
  }
  // A rerun after the file is mended goes on from there.
  if (db.value("SELECT count(*) FROM strata_schema_versions") == "29") {
    dir.write("migrations/30_m30.sql", "-- strata:up\nCREATE TABLE t30 (id integer);\n-- strata:down\nDROP TABLE t30;\n");
    REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
    auto rerun = run_strata("apply", dir.path());
    INFO(rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(recorded() == "40 up to 40");
  }
}

TEST_CASE("SQLite: migrations applied in one transaction fail one at a time, as if each had committed alone",
          "[migrations][errors]") {
  TempDir dir;
  sqlite_project(dir);
  auto recorded = [&] { return sql(dir, "SELECT count(*) || ' up to ' || max(CAST(version AS integer)) FROM strata_schema_versions"); };
  auto tables = [&] { return sql(dir, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name GLOB 't[0-9]*'"); };
  auto versions = [&] {
    if (sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name = 'strata_schema_versions'") == "0") return 0;
    return std::stoi(sql(dir, "SELECT count(*) FROM strata_schema_versions"));
  };

  SECTION("all forty, each reported and recorded with its own duration") {
    forty_migrations(dir, 0, "");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 0);
    CHECK(recorded() == "40 up to 40");
    CHECK(tables() == "40");
    for (int n = 1; n <= 40; ++n) CHECK(apply.err.find("applied " + std::to_string(n) + "_m") != std::string::npos);
    CHECK(sql(dir, "SELECT max(duration_ms) < 1000 FROM strata_schema_versions") == "1");
    CHECK(sql(dir, "PRAGMA integrity_check") == "ok");
  }
  SECTION("a failing statement: the ones before it stay applied, nothing of it or after it") {
    forty_migrations(dir, 30, "CREATE TABLE t30 (id integer);\nINSERT INTO t30 VALUES (1);\n\nINSERT INTO missing VALUES (1);\n");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 5);
    CHECK(apply.err.find("migrations/30_m30.sql:5: error: migration 30_m30.sql (up), statement 3 failed: no such table: missing") !=
          std::string::npos);
    CHECK(apply.err.find("the recorded version is still 29") != std::string::npos);
    CHECK(apply.err.find("applied 29_m29.sql") != std::string::npos);
    CHECK(recorded() == "29 up to 29");
    CHECK(tables() == "29");
  }
  SECTION("rows that break a foreign key, found by the check before the version is recorded") {
    forty_migrations(dir, 30,
                     "CREATE TABLE t30 (id integer PRIMARY KEY);\n"
                     "CREATE TABLE c30 (p integer REFERENCES t30);\n"
                     "INSERT INTO c30 VALUES (7);\n");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 5);
    CHECK(apply.err.find("foreign key check failed: 1 row(s) violate a foreign key, the first in table c30") !=
          std::string::npos);
    CHECK(recorded() == "29 up to 29");
    CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name IN ('t30', 'c30', 't31')") == "0");
  }
  SECTION("a statement that ends strata's transaction is refused; what ran before it is committed") {
    forty_migrations(dir, 30, "CREATE TABLE t30 (id integer);\nCOMMIT;\nCREATE TABLE t30b (id integer);\n");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 5);
    CHECK(apply.err.find("migration 30_m30.sql (up), statement 2 failed: the statement ended the transaction strata "
                         "runs the migration in") != std::string::npos);
    CHECK(recorded() == "29 up to 29");
    CHECK(sql(dir, "SELECT group_concat(name) FROM sqlite_schema WHERE name IN ('t30', 't30b', 't31')") == "t30");
  }
  SECTION("a statement that rolls strata's transaction back: what is recorded is exactly what is there") {
    forty_migrations(dir, 30, "CREATE TABLE t30 (id integer);\nROLLBACK;\nCREATE TABLE t30b (id integer);\n");
    auto apply = run_strata("apply", dir.path());
    INFO(apply.err);
    CHECK(apply.exit_code == 5);
    // The migrations that shared 30's transaction are undone with it; those
    // committed before it (a batch ends after 100 ms) stay.
    const int kept = versions();
    CHECK(kept < 30);
    CHECK(tables() == std::to_string(kept));
    CHECK(sql(dir, "SELECT count(*) FROM sqlite_schema WHERE name IN ('t30', 't30b')") == "0");
    if (kept < 29) {
      CHECK(apply.err.find("migration " + std::to_string(kept + 1) + "_m" + std::to_string(kept + 1) +
                           ".sql failed: its transaction, shared with the migrations after it up to 30, was rolled "
                           "back when that one failed: the statement ended the transaction") != std::string::npos);
    }
  }
  // A rerun after the file is mended goes on from there.
  if (versions() < 30) {
    dir.write("migrations/30_m30.sql", "-- strata:up\nCREATE TABLE IF NOT EXISTS t30 (id integer);\n-- strata:down\nDROP TABLE t30;\n");
    REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
    auto rerun = run_strata("apply", dir.path());
    INFO(rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK(recorded() == "40 up to 40");
    CHECK(tables() == "40");
  }
}
