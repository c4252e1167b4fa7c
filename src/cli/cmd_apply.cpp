// strata apply (alias upgrade): run pending migrations in order.
#include <iostream>

#include "cli/command.hpp"

namespace strata::cli {

namespace {

struct ApplyCommand {
  migrate::ApplyOptions options;
  std::string to;
  int lock_timeout_seconds = 600;
};

int run_apply(const GlobalOptions& global, ApplyCommand command) {
  const Target target = resolve_target(global);
  if (!command.to.empty()) command.options.to = command.to;
  const migrate::Directory directory = migrate::open_directory(target.settings.migrations_dir);
  if (!directory.exists)
    throw Error(ExitCode::InvalidInput, "migrations directory \"" + target.settings.migrations_dir +
                                            "\" does not exist; run strata from the project folder, or set --migrations-dir");
  auto database = target.dialect->open(target.url, command.options.dry_run ? dialect::OpenMode::ReadOnly
                                                                             : dialect::OpenMode::ReadWrite);
  database->set_lock_timeout(command.lock_timeout_seconds * 1000);
  migrate::apply_migrations(*database, directory, command.options, std::cout, std::cerr);
  return 0;
}

}  // namespace

void setup_apply(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto command = std::make_shared<ApplyCommand>();
  CLI::App* cmd = app.add_subcommand("apply", "apply pending migrations in order (what CI runs)");
  cmd->alias("upgrade");
  cmd->add_option("--to", command->to, "apply up to and including this version");
  cmd->add_flag("--dry-run,--sql", command->options.dry_run, "print the SQL of the pending migrations, run nothing");
  cmd->add_option("--lock-timeout", command->lock_timeout_seconds,
                  "seconds to wait while another process applies (default 600)");
  add_allowance_flags(*cmd, command->options.allowances, PendingFiles::Matter);
  cmd->add_option("--allow-hazard", command->options.allowances.hazards,
                  "allow a hazard a migration records but does not allow (repeatable; \"all\")")
      ->delimiter(',');
  cmd->callback([&global, &runner, command] { runner = [&global, command] { return run_apply(global, *command); }; });
}

}  // namespace strata::cli
