#include "strata/migrate/executor.hpp"

#include "strata/plan/hazards.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <ostream>

namespace strata::migrate {

namespace {

std::string file_name(const Migration& m) { return std::filesystem::path(m.file).filename().string(); }

dialect::MigrationRun make_run(const Migration& m, dialect::MigrationRun::Direction direction) {
  dialect::MigrationRun run;
  run.direction = direction;
  run.version = m.version;
  run.name = m.name;
  run.checksum = m.checksum;
  run.transactional = m.transactional;
  for (const ScriptStatement& s : direction == dialect::MigrationRun::Direction::Up ? m.up : m.down)
    run.statements.push_back(s.sql);
  return run;
}

// A failed statement as an Error naming file, line and statement.
Error migration_failed(const Migration& m, dialect::MigrationRun::Direction direction, const std::string& recorded_before,
                       const dialect::StatementFailed& e) {
  const auto& statements = direction == dialect::MigrationRun::Direction::Up ? m.up : m.down;
  std::string message = "migration " + file_name(m) + " failed";
  if (e.statement() < statements.size()) {
    const ScriptStatement& s = statements[e.statement()];
    message = m.file + ":" + std::to_string(s.line) + ": error: migration " + file_name(m) + " (" +
              (direction == dialect::MigrationRun::Direction::Up ? "up" : "down") + "), statement " +
              std::to_string(e.statement() + 1) + " failed: " + e.what() + "\n  " + s.sql;
  } else {
    message += ": " + std::string(e.what());
  }
  message += m.transactional ? "\nthe migration was rolled back; the recorded version is still " +
                                   (recorded_before.empty() ? std::string("none (base)") : recorded_before)
                             : "\nthis migration runs without a transaction (-- strata:no-transaction): "
                               "statements before the failing one stay applied; check the database";
  return Error(ExitCode::MigrationFailed, message);
}

// Runs one migration; a failure becomes an Error naming file, line and
// statement. expect_newest: see MigrationRun (VersionsChanged passes through).
bool run_one(dialect::Database& database, const Migration& m, dialect::MigrationRun::Direction direction,
             const std::string& recorded_before, std::optional<std::string> expect_newest = std::nullopt) {
  dialect::MigrationRun run = make_run(m, direction);
  run.expect_newest = std::move(expect_newest);
  try {
    return database.run_migration(run);
  } catch (const dialect::StatementFailed& e) {
    throw migration_failed(m, direction, recorded_before, e);
  }
}

std::string seconds(std::chrono::steady_clock::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return std::to_string(ms) + " ms";
}

// The pending migrations up to and including --to, oldest first.
std::vector<const Migration*> pending_up_to(const MigrationState& state, const std::optional<std::string>& to) {
  std::vector<const Migration*> todo;
  for (const Migration* m : state.pending)
    if (!to || !version_less(*to, m->version)) todo.push_back(m);
  return todo;
}

// A hazard a file records must be allowed by the file itself (written by revision
// when the user allowed it) or on the command line.
void refuse_unallowed_hazards(const std::vector<const Migration*>& todo, const Allowances& allowances) {
  std::vector<std::string> refused;
  for (const Migration* m : todo) {
    for (const auto& [code, object] : m->hazards) {
      const auto& a = allowances.hazards;
      const bool ok = std::find(m->allowed.begin(), m->allowed.end(), code) != m->allowed.end() ||
                      std::find(a.begin(), a.end(), code) != a.end() || std::find(a.begin(), a.end(), "all") != a.end();
      if (!ok) refused.push_back(file_name(*m) + ": " + code + " " + object + " [--allow-hazard " + code + "]");
    }
  }
  if (!refused.empty()) {
    std::string message = "refusing to apply migrations with hazards nobody allowed:";
    for (const std::string& r : refused) message += "\n  " + r;
    throw Error(ExitCode::InvalidInput, message + "\nsee docs/hazards.md");
  }
}

std::string shown(const std::string& version) { return version.empty() ? std::string("base") : version; }

void print_sql(std::ostream& out, const Migration& m, dialect::MigrationRun::Direction direction) {
  const bool up = direction == dialect::MigrationRun::Direction::Up;
  out << "-- " << file_name(m) << " (" << (up ? "up" : "down") << ")\n";
  for (const ScriptStatement& s : up ? m.up : m.down) out << s.sql << ";\n";
}

}  // namespace

Directory open_directory(const std::string& path) {
  Diagnostics diagnostics;
  Directory directory = load_directory(path, diagnostics);
  if (diagnostics.has_errors()) throw InvalidDocument(std::move(diagnostics));
  return directory;
}

void require_integrity(const Directory& directory, const MigrationState& state, const Allowances& allowances) {
  std::vector<std::string> problems;
  if (!allowances.ignore_sum) {
    for (const std::string& p : verify_sum(directory)) problems.push_back(p + " [--ignore-sum]");
  }
  if (!allowances.allow_edited) {
    for (const auto& [applied, migration] : state.edited)
      problems.push_back(file_name(*migration) + " was applied with checksum " + applied.checksum +
                         " and has been edited since; write a new migration instead [--allow-edited]");
  }
  if (!allowances.allow_missing) {
    for (const auto& v : state.missing)
      problems.push_back("version " + v.version + " (" + v.name + ") is applied but its file is missing from " +
                         directory.path + "; restore it [--allow-missing]");
  }
  if (!allowances.allow_out_of_order) {
    for (const Migration* m : state.out_of_order)
      problems.push_back(file_name(*m) + " is pending but older than the newest applied version " +
                         state.current_version() + " (a branch merged late?); give it a newer version [--allow-out-of-order]");
  }
  if (problems.empty()) return;
  std::string message = "refusing to run migrations:";
  for (const std::string& p : problems) message += "\n  " + p;
  message += "\nthe flag in brackets allows a problem once you have checked it";
  throw Error(ExitCode::InvalidInput, message);
}

int apply_migrations(dialect::Database& database, const Directory& directory, const ApplyOptions& options,
                     std::ostream& out, std::ostream& progress) {
  if (options.to && !std::any_of(directory.migrations.begin(), directory.migrations.end(),
                                 [&](const Migration& m) { return m.version == *options.to; }))
    throw Error(ExitCode::InvalidInput, "--to " + *options.to + ": no migration has that version");
  plan::check_codes(options.allowances.hazards);
  MigrationState state = compare_history(directory, database.applied_versions());
  require_integrity(directory, state, options.allowances);

  std::vector<const Migration*> todo = pending_up_to(state, options.to);
  if (todo.empty()) {
    progress << "up to date at " << shown(state.current_version()) << "\n";
    return 0;
  }
  if (options.dry_run) {
    for (const Migration* m : todo) print_sql(out, *m, dialect::MigrationRun::Direction::Up);
    return 0;
  }
  refuse_unallowed_hazards(todo, options.allowances);
  int applied = 0;
  // The newest version recorded as far as this process knows; each migration
  // checks it under the lock, so a rollback by another process in between is
  // noticed instead of building on a state that is gone.
  std::string recorded = state.current_version();
  auto newer = [](const std::string& a, const std::string& b) { return a.empty() || version_less(a, b) ? b : a; };
  std::size_t next = 0;  // the first migration of todo not yet ended
  while (next < todo.size()) {
    // The rest in one call: the database may send several at once. Each
    // expects the newest version its predecessors leave.
    std::vector<dialect::MigrationRun> runs;
    std::string expected = recorded;
    for (std::size_t i = next; i < todo.size(); ++i) {
      runs.push_back(make_run(*todo[i], dialect::MigrationRun::Direction::Up));
      runs.back().expect_newest = expected;
      expected = newer(expected, todo[i]->version);
    }
    const std::size_t first = next;
    auto started = std::chrono::steady_clock::now();
    try {
      database.run_migrations(runs, [&](std::size_t i, bool ran) {
        const Migration* m = todo[first + i];
        recorded = newer(recorded, m->version);  // recorded now, by this process or by another one
        const auto now = std::chrono::steady_clock::now();
        if (ran) {
          ++applied;
          progress << "applied " << file_name(*m) << " in " << seconds(now - started) << "\n";
        } else {
          progress << "skipped " << file_name(*m) << ": another process applied it\n";
        }
        started = now;
        next = first + i + 1;
      });
    } catch (const dialect::StatementFailed& e) {
      throw migration_failed(*todo[next], dialect::MigrationRun::Direction::Up, recorded, e);
    } catch (const dialect::VersionsChanged& e) {
      // Plan again from what the version table says now, with the same checks.
      progress << "the recorded versions changed while this apply ran (another strata process rolled back or "
                  "applied migrations; now at "
               << shown(e.newest()) << "); reading them again\n";
      state = compare_history(directory, database.applied_versions());
      require_integrity(directory, state, options.allowances);
      todo = pending_up_to(state, options.to);
      refuse_unallowed_hazards(todo, options.allowances);
      recorded = state.current_version();
      next = 0;  // from the first pending migration again
    }
  }
  const std::string newest = compare_history(directory, database.applied_versions()).current_version();
  progress << applied << " migration" << (applied == 1 ? "" : "s") << " applied, now at " << newest << "\n";
  return applied;
}

int rollback_migrations(dialect::Database& database, const Directory& directory, const RollbackOptions& options,
                        std::ostream& out, std::ostream& progress) {
  MigrationState state = compare_history(directory, database.applied_versions());
  Allowances allowances = options.allowances;
  allowances.allow_out_of_order = true;  // pending files do not matter to a rollback
  require_integrity(directory, state, allowances);

  std::vector<dialect::AppliedVersion> undo;
  for (auto it = state.applied.rbegin(); it != state.applied.rend(); ++it) {
    if (options.to) {
      if (*options.to != "base" && !version_less(*options.to, it->version)) break;
    } else if (static_cast<int>(undo.size()) >= options.steps) {
      break;
    }
    undo.push_back(*it);
  }
  if (options.to && *options.to != "base" &&
      std::none_of(state.applied.begin(), state.applied.end(), [&](const auto& v) { return v.version == *options.to; }))
    throw Error(ExitCode::InvalidInput, "--to " + *options.to + ": that version is not applied");
  if (undo.empty()) {
    progress << "nothing to roll back\n";
    return 0;
  }
  std::vector<const Migration*> migrations;
  for (const auto& v : undo) {
    auto it = std::find_if(directory.migrations.begin(), directory.migrations.end(),
                           [&](const Migration& m) { return m.version == v.version; });
    if (it == directory.migrations.end())
      throw Error(ExitCode::InvalidInput, "cannot roll back version " + v.version + " (" + v.name +
                                              "): its file is missing, so its down section is unknown");
    if (it->down.empty())
      throw Error(ExitCode::InvalidInput, it->file + ": the down section is empty, so " + file_name(*it) +
                                              " cannot be rolled back; write its down SQL, or use strata stamp to "
                                              "move the recorded version without running anything");
    migrations.push_back(&*it);
  }
  if (options.dry_run) {
    for (const Migration* m : migrations) print_sql(out, *m, dialect::MigrationRun::Direction::Down);
    return 0;
  }
  int rolled_back = 0;
  std::string recorded = state.current_version();
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    const Migration* m = migrations[i];
    const auto started = std::chrono::steady_clock::now();
    bool ran = false;
    try {
      // Only the newest applied migration may be undone: when another process
      // applied a newer one since this rollback read the version table, undoing
      // this one would leave a hole under it.
      ran = run_one(database, *m, dialect::MigrationRun::Direction::Down, recorded, m->version);
    } catch (const dialect::VersionsChanged& e) {
      throw Error(ExitCode::MigrationFailed,
                  "did not roll back " + file_name(*m) + ": another strata process changed the recorded versions "
                  "since this rollback read them (the newest applied version is now " + shown(e.newest()) +
                  "), so it is no longer the newest; nothing of it ran" +
                  (rolled_back ? " (the " + std::to_string(rolled_back) + " rolled back before it stay rolled back)" : "") +
                  "; check strata status, then run strata rollback again");
    }
    if (ran) {
      ++rolled_back;
      progress << "rolled back " << file_name(*m) << " in " << seconds(std::chrono::steady_clock::now() - started) << "\n";
    } else {
      progress << "skipped " << file_name(*m) << ": another process rolled it back\n";
    }
    recorded = i + 1 < undo.size() ? undo[i + 1].version : "";
  }
  const std::size_t kept = state.applied.size() - undo.size();
  progress << rolled_back << " migration" << (rolled_back == 1 ? "" : "s") << " rolled back, now at "
           << (kept == 0 ? std::string("base") : state.applied[kept - 1].version) << "\n";
  return rolled_back;
}

void stamp(dialect::Database& database, const Directory& directory, const std::string& target, std::ostream& progress) {
  std::vector<dialect::AppliedVersion> versions;
  if (target != "base") {
    const std::string version =
        target == "head" ? (directory.migrations.empty() ? "" : directory.migrations.back().version) : target;
    if (target == "head" && directory.migrations.empty())
      throw Error(ExitCode::InvalidInput, "stamp head: " + directory.path + " holds no migrations");
    if (std::none_of(directory.migrations.begin(), directory.migrations.end(),
                     [&](const Migration& m) { return m.version == version; }))
      throw Error(ExitCode::InvalidInput, "stamp " + target + ": no migration has that version; use a version from "
                                          "strata history, head or base");
    const std::vector<dialect::AppliedVersion> before = database.applied_versions();
    for (const Migration& m : directory.migrations) {
      if (version_less(version, m.version)) break;
      // A version that really ran keeps when and how long it ran.
      auto ran = std::find_if(before.begin(), before.end(), [&](const auto& v) { return v.version == m.version; });
      versions.push_back(ran != before.end() ? *ran : dialect::AppliedVersion{m.version, m.name, m.checksum, "", 0});
    }
  }
  database.set_versions(versions);
  progress << "stamped " << (versions.empty() ? std::string("base") : versions.back().version) << " ("
           << versions.size() << " version" << (versions.size() == 1 ? "" : "s") << " recorded, nothing run)\n";
}

model::Schema replay(const dialect::Dialect& dialect, const config::DatabaseUrl& target, const Directory& directory) {
  std::vector<const Migration*> all;
  for (const Migration& m : directory.migrations) all.push_back(&m);
  return replay(dialect, target, all);
}

model::Schema replay(const dialect::Dialect& dialect, const config::DatabaseUrl& target,
                     const std::vector<const Migration*>& migrations) {
  auto scratch = dialect.open_scratch(target);
  for (const Migration* migration : migrations) {
    const Migration& m = *migration;
    try {
      run_one(*scratch, m, dialect::MigrationRun::Direction::Up, "");
    } catch (const Error& e) {
      throw Error(ExitCode::InvalidInput, std::string("replaying the migrations into a scratch database failed:\n") + e.what());
    }
  }
  return scratch->introspect();
}

}  // namespace strata::migrate
