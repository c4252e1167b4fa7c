#include "strata/load/loader.hpp"
#include "strata/timing.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "load/schema_builder.hpp"
#include "strata/load/document_tree.hpp"
#include "strata/load/validate.hpp"

namespace strata::load {

namespace fs = std::filesystem;

namespace {

std::optional<Format> format_of(const fs::path& path) {
  const std::string ext = model::to_lower(path.extension().string());
  if (ext == ".yaml" || ext == ".yml") return Format::Yaml;
  if (ext == ".toml") return Format::Toml;
  return std::nullopt;
}

// Returns false when the document could not be parsed at all.
bool load_document(const std::string& content, const std::string& file, Format format, model::Schema& schema,
                   Diagnostics& diagnostics) {
  Diagnostics syntax;
  // YAML tables are built as the reader hands them over, and kept apart
  // until the whole text has parsed: a file with a syntax error adds nothing.
  model::Schema read_tables;
  Diagnostics table_diagnostics;
  const TableSink to_tables = [&](Node&& entry) { build_table_entry(entry, read_tables, table_diagnostics); };
  Node root = format == Format::Yaml ? read_yaml(content, file, syntax, to_tables) : read_toml(content, file, syntax);
  diagnostics.append(syntax);
  if (syntax.has_errors()) return false;
  diagnostics.append(table_diagnostics);
  if (schema.tables.empty()) {
    read_tables.tables.shrink_to_fit();  // the tables were counted only as they came
    schema.tables = std::move(read_tables.tables);
  } else {
    schema.tables.reserve(schema.tables.size() + read_tables.tables.size());
    for (model::Table& t : read_tables.tables) schema.tables.push_back(std::move(t));
  }
  build_schema(std::move(root), schema, diagnostics);
  return true;
}

bool load_file(const fs::path& path, model::Schema& schema, Diagnostics& diagnostics) {
  const std::string file = path.string();
  auto format = format_of(path);
  if (!format) {
    diagnostics.error({file, 0, 0}, "cannot tell the format of schema file \"" + file +
                                        "\": name it *.yaml, *.yml or *.toml");
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error({file, 0, 0}, "cannot read schema file \"" + file + "\": " + std::strerror(errno));
    return false;
  }
  // Read in one piece, into a string of the file's size (the size is a
  // hint: a file that changed meanwhile is read as far as it goes).
  std::string content;
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  content.resize(ec ? 0 : static_cast<std::size_t>(size));
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(in.gcount()));
  if (in) content.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return load_document(content, file, *format, schema, diagnostics);
}

}  // namespace

LoadResult load_schema_path(const std::string& path) {
  LoadResult result;
  std::error_code ec;
  const fs::path p(path);
  bool parsed = true;
  if (fs::is_directory(p, ec)) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry : fs::directory_iterator(p, ec)) {
      if (entry.is_regular_file() && format_of(entry.path())) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      parsed = false;
      result.diagnostics.error({path, 0, 0}, "schema directory \"" + path +
                                                 "\" holds no *.yaml, *.yml or *.toml files");
    }
    for (const fs::path& f : files) parsed = load_file(f, result.schema, result.diagnostics) && parsed;
  } else if (!fs::exists(p, ec)) {
    parsed = false;
    result.diagnostics.error({path, 0, 0}, "schema file \"" + path +
                                               "\" does not exist; create it (strata init writes a starter) "
                                               "or point --schema at your schema file or directory");
  } else {
    PhaseTimer timer("parse");
    parsed = load_file(p, result.schema, result.diagnostics);
  }
  // Semantic checks run even after shape errors, so that one run reports everything.
  PhaseTimer timer("validate (document)");
  if (parsed) validate_schema(result.schema, result.diagnostics);
  return result;
}

LoadResult load_schema_text(const std::string& content, const std::string& file, Format format) {
  LoadResult result;
  if (load_document(content, file, format, result.schema, result.diagnostics))
    validate_schema(result.schema, result.diagnostics);
  return result;
}

}  // namespace strata::load
