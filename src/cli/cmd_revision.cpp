// strata revision -m MSG: write the next migration from the schema files.
#include <iostream>

#include "cli/command.hpp"
#include "strata/migrate/revision.hpp"

namespace strata::cli {

namespace {

int run_revision(const GlobalOptions& global, const migrate::RevisionOptions& options) {
  const Target target = resolve_target(global);
  migrate::RevisionOptions with_settings = options;
  with_settings.render.online = target.settings.online;
  with_settings.render.lock_timeout = target.settings.lock_timeout;
  with_settings.render.statement_timeout = target.settings.statement_timeout;
  migrate::RevisionResult result = migrate::create_revision(*target.dialect, target.url, target.settings.schema_path,
                                                            target.settings.migrations_dir, with_settings);
  for (const Diagnostic& d : result.warnings.sorted()) std::cerr << d.str() << "\n";
  if (result.path.empty()) {
    std::cerr << "no changes: the schema files match the migrations in " << target.settings.migrations_dir
              << "; nothing written (use --empty for a hand-written migration)\n";
    return 0;
  }
  std::cerr << "wrote " << result.path;
  if (!options.empty) std::cerr << " (" << result.changes << " change" << (result.changes == 1 ? "" : "s") << ")";
  std::cerr << "\n";
  std::cout << result.path << "\n";
  return 0;
}

}  // namespace

void setup_revision(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto options = std::make_shared<migrate::RevisionOptions>();
  CLI::App* cmd = app.add_subcommand("revision", "write the next migration (up and down) from the schema files");
  cmd->add_option("-m,--message", options->message, "what the migration does; also names the file")->required();
  cmd->add_flag("--empty", options->empty, "write a migration with empty sections, for hand-written SQL");
  cmd->add_flag("--ignore-sum", options->allowances.ignore_sum, "write although strata.sum does not match the files");
  cmd->add_option("--allow-hazard", options->allowed_hazards,
                  "allow a data-loss hazard by code (repeatable; \"all\" allows every one); see docs/hazards.md")
      ->delimiter(',');
  cmd->callback([&global, &runner, options] { runner = [&global, options] { return run_revision(global, *options); }; });
}

}  // namespace strata::cli
