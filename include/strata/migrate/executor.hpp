// Running migrations: apply pending ones, roll applied ones back, stamp a
// version, replay the directory into a scratch database. Every refusal is an
// Error (exit 3) that lists each problem and the flag that would allow it; a
// failing statement is an Error (exit 5) naming file, line and statement.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "strata/dialect/dialect.hpp"
#include "strata/migrate/directory.hpp"
#include "strata/migrate/history.hpp"

namespace strata::migrate {

// What the user allowed explicitly.
struct Allowances {
  bool ignore_sum = false;          // --ignore-sum: run although strata.sum disagrees
  bool allow_edited = false;        // --allow-edited: an applied file changed since
  bool allow_missing = false;       // --allow-missing: an applied version has no file
  bool allow_out_of_order = false;  // --allow-out-of-order: a pending file is older than the newest applied
  std::vector<std::string> hazards;  // --allow-hazard: codes allowed beyond what files allow themselves
};

// Loads the directory; a file that cannot be parsed is an InvalidDocument (exit 3).
Directory open_directory(const std::string& path);

// Throws Error (exit 3) listing every integrity problem not allowed.
void require_integrity(const Directory& directory, const MigrationState& state, const Allowances& allowances);

struct ApplyOptions {
  std::optional<std::string> to;  // apply up to and including this version
  bool dry_run = false;           // print the SQL, run nothing
  Allowances allowances;
};

// Returns how many migrations were applied. Progress goes to progress; with
// dry_run the SQL goes to out.
int apply_migrations(dialect::Database& database, const Directory& directory, const ApplyOptions& options,
                     std::ostream& out, std::ostream& progress);

struct RollbackOptions {
  int steps = 1;
  std::optional<std::string> to;  // a version to stay at, or "base" for none
  bool dry_run = false;
  Allowances allowances;
};

int rollback_migrations(dialect::Database& database, const Directory& directory, const RollbackOptions& options,
                        std::ostream& out, std::ostream& progress);

// Records target (a version, "head" or "base") as the applied state, running nothing.
void stamp(dialect::Database& database, const Directory& directory, const std::string& target, std::ostream& progress);

// The schema that migrations build, replayed in the given order into a
// scratch database of the target's engine: all of the directory's, or a chosen list.
model::Schema replay(const dialect::Dialect& dialect, const config::DatabaseUrl& target, const Directory& directory);
model::Schema replay(const dialect::Dialect& dialect, const config::DatabaseUrl& target,
                     const std::vector<const Migration*>& migrations);

}  // namespace strata::migrate
