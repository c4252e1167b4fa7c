// Round trip on every example: plan it into an empty database, apply, inspect
// (YAML and TOML), plan the inspected document: nothing to do, and inspecting
// a database built from the inspected document gives the same document.
#include <catch2/catch.hpp>

#include <filesystem>

#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/emit/document_writer.hpp"
#include "strata/reconcile.hpp"
#include "test_support.hpp"

using namespace strata;

namespace {

std::string build_and_inspect(const model::Schema& desired, const std::string& path, load::Format format) {
  const auto url = config::parse_database_url("sqlite:///" + path);
  const dialect::Dialect& d = dialect::dialect_for(url);
  auto database = d.open(url, dialect::OpenMode::ReadWrite);
  database->execute(reconcile(d, database->introspect(), desired).statements);
  return emit::write_document(database->introspect(), format);
}

}  // namespace

TEST_CASE("examples round-trip through inspect in YAML and TOML", "[roundtrip][examples]") {
  namespace fs = std::filesystem;
  int checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_path("examples"))) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".yaml" && ext != ".toml") continue;
    if (entry.path().parent_path().filename() == "postgresql") continue;  // PostgreSQL-only: postgresql_test.cpp
    INFO(entry.path().string());
    const auto url = config::parse_database_url("sqlite://:memory:");
    const dialect::Dialect& d = dialect::dialect_for(url);
    Diagnostics warnings;
    const model::Schema desired = load_desired(entry.path().string(), d, url, warnings);

    for (load::Format format : {load::Format::Yaml, load::Format::Toml}) {
      testing::TempDir dir;
      const std::string document = build_and_inspect(desired, dir.file("first.db"), format);
      INFO(document);
      const std::string name = format == load::Format::Yaml ? "inspected.yaml" : "inspected.toml";
      dir.write(name, document);
      const model::Schema reread = load_desired(dir.file(name), d, url, warnings);

      // The inspected document describes the database exactly: nothing to plan.
      const auto first = config::parse_database_url("sqlite:///" + dir.file("first.db"));
      auto database = d.open(first, dialect::OpenMode::ReadOnly);
      CHECK(reconcile(d, database->introspect(), reread).statements.empty());

      // And builds a database that inspects to the same document.
      CHECK(build_and_inspect(reread, dir.file("second.db"), format) == document);
    }
    ++checked;
  }
  CHECK(checked >= 8);
}

TEST_CASE("databases made by other tools inspect to documents that plan to nothing", "[roundtrip]") {
  namespace fs = std::filesystem;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(testing::source_path("tests/fixtures"))) {
    if (entry.path().extension() != ".sql") continue;
    INFO(entry.path().string());
    testing::TempDir dir;
    const std::string db = dir.file("app.db");
    REQUIRE(std::system(("sqlite3 -bail '" + db + "' < '" + entry.path().string() + "'").c_str()) == 0);
    const auto url = config::parse_database_url("sqlite:///" + db);
    const dialect::Dialect& d = dialect::dialect_for(url);
    auto database = d.open(url, dialect::OpenMode::ReadOnly);
    const model::Schema live = database->introspect();
    const std::string document = emit::write_document(live, load::Format::Yaml);
    INFO(document);
    dir.write("schema.yaml", document);
    Diagnostics warnings;
    const model::Schema desired = load_desired(dir.file("schema.yaml"), d, url, warnings);
    const std::string plan = to_sql_script(reconcile(d, live, desired).statements);
    INFO(plan);
    CHECK(plan.empty());
    CHECK(build_and_inspect(desired, dir.file("fresh.db"), load::Format::Yaml) == document);
    ++checked;
  }
  CHECK(checked >= 3);
}
