// Changed tables taken as the live one with the document's changes made,
// rather than built (dialect/postgresql/grafts.hpp): which changes allow it,
// and that planning through a graft writes the same up and down SQL as
// building every changed table does.
#include <catch2/catch.hpp>

#include "dialect/postgresql/connection.hpp"
#include "dialect/postgresql/standins.hpp"
#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/diff/reverse.hpp"
#include "strata/diff/unchanged.hpp"
#include "strata/load/loader.hpp"
#include "strata/reconcile.hpp"
#include "test_support.hpp"

using namespace strata;
using strata::testing::PgDatabase;

namespace {

constexpr const char* kLive = R"SQL(
  CREATE TABLE team (id integer PRIMARY KEY, code varchar(8) NOT NULL UNIQUE);
  CREATE TABLE hero (
    id bigint PRIMARY KEY,
    name varchar(64) NOT NULL DEFAULT 'nobody',
    weight numeric(10,2) NOT NULL DEFAULT 0 CHECK (weight >= 0),
    born timestamptz NOT NULL DEFAULT now(),
    team_id integer REFERENCES team (id) ON DELETE SET NULL,
    nick varchar(20),
    level integer NOT NULL DEFAULT 1,
    CONSTRAINT hero_nick_unique UNIQUE (nick));
  CREATE INDEX hero_name_lower ON hero (lower(name));
  CREATE INDEX hero_born ON hero (born) WHERE weight > 50;
  COMMENT ON TABLE hero IS 'people';
  COMMENT ON COLUMN hero.level IS 'how strong';
  CREATE TABLE sidekick (id integer PRIMARY KEY, hero_id bigint NOT NULL REFERENCES hero (id), since date);
)SQL";

// The live schema as a document, with hero's columns, constraints and
// indexes replaceable.
struct Hero {
  std::string columns = R"Y(      - { name: id, type: int8, primary_key: true }
      - { name: name, type: varchar(64), default: nobody }
      - { name: weight, type: "numeric(10, 2)", default: 0 }
      - { name: born, type: timestamptz, default_sql: "now()" }
      - { name: team_id, type: int4, nullable: true, references: { table: team, column: id, on_delete: set null } }
      - { name: nick, type: varchar(20), nullable: true }
      - { name: level, type: integer, default: 1, comment: how strong }
)Y";
  std::string rest = R"Y(    uniques:
      - { name: hero_nick_unique, columns: [nick] }
    checks:
      - { expr: "weight >= 0" }
    indexes:
      - { name: hero_name_lower, columns: [{ expr: "lower(name)" }] }
      - { name: hero_born, columns: [born], where: "weight > 50" }
)Y";
  std::string comment = "people";

  void replace(std::string& in, const std::string& from, const std::string& to) {
    const std::size_t at = in.find(from);
    REQUIRE(at != std::string::npos);
    in.replace(at, from.size(), to);
  }
  std::string document() const {
    return "tables:\n"
           "  - name: team\n    columns:\n"
           "      - { name: id, type: integer, primary_key: true }\n"
           "      - { name: code, type: varchar(8), unique: true }\n"
           "  - name: hero\n    comment: " + comment + "\n    columns:\n" + columns + rest +
           "  - name: sidekick\n    columns:\n"
           "      - { name: id, type: integer, primary_key: true }\n"
           "      - { name: hero_id, type: bigint, references: { table: hero, column: id } }\n"
           "      - { name: since, type: date, nullable: true }\n";
  }
};

struct Outcome {
  bool hero_grafted = false;
  std::string up, up_built, down, down_built;
};

// Plans text against the live schema twice: through stand-ins and grafts,
// and with every table built; and says whether hero was grafted.
Outcome plan_both_ways(PgDatabase& db, const std::string& text) {
  const testing::LiveAndDocument read = testing::read_live_and_document(db.url(), text);
  const config::DatabaseUrl& url = read.url;
  const dialect::Dialect& d = *read.dialect;
  const model::Schema& current = read.current;
  const load::LoadResult& loaded = read.document;
  for (const Diagnostic& item : loaded.diagnostics.all()) UNSCOPED_INFO(item.str());
  REQUIRE_FALSE(loaded.diagnostics.has_errors());

  Outcome out;
  {
    PgDatabase scratch("strata_graft_scratch");
    dialect::postgresql::Connection connection(config::parse_database_url(scratch.url()).conninfo);
    const auto unchanged = diff::unchanged_tables(current, loaded.schema, d);
    const auto found = dialect::postgresql::compare_as_stored(connection, loaded.schema, current, unchanged, d);
    out.hero_grafted = found.grafted.count("public.hero") > 0;
    CHECK_FALSE(found.unchanged.count("public.hero"));
  }
  auto sql = [&](const model::Schema& from, const model::Schema& to, bool down) {
    diff::DiffOptions options;
    options.refuse_impossible = !down;
    return to_sql_script(reconcile(d, from, to, options).statements);
  };
  Diagnostics warnings;
  const model::Schema grafted = prepare_desired(loaded, d, url, warnings, &current);
  const model::Schema built = prepare_desired(loaded, d, url, warnings);
  out.up = sql(current, grafted, false);
  out.up_built = sql(current, built, false);
  out.down = sql(grafted, diff::with_reverse_hints(current, grafted), true);
  out.down_built = sql(built, diff::with_reverse_hints(current, built), true);
  return out;
}

void check_same_sql(const Outcome& o) {
  INFO("up SQL through the graft:\n" << o.up << "\nwith every changed table built:\n" << o.up_built);
  CHECK_FALSE(o.up.empty());
  CHECK(o.up == o.up_built);
  INFO("down SQL through the graft:\n" << o.down << "\nwith every changed table built:\n" << o.down_built);
  CHECK(o.down == o.down_built);
}

}  // namespace

TEST_CASE("columns added, dropped and altered, indexes and constraints dropped: grafted, with the SQL of a build",
          "[postgresql][grafts]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(kLive);
  Hero hero;
  SECTION("columns added, one generated, one with a comment") {
    hero.columns += "      - { name: motto, type: text, nullable: true, default: be brave, comment: said often }\n"
                    "      - { name: power, type: int4, default: 0 }\n"
                    "      - { name: heavy, type: boolean, nullable: true, generated: { expr: \"weight > 100\", stored: true } }\n";
  }
  SECTION("a column dropped with its unique constraint, a check and a foreign key dropped") {
    hero.replace(hero.columns, "      - { name: nick, type: varchar(20), nullable: true }\n", "");
    hero.replace(hero.rest, "    uniques:\n      - { name: hero_nick_unique, columns: [nick] }\n", "");
    hero.replace(hero.rest, "    checks:\n      - { expr: \"weight >= 0\" }\n", "");
    hero.replace(hero.columns, ", references: { table: team, column: id, on_delete: set null }", "");
  }
  SECTION("types widened, a default, a nullability and comments changed") {
    hero.replace(hero.columns, "{ name: level, type: integer, default: 1, comment: how strong }",
                 "{ name: level, type: bigint, default: 2, comment: how very strong }");
    hero.replace(hero.columns, "{ name: name, type: varchar(64), default: nobody }",
                 "{ name: name, type: varchar(128), default: nobody }");
    hero.replace(hero.columns, "{ name: weight, type: \"numeric(10, 2)\", default: 0 }",
                 "{ name: weight, type: \"numeric(10, 2)\", nullable: true, default: 0 }");
    hero.comment = "heroes";
  }
  SECTION("named indexes added, changed and dropped") {
    hero.replace(hero.rest, "      - { name: hero_born, columns: [born], where: \"weight > 50\" }\n",
                 "      - { name: hero_born, columns: [born], where: \"weight > 60\" }\n"
                 "      - { name: hero_level, columns: [level, { expr: \"upper(name)\" }], unique: true }\n"
                 "      - { name: hero_team, columns: [team_id], where: \"team_id is not null\" }\n");
    hero.replace(hero.rest, "      - { name: hero_name_lower, columns: [{ expr: \"lower(name)\" }] }\n", "");
  }
  const Outcome o = plan_both_ways(db, hero.document());
  CHECK(o.hero_grafted);
  check_same_sql(o);
}

TEST_CASE("changes the server has to judge or name leave the table to be built", "[postgresql][grafts]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  db.exec(kLive);
  Hero hero;
  SECTION("a foreign key added") {
    hero.columns += "      - { name: mentor_id, type: bigint, nullable: true, references: { table: hero, column: id } }\n";
  }
  SECTION("a check without a name added") {
    hero.replace(hero.rest, "      - { expr: \"weight >= 0\" }\n", "      - { expr: \"weight >= 0\" }\n      - { expr: \"level > 0\" }\n");
  }
  SECTION("the type of a foreign key's column changed") {
    hero.replace(hero.columns, "{ name: team_id, type: int4,", "{ name: team_id, type: int8,");
  }
  SECTION("the type of a unique column changed") {
    hero.replace(hero.columns, "{ name: nick, type: varchar(20),", "{ name: nick, type: varchar(40),");
  }
  SECTION("a serial column added") {
    hero.columns += "      - { name: rank, type: serial }\n";
  }
  SECTION("a unique constraint added") {
    hero.replace(hero.rest, "      - { name: hero_nick_unique, columns: [nick] }\n",
                 "      - { name: hero_nick_unique, columns: [nick] }\n      - { columns: [name, born] }\n");
  }
  SECTION("an index with a name longer than PostgreSQL keeps") {
    hero.replace(hero.rest, "    indexes:\n",
                 "    indexes:\n      - { name: " + std::string(70, 'x') + ", columns: [level] }\n");
  }
  const Outcome o = plan_both_ways(db, hero.document());
  CHECK_FALSE(o.hero_grafted);
  check_same_sql(o);
}
