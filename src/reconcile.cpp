#include "strata/reconcile.hpp"

#include <algorithm>
#include <future>
#include <malloc.h>
#include <map>
#include <set>

#include "strata/dialect/document_details.hpp"
#include "strata/diff/differ.hpp"
#include "strata/diff/unchanged.hpp"
#include "strata/timing.hpp"

namespace strata {

namespace {

// Appends to normalized the current tables the document describes
// unchanged, with what only the document knows about them (source
// locations, hints) copied on. The document's own copy of each is released
// as it goes, so that the schema is not held three times at once.
void add_unchanged_from_current(model::Schema& document, const model::Schema& current,
                                const std::set<std::string>& unchanged, const dialect::Dialect& dialect,
                                model::Schema& normalized) {
  std::map<std::string, const model::Table*> by_key;
  for (const model::Table& t : current.tables)
    if (unchanged.count(dialect.table_key(t))) by_key[dialect.table_key(t)] = &t;
  normalized.tables.reserve(normalized.tables.size() + by_key.size());
  for (model::Table& t : document.tables) {
    auto found = by_key.find(dialect.table_key(t));
    if (found == by_key.end()) continue;
    normalized.tables.push_back(*found->second);
    dialect::carry_table_details(t, normalized.tables.back(), dialect);
    t = model::Table();
  }
}

load::LoadResult timed_load(const std::string& path) {
  PhaseTimer timer("load");
  return load::load_schema_path(path);
}

}  // namespace

model::Schema prepare_desired(load::LoadResult loaded, const dialect::Dialect& dialect, const config::DatabaseUrl& target,
                              Diagnostics& warnings, const model::Schema* current,
                              std::unique_ptr<dialect::Groundwork> groundwork) {
  Diagnostics& diagnostics = loaded.diagnostics;
  if (!diagnostics.has_errors()) {
    PhaseTimer timer("validate (engine rules)");
    dialect.validate(loaded.schema, diagnostics);
  }
  model::Schema normalized;
  if (!diagnostics.has_errors()) {
    PhaseTimer timer("normalize");
    std::set<std::string> unchanged;
    if (current) unchanged = diff::unchanged_tables(*current, loaded.schema, dialect);
    normalized = dialect.normalize(loaded.schema, target, diagnostics, unchanged, current, groundwork.get());
    groundwork.reset();  // what normalize did not take is undone now, not when the plan is printed
    if (!unchanged.empty() && !diagnostics.has_errors())
      add_unchanged_from_current(loaded.schema, *current, unchanged, dialect, normalized);
  }
  if (diagnostics.has_errors()) throw InvalidDocument(std::move(diagnostics));
  warnings.append(diagnostics);
  return normalized;
}

load::LoadResult load_document(const std::string& path, const dialect::Dialect& dialect) {
  load::LoadResult loaded = timed_load(path);
  if (!loaded.diagnostics.has_errors()) dialect.validate(loaded.schema, loaded.diagnostics);
  if (loaded.diagnostics.has_errors()) throw InvalidDocument(std::move(loaded.diagnostics));
  return loaded;
}

DocumentAndDatabase load_with_current(const std::string& path, const dialect::Dialect& dialect, config::DatabaseUrl& url,
                                      dialect::OpenMode mode) {
  using Read = std::pair<std::unique_ptr<dialect::Database>, model::Schema>;
  auto read = [&dialect, mode](const config::DatabaseUrl& at) {
    Read out;
    out.first = dialect.open(at, mode);
    PhaseTimer timer("introspect");
    out.second = out.first->introspect();
    return out;
  };
  const config::DatabaseUrl before = url;
  // If the document throws, the future's destructor waits for the thread,
  // and the groundwork's destructor undoes it.
  std::unique_ptr<dialect::Groundwork> groundwork = dialect.start_groundwork(before);
  std::future<Read> reading = std::async(std::launch::async, read, before);
  DocumentAndDatabase result;
  result.document = load_document(path, dialect);
  manage_schemas_of(result.document.schema, url);
  Read database = reading.get();
  // Hands back to the system what the two threads freed (each has its own
  // heap): about 5% of the peak at 10,000 tables with the C library's
  // allocator. mimalloc, which the strata executable links, returns freed
  // pages by itself, and this does nothing for it.
  malloc_trim(0);
  if (url.schemas != before.schemas) database = read(url);
  result.database = std::move(database.first);
  result.current = std::move(database.second);
  result.groundwork = std::move(groundwork);
  return result;
}

model::Schema load_desired(const std::string& path, const dialect::Dialect& dialect, const config::DatabaseUrl& target,
                           Diagnostics& warnings) {
  return prepare_desired(timed_load(path), dialect, target, warnings);
}

std::vector<plan::Hazard> all_hazards(const dialect::Dialect& dialect, const plan::Plan& plan) {
  std::vector<plan::Hazard> out = plan::find_hazards(plan);
  for (plan::Hazard& h : dialect.engine_hazards(plan)) out.push_back(std::move(h));
  return out;
}

void manage_schemas_of(const model::Schema& document, config::DatabaseUrl& url) {
  if (url.scheme != "postgresql") return;
  auto add = [&](const std::string& schema) {
    const std::string name = schema.empty() ? "public" : schema;
    if (std::find(url.schemas.begin(), url.schemas.end(), name) == url.schemas.end()) url.schemas.push_back(name);
  };
  for (const model::Table& t : document.tables) add(t.schema);
  for (const model::EnumType& e : document.enums) add(e.schema);
  for (const model::Domain& d : document.domains) add(d.schema);
  for (const model::Sequence& q : document.sequences) add(q.schema);
}

Reconciliation reconcile(const dialect::Dialect& dialect, model::Schema current, model::Schema desired,
                         const diff::DiffOptions& options, const plan::RenderOptions& render) {
  Reconciliation result;
  PhaseTimer timer("diff, order and render");
  diff::DiffResult diff = diff::diff_schemas(current, desired, dialect, options);
  if (diff.diagnostics.has_errors()) throw InvalidDocument(std::move(diff.diagnostics));
  result.warnings = std::move(diff.diagnostics);
  result.plan = plan::order_changes(std::move(diff.changes), std::move(current), std::move(desired));
  result.plan.options = render;
  result.statements = dialect.render(result.plan);
  return result;
}

}  // namespace strata
