// Migration files: statement splitting, section parsing with precise errors,
// and the sum file that catches edits, losses and parallel additions.
#include <catch2/catch.hpp>

#include "strata/files.hpp"
#include "strata/migrate/directory.hpp"
#include "strata/migrate/migration.hpp"
#include "strata/migrate/splitter.hpp"
#include "test_support.hpp"

using namespace strata;
using namespace strata::migrate;

TEST_CASE("statements split where SQL ends them, not where a semicolon hides", "[migrate][splitter]") {
  const std::string script =
      "-- a comment; with a semicolon\n"
      "CREATE TABLE t (a TEXT DEFAULT 'x;y', \"b;c\" INT);\n"
      "/* block; comment */ INSERT INTO t VALUES ('it''s; fine', 1);\n"
      "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
      "  UPDATE t SET a = CASE WHEN a = 'q' THEN 'r;' ELSE a END;\n"
      "  DELETE FROM t WHERE a IS NULL;\n"
      "END;\n"
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
      "SELECT E'esc\\'aped;', $1;\n"
      "BEGIN;\nCOMMIT;\n"
      "-- trailing comment only\n";
  const auto statements = split_statements(script, 10);
  REQUIRE(statements.size() == 7);
  CHECK(statements[0].sql == "-- a comment; with a semicolon\nCREATE TABLE t (a TEXT DEFAULT 'x;y', \"b;c\" INT)");
  CHECK(statements[0].line == 11);
  CHECK(statements[1].line == 12);
  CHECK(statements[2].sql.find("END") != std::string::npos);
  CHECK(statements[2].line == 13);
  CHECK(statements[3].sql.find("$body$ LANGUAGE sql") != std::string::npos);
  CHECK(statements[4].sql == "SELECT E'esc\\'aped;', $1");
  CHECK(statements[5].sql == "BEGIN");
  CHECK(statements[6].sql == "COMMIT");
}

TEST_CASE("migration files parse into sections with their directives", "[migrate]") {
  Diagnostics d;
  const Migration m = parse_migration("migrations/20261121101500_add_team.sql",
                                      "-- add team\n-- strata:no-transaction\n\n-- strata:up\nCREATE TABLE team (id INT);\n"
                                      "CREATE INDEX ix ON team (id);\n\n-- strata:down\nDROP TABLE team;\n",
                                      d);
  CHECK_FALSE(d.has_errors());
  CHECK(m.version == "20261121101500");
  CHECK(m.name == "add_team");
  CHECK_FALSE(m.transactional);
  REQUIRE(m.up.size() == 2);
  CHECK(m.up[1].line == 6);
  REQUIRE(m.down.size() == 1);
  CHECK(m.down[0].line == 9);
  CHECK(m.checksum.rfind("sha256:", 0) == 0);
}

TEST_CASE("bad migration files are reported with file and line", "[migrate][errors]") {
  struct Bad {
    const char* name;
    const char* content;
    const char* expected;
  };
  const Bad cases[] = {
      {"1_a.sql", "CREATE TABLE t (a INT);\n-- strata:down\n", "1_a.sql:1:1: error: SQL before \"-- strata:up\""},
      {"1_a.sql", "-- strata:up\nCREATE TABLE t (a INT);\n", "error: migration has no \"-- strata:down\" section"},
      {"1_a.sql", "-- strata:down\n", "1_a.sql:1:1: error: migration has no \"-- strata:up\" section"},
      {"1_a.sql", "-- strata:up\n-- strata:notransaction\n-- strata:down\n",
       "1_a.sql:2:1: error: unknown directive \"-- strata:notransaction\" (did you mean \"no-transaction\"?)"},
      {"1_a.sql", "-- strata:up\n-- strata:up\n-- strata:down\n", "1_a.sql:2:1: error: second \"-- strata:up\" section"},
      {"add_team.sql", "-- strata:up\n-- strata:down\n", "does not have the form <version>_<name>.sql"},
      {"1_a.sql", "-- strata:hazard\n-- strata:up\n-- strata:down\n", "1_a.sql:1:1: error: \"-- strata:hazard\" needs a code"},
      {"1_a.sql", "-- strata:allow\n-- strata:up\n-- strata:down\n", "1_a.sql:1:1: error: \"-- strata:allow\" needs a hazard code"},
  };
  for (const Bad& c : cases) {
    Diagnostics d;
    parse_migration(c.name, c.content, d);
    std::string all;
    for (const auto& x : d.all()) all += x.str() + "\n";
    INFO(c.content << "\n" << all);
    CHECK(all.find(c.expected) != std::string::npos);
  }
}

TEST_CASE("the sum file catches edits, lost files and files added elsewhere", "[migrate][sum]") {
  testing::TempDir dir;
  dir.write("m/1_a.sql", "-- strata:up\nCREATE TABLE a (x INT);\n-- strata:down\nDROP TABLE a;\n");
  dir.write("m/2_b.sql", "-- strata:up\nCREATE TABLE b (x INT);\n-- strata:down\nDROP TABLE b;\n");
  Diagnostics d;
  Directory directory = load_directory(dir.file("m"), d);
  REQUIRE_FALSE(d.has_errors());
  CHECK(verify_sum(directory).size() == 1);  // no sum file yet
  write_sum(directory);
  CHECK(verify_sum(directory).empty());

  dir.write("m/2_b.sql", "-- strata:up\nCREATE TABLE b (x TEXT);\n-- strata:down\nDROP TABLE b;\n");
  auto edited = verify_sum(load_directory(dir.file("m"), d));
  REQUIRE(edited.size() == 1);
  CHECK(edited[0].find("2_b.sql was edited") != std::string::npos);

  write_sum(load_directory(dir.file("m"), d));
  dir.write("m/3_c.sql", "-- strata:up\n-- strata:down\n");
  auto added = verify_sum(load_directory(dir.file("m"), d));
  REQUIRE(added.size() == 1);
  CHECK(added[0].find("3_c.sql is not in strata.sum") != std::string::npos);

  std::filesystem::remove(dir.file("m/3_c.sql"));
  std::filesystem::remove(dir.file("m/1_a.sql"));
  auto lost = verify_sum(load_directory(dir.file("m"), d));
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].find("1_a.sql is in strata.sum but its file is missing") != std::string::npos);
}

TEST_CASE("two branches that each add a migration conflict in strata.sum", "[migrate][sum]") {
  testing::TempDir dir;
  dir.write("m/1_a.sql", "-- strata:up\n-- strata:down\n");
  Diagnostics d;
  write_sum(load_directory(dir.file("m"), d));
  const std::string base = *read_file(dir.file("m/strata.sum"));
  dir.write("m/2_b.sql", "-- strata:up\n-- strata:down\n");
  const std::string branch_b = render_sum(load_directory(dir.file("m"), d).migrations);
  std::filesystem::remove(dir.file("m/2_b.sql"));
  dir.write("m/2_c.sql", "-- strata:up\n-- strata:down\n");
  const std::string branch_c = render_sum(load_directory(dir.file("m"), d).migrations);
  // Both branches rewrite the same "directory" line: git cannot merge them silently.
  auto directory_line = [](const std::string& sum) { return sum.substr(sum.find("directory ")).substr(0, 80); };
  CHECK(directory_line(branch_b) != directory_line(base));
  CHECK(directory_line(branch_c) != directory_line(base));
  CHECK(directory_line(branch_b) != directory_line(branch_c));
}

TEST_CASE("two files with one version are refused", "[migrate][errors]") {
  testing::TempDir dir;
  dir.write("m/1_a.sql", "-- strata:up\n-- strata:down\n");
  dir.write("m/1_b.sql", "-- strata:up\n-- strata:down\n");
  Diagnostics d;
  load_directory(dir.file("m"), d);
  REQUIRE(d.has_errors());
  CHECK(d.all()[0].str().find("version 1 is used by two files, 1_a.sql and 1_b.sql") != std::string::npos);
}

TEST_CASE("slugs and versions", "[migrate]") {
  CHECK(slug("Add power level!") == "add_power_level");
  CHECK(slug("héros & équipes") == "h_ros_quipes");
  CHECK(slug("") == "migration");
  Directory directory;
  Migration future;
  future.version = "99991231235959";
  directory.migrations.push_back(future);
  CHECK(next_version(directory) == "99991231235960");
}
