// strata stamp VERSION|head|base: record a version without running anything.
#include <iostream>

#include "cli/command.hpp"

namespace strata::cli {

void setup_stamp(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto target_version = std::make_shared<std::string>();
  auto ignore_sum = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("stamp", "record a version as applied without running anything (adopt a database)");
  cmd->add_option("version", *target_version, "a version, head (the newest file) or base (none)")->required();
  cmd->add_flag("--ignore-sum", *ignore_sum, "stamp although strata.sum does not match the files");
  cmd->callback([&global, &runner, target_version, ignore_sum] {
    runner = [&global, target_version, ignore_sum] {
      const Target target = resolve_target(global);
      const migrate::Directory directory = migrate::open_directory(target.settings.migrations_dir);
      if (!*ignore_sum) {
        migrate::Allowances allowances;
        allowances.allow_edited = allowances.allow_missing = allowances.allow_out_of_order = true;
        migrate::require_integrity(directory, migrate::MigrationState{}, allowances);
      }
      // Stamping adopts an existing database; a URL that names no database is a mistake.
      if (!target.dialect->open(target.url, dialect::OpenMode::ReadOnly)->exists())
        throw Error(ExitCode::Connection, "database " + target.url.redacted() + " does not exist; check the URL");
      auto database = target.dialect->open(target.url, dialect::OpenMode::ReadWrite);
      migrate::stamp(*database, directory, *target_version, std::cerr);
      return 0;
    };
  });
}

}  // namespace strata::cli
