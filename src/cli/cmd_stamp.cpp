// strata stamp VERSION|head|base: record a version without running anything.
#include <iostream>

#include "cli/command.hpp"

namespace strata::cli {

void setup_stamp(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto target_version = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("stamp", "record a version as applied without running anything (adopt a database)");
  cmd->add_option("version", *target_version, "a version, head (the newest file) or base (none)")->required();
  cmd->callback([&global, &runner, target_version] {
    runner = [&global, target_version] {
      const Target target = resolve_target(global);
      const migrate::Directory directory = migrate::open_directory(target.settings.migrations_dir);
      auto database = target.dialect->open(target.url, dialect::OpenMode::ReadWrite);
      migrate::stamp(*database, directory, *target_version, std::cerr);
      return 0;
    };
  });
}

}  // namespace strata::cli
