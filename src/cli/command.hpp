// The command-line verbs. Each verb lives in its own file with an options
// struct, a setup function that binds its flags to a CLI11 subcommand, and a
// run function; main.cpp only wires them together and maps errors to exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

#include "strata/config/settings.hpp"

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

// Resolved settings for a verb, from flags, environment and strata.toml.
config::Settings resolve(const GlobalOptions& global);

// Writes content to path through a temporary file and a rename, so a reader
// never sees a half-written file. Throws strata::Error on failure.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace strata::cli
