// strata check: exit 1 when the schema files have changes no migration
// captures, or strata.sum does not match. Needs no database for SQLite.
#include <iostream>

#include "cli/command.hpp"
#include "strata/migrate/revision.hpp"

namespace strata::cli {

void setup_check(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  CLI::App* cmd = app.add_subcommand("check", "exit 1 when a revision is missing or strata.sum does not match");
  cmd->callback([&global, &runner] {
    runner = [&global] {
      const Target target = resolve_target(global);
      const migrate::Directory directory = migrate::open_directory(target.settings.migrations_dir);
      bool clean = true;
      for (const std::string& p : migrate::verify_sum(directory)) {
        std::cerr << "sum: " << p << "\n";
        clean = false;
      }
      Diagnostics warnings;
      Reconciliation r =
          migrate::pending_schema_changes(*target.dialect, target.url, target.settings.schema_path, directory, warnings);
      for (const Diagnostic& d : warnings.sorted()) std::cerr << d.str() << "\n";
      if (!r.plan.changes.empty()) {
        clean = false;
        std::cerr << "the schema files have changes that no migration captures; run strata revision -m \"...\":\n";
        for (const diff::Change& c : r.plan.changes) std::cerr << "  " << diff::describe(c) << "\n";
      }
      if (clean) std::cerr << "ok: the migrations capture the schema files\n";
      return clean ? 0 : static_cast<int>(ExitCode::ChangesPending);
    };
  });
}

}  // namespace strata::cli
