// strata init: scaffold strata.toml, a starter schema and migrations/.
// Existing files are never overwritten.
#include <filesystem>
#include <iostream>

#include "cli/command.hpp"
#include "strata/diagnostics.hpp"

namespace strata::cli {

namespace {

struct InitOptions {
  std::string format = "yaml";
  std::string directory = ".";
};

const char* const kStarterYaml = R"(# The tables you want. strata plan shows the SQL that gets the database there.
# Reference: docs/schema-format.md
tables:
  - name: team
    columns:
      - { name: id, type: integer, primary_key: true }
      - { name: name, type: text, unique: true }
      - { name: headquarters, type: text }
  - name: hero
    columns:
      - { name: id, type: integer, primary_key: true }
      - { name: name, type: text }
      - { name: secret_name, type: text }
      - { name: age, type: integer, nullable: true }
      - name: team_id
        type: integer
        nullable: true
        references: { table: team, column: id, on_delete: set null }
    indexes:
      - { columns: [name] }
)";

const char* const kStarterToml = R"(# The tables you want. strata plan shows the SQL that gets the database there.
# Reference: docs/schema-format.md
[[tables]]
name = "team"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "name", type = "text", unique = true },
  { name = "headquarters", type = "text" },
]

[[tables]]
name = "hero"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "name", type = "text" },
  { name = "secret_name", type = "text" },
  { name = "age", type = "integer", nullable = true },
  { name = "team_id", type = "integer", nullable = true, references = { table = "team", column = "id", on_delete = "set null" } },
]
indexes = [
  { columns = ["name"] },
]
)";

std::string config_text(const std::string& schema_file) {
  return "# strata settings. Flags and environment variables (DATABASE_URL, STRATA_*) override these.\n"
         "[database]\n"
         "url = \"sqlite:///./strata.db\"\n"
         "\n"
         "[schema]\n"
         "path = \"" + schema_file + "\"\n"
         "\n"
         "[migrations]\n"
         "dir = \"migrations\"\n";
}

int run_init(const InitOptions& options) {
  namespace fs = std::filesystem;
  const fs::path dir(options.directory);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ExitCode::InvalidInput, "cannot create \"" + dir.string() + "\": " + ec.message());
  const std::string schema_file = options.format == "toml" ? "schema.toml" : "schema.yaml";
  auto create = [&](const fs::path& path, const std::string& content) {
    if (fs::exists(path, ec)) {
      std::cerr << "kept " << path.string() << " (exists)\n";
      return;
    }
    write_file_atomically(path.string(), content);
    std::cerr << "created " << path.string() << "\n";
  };
  create(dir / "strata.toml", config_text(schema_file));
  create(dir / schema_file, options.format == "toml" ? kStarterToml : kStarterYaml);
  const fs::path migrations = dir / "migrations";
  if (fs::exists(migrations, ec)) {
    std::cerr << "kept " << migrations.string() << "/ (exists)\n";
  } else {
    fs::create_directories(migrations, ec);
    if (ec) throw Error(ExitCode::InvalidInput, "cannot create \"" + migrations.string() + "\": " + ec.message());
    std::cerr << "created " << migrations.string() << "/\n";
  }
  std::cerr << "next: edit " << schema_file << ", then run strata plan\n";
  return 0;
}

}  // namespace

void setup_init(CLI::App& app, const GlobalOptions&, Runner& runner) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* cmd = app.add_subcommand("init", "scaffold strata.toml, a starter schema and migrations/");
  cmd->add_option("--format", options->format, "starter schema as yaml (default) or toml")
      ->check(CLI::IsMember({"yaml", "toml"}));
  cmd->add_option("directory", options->directory, "where to create the files (default: .)");
  cmd->callback([&runner, options] { runner = [options] { return run_init(*options); }; });
}

}  // namespace strata::cli
