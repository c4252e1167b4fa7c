// strata rollback (alias downgrade): run down sections, newest first.
#include <iostream>

#include "cli/command.hpp"

namespace strata::cli {

namespace {

struct RollbackCommand {
  migrate::RollbackOptions options;
  std::string to;
  int lock_timeout_seconds = 600;
};

int run_rollback(const GlobalOptions& global, RollbackCommand command) {
  const Target target = resolve_target(global);
  if (!command.to.empty()) command.options.to = command.to;
  const migrate::Directory directory = migrate::open_directory(target.settings.migrations_dir);
  auto database = target.dialect->open(target.url, dialect::OpenMode::ReadOnly);
  if (!database->exists()) throw Error(ExitCode::Connection, "database " + target.url.redacted() + " does not exist");
  if (!command.options.dry_run) database = target.dialect->open(target.url, dialect::OpenMode::ReadWrite);
  database->set_lock_timeout(command.lock_timeout_seconds * 1000);
  migrate::rollback_migrations(*database, directory, command.options, std::cout, std::cerr);
  return 0;
}

}  // namespace

void setup_rollback(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto command = std::make_shared<RollbackCommand>();
  CLI::App* cmd = app.add_subcommand("rollback", "undo applied migrations with their down sections");
  cmd->alias("downgrade");
  cmd->add_option("--steps", command->options.steps, "how many migrations to undo (default 1)")->check(CLI::Range(1, 1000000));
  cmd->add_option("--to", command->to, "undo every migration newer than this version; base undoes all");
  cmd->add_flag("--dry-run,--sql", command->options.dry_run, "print the SQL, run nothing");
  cmd->add_option("--lock-timeout", command->lock_timeout_seconds, "seconds to wait for another process (default 600)");
  add_allowance_flags(*cmd, command->options.allowances, PendingFiles::Ignored);
  cmd->callback([&global, &runner, command] { runner = [&global, command] { return run_rollback(global, *command); }; });
}

}  // namespace strata::cli
