// The declarative pipeline shared by plan, tests and later revision:
// load and validate the desired schema, normalize it through the engine,
// diff it against the current one, order and render the changes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "strata/diagnostics.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/load/loader.hpp"
#include "strata/model/schema.hpp"
#include "strata/plan/planner.hpp"
#include "strata/sql/statement.hpp"

namespace strata {

// Validates a loaded document for the dialect and returns it normalized by
// the engine. Throws InvalidDocument (exit 3) listing every problem; warnings
// are appended to warnings. current, when given, is the schema the result
// will be compared with: tables it already holds as the document describes
// them are taken from it instead of going through the engine (fast, and the
// same result; see diff/unchanged.hpp). groundwork, when given, is what
// dialect.start_groundwork(target) returned; it is released once normalized.
model::Schema prepare_desired(load::LoadResult loaded, const dialect::Dialect& dialect, const config::DatabaseUrl& target,
                              Diagnostics& warnings, const model::Schema* current = nullptr,
                              std::unique_ptr<dialect::Groundwork> groundwork = nullptr);

// Loads the schema files and checks them for the dialect, before any
// database is opened. Throws InvalidDocument (exit 3) listing every problem;
// the result's diagnostics hold the warnings.
load::LoadResult load_document(const std::string& path, const dialect::Dialect& dialect);

// The schema files, loaded and checked as load_document does, and the
// database, opened and read. Both are read at once, the database on a
// second thread while the files are parsed: a server answers its catalog
// queries (and SQLite reads its schema) while this process parses YAML.
// Meanwhile the dialect starts the groundwork of normalizing for the
// database (Dialect::start_groundwork), for prepare_desired.
struct DocumentAndDatabase {
  load::LoadResult document;
  std::unique_ptr<dialect::Database> database;
  model::Schema current;
  std::unique_ptr<dialect::Groundwork> groundwork;
};

// url gains the schemas the document uses (manage_schemas_of). The database
// is read with the schemas url names before the document is known; when the
// document adds one, it is read again with them all. A document error is
// thrown once the reading thread has ended, and before any database error.
DocumentAndDatabase load_with_current(const std::string& path, const dialect::Dialect& dialect, config::DatabaseUrl& url,
                                      dialect::OpenMode mode);

// load_schema_path + prepare_desired.
model::Schema load_desired(const std::string& path, const dialect::Dialect& dialect, const config::DatabaseUrl& target,
                           Diagnostics& warnings);

// Adds the schemas (namespaces) the document uses to the ones a connection
// manages, so that introspection sees the tables the document talks about.
void manage_schemas_of(const model::Schema& document, config::DatabaseUrl& url);

struct Reconciliation {
  plan::Plan plan;
  std::vector<Statement> statements;
  Diagnostics warnings;
};

// current: introspected; desired: from prepare_desired (or introspected).
// The schemas are taken by value: a caller that needs them no more moves
// them in, and the plan keeps them without a copy.
Reconciliation reconcile(const dialect::Dialect& dialect, model::Schema current, model::Schema desired,
                         const diff::DiffOptions& options = {}, const plan::RenderOptions& render = {});

// Every hazard of a plan: the shared ones and the engine's own.
std::vector<plan::Hazard> all_hazards(const dialect::Dialect& dialect, const plan::Plan& plan);

}  // namespace strata
