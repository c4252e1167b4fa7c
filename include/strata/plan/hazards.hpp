// Hazards: what can go wrong with a planned change, as data with a stable
// code, a one-line reason and the object it touches. plan shows them;
// revision and apply refuse the data-loss ones unless allowed by code.
// Codes are documented in docs/hazards.md, one section each.
#pragma once

#include <string>
#include <vector>

#include "strata/diagnostics.hpp"
#include "strata/plan/planner.hpp"

namespace strata::plan {

struct Hazard {
  std::string code;    // e.g. "data_loss.drop_column"
  std::string object;  // e.g. "hero.power_level"
  std::string reason;  // one line
  SourceLocation where;

  // Data-loss and probable-rename hazards need an explicit allow.
  bool needs_allow() const;
};

// Hazards every engine shares: data loss, changes that may fail on existing
// rows, probable renames, down sections that cannot restore data.
std::vector<Hazard> find_hazards(const Plan& plan);

// Every known code with its one-line meaning (docs and --allow-hazard checks).
const std::vector<std::pair<std::string, std::string>>& hazard_codes();

// The hazards not covered by allowed codes ("all" allows every code).
std::vector<Hazard> unallowed(const std::vector<Hazard>& hazards, const std::vector<std::string>& allowed);

// Throws Error (exit 2) for a code that no hazard has.
void check_codes(const std::vector<std::string>& allowed);

// Throws Error (exit 3) listing each unallowed hazard and how to allow it.
void refuse_unallowed(const std::vector<Hazard>& hazards, const std::vector<std::string>& allowed, const std::string& verb);

}  // namespace strata::plan
