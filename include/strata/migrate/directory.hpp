// The migration directory: its migration files in version order and the sum
// file (strata.sum) that pins their checksums, so that a hand edit, a lost
// file or two branches that both add a migration are caught.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "strata/diagnostics.hpp"
#include "strata/migrate/migration.hpp"

namespace strata::migrate {

constexpr const char* kSumFileName = "strata.sum";

struct Directory {
  std::string path;
  std::vector<Migration> migrations;  // sorted by version
  bool exists = false;
};

// Reads every *.sql file. Unparsable files, file names without a version and
// two files with the same version are errors in diagnostics.
Directory load_directory(const std::string& path, Diagnostics& diagnostics);

// The sum file's content for these migrations.
std::string render_sum(const std::vector<Migration>& migrations);

// A sum file's content as read: the checksum recorded for each file name, the
// directory checksum, and the lines that could not be read. Comment lines
// ("# ...") and empty lines are skipped.
struct SumFile {
  std::map<std::string, std::string> files;  // file name -> "sha256:<hex>"; a repeated name keeps its last line
  std::string directory;                     // the "directory" line's checksum; "" when there is none
  std::vector<int> unreadable_lines;         // 1-based numbers of lines without a space
};

SumFile parse_sum(const std::string& content);

// What disagrees between the sum file and the files, one line each; empty
// when they agree. A missing sum file with migrations present is a problem too.
std::vector<std::string> verify_sum(const Directory& directory);

// Writes strata.sum for the directory's migrations (atomically).
void write_sum(const Directory& directory);

// A version for a new migration: the UTC time as YYYYMMDDHHMMSS, made later
// than every existing version so that files always sort in creation order.
std::string next_version(const Directory& directory);

}  // namespace strata::migrate
