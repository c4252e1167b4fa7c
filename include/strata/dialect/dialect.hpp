// The dialect boundary. Everything that knows an engine's SQL lives behind
// these interfaces, one folder per engine under src/dialect/. The shared
// differ and planner call the narrow questions of diff::Comparator; commands
// call the rest.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "strata/config/url.hpp"
#include "strata/diagnostics.hpp"
#include "strata/diff/differ.hpp"
#include "strata/model/schema.hpp"
#include "strata/plan/hazards.hpp"
#include "strata/plan/planner.hpp"
#include "strata/sql/statement.hpp"

namespace strata::dialect {

enum class OpenMode {
  ReadOnly,   // plan, inspect: never creates or changes anything
  ReadWrite,  // apply
};

// One row of the version table (strata_schema_versions).
struct AppliedVersion {
  std::string version;
  std::string name;
  std::string checksum;
  std::string applied_at;  // ISO 8601, UTC
  long long duration_ms = 0;
};

// One migration's statements to run in one direction, with what to record.
struct MigrationRun {
  enum class Direction { Up, Down };
  Direction direction = Direction::Up;
  std::string version;
  std::string name;
  std::string checksum;
  std::vector<std::string> statements;
  bool transactional = true;
  // The newest version the version table must record when the migration
  // starts, checked under the lock: the state the executor planned from
  // ("" for none; for a down run, the version itself). Another process's
  // rollback or apply in between makes run_migration throw VersionsChanged
  // instead of running anything. Unset: no check (replays).
  std::optional<std::string> expect_newest;
};

// The version table no longer records what the executor planned from:
// another process applied or rolled back migrations in between. Nothing of
// the migration ran.
class VersionsChanged : public std::runtime_error {
 public:
  explicit VersionsChanged(std::string newest)
      : std::runtime_error("the recorded versions changed"), newest_(std::move(newest)) {}
  const std::string& newest() const { return newest_; }  // "" for none

 private:
  std::string newest_;
};

// A statement of a migration failed; the migration was rolled back (when it
// ran in a transaction). statement is the 0-based position in
// MigrationRun::statements, or npos for strata's own checks after them.
class StatementFailed : public std::runtime_error {
 public:
  StatementFailed(std::size_t statement, const std::string& database_message)
      : std::runtime_error(database_message), statement_(statement) {}
  std::size_t statement() const { return statement_; }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  std::size_t statement_;
};

// A live connection. Not thread-safe.
class Database {
 public:
  virtual ~Database() = default;
  // Reads the whole schema, skipping the engine's and strata's own objects.
  virtual model::Schema introspect() = 0;
  // Runs statements as one unit: the before-transaction statements, then
  // the rest in one transaction that is rolled back on any failure, then the
  // after-transaction statements (which run even on failure). Throws
  // strata::Error (ExitCode::MigrationFailed) naming the failing statement.
  virtual void execute(const std::vector<Statement>& statements) = 0;
  // False when the database did not exist before it was opened (a read-only
  // open then treats it as empty; a read-write open has just created it).
  virtual bool exists() const = 0;

  // The version table's rows in version order; empty when there is no table yet.
  virtual std::vector<AppliedVersion> applied_versions() = 0;
  // Runs one migration and records it (up: adds its row; down: removes it) in
  // the same transaction, holding the database's write lock so that
  // concurrent appliers never run a migration twice. Returns false, running
  // nothing, when the version table already says it is done (another process
  // got there first). Throws StatementFailed, or VersionsChanged (see
  // MigrationRun::expect_newest).
  virtual bool run_migration(const MigrationRun& run) = 0;
  // Runs migrations in order, as run_migration called for each in turn
  // would, and calls done(i, ran) as migration i ends. A dialect may send
  // several to the server at once: each is still its own transaction, and
  // none runs unless every one before it ended. Throws as run_migration for
  // the first that fails (the one after the last done); those before it
  // stay applied.
  virtual void run_migrations(const std::vector<MigrationRun>& runs,
                              const std::function<void(std::size_t index, bool ran)>& done) {
    for (std::size_t i = 0; i < runs.size(); ++i) done(i, run_migration(runs[i]));
  }
  // Replaces the version table's rows, running nothing (stamp).
  virtual void set_versions(const std::vector<AppliedVersion>& versions) = 0;
  // How long to wait for another process's lock before failing.
  virtual void set_lock_timeout(int milliseconds) = 0;
  // Managed namespaces the database does not have (PostgreSQL schemas).
  virtual std::vector<std::string> missing_schemas() { return {}; }
  // The single number a counting query returns (read-only use).
  virtual long long count(const std::string& sql) = 0;
};

// What a dialect starts for normalize before the document is read (see
// Dialect::start_groundwork). Destroying it undoes whatever normalize did
// not take.
class Groundwork {
 public:
  virtual ~Groundwork() = default;
};

class Dialect : public diff::Comparator {
 public:
  virtual std::string name() const = 0;
  // Throws strata::Error (ExitCode::Connection) saying what failed and why.
  virtual std::unique_ptr<Database> open(const config::DatabaseUrl& url, OpenMode mode) const = 0;
  // Checks that only this engine can make (types a table kind allows, ...).
  virtual void validate(const model::Schema& desired, Diagnostics& diagnostics) const = 0;
  // The desired schema as the engine itself stores it: created in a scratch
  // database (on target's server, or the one its scratch settings name) and
  // read back, so that comparisons see the engine's own spelling. Engine
  // errors become diagnostics at the offending element. Tables whose
  // table_key is in unchanged (see diff/unchanged.hpp) are left out of the
  // result: the engine sees them only where another object needs them.
  // Given the current schema, an engine that rewrites what it stores may add
  // the keys of more tables to unchanged: those that differ from current only
  // in how the document spells them. groundwork, when given, is what
  // start_groundwork(target) returned.
  virtual model::Schema normalize(const model::Schema& desired, const config::DatabaseUrl& target,
                                  Diagnostics& diagnostics, std::set<std::string>& unchanged,
                                  const model::Schema* current, Groundwork* groundwork) const = 0;
  // Starts, on a thread of its own, what normalize will need for target and
  // can get ready while the document and the database are read (PostgreSQL:
  // its scratch database). nullptr when there is nothing to start.
  virtual std::unique_ptr<Groundwork> start_groundwork(const config::DatabaseUrl& target) const {
    (void)target;
    return nullptr;
  }
  // Statements that carry out an ordered plan (plan.options says how).
  virtual std::vector<Statement> render(const plan::Plan& plan) const = 0;
  // Hazards only this engine has (locks, table rewrites), beyond plan::find_hazards.
  virtual std::vector<plan::Hazard> engine_hazards(const plan::Plan&) const { return {}; }
  // How a table and a column are written in this engine's SQL, for the
  // shared row checks (dialect/row_checks.hpp).
  virtual std::string table_sql(const model::Table& table) const = 0;
  virtual std::string identifier_sql(const std::string& name) const = 0;
  // A disposable database of the same engine to replay migrations into
  // (SQLite: in memory). Dropped when the returned object is destroyed.
  virtual std::unique_ptr<Database> open_scratch(const config::DatabaseUrl& target) const = 0;
};

// The dialect for a URL's scheme; throws strata::Error (invalid input) for
// schemes without one.
const Dialect& dialect_for(const config::DatabaseUrl& url);

}  // namespace strata::dialect
