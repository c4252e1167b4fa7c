// strata plan: print the SQL that makes the database match the schema files.
// stdout carries only SQL (or JSON with --format json); everything else goes
// to stderr.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

#include "cli/command.hpp"
#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/dialect/row_checks.hpp"
#include "strata/plan/hazards.hpp"
#include "strata/reconcile.hpp"
#include "strata/timing.hpp"

namespace strata::cli {

namespace {

struct PlanOptions {
  bool exit_code = false;
  std::string format = "sql";
};

void print_warnings(const Diagnostics& warnings) {
  for (const Diagnostic& d : warnings.sorted()) std::cerr << d.str() << "\n";
}

int run_plan(const GlobalOptions& global, const PlanOptions& options) {
  Target target = resolve_target(global);
  const config::Settings& settings = target.settings;
  config::DatabaseUrl& url = target.url;
  const dialect::Dialect& dialect = *target.dialect;

  Diagnostics warnings;
  DocumentAndDatabase read = load_with_current(settings.schema_path, dialect, url, dialect::OpenMode::ReadOnly);
  load::LoadResult& document = read.document;
  std::unique_ptr<dialect::Database>& database = read.database;
  if (!database->exists()) {
    std::cerr << "note: database " << url.redacted() << " does not exist yet; planning against an empty database\n";
  }
  for (const std::string& schema : database->missing_schemas()) {
    const bool used = std::any_of(document.schema.tables.begin(), document.schema.tables.end(), [&](const model::Table& t) {
      return (t.schema.empty() ? std::string("public") : t.schema) == schema;
    });
    if (!used)
      throw Error(ExitCode::InvalidInput, "schema \"" + schema + "\" does not exist in database " + url.redacted() +
                                              " and the schema files put nothing in it; check [database] schemas or STRATA_SCHEMAS");
  }
  model::Schema current = std::move(read.current);
  model::Schema desired = prepare_desired(std::move(document), dialect, url, warnings, &current, std::move(read.groundwork));
  plan::RenderOptions render;
  render.online = settings.online;
  render.lock_timeout = settings.lock_timeout;
  render.statement_timeout = settings.statement_timeout;
  Reconciliation result = reconcile(dialect, std::move(current), std::move(desired), {}, render);
  warnings.append(result.warnings);

  const std::vector<plan::Hazard> hazards = all_hazards(dialect, result.plan);
  for (const plan::Hazard& h : hazards) warnings.warning(h.where, h.code + ": " + h.reason);
  // Data checks before the damage: count the rows that would make a change fail.
  nlohmann::json failing_rows = nlohmann::json::array();
  if (database->exists()) {
    for (const dialect::RowCheck& check : dialect::row_checks(dialect, result.plan)) {
      long long n = 0;
      try {
        n = database->count(check.sql);
      } catch (const std::exception&) {
        continue;  // a check that cannot run says nothing; the plan itself is still right
      }
      if (n == 0) continue;
      warnings.warning({}, check.object + ": " + std::to_string(n) + " " + check.what +
                               " now; the plan will fail on them until the data is fixed");
      failing_rows.push_back({{"object", check.object}, {"what", check.what}, {"count", n}});
    }
  }
  print_warnings(warnings);

  if (options.format == "json") {
    nlohmann::json out;
    out["changes"] = result.plan.changes.size();
    out["statements"] = nlohmann::json::array();
    for (const Statement& s : result.statements) {
      out["statements"].push_back({{"sql", s.sql},
                                   {"comment", s.comment},
                                   {"destructive", s.destructive},
                                   {"transactional", s.phase == Statement::Phase::InTransaction}});
    }
    out["hazards"] = nlohmann::json::array();
    for (const plan::Hazard& h : hazards) {
      out["hazards"].push_back({{"code", h.code},
                                {"object", h.object},
                                {"reason", h.reason},
                                {"needs_allow", h.needs_allow()},
                                {"where", h.where.known() ? nlohmann::json(h.where.str()) : nlohmann::json(nullptr)}});
    }
    out["failing_rows"] = failing_rows;
    out["warnings"] = nlohmann::json::array();
    for (const Diagnostic& d : warnings.sorted()) out["warnings"].push_back(d.str());
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << to_sql_script(result.statements);
  }
  std::cout.flush();
  if (result.statements.empty()) std::cerr << "note: the database matches the schema; nothing to do\n";
  if (options.exit_code && !result.statements.empty()) return static_cast<int>(ExitCode::ChangesPending);
  return 0;
}

}  // namespace

void setup_plan(CLI::App& app, const GlobalOptions& global, Runner& runner) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand("plan", "print the SQL that makes the database match the schema files");
  cmd->add_flag("--exit-code", options->exit_code, "exit with 1 when there are changes");
  cmd->add_option("--format", options->format, "output: sql (default) or json")->check(CLI::IsMember({"sql", "json"}));
  cmd->callback([&global, &runner, options] { runner = [&global, options] { return run_plan(global, *options); }; });
}

}  // namespace strata::cli
