// strata hash: rewrite strata.sum after a deliberate edit of migration files.
#include <filesystem>
#include <iostream>

#include "cli/command.hpp"

namespace strata::cli {

void setup_hash(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  CLI::App* cmd = app.add_subcommand("hash", "rewrite migrations/strata.sum from the files as they are");
  cmd->callback([&global, &runner] {
    runner = [&global] {
      const config::Settings settings = resolve(global);
      const migrate::Directory directory = migrate::open_directory(settings.migrations_dir);
      if (!directory.exists)
        throw Error(ExitCode::InvalidInput, "migrations directory \"" + settings.migrations_dir + "\" does not exist");
      migrate::write_sum(directory);
      std::cerr << "wrote " << (std::filesystem::path(settings.migrations_dir) / migrate::kSumFileName).string() << " ("
                << directory.migrations.size() << (directory.migrations.size() == 1 ? " file)\n" : " files)\n");
      return 0;
    };
  });
}

}  // namespace strata::cli
