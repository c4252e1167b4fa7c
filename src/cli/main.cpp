// strata's entry point: wires the verbs and maps errors to exit codes
// (documented in docs/exit-codes.md).
#include <iostream>
#include <sstream>

#ifdef STRATA_WITH_MIMALLOC
#include <mimalloc.h>
#endif

#include "cli/command.hpp"
#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/diagnostics.hpp"

namespace strata::cli {

config::Settings resolve(const GlobalOptions& global) {
  return config::resolve_settings(global.settings, config::process_environment());
}

Target resolve_target(const GlobalOptions& global) {
  Target target;
  target.settings = resolve(global);
  target.url = config::parse_database_url(target.settings.url);
  if (!target.settings.schemas.empty()) target.url.schemas = target.settings.schemas;
  if (!target.settings.dev_url.empty()) target.url.scratch_conninfo = config::parse_database_url(target.settings.dev_url).conninfo;
  target.dialect = &dialect::dialect_for(target.url);
  return target;
}

void add_allowance_flags(CLI::App& command, migrate::Allowances& allowances, PendingFiles pending) {
  command.add_flag("--ignore-sum", allowances.ignore_sum, "run although strata.sum does not match the files");
  command.add_flag("--allow-edited", allowances.allow_edited, "run although an applied migration file was edited");
  command.add_flag("--allow-missing", allowances.allow_missing, "run although an applied migration has no file");
  if (pending == PendingFiles::Matter)
    command.add_flag("--allow-out-of-order", allowances.allow_out_of_order,
                     "apply a pending migration older than the newest applied one");
}

}  // namespace strata::cli

int main(int argc, char** argv) {
  using namespace strata;
#ifdef STRATA_WITH_MIMALLOC
  // Pages freed are returned to the system at once instead of after 25 ms.
  // plan frees what it read on another thread while it builds the result;
  // with the delay both were held at the peak (107 MB instead of 79 MB at
  // 5,000 PostgreSQL tables), and the time it saved was inside the noise.
  mi_option_set(mi_option_decommit_delay, 0);
#endif
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
  app.add_flag("--online", global.settings.online,
               "PostgreSQL: online-safe plans (CONCURRENTLY, NOT VALID then VALIDATE, lock_timeout on every statement)");
  bind("--dev-url", global.settings.dev_url,
       "PostgreSQL server for scratch databases (default: the target's; needs CREATEDB there)");

  cli::Runner runner;
  cli::setup_plan(app, global, runner);
  cli::setup_inspect(app, global, runner);
  cli::setup_init(app, global, runner);
  cli::setup_revision(app, global, runner);
  cli::setup_apply(app, global, runner);
  cli::setup_rollback(app, global, runner);
  cli::setup_stamp(app, global, runner);
  cli::setup_status(app, global, runner);
  cli::setup_history(app, global, runner);
  cli::setup_check(app, global, runner);
  cli::setup_hash(app, global, runner);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 repeats the arguments it could not place, and a URL given without
    // --url is one of them: its password is hidden as everywhere else.
    std::ostringstream err;
    const int code = app.exit(e, std::cout, err);
    std::cerr << config::redact_url(err.str());
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
