// The command-line verbs. Each verb lives in its own file with an options
// struct, a setup function that binds its flags to a CLI11 subcommand, and a
// run function; main.cpp only wires them together and maps errors to exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

#include "strata/config/settings.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/files.hpp"

namespace strata::cli {

// Options every verb accepts.
struct GlobalOptions {
  config::SettingsFlags settings;
};

// What a verb's run returns: the process exit code.
using Runner = std::function<int()>;

// Each setup registers a subcommand and stores how to run it in *runner.
void setup_plan(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_inspect(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_init(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_revision(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_apply(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_rollback(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_stamp(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_status(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_history(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_check(CLI::App& app, const GlobalOptions& global, Runner& runner);
void setup_hash(CLI::App& app, const GlobalOptions& global, Runner& runner);

// Resolved settings for a verb, from flags, environment and strata.toml.
config::Settings resolve(const GlobalOptions& global);

// The settings with the database URL parsed and its dialect found.
struct Target {
  config::Settings settings;
  config::DatabaseUrl url;
  const dialect::Dialect* dialect = nullptr;
};
Target resolve_target(const GlobalOptions& global);

// The --ignore-sum / --allow-* flags on a verb that runs migrations;
// --allow-out-of-order only where pending files matter (apply).
enum class PendingFiles { Matter, Ignored };
void add_allowance_flags(CLI::App& command, migrate::Allowances& allowances, PendingFiles pending);

}  // namespace strata::cli
