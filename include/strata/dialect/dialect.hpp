// The dialect boundary. Everything that knows an engine's SQL lives behind
// these interfaces, one folder per engine under src/dialect/. The shared
// differ and planner call the narrow questions of diff::Comparator; commands
// call the rest.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strata/config/url.hpp"
#include "strata/diagnostics.hpp"
#include "strata/diff/differ.hpp"
#include "strata/model/schema.hpp"
#include "strata/plan/planner.hpp"
#include "strata/sql/statement.hpp"

namespace strata::dialect {

enum class OpenMode {
  ReadOnly,   // plan, inspect: never creates or changes anything
  ReadWrite,  // apply
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
  // False when a read-only open found no database (it is then treated as empty).
  virtual bool exists() const = 0;
};

class Dialect : public diff::Comparator {
 public:
  virtual std::string name() const = 0;
  // Throws strata::Error (ExitCode::Connection) saying what failed and why.
  virtual std::unique_ptr<Database> open(const config::DatabaseUrl& url, OpenMode mode) const = 0;
  // Checks that only this engine can make (types a table kind allows, ...).
  virtual void validate(const model::Schema& desired, Diagnostics& diagnostics) const = 0;
  // The desired schema as the engine itself stores it: created in a scratch
  // database and read back, so that comparisons see the engine's own
  // spelling. Engine errors become diagnostics at the offending element.
  virtual model::Schema normalize(const model::Schema& desired, Diagnostics& diagnostics) const = 0;
  // Statements that carry out an ordered plan.
  virtual std::vector<Statement> render(const plan::Plan& plan) const = 0;
};

// The dialect for a URL's scheme; throws strata::Error (invalid input) for
// schemes without one.
const Dialect& dialect_for(const config::DatabaseUrl& url);

}  // namespace strata::dialect
