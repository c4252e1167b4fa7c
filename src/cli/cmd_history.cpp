// strata history: every migration, in order, applied or pending.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <map>

#include "cli/command.hpp"

namespace strata::cli {

namespace {

int run_history(const GlobalOptions& global, const std::string& format) {
  const Target target = resolve_target(global);
  const migrate::Directory directory = migrate::open_directory(target.settings.migrations_dir);
  auto database = target.dialect->open(target.url, dialect::OpenMode::ReadOnly);
  std::map<std::string, dialect::AppliedVersion> applied;
  for (const auto& v : database->applied_versions()) applied[v.version] = v;

  struct Row {
    std::string version, name, state, applied_at;
    long long duration_ms = 0;
  };
  std::vector<Row> rows;
  for (const migrate::Migration& m : directory.migrations) {
    auto it = applied.find(m.version);
    if (it == applied.end()) {
      rows.push_back({m.version, m.name, "pending", "", 0});
    } else {
      rows.push_back({m.version, m.name, it->second.checksum == m.checksum ? "applied" : "applied, edited since",
                      it->second.applied_at, it->second.duration_ms});
      applied.erase(it);
    }
  }
  for (const auto& [version, v] : applied) rows.push_back({version, v.name, "applied, file missing", v.applied_at, v.duration_ms});
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return migrate::version_less(a.version, b.version); });

  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const Row& r : rows) {
      out.push_back({{"version", r.version}, {"name", r.name}, {"state", r.state},
                     {"applied_at", r.applied_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.applied_at)},
                     {"duration_ms", r.duration_ms}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (rows.empty()) std::cout << "no migrations in " << target.settings.migrations_dir << "\n";
  for (const Row& r : rows) {
    std::cout << r.version << "  " << r.name << "  " << r.state;
    if (!r.applied_at.empty()) std::cout << " " << r.applied_at << " (" << r.duration_ms << " ms)";
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

void setup_history(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand("history", "every migration in order, applied or pending");
  cmd->add_option("--format", *format, "text (default) or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([&global, &runner, format] { runner = [&global, format] { return run_history(global, *format); }; });
}

}  // namespace strata::cli
