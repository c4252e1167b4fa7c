// strata's entry point: wires the verbs and maps errors to exit codes
// (documented in docs/exit-codes.md).
#include <iostream>

#include "cli/command.hpp"
#include "strata/config/url.hpp"
#include "strata/diagnostics.hpp"

namespace strata::cli {

config::Settings resolve(const GlobalOptions& global) {
  return config::resolve_settings(global.settings, config::process_environment());
}

}  // namespace strata::cli

int main(int argc, char** argv) {
  using namespace strata;
  CLI::App app{"strata: declare the schema you want; strata plans the SQL that gets your database there"};
  app.set_version_flag("--version", std::string("strata ") + STRATA_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  cli::GlobalOptions global;
  auto bind = [&](const char* flag, std::optional<std::string>& target, const char* help) {
    app.add_option_function<std::string>(flag, [&target](const std::string& v) { target = v; }, help);
  };
  bind("--url", global.settings.url, "database URL (default: DATABASE_URL, strata.toml, sqlite:///./strata.db)");
  bind("--schema", global.settings.schema_path, "schema file or directory (default: schema.yaml)");
  bind("--migrations-dir", global.settings.migrations_dir, "migrations directory (default: migrations)");
  bind("--config", global.settings.config_file, "settings file (default: strata.toml if present)");

  cli::Runner runner;
  cli::setup_plan(app, global, runner);
  cli::setup_inspect(app, global, runner);
  cli::setup_init(app, global, runner);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::Usage);
  }

  try {
    return runner ? runner() : static_cast<int>(ExitCode::Usage);
  } catch (const InvalidDocument& e) {
    std::cerr << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const Error& e) {
    const std::string message = config::redact_url(e.what());
    // Messages that carry their own "file:line:col: error:" prefix are printed as they are.
    std::cerr << (message.find(": error: ") != std::string::npos ? "" : "error: ") << message << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::Internal);
  }
}
