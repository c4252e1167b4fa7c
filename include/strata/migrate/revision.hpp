// Writing the next migration: the schema at the directory's head (replayed
// into a scratch database) is diffed against the schema files; the up
// section carries the changes and the down section their reverse.
#pragma once

#include <string>

#include "strata/config/url.hpp"
#include "strata/diagnostics.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/migrate/executor.hpp"
#include "strata/reconcile.hpp"

namespace strata::migrate {

struct RevisionOptions {
  std::string message;
  bool empty = false;  // a blank migration for hand-written SQL
  Allowances allowances;
  std::vector<std::string> allowed_hazards;  // --allow-hazard CODE (or "all")
  plan::RenderOptions render;               // --online and its timeouts
};

struct RevisionResult {
  std::string path;      // the file written, or "" when there was nothing to write
  std::size_t changes = 0;
  Diagnostics warnings;  // from the schema files and the diff, and data-loss warnings
};

RevisionResult create_revision(const dialect::Dialect& dialect, const config::DatabaseUrl& url,
                               const std::string& schema_path, const std::string& migrations_dir,
                               const RevisionOptions& options);

// The schema files against the directory's head: empty when a revision
// captures everything. Used by check.
Reconciliation pending_schema_changes(const dialect::Dialect& dialect, const config::DatabaseUrl& url,
                                      const std::string& schema_path, const Directory& directory, Diagnostics& warnings);

}  // namespace strata::migrate
