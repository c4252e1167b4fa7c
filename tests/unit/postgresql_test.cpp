// The PostgreSQL dialect against the real test server (STRATA_TEST_PG_URL):
// a fixed number of catalog queries, round trips, bad input, and versioned
// migrations with concurrent appliers.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "dialect/postgresql/connection.hpp"
#include "dialect/postgresql/database.hpp"
#include "dialect/postgresql/introspector.hpp"
#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/load/loader.hpp"
#include "strata/emit/document_writer.hpp"
#include "strata/reconcile.hpp"
#include "test_support.hpp"

using namespace strata;
using strata::testing::PgDatabase;
using strata::testing::run_strata;
using strata::testing::TempDir;

TEST_CASE("PostgreSQL introspection sends as many queries for 1,000 tables as for 10", "[postgresql]") {
  PgDatabase small("strata_test"), large("strata_test");
  REQUIRE_PG_SERVER(small);
  auto tables = [](int n) {
    std::string sql = "CREATE TYPE kind AS ENUM ('a', 'b');";
    for (int i = 0; i < n; ++i) {
      const std::string t = "t" + std::to_string(i);
      sql += "CREATE TABLE " + t + " (id integer PRIMARY KEY, name text NOT NULL UNIQUE, k kind, parent integer" +
             (i ? " REFERENCES t" + std::to_string(i - 1) + " (id)" : std::string()) + ", CHECK (id > 0));" +
             "CREATE INDEX " + t + "_name ON " + t + " (lower(name)) WHERE id > 1;" +
             "CREATE VIEW v" + std::to_string(i) + " AS SELECT id, name FROM " + t + ";";
    }
    return sql;
  };
  small.exec(tables(10));
  large.exec(tables(1000));
  dialect::postgresql::Connection a(small.url()), b(large.url());
  const model::Schema s = dialect::postgresql::introspect(a, {"public"});
  const model::Schema l = dialect::postgresql::introspect(b, {"public"});
  CHECK(s.tables.size() == 10);
  CHECK(l.tables.size() == 1000);
  CHECK(l.tables[999].foreign_keys.size() == 1);
  CHECK(l.tables[999].indexes.size() == 1);
  CHECK(l.views.size() == 1000);
  CHECK(a.queries_sent() == b.queries_sent());
  CHECK(a.queries_sent() <= 17);  // one query per kind of object, and JIT turned off and back
}

TEST_CASE("PostgreSQL introspection gives the session its JIT setting back", "[postgresql]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec("CREATE TABLE t (id integer PRIMARY KEY)");
  dialect::postgresql::Connection c(db.url());
  for (const std::string setting : {"on", "off"}) {
    c.exec("SET jit = " + setting);
    CHECK(dialect::postgresql::introspect(c, {"public"}).tables.size() == 1);
    CHECK(c.query("SHOW jit").at(0).at(0) == setting);
  }
}

TEST_CASE("PostgreSQL introspection within what a document built reads that database as a full read does", "[postgresql]") {
  // A plain document leaves every kind but tables out; a rich one needs each kind it has.
  const std::string plain = R"YAML(
tables:
  - name: team
    columns:
      - { name: id, type: serial, primary_key: true }
      - { name: name, type: text, unique: true }
  - name: hero
    columns:
      - { name: id, type: bigint, identity: always, primary_key: true }
      - { name: team_id, type: integer, nullable: true, references: { table: team, column: id } }
      - { name: power, type: "numeric(10,2)", default: 0, check: "power >= 0" }
    indexes:
      - { name: hero_power, columns: [power], where: "power > 10" }
)YAML";
  const std::string rich = plain + R"YAML(
  - name: events
    partition_by: range (created_at)
    row_level_security: true
    columns:
      - { name: id, type: bigint }
      - { name: created_at, type: date }
    primary_key: [id, created_at]
    partitions:
      - { name: events_2024, bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" }
    policies:
      - { name: recent, using: "created_at > '2024-06-01'" }
enums:
  - { name: mood, values: [sad, happy] }
sequences:
  - { name: ticket_numbers, start: 100 }
functions:
  - name: touch
    sql: CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$
views:
  - { name: strong, sql: "SELECT id, power FROM hero WHERE power > 5" }
triggers:
  - { name: hero_touch, table: hero, sql: CREATE TRIGGER hero_touch BEFORE UPDATE ON hero FOR EACH ROW EXECUTE FUNCTION touch() }
)YAML";
  for (const std::string& text : {plain, rich}) {
    PgDatabase db("strata_test");
    REQUIRE_PG_SERVER(db);
    TempDir dir;
    dir.write("schema.yaml", text);
    const load::LoadResult document = load::load_schema_path(dir.file("schema.yaml"));
    std::string problems;
    for (const Diagnostic& problem : document.diagnostics.all()) problems += problem.str() + "\n";
    INFO(problems);
    REQUIRE_FALSE(document.diagnostics.has_errors());
    const auto url = config::parse_database_url(db.url());
    const dialect::Dialect& d = dialect::dialect_for(url);
    Diagnostics warnings;
    auto target = d.open(url, dialect::OpenMode::ReadWrite);
    target->execute(reconcile(d, target->introspect(), load_desired(dir.file("schema.yaml"), d, url, warnings)).statements);

    dialect::postgresql::Connection full_reader(db.url()), scoped_reader(db.url());
    const model::Schema full = dialect::postgresql::introspect(full_reader, {"public"});
    const auto scope = dialect::postgresql::Scope::built_from(document.schema);
    const model::Schema scoped = dialect::postgresql::introspect(scoped_reader, {"public"}, std::nullopt, scope);
    CHECK(emit::write_document(scoped, load::Format::Yaml) == emit::write_document(full, load::Format::Yaml));
    if (text == plain) {
      CHECK(scoped_reader.queries_sent() + 11 == full_reader.queries_sent());  // only tables, columns, constraints and indexes
    } else {
      CHECK(scope.views);
      CHECK(scope.functions);
      CHECK(scope.policies);
      CHECK(scope.partitions);
      CHECK(scoped.views.size() == 1);
      CHECK(scoped.functions.size() == 1);
      CHECK(scoped.triggers.size() == 1);
      CHECK(scoped.sequences.size() == 1);
      CHECK(scoped.enums.size() == 1);
      CHECK(scoped_reader.queries_sent() + 1 == full_reader.queries_sent());  // all but grants
    }
  }
}

TEST_CASE("PostgreSQL query rows keep every field's text, empty strings and nulls apart", "[postgresql]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  dialect::postgresql::Connection c(db.url());
  dialect::postgresql::Rows rows = c.query(
      "SELECT * FROM (VALUES (1, 'first', NULL::text, ''), (2, repeat('x', 300), 'y', NULL), (3, NULL, '', 'é')) AS v "
      "ORDER BY 1");
  REQUIRE(rows.size() == 3);
  CHECK_FALSE(rows.empty());
  std::vector<std::vector<std::optional<std::string>>> seen;
  for (const auto& row : rows) {
    REQUIRE(row.size() == 4);
    seen.emplace_back();
    for (std::size_t i = 0; i < row.size(); ++i) seen.back().push_back(row[i]);
  }
  const std::vector<std::vector<std::optional<std::string>>> expected = {
      {"1", "first", std::nullopt, ""},
      {"2", std::string(300, 'x'), "y", std::nullopt},
      {"3", std::nullopt, "", "é"},
  };
  CHECK(seen == expected);
  CHECK(rows[1].is_null(3));
  CHECK_FALSE(rows[2].is_null(2));
  CHECK(rows[2].text(1).empty());
  CHECK(rows[0].view(1) == "first");
  CHECK_THROWS_AS(rows.at(3), std::out_of_range);
  CHECK_THROWS_AS(rows.at(0).at(4), std::out_of_range);
  // Rows stay readable where they are moved to, and so does a row taken before the move.
  const auto first = rows[0];
  const dialect::postgresql::Rows moved = std::move(rows);
  CHECK(moved.at(2).at(3) == std::optional<std::string>("é"));
  CHECK(first.view(1) == "first");
  const dialect::postgresql::Rows none = c.query("SELECT 1 WHERE false");
  CHECK(none.empty());
  CHECK(none.begin() == none.end());
}

TEST_CASE("a PostgreSQL database inspects to a document that plans to nothing", "[postgresql][roundtrip]") {
  PgDatabase db("strata_test"), fresh("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(R"SQL(
    CREATE EXTENSION IF NOT EXISTS citext;
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE team (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name citext NOT NULL UNIQUE,
                       founded date DEFAULT CURRENT_DATE, tags text[] NOT NULL DEFAULT '{}', meta jsonb);
    COMMENT ON TABLE team IS 'teams of heroes';
    COMMENT ON COLUMN team.name IS 'unique, case-insensitive';
    CREATE TABLE hero (id serial PRIMARY KEY, "Name" varchar(80) NOT NULL, mood mood NOT NULL DEFAULT 'ok',
                       power numeric(10,2) CHECK (power >= 0), team_id bigint,
                       uid uuid NOT NULL DEFAULT gen_random_uuid(), created timestamptz NOT NULL DEFAULT now(),
                       double_power numeric GENERATED ALWAYS AS (power * 2) STORED,
                       CONSTRAINT hero_team FOREIGN KEY (team_id) REFERENCES team (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED);
    CREATE INDEX hero_name_lower ON hero (lower("Name") text_pattern_ops);
    CREATE INDEX hero_created ON hero (created DESC NULLS LAST) INCLUDE (mood) WHERE power > 10;
    CREATE INDEX hero_mood_hash ON hero USING hash (mood);
    INSERT INTO team (name) VALUES ('Preventers');
  )SQL");
  const auto url = config::parse_database_url(db.url());
  const dialect::Dialect& d = dialect::dialect_for(url);
  const model::Schema live = d.open(url, dialect::OpenMode::ReadOnly)->introspect();
  const std::string document = emit::write_document(live, load::Format::Yaml);
  INFO(document);
  TempDir dir;
  dir.write("schema.yaml", document);
  Diagnostics warnings;
  const model::Schema desired = load_desired(dir.file("schema.yaml"), d, url, warnings);
  CHECK(to_sql_script(reconcile(d, live, desired).statements).empty());
  CHECK(document.find("type: serial") != std::string::npos);
  CHECK(document.find("identity: always") != std::string::npos);
  CHECK(document.find("{ name: mood, values: [sad, ok, happy] }") != std::string::npos);

  // The same document builds a fresh database that inspects the same.
  const auto fresh_url = config::parse_database_url(fresh.url());
  auto target = d.open(fresh_url, dialect::OpenMode::ReadWrite);
  target->execute(reconcile(d, target->introspect(), desired).statements);
  CHECK(emit::write_document(target->introspect(), load::Format::Yaml) == document);
}

TEST_CASE("the PostgreSQL examples build, plan to nothing and inspect back the same", "[postgresql][examples]") {
  namespace fs = std::filesystem;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(strata::testing::source_path("examples/postgresql"))) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".yaml" && ext != ".toml") continue;
    PgDatabase db("strata_test"), again("strata_test");
    REQUIRE_PG_SERVER(db);
    INFO(entry.path().string());
    const auto url = config::parse_database_url(db.url());
    const dialect::Dialect& d = dialect::dialect_for(url);
    Diagnostics warnings;
    const model::Schema desired = load_desired(entry.path().string(), d, url, warnings);
    config::DatabaseUrl managed = url;
    manage_schemas_of(desired, managed);
    auto target = d.open(managed, dialect::OpenMode::ReadWrite);
    target->execute(reconcile(d, target->introspect(), desired).statements);
    CHECK(reconcile(d, target->introspect(), desired).statements.empty());
    const std::string document = emit::write_document(target->introspect(), load::Format::Yaml);
    TempDir dir;
    dir.write("inspected.yaml", document);
    const model::Schema reread = load_desired(dir.file("inspected.yaml"), d, url, warnings);
    CHECK(reconcile(d, target->introspect(), reread).statements.empty());
    config::DatabaseUrl again_url = config::parse_database_url(again.url());
    manage_schemas_of(reread, again_url);
    auto second = d.open(again_url, dialect::OpenMode::ReadWrite);
    second->execute(reconcile(d, second->introspect(), reread).statements);
    CHECK(emit::write_document(second->introspect(), load::Format::Yaml) == document);
    ++checked;
  }
  CHECK(checked >= 2);
}

TEST_CASE("PostgreSQL bad input: each a clear message and exit code, nothing changed", "[postgresql][errors]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec("CREATE TABLE keep (id integer PRIMARY KEY); DROP ROLE IF EXISTS strata_password_user;"
          "CREATE ROLE strata_password_user LOGIN PASSWORD 'right-one';");
  TempDir dir;
  dir.write("schema.yaml", "tables:\n  - { name: keep, columns: [{ name: id, type: integer, primary_key: true }] }\n");
  const std::string port = db.server().substr(db.server().rfind(':') + 1, db.server().rfind('/') - db.server().rfind(':') - 1);

  auto unreachable = run_strata("plan --url postgresql://nobody@127.0.0.1:1/db", dir.path());
  CHECK(unreachable.exit_code == 4);
  CHECK(unreachable.err.find("cannot connect to PostgreSQL (host 127.0.0.1 port 1, database db, user nobody)") != std::string::npos);

  auto wrong_password =
      run_strata("plan --url postgresql://strata_password_user:wrong-one@127.0.0.1:" + port + "/postgres", dir.path());
  CHECK(wrong_password.exit_code == 4);
  CHECK(wrong_password.err.find("password authentication failed") != std::string::npos);
  CHECK(wrong_password.err.find("wrong-one") == std::string::npos);

  auto missing = run_strata("plan --url postgresql://postgres@127.0.0.1:" + port + "/no_such_database", dir.path());
  CHECK(missing.exit_code == 4);
  CHECK(missing.err.find("\"no_such_database\" does not exist") != std::string::npos);

  dir.write("bad_type.yaml", "tables:\n  - { name: keep, columns: [{ name: id, type: integer, primary_key: true }, { name: g, type: geography }] }\n");
  auto bad_type = run_strata("plan --schema bad_type.yaml --url " + db.url(), dir.path());
  CHECK(bad_type.exit_code == 3);
  CHECK(bad_type.err.find("bad_type.yaml:2:5: error: table \"keep\": PostgreSQL rejects its definition: ERROR:  type \"geography\" does not exist") != std::string::npos);

  dir.write("bad_default.yaml", "tables:\n  - name: keep\n    columns:\n      - { name: id, type: integer, primary_key: true }\n"
                                "      - { name: n, type: integer, default_sql: \"no_such_function()\" }\n");
  auto bad_default = run_strata("plan --schema bad_default.yaml --url " + db.url(), dir.path());
  CHECK(bad_default.exit_code == 3);
  CHECK(bad_default.err.find("function no_such_function() does not exist") != std::string::npos);

  auto unknown_schema = run_strata("inspect --url " + db.url(), dir.path(), "STRATA_SCHEMAS=public,nosuch");
  CHECK(unknown_schema.exit_code == 3);
  CHECK(unknown_schema.err.find("schema \"nosuch\" does not exist in database") != std::string::npos);
  auto unknown_schema_plan = run_strata("plan --url " + db.url(), dir.path(), "STRATA_SCHEMAS=nosuch");
  CHECK(unknown_schema_plan.exit_code == 3);

  dir.write("bad_fk.yaml", "tables:\n  - { name: keep, columns: [{ name: id, type: integer, primary_key: true }] }\n"
                           "  - name: child\n    columns:\n      - { name: id, type: integer, primary_key: true }\n"
                           "      - { name: k, type: text, references: { table: keep, column: id } }\n");
  auto bad_fk = run_strata("plan --schema bad_fk.yaml --url " + db.url(), dir.path());
  CHECK(bad_fk.exit_code == 3);
  CHECK(bad_fk.err.find("bad_fk.yaml:6:44: error: a foreign key of table \"child\": PostgreSQL rejects its definition") !=
        std::string::npos);

  CHECK(db.value("SELECT count(*) FROM pg_class WHERE relname = 'keep'") == "1");
  CHECK(db.value("SELECT count(*) FROM information_schema.columns WHERE table_name = 'keep'") == "1");
}

TEST_CASE("scratch databases go to --dev-url when the target role cannot create databases", "[postgresql]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec("DROP ROLE IF EXISTS strata_plain_user; CREATE ROLE strata_plain_user LOGIN NOCREATEDB;"
          "GRANT ALL ON SCHEMA public TO strata_plain_user;");
  const std::string host = db.url().substr(db.url().find('@') + 1);
  const std::string plain = "postgresql://strata_plain_user@" + host;
  TempDir dir;
  dir.write("schema.yaml", "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }] }\n");
  auto refused = run_strata("plan --url " + plain, dir.path());
  CHECK(refused.exit_code == 4);
  CHECK(refused.err.find("CREATEDB") != std::string::npos);
  auto with_dev = run_strata("plan --url " + plain + " --dev-url " + db.server(), dir.path());
  INFO(with_dev.err);
  CHECK(with_dev.exit_code == 0);
  CHECK(with_dev.out.find("CREATE TABLE t") != std::string::npos);
  auto from_env = run_strata("plan --url " + plain, dir.path(), "STRATA_DEV_URL=" + db.server());
  CHECK(from_env.exit_code == 0);
  // A database that already matches its files needs no scratch database at all.
  db.exec("CREATE TABLE t (id integer PRIMARY KEY)");
  auto up_to_date = run_strata("plan --exit-code --url " + plain, dir.path());
  INFO(up_to_date.err);
  CHECK(up_to_date.exit_code == 0);
  CHECK(up_to_date.out.empty());
  db.exec("DROP TABLE t");
  // revision normalizes and replays there too.
  REQUIRE(run_strata("init", dir.path()).exit_code == 0);
  auto revision = run_strata("revision -m first --url " + plain + " --dev-url " + db.server(), dir.path());
  INFO(revision.err);
  CHECK(revision.exit_code == 0);
}

TEST_CASE("a scratch database made in advance is taken whole, or undone when not needed", "[postgresql]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  using dialect::postgresql::ScratchInAdvance;
  // This process's scratch databases (their names carry its id).
  const std::string mine = "SELECT count(*) FROM pg_database WHERE datname LIKE 'strata\\_scratch\\_" +
                           std::to_string(::getpid()) + "\\_%'";
  REQUIRE(db.value(mine) == "0");
  auto wait_until_created = [&] {
    for (int i = 0; i < 200 && db.value(mine) == "0"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };

  SECTION("not needed at once: its creation is cancelled or it is dropped") {
    { ScratchInAdvance ahead(db.url()); }
    CHECK(db.value(mine) == "0");
  }
  SECTION("not needed once made: dropped") {
    {
      ScratchInAdvance ahead(db.url());
      wait_until_created();
      REQUIRE(db.value(mine) == "1");
    }
    CHECK(db.value(mine) == "0");
  }
  SECTION("taken: a database of its own, dropped with it") {
    ScratchInAdvance ahead(db.url());
    {
      auto scratch = ahead.take(db.url(), {"public"});
      REQUIRE(scratch);
      scratch->connection().exec("CREATE TABLE only_here (id integer)");
      CHECK(scratch->introspect().tables.size() == 1);
      CHECK(db.value("SELECT count(*) FROM pg_class WHERE relname = 'only_here'") == "0");
      CHECK(db.value(mine) == "1");
      CHECK_FALSE(ahead.take(db.url(), {"public"}));  // once only
    }
    CHECK(db.value(mine) == "0");
  }
  SECTION("made on another server than normalize asks for: not taken, and dropped") {
    {
      ScratchInAdvance ahead(db.url());
      CHECK_FALSE(ahead.take(db.server(), {"public"}));
    }
    CHECK(db.value(mine) == "0");
  }
  SECTION("refused by the server: not taken, so that normalize reports why") {
    db.exec("DROP ROLE IF EXISTS strata_advance_user; CREATE ROLE strata_advance_user LOGIN NOCREATEDB;");
    const std::string host = db.url().substr(db.url().find('@') + 1);
    ScratchInAdvance ahead("postgresql://strata_advance_user@" + host);
    CHECK_FALSE(ahead.take("postgresql://strata_advance_user@" + host, {"public"}));
    CHECK(db.value(mine) == "0");
  }
}

TEST_CASE("plan counts failing rows on PostgreSQL too", "[postgresql][hazards]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec("CREATE TABLE hero (id integer PRIMARY KEY, name text, code text); INSERT INTO hero VALUES (1, NULL, 'a'), (2, 'b', 'a');");
  TempDir dir;
  dir.write("schema.yaml", "tables:\n  - name: hero\n    columns:\n      - { name: id, type: integer, primary_key: true }\n"
                           "      - { name: name, type: text }\n      - { name: code, type: text, unique: true }\n");
  auto r = run_strata("plan --url " + db.url(), dir.path());
  INFO(r.err);
  CHECK(r.err.find("hero.name: 1 rows holding NULL now") != std::string::npos);
  CHECK(r.err.find("hero: 1 groups of duplicate rows now") != std::string::npos);
}

TEST_CASE("online mode: CONCURRENTLY, NOT VALID then VALIDATE, while another connection keeps writing", "[postgresql][online]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec("CREATE TABLE team (id integer PRIMARY KEY); INSERT INTO team VALUES (1);"
          "CREATE TABLE hero (id serial PRIMARY KEY, name text, team_id integer);"
          "INSERT INTO hero (name, team_id) SELECT 'h' || i, 1 FROM generate_series(1, 50000) i;");
  TempDir dir;
  REQUIRE(run_strata("init", dir.path()).exit_code == 0);
  dir.write("strata.toml", "[database]\nurl = \"" + db.url() + "\"\nonline = true\nlock_timeout = \"1s\"\n");
  REQUIRE(run_strata("inspect -o schema.yaml", dir.path()).exit_code == 0);
  REQUIRE(run_strata("revision -m baseline", dir.path()).exit_code == 0);
  REQUIRE(run_strata("stamp head", dir.path()).exit_code == 0);
  dir.write("schema.yaml",
            "tables:\n  - { name: team, columns: [{ name: id, type: integer, primary_key: true }] }\n"
            "  - name: hero\n    columns:\n      - { name: id, type: serial, primary_key: true }\n"
            "      - { name: name, type: text, check: \"length(name) > 0\" }\n"
            "      - { name: team_id, type: integer, nullable: true, references: { table: team, column: id } }\n"
            "    indexes:\n      - { columns: [name] }\n");
  auto plan = run_strata("plan", dir.path());
  CHECK(plan.out.find("CREATE INDEX CONCURRENTLY ix_hero_name ON hero (name)") != std::string::npos);
  CHECK(plan.out.find("NOT VALID") != std::string::npos);
  CHECK(plan.out.find("VALIDATE CONSTRAINT hero_team_id_fkey") != std::string::npos);
  CHECK(plan.out.find("SET LOCAL lock_timeout = '1s'") != std::string::npos);
  CHECK(plan.err.find("lock.index_build") == std::string::npos);  // online: no blocking build to warn about
  auto revision = run_strata("revision -m online", dir.path());
  INFO(revision.err);
  REQUIRE(revision.exit_code == 0);
  bool online_part = false;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("migrations")))
    online_part = online_part || e.path().filename().string().find("_online_online.sql") != std::string::npos;
  CHECK(online_part);

  // A writer inserts rows the whole time; no insert may wait much past the lock timeout.
  std::atomic<bool> stop{false};
  std::atomic<long long> slowest_ms{0};
  std::atomic<int> inserted{0};
  std::thread writer([&] {
    dialect::postgresql::Connection c(db.url());
    while (!stop) {
      const auto start = std::chrono::steady_clock::now();
      c.exec("INSERT INTO hero (name, team_id) VALUES ('w', 1)");
      const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      if (ms > slowest_ms) slowest_ms = ms;
      ++inserted;
    }
  });
  auto apply = run_strata("apply", dir.path());
  stop = true;
  writer.join();
  INFO(apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(inserted > 0);
  CHECK(slowest_ms < 3000);
  CHECK(db.value("SELECT count(*) FROM pg_index WHERE indexrelid = 'ix_hero_name'::regclass AND indisvalid") == "1");
  CHECK(db.value("SELECT count(*) FROM pg_constraint WHERE conname = 'hero_team_id_fkey' AND convalidated") == "1");
  CHECK(run_strata("plan --exit-code", dir.path()).exit_code == 0);
}

TEST_CASE("the heroes story with versioned migrations on PostgreSQL, rows kept", "[postgresql][migrations]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  TempDir dir;
  REQUIRE(run_strata("init", dir.path()).exit_code == 0);
  dir.write("strata.toml", "[database]\nurl = \"" + db.url() + "\"\n");
  auto step = [&](int n) {
    dir.write("schema.yaml", strata::testing::read_file(strata::testing::source_path("examples/heroes/step" + std::to_string(n) + ".yaml")));
    auto r = run_strata("revision -m 'step " + std::to_string(n) + "'", dir.path());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto a = run_strata("apply", dir.path());
    INFO(a.err);
    REQUIRE(a.exit_code == 0);
  };
  step(1);
  db.exec("INSERT INTO team (id, name, headquarters) VALUES (1, 'Preventers', 'Sharp Tower');"
          "INSERT INTO hero (id, name, secret_name, team_id) VALUES (1, 'Deadpond', 'Dive Wilson', 1);");
  step(2);
  REQUIRE(run_strata("rollback", dir.path()).exit_code == 0);
  CHECK(db.value("SELECT count(*) FROM information_schema.columns WHERE column_name = 'power_level'") == "0");
  REQUIRE(run_strata("apply", dir.path()).exit_code == 0);
  step(3);
  CHECK(db.value("SELECT count(*) FROM hero") == "1");
  CHECK(db.value("SELECT name FROM team") == "Preventers");
  CHECK(db.value("SELECT count(*) FROM strata_schema_versions") == "3");
  auto status = run_strata("status", dir.path());
  CHECK(status.out.find("drift:    none") != std::string::npos);
  CHECK(run_strata("check", dir.path()).exit_code == 0);
}

TEST_CASE("eight appliers at once on PostgreSQL: every migration runs exactly once", "[postgresql][concurrency]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  TempDir dir;
  REQUIRE(run_strata("init", dir.path()).exit_code == 0);
  dir.write("strata.toml", "[database]\nurl = \"" + db.url() + "\"\n");
  db.exec("CREATE TABLE runs (version integer)");
  for (int i = 1; i <= 6; ++i) {
    const std::string n = std::to_string(i);
    dir.write("migrations/" + n + "_m" + n + ".sql", "-- strata:up\nINSERT INTO runs VALUES (" + n + ");\nCREATE TABLE t" + n +
                                                         " (id integer);\n-- strata:down\nDROP TABLE t" + n + ";\n");
  }
  REQUIRE(run_strata("hash", dir.path()).exit_code == 0);
  std::vector<std::thread> workers;
  std::vector<int> codes(8, -1);
  for (int w = 0; w < 8; ++w)
    workers.emplace_back([&, w] { codes[static_cast<std::size_t>(w)] = run_strata("apply", dir.path()).exit_code; });
  for (auto& t : workers) t.join();
  for (int code : codes) CHECK(code == 0);
  CHECK(db.value("SELECT count(*) || '|' || count(DISTINCT version) FROM runs") == "6|6");
  CHECK(db.value("SELECT count(*) FROM strata_schema_versions") == "6");
}

TEST_CASE("PostgreSQL type aliases compare equal to the names format_type gives", "[postgresql]") {
  const dialect::Dialect& d = dialect::dialect_for(config::parse_database_url("postgresql://localhost/x"));
  CHECK(d.types_equal("varchar(32)", "character varying(32)"));
  CHECK(d.types_equal("timestamp", "timestamp without time zone"));
  CHECK(d.types_equal("timestamptz", "timestamp with time zone"));
  CHECK(d.types_equal("timestamp(3)", "timestamp(3) without time zone"));
  CHECK(d.types_equal("int4", "integer"));
  CHECK(d.types_equal("float8", "double precision"));
  CHECK(d.types_equal("decimal(10, 2)", "numeric(10,2)"));
  CHECK(d.types_equal("numeric(12)", "numeric(12,0)"));
  CHECK(d.types_equal("char(3)", "character(3)"));
  CHECK(d.types_equal("int[]", "integer[]"));
  CHECK(d.types_equal("bool", "boolean"));
  CHECK_FALSE(d.types_equal("varchar(32)", "character varying(64)"));
  CHECK_FALSE(d.types_equal("timestamp", "timestamp with time zone"));
  CHECK_FALSE(d.types_equal("integer", "bigint"));
  CHECK_FALSE(d.types_equal("mood", "text"));
  CHECK_FALSE(d.types_equal("char", "character(2)"));
}

TEST_CASE("PostgreSQL refuses a column with an empty type, which only SQLite allows", "[postgresql][errors]") {
  const dialect::Dialect& d = dialect::dialect_for(config::parse_database_url("postgresql://localhost/x"));
  load::LoadResult loaded = load::load_schema_text("tables:\n  - name: t\n    columns:\n      - { name: a, type: \"\" }\n",
                                                   "schema.yaml", load::Format::Yaml);
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  d.validate(loaded.schema, loaded.diagnostics);
  REQUIRE(loaded.diagnostics.has_errors());
  CHECK(loaded.diagnostics.all().front().str().find("schema.yaml:4:26: error: column \"t.a\": PostgreSQL needs a type") !=
        std::string::npos);
}

TEST_CASE("PostgreSQL apply notices results that do not match the statements it sent, and says to check",
          "[postgresql][migrations][errors]") {
  PgDatabase db("strata_misread");
  REQUIRE_PG_SERVER(db);
  const auto url = config::parse_database_url(db.url());
  auto database = dialect::dialect_for(url).open(url, dialect::OpenMode::ReadWrite);
  REQUIRE(database->applied_versions().empty());
  // The first migration creates the version table, step by step.
  dialect::MigrationRun first;
  first.version = "1";
  first.name = "one";
  first.checksum = "sha256:1";
  first.statements = {"CREATE TABLE one (id integer)"};
  first.expect_newest = "";
  REQUIRE(database->run_migration(first));
  // Two statements where strata would have split one: PostgreSQL returns a
  // result more than strata counted.
  std::vector<dialect::MigrationRun> runs(2, first);
  runs[0].version = "2";
  runs[0].statements = {"CREATE TABLE two (id integer); CREATE TABLE two_b (id integer)"};
  runs[0].expect_newest = "1";
  runs[1].version = "3";
  runs[1].statements = {"CREATE TABLE three (id integer)"};
  runs[1].expect_newest = "2";
  std::vector<std::size_t> done;
  try {
    database->run_migrations(runs, [&](std::size_t i, bool) { done.push_back(i); });
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::MigrationFailed);
    CHECK(std::string(e.what()).find("PostgreSQL returned results that do not match the statements strata sent for "
                                     "migration 2_one") != std::string::npos);
    CHECK(std::string(e.what()).find("run strata status") != std::string::npos);
  }
  CHECK(done.empty());
  // Each migration ran whole, with its version row, or not at all.
  const std::string tables = db.value("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                                      "WHERE schemaname = 'public' AND tablename <> 'strata_schema_versions'");
  const std::string versions = db.value("SELECT string_agg(version, ',' ORDER BY version) FROM strata_schema_versions");
  INFO(tables << " / " << versions);
  CHECK((versions == "1,2" || versions == "1,2,3"));
  CHECK(tables == (versions == "1,2" ? "one,two,two_b" : "one,three,two,two_b"));
}
