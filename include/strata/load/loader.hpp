// Loading schema documents: one YAML or TOML file, or a directory of them,
// into a model::Schema. Loading collects every problem it finds (syntax,
// unknown keys, wrong value kinds, then the semantic checks of validate.hpp)
// instead of stopping at the first.
#pragma once

#include <string>

#include "strata/diagnostics.hpp"
#include "strata/model/schema.hpp"

namespace strata::load {

enum class Format { Yaml, Toml };

struct LoadResult {
  model::Schema schema;
  Diagnostics diagnostics;
};

// A file (format from its extension) or a directory: every *.yaml, *.yml and
// *.toml file in it, in name order, merged into one schema.
LoadResult load_schema_path(const std::string& path);

// A document held in memory; file names the source in diagnostics.
LoadResult load_schema_text(const std::string& content, const std::string& file, Format format);

}  // namespace strata::load
