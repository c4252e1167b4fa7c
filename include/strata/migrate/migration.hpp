// Migration files: migrations/<version>_<name>.sql, plain SQL with
// "-- strata:up" and "-- strata:down" sections and optional directives
// ("-- strata:no-transaction"). This module parses and writes them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "strata/diagnostics.hpp"
#include "strata/migrate/splitter.hpp"

namespace strata::migrate {

struct Migration {
  std::string version;   // the leading digits of the file name: "20261121101500"
  std::string name;      // the rest, without ".sql": "add_power_level"
  std::string file;      // path
  std::string checksum;  // "sha256:<hex>" of the file's bytes
  std::vector<ScriptStatement> up;
  std::vector<ScriptStatement> down;
  bool transactional = true;  // false with -- strata:no-transaction
  // -- strata:hazard CODE OBJECT: what revision found; -- strata:allow CODE: what the user allowed.
  std::vector<std::pair<std::string, std::string>> hazards;
  std::vector<std::string> allowed;

  std::string id() const { return version + "_" + name; }
};

// Splits "<version>_<name>.sql"; nullopt when the name does not have that shape.
std::optional<std::pair<std::string, std::string>> parse_file_name(const std::string& file_name);

// Parses a migration file's content. Problems (a missing or repeated section,
// an unknown directive, SQL before the up section) are added to diagnostics
// with file and line.
Migration parse_migration(const std::string& path, const std::string& content, Diagnostics& diagnostics);

struct MigrationText {
  std::string message;  // the -m text, kept as a comment
  std::vector<std::string> notes;  // comment lines for the reader (warnings)
  std::vector<std::pair<std::string, std::string>> up;    // (comment, sql) pairs
  std::vector<std::pair<std::string, std::string>> down;  // (comment, sql) pairs
  bool transactional = true;
  std::vector<std::pair<std::string, std::string>> hazards;  // (code, object) needing an allow
  std::vector<std::string> allowed;                          // codes the user allowed
};

// The text of a new migration file.
std::string render_migration(const MigrationText& migration);

// "add power level" -> "add_power_level" (lowercase ASCII letters, digits, underscores).
std::string slug(const std::string& message);

}  // namespace strata::migrate
