#include "strata/migrate/revision.hpp"

#include <filesystem>

#include "strata/diff/reverse.hpp"
#include "strata/files.hpp"
#include "strata/plan/hazards.hpp"
#include "strata/plan/planner.hpp"

#include <algorithm>

namespace strata::migrate {

namespace fs = std::filesystem;

namespace {

// The statements a migration file holds: those of the plan's transaction.
// What runs around it (SQLite's foreign_keys switch and check) is the
// executor's job for every migration.
std::vector<std::pair<std::string, std::string>> file_statements(const std::vector<Statement>& statements) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Statement& s : statements) {
    if (s.phase != Statement::Phase::InTransaction || s.must_return_no_rows) continue;
    out.emplace_back(s.comment, s.sql);
  }
  return out;
}

}  // namespace

Reconciliation pending_schema_changes(const dialect::Dialect& dialect, const config::DatabaseUrl& url,
                                      const std::string& schema_path, const Directory& directory, Diagnostics& warnings) {
  load::LoadResult document = load_document(schema_path, dialect);
  config::DatabaseUrl scratch = url;
  manage_schemas_of(document.schema, scratch);
  const model::Schema head = replay(dialect, scratch, directory);
  const model::Schema desired = prepare_desired(std::move(document), dialect, url, warnings, &head);
  return reconcile(dialect, head, desired);
}

RevisionResult create_revision(const dialect::Dialect& dialect, const config::DatabaseUrl& url,
                               const std::string& schema_path, const std::string& migrations_dir,
                               const RevisionOptions& options) {
  RevisionResult result;
  plan::check_codes(options.allowed_hazards);  // a misspelt code is an error even when nothing needs it
  std::error_code ec;
  fs::create_directories(migrations_dir, ec);
  if (ec) throw Error(ExitCode::InvalidInput, "cannot create \"" + migrations_dir + "\": " + ec.message());
  // What a revision killed mid-write left behind is not a migration (load_directory
  // reads *.sql only), but would end up committed with the folder: it goes.
  remove_leftover_temporaries(migrations_dir, [](const std::string& name) {
    return name == kSumFileName || parse_file_name(name).has_value();
  });
  Directory directory = open_directory(migrations_dir);
  if (!options.allowances.ignore_sum) {
    auto problems = verify_sum(directory);
    if (!problems.empty()) {
      std::string message = "refusing to write a revision on a directory that does not match its sum file:";
      for (const std::string& p : problems) message += "\n  " + p;
      throw Error(ExitCode::InvalidInput, message + "\n(--ignore-sum writes it anyway)");
    }
  }

  MigrationText text;
  text.message = options.message;
  MigrationText first;  // statements to commit before the main migration, when there are any
  MigrationText last;   // statements to run after it, outside a transaction (online mode)
  if (!options.empty) {
    load::LoadResult document = load_document(schema_path, dialect);
    config::DatabaseUrl scratch = url;
    manage_schemas_of(document.schema, scratch);
    const model::Schema head = replay(dialect, scratch, directory);
    const model::Schema desired = prepare_desired(std::move(document), dialect, url, result.warnings, &head);
    Reconciliation forward = reconcile(dialect, head, desired, {}, options.render);
    result.warnings.append(forward.warnings);
    if (forward.statements.empty()) return result;
    diff::DiffOptions down_options;
    down_options.refuse_impossible = false;
    Reconciliation backward = reconcile(dialect, desired, diff::with_reverse_hints(head, desired), down_options);
    result.warnings.append(backward.warnings);
    result.changes = forward.plan.changes.size();
    const std::vector<plan::Hazard> hazards = all_hazards(dialect, forward.plan);
    plan::refuse_unallowed(hazards, options.allowed_hazards, "revision");
    for (const plan::Hazard& h : hazards) {
      text.notes.push_back("hazard " + h.code + ": " + h.reason);
      result.warnings.warning(h.where, h.code + ": " + h.reason);
      if (!h.needs_allow()) continue;
      text.hazards.emplace_back(h.code, h.object);
      if (std::find(text.allowed.begin(), text.allowed.end(), h.code) == text.allowed.end()) text.allowed.push_back(h.code);
    }
    for (const std::string& note : plan::irreversible_notes(forward.plan)) text.notes.push_back("warning: " + note);
    text.up = file_statements(forward.statements);
    text.down = file_statements(backward.statements);
    for (const Statement& s : forward.statements) {
      if (s.commit_first) first.up.emplace_back(s.comment, s.sql);
      if (s.after_commit) last.up.emplace_back(s.comment, s.sql);
    }
  }
  std::string version = next_version(directory);
  if (!first.up.empty()) {
    // Committed on its own: what it adds cannot be used in the transaction that adds it.
    first.message = options.message + " (part 1: committed before part 2 can use it)";
    first.transactional = false;
    first.notes.push_back("the down section is empty: PostgreSQL cannot remove an enum label");
    const std::string path = (fs::path(migrations_dir) / (version + "_" + slug(options.message) + "_part1.sql")).string();
    write_file_atomically(path, render_migration(first));
    Migration placeholder;
    placeholder.version = version;
    directory.migrations.push_back(placeholder);
    version = next_version(directory);
  }
  result.path = (fs::path(migrations_dir) / (version + "_" + slug(options.message) + ".sql")).string();
  write_file_atomically(result.path, render_migration(text));
  if (!last.up.empty()) {
    // Online steps: built or validated after the main migration committed, each in its own transaction.
    Migration placeholder;
    placeholder.version = version;
    directory.migrations.push_back(placeholder);
    const std::string online_version = next_version(directory);
    last.message = options.message + " (online part: runs after the main migration, outside a transaction)";
    last.transactional = false;
    last.notes.push_back("the down section has nothing to undo: the main migration's down drops what this part built");
    last.down.emplace_back("nothing to undo here", "SELECT 1");
    write_file_atomically(
        (fs::path(migrations_dir) / (online_version + "_" + slug(options.message) + "_online.sql")).string(),
        render_migration(last));
  }

  Directory updated = open_directory(migrations_dir);
  write_sum(updated);
  return result;
}

}  // namespace strata::migrate
