// Where a database stands against the migration directory: which versions
// are applied, pending, missing (recorded but the file is gone), edited
// (recorded with another checksum) or out of order (pending but older than
// the newest applied version).
#pragma once

#include <vector>

#include "strata/dialect/dialect.hpp"
#include "strata/migrate/directory.hpp"

namespace strata::migrate {

struct MigrationState {
  std::vector<dialect::AppliedVersion> applied;  // in version order
  std::vector<const Migration*> pending;         // in version order
  std::vector<dialect::AppliedVersion> missing;
  std::vector<std::pair<dialect::AppliedVersion, const Migration*>> edited;
  std::vector<const Migration*> out_of_order;

  // The newest applied version, or "" when none is.
  std::string current_version() const { return applied.empty() ? "" : applied.back().version; }
};

MigrationState compare_history(const Directory& directory, const std::vector<dialect::AppliedVersion>& applied);

// Orders versions the way files sort: by length, then text.
bool version_less(const std::string& a, const std::string& b);

}  // namespace strata::migrate
