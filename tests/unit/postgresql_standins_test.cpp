// Which tables planning builds in the scratch database on PostgreSQL: a
// table that differs from the live one only in how the document spells its
// types and expressions is found unchanged through its stand-in
// (dialect/postgresql/standins.hpp), a real change is not hidden by it, and
// a definition PostgreSQL refuses is still reported at its line.
#include <catch2/catch.hpp>

#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/diff/unchanged.hpp"
#include "strata/load/loader.hpp"
#include "strata/reconcile.hpp"
#include "test_support.hpp"

using namespace strata;
using strata::testing::PgDatabase;
using strata::testing::run_strata;
using strata::testing::TempDir;

namespace {

constexpr const char* kLive = R"SQL(
  CREATE TYPE mood AS ENUM ('sad', 'ok');
  CREATE SEQUENCE ticket_numbers;
  CREATE TABLE team (id integer PRIMARY KEY, code varchar(8) NOT NULL);
  CREATE UNIQUE INDEX team_code ON team (code);
  CREATE TABLE hero (
    id bigint PRIMARY KEY,
    name varchar(64) NOT NULL DEFAULT 'nobody',
    weight numeric(10,2) NOT NULL DEFAULT 0 CHECK (weight >= 0),
    born timestamptz NOT NULL DEFAULT now(),
    ticket bigint NOT NULL DEFAULT nextval('ticket_numbers'),
    mood mood NOT NULL DEFAULT 'ok',
    heavy boolean GENERATED ALWAYS AS (weight > 100) STORED,
    team_code varchar(8) REFERENCES team (code),
    CONSTRAINT hero_name_length CHECK (length(name) BETWEEN 1 AND 64));
  CREATE INDEX hero_name_lower ON hero (lower(name));
  CREATE INDEX hero_heavy ON hero (born) WHERE weight > 50;
  CREATE TABLE sidekick (id integer PRIMARY KEY, hero_id bigint NOT NULL REFERENCES hero (id), since date);
)SQL";

// The live schema above, written the way people write it rather than the
// way PostgreSQL prints it back. {weight} and {extra} vary per test.
std::string document(const std::string& weight_check = "weight >= 0", const std::string& extra = "") {
  return R"Y(enums:
  - { name: mood, values: [sad, ok] }
sequences:
  - { name: ticket_numbers }
tables:
  - name: team
    columns:
      - { name: id, type: int4, primary_key: true }
      - { name: code, type: varchar(8) }
    indexes:
      - { name: team_code, columns: [code], unique: true }
  - name: hero
    columns:
      - { name: id, type: int8, primary_key: true }
      - { name: name, type: varchar(64), default: nobody }
      - { name: weight, type: "numeric(10, 2)", default: 0 }
      - { name: born, type: timestamptz, default_sql: "now()" }
      - { name: ticket, type: bigint, default_sql: "nextval('ticket_numbers')" }
      - { name: mood, type: mood, default: ok }
      - { name: heavy, type: boolean, nullable: true, generated: { expr: "weight > 100", stored: true } }
      - { name: team_code, type: varchar(8), nullable: true, references: { table: team, column: code } }
    checks:
      - { expr: ")Y" + weight_check + R"Y(" }
      - { name: hero_name_length, expr: "length(name) between 1 and 64" }
    indexes:
      - { name: hero_name_lower, columns: [{ expr: "lower(name)" }] }
      - { name: hero_heavy, columns: [born], where: "weight > 50" }
  - name: sidekick
    columns:
      - { name: id, type: integer, primary_key: true }
      - { name: hero_id, type: bigint, references: { table: hero, column: id } }
      - { name: since, type: date, nullable: true }
)Y" + extra;
}

struct Normalized {
  std::set<std::string> unchanged;
  std::string plan;
  std::string error;
};

// normalize against the live schema, then the plan that follows.
Normalized normalize_against(PgDatabase& db, const std::string& text) {
  testing::LiveAndDocument read = testing::read_live_and_document(db.url(), text);
  const config::DatabaseUrl& url = read.url;
  const dialect::Dialect& d = *read.dialect;
  const model::Schema& current = read.current;
  load::LoadResult& loaded = read.document;
  for (const Diagnostic& item : loaded.diagnostics.all()) UNSCOPED_INFO(item.str());
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  Normalized out;
  out.unchanged = diff::unchanged_tables(current, loaded.schema, d);
  Diagnostics diagnostics;
  const model::Schema document = loaded.schema;
  model::Schema normalized = d.normalize(document, url, diagnostics, out.unchanged, &current, nullptr);
  if (diagnostics.has_errors()) {
    for (const Diagnostic& item : diagnostics.all()) out.error += item.str() + "\n";
    return out;
  }
  Diagnostics warnings;
  out.plan = to_sql_script(reconcile(d, current, prepare_desired(std::move(loaded), d, url, warnings, &current)).statements);
  return out;
}

}  // namespace

TEST_CASE("tables spelled differently from how PostgreSQL stores them are found unchanged without being built",
          "[postgresql][standins]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(kLive);
  const Normalized n = normalize_against(db, document());
  INFO(n.error);
  CHECK(n.error.empty());
  CHECK(n.unchanged.count("public.team"));
  CHECK(n.unchanged.count("public.hero"));
  CHECK(n.unchanged.count("public.sidekick"));
  CHECK(n.plan.empty());
}

TEST_CASE("a stand-in does not hide a real change", "[postgresql][standins]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(kLive);
  const Normalized n = normalize_against(db, document("weight > 0"));
  INFO(n.error);
  CHECK(n.error.empty());
  CHECK_FALSE(n.unchanged.count("public.hero"));
  CHECK(n.unchanged.count("public.team"));
  // sidekick's foreign key names hero's id, which does not change.
  CHECK(n.unchanged.count("public.sidekick"));
  INFO(n.plan);
  CHECK(n.plan.find("DROP CONSTRAINT hero_weight_check") != std::string::npos);
  CHECK(n.plan.find("ADD CHECK (weight > (0)::numeric)") != std::string::npos);
  CHECK(n.plan.find("sidekick") == std::string::npos);
}

TEST_CASE("a renamed column a foreign key references keeps the referencing table out of the shortcut",
          "[postgresql][standins]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(kLive);
  std::string text = document();
  auto replace = [&](const std::string& from, const std::string& to) { text.replace(text.find(from), from.size(), to); };
  replace("{ name: code, type: varchar(8) }", "{ name: label, type: varchar(8), renamed_from: code }");
  replace("columns: [code], unique", "columns: [label], unique");
  replace("column: code }", "column: label }");
  const Normalized n = normalize_against(db, text);
  INFO(n.error);
  CHECK(n.error.empty());
  CHECK_FALSE(n.unchanged.count("public.team"));
  CHECK_FALSE(n.unchanged.count("public.hero"));
  INFO(n.plan);
  CHECK(n.plan.find("ALTER TABLE team RENAME COLUMN code TO label;") != std::string::npos);
  CHECK(n.plan.find("ALTER TABLE") == n.plan.rfind("ALTER TABLE"));  // nothing else changes
}

TEST_CASE("a changed table that references an unchanged one through a unique index is built against its keys",
          "[postgresql][standins]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(kLive);
  std::string text = document();
  const std::string since = "      - { name: since, type: date, nullable: true }\n";
  text.insert(text.find(since) + since.size(),
              "      - { name: team_code, type: varchar(8), nullable: true, references: { table: team, column: code } }\n");
  const Normalized n = normalize_against(db, text);
  INFO(n.error);
  CHECK(n.error.empty());
  CHECK_FALSE(n.unchanged.count("public.sidekick"));
  CHECK(n.unchanged.count("public.team"));
  INFO(n.plan);
  CHECK(n.plan.find("ALTER TABLE sidekick ADD COLUMN team_code character varying(8)") != std::string::npos);
  CHECK(n.plan.find("FOREIGN KEY (team_code) REFERENCES team (code)") != std::string::npos);
}

TEST_CASE("a definition PostgreSQL refuses is reported at its table's line though the table exists", "[postgresql][standins]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(kLive);
  TempDir dir;
  const std::string text = document("weight >= no_such_function()");
  dir.write("schema.yaml", text);
  const auto before = run_strata("inspect --url " + db.url(), dir.path());
  const auto result = run_strata("plan --url " + db.url(), dir.path());
  CHECK(result.exit_code == 3);
  INFO(result.err);
  CHECK(result.err.find("schema.yaml:12:5: error: table \"hero\": PostgreSQL rejects its definition") != std::string::npos);
  CHECK(result.err.find("function no_such_function() does not exist") != std::string::npos);
  // Not also an error for each index and foreign key of the table it could not create.
  CHECK(result.err.find("rejects its definition") == result.err.rfind("rejects its definition"));
  CHECK(run_strata("inspect --url " + db.url(), dir.path()).out == before.out);
}

TEST_CASE("one expression over columns of different types is spelled for each type", "[postgresql][standins]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(R"SQL(
    CREATE TABLE price (amount numeric(12,2) NOT NULL DEFAULT 0 CHECK (amount >= 0), note text DEFAULT 'x');
    CREATE TABLE stock (amount integer NOT NULL DEFAULT 0 CHECK (amount >= 0), note varchar(20) DEFAULT 'x');
    CREATE TABLE ratio (amount real NOT NULL DEFAULT 0 CHECK (amount >= 0), note text COLLATE "C" DEFAULT 'x');
    CREATE TABLE wallet (amount numeric(12,2) NOT NULL CHECK (wallet.amount >= 0));
    CREATE TABLE odd ("strata$1" integer CHECK ("strata$1" > 0));
  )SQL");
  auto text = [](const std::string& stock_check) {
    std::string out = "tables:\n";
    auto table = [&](const std::string& name, const std::string& type, const std::string& check,
                     const std::string& note) {
      out += "  - name: " + name + "\n    columns:\n      - { name: amount, type: \"" + type +
             "\", default: 0 }\n" + note + "    checks:\n      - { expr: \"" + check + "\" }\n";
    };
    table("price", "numeric(12, 2)", "amount >= 0", "      - { name: note, type: text, nullable: true, default: x }\n");
    table("stock", "int4", stock_check, "      - { name: note, type: varchar(20), nullable: true, default: x }\n");
    table("ratio", "float4", "amount >= 0",
          "      - { name: note, type: text, collation: C, nullable: true, default: x }\n");
    out += "  - name: wallet\n    columns:\n      - { name: amount, type: \"numeric(12,2)\" }\n"
           "    checks:\n      - { expr: \"wallet.amount >= 0\" }\n";
    out += "  - name: odd\n    columns:\n      - { name: strata$1, type: integer, nullable: true }\n"
           "    checks:\n      - { expr: '\"strata$1\" > 0' }\n";
    return out;
  };
  {
    const Normalized n = normalize_against(db, text("amount >= 0"));
    INFO(n.error);
    CHECK(n.error.empty());
    CHECK(n.unchanged.count("public.price"));
    CHECK(n.unchanged.count("public.stock"));
    CHECK(n.unchanged.count("public.ratio"));
    INFO(n.plan);
    CHECK(n.plan.empty());  // wallet and odd are found unchanged too, by stand-ins of their own or by building them
  }
  {
    const Normalized n = normalize_against(db, text("amount >= 1"));
    INFO(n.error);
    CHECK(n.error.empty());
    CHECK(n.unchanged.count("public.price"));
    CHECK_FALSE(n.unchanged.count("public.stock"));
    CHECK(n.unchanged.count("public.ratio"));
    INFO(n.plan);
    CHECK(n.plan.find("ADD CHECK (amount >= 1)") != std::string::npos);
    CHECK(n.plan.find("price") == std::string::npos);
    CHECK(n.plan.find("ratio") == std::string::npos);
  }
}
