#include "strata/reconcile.hpp"

#include <algorithm>

#include "strata/diff/differ.hpp"
#include "strata/timing.hpp"

namespace strata {

model::Schema prepare_desired(load::LoadResult loaded, const dialect::Dialect& dialect, const config::DatabaseUrl& target,
                              Diagnostics& warnings) {
  Diagnostics& diagnostics = loaded.diagnostics;
  if (!diagnostics.has_errors()) {
    PhaseTimer timer("validate (engine rules)");
    dialect.validate(loaded.schema, diagnostics);
  }
  model::Schema normalized;
  if (!diagnostics.has_errors()) {
    PhaseTimer timer("normalize");
    normalized = dialect.normalize(loaded.schema, target, diagnostics);
  }
  if (diagnostics.has_errors()) throw InvalidDocument(std::move(diagnostics));
  warnings.append(diagnostics);
  return normalized;
}

model::Schema load_desired(const std::string& path, const dialect::Dialect& dialect, const config::DatabaseUrl& target,
                           Diagnostics& warnings) {
  load::LoadResult loaded;
  {
    PhaseTimer timer("load");
    loaded = load::load_schema_path(path);
  }
  return prepare_desired(std::move(loaded), dialect, target, warnings);
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

Reconciliation reconcile(const dialect::Dialect& dialect, const model::Schema& current, const model::Schema& desired,
                         const diff::DiffOptions& options, const plan::RenderOptions& render) {
  Reconciliation result;
  PhaseTimer timer("diff, order and render");
  diff::DiffResult diff = diff::diff_schemas(current, desired, dialect, options);
  if (diff.diagnostics.has_errors()) throw InvalidDocument(std::move(diff.diagnostics));
  result.warnings = std::move(diff.diagnostics);
  result.plan = plan::order_changes(std::move(diff.changes), current, desired);
  result.plan.options = render;
  result.statements = dialect.render(result.plan);
  return result;
}

}  // namespace strata
