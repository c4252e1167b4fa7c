// The planner: puts changes in an order the database accepts. Drops of
// dependents (triggers, views, indexes) come first, then renames, table drops
// in reverse foreign-key order, table creations in foreign-key order (cycles
// and self-references tolerated), table modifications, and creations of
// indexes, views and triggers last.
#pragma once

#include <vector>

#include "strata/diagnostics.hpp"
#include "strata/diff/changes.hpp"
#include "strata/model/schema.hpp"

namespace strata::plan {

// How a plan is to be rendered.
struct RenderOptions {
  // PostgreSQL online-safe mode: indexes built and dropped CONCURRENTLY, constraints
  // added NOT VALID and validated after, SET NOT NULL through a validated check,
  // and timeouts on every statement.
  bool online = false;
  std::string lock_timeout = "2s";
  std::string statement_timeout;  // "" = none
};

struct Plan {
  std::vector<diff::Change> changes;  // in execution order
  model::Schema current;
  model::Schema desired;
  RenderOptions options;
  bool empty() const { return changes.empty(); }
};

Plan order_changes(std::vector<diff::Change> changes, model::Schema current, model::Schema desired);

// Tables in an order where each comes after the tables it references
// (ignoring self-references; members of a cycle keep their relative order).
std::vector<std::string> tables_in_dependency_order(const std::vector<model::Table>& tables);

// What the reverse of a plan cannot give back: a dropped table comes back
// empty, a dropped column comes back without its values (and a NOT NULL one
// without a default cannot come back while the table has rows).
std::vector<std::string> irreversible_notes(const Plan& plan);

}  // namespace strata::plan
