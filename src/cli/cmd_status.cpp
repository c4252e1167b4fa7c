// strata status (alias current): the recorded version, pending, missing and
// edited files, and drift between the live schema and the migrations.
#include <nlohmann/json.hpp>

#include <set>
#include <filesystem>
#include <iostream>

#include "cli/command.hpp"
#include "strata/reconcile.hpp"

namespace strata::cli {

namespace {

std::string file_of(const migrate::Migration& m) { return std::filesystem::path(m.file).filename().string(); }

int run_status(const GlobalOptions& global, const std::string& format) {
  const Target target = resolve_target(global);
  const migrate::Directory directory = migrate::open_directory(target.settings.migrations_dir);
  auto database = target.dialect->open(target.url, dialect::OpenMode::ReadOnly);
  const migrate::MigrationState state = migrate::compare_history(directory, database->applied_versions());
  const std::vector<std::string> sum_problems = migrate::verify_sum(directory);

  // Drift: the live schema against what the applied migrations build.
  std::vector<std::string> drift;
  const bool can_replay = state.missing.empty();
  if (can_replay) {
    // Exactly the applied migrations, in version order: pending files, even older ones, are not expected yet.
    std::set<std::string> applied_versions;
    for (const auto& v : state.applied) applied_versions.insert(v.version);
    std::vector<const migrate::Migration*> applied;
    for (const migrate::Migration& m : directory.migrations)
      if (applied_versions.count(m.version)) applied.push_back(&m);
    const model::Schema expected = migrate::replay(*target.dialect, target.url, applied);
    Reconciliation r = reconcile(*target.dialect, expected, database->introspect());
    for (const diff::Change& c : r.plan.changes) drift.push_back(diff::describe(c));
  }

  if (format == "json") {
    nlohmann::json out;
    out["database"] = target.url.redacted();
    out["current"] = state.current_version().empty() ? nlohmann::json(nullptr) : nlohmann::json(state.current_version());
    out["pending"] = nlohmann::json::array();
    for (const auto* m : state.pending) out["pending"].push_back(file_of(*m));
    out["missing"] = nlohmann::json::array();
    for (const auto& v : state.missing) out["missing"].push_back(v.version + "_" + v.name);
    out["edited"] = nlohmann::json::array();
    for (const auto& e : state.edited) out["edited"].push_back(file_of(*e.second));
    out["out_of_order"] = nlohmann::json::array();
    for (const auto* m : state.out_of_order) out["out_of_order"].push_back(file_of(*m));
    out["sum_problems"] = sum_problems;
    out["drift"] = can_replay ? nlohmann::json(drift) : nlohmann::json(nullptr);
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "database: " << target.url.redacted() << "\n";
  if (state.applied.empty()) {
    std::cout << "current:  base (no migration applied)\n";
  } else {
    const auto& v = state.applied.back();
    std::cout << "current:  " << v.version << " " << v.name << " (applied " << v.applied_at << ")\n";
  }
  std::cout << "pending:  " << state.pending.size() << "\n";
  for (const auto* m : state.pending) std::cout << "  " << file_of(*m) << "\n";
  for (const auto& v : state.missing) std::cout << "missing:  " << v.version << "_" << v.name << " is applied but has no file\n";
  for (const auto& e : state.edited) std::cout << "edited:   " << file_of(*e.second) << " changed after it was applied\n";
  for (const auto* m : state.out_of_order)
    std::cout << "order:    " << file_of(*m) << " is pending but older than the current version\n";
  for (const auto& p : sum_problems) std::cout << "sum:      " << p << "\n";
  if (!can_replay) {
    std::cout << "drift:    unknown (a migration file is missing, so the expected schema cannot be rebuilt)\n";
  } else if (drift.empty()) {
    std::cout << "drift:    none\n";
  } else {
    std::cout << "drift:    changes made to the database outside the migrations:\n";
    for (const auto& d : drift) std::cout << "  " << d << "\n";
  }
  return 0;
}

}  // namespace

void setup_status(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand("status", "recorded version, pending and edited files, drift");
  cmd->alias("current");
  cmd->add_option("--format", *format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&global, &runner, format] { runner = [&global, format] { return run_status(global, *format); }; });
}

}  // namespace strata::cli
