#include "strata/migrate/directory.hpp"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>

#include "strata/files.hpp"
#include "strata/migrate/checksum.hpp"

namespace strata::migrate {

namespace fs = std::filesystem;

namespace {

std::string file_name(const Migration& m) { return fs::path(m.file).filename().string(); }

std::string directory_hash(const std::vector<Migration>& migrations) {
  std::string all;
  for (const Migration& m : migrations) all += file_name(m) + " " + m.checksum + "\n";
  return "sha256:" + sha256_hex(all);
}

}  // namespace

Directory load_directory(const std::string& path, Diagnostics& diagnostics) {
  Directory dir;
  dir.path = path;
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return dir;
  dir.exists = true;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(path, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".sql") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::map<std::string, std::string> versions;
  for (const fs::path& file : files) {
    auto content = read_file(file.string());
    if (!content) {
      diagnostics.error({file.string(), 0, 0}, "cannot read migration file");
      continue;
    }
    Migration m = parse_migration(file.string(), *content, diagnostics);
    if (m.version.empty()) continue;
    auto [it, inserted] = versions.emplace(m.version, file.filename().string());
    if (!inserted) {
      diagnostics.error({file.string(), 0, 0}, "version " + m.version + " is used by two files, " + it->second + " and " +
                                                   file.filename().string() + "; give one a new version (rename it)");
      continue;
    }
    dir.migrations.push_back(std::move(m));
  }
  std::sort(dir.migrations.begin(), dir.migrations.end(), [](const Migration& a, const Migration& b) {
    return a.version.size() != b.version.size() ? a.version.size() < b.version.size() : a.version < b.version;
  });
  return dir;
}

std::string render_sum(const std::vector<Migration>& migrations) {
  std::string out = "# strata.sum: the SHA-256 of every migration file and of the whole directory.\n"
                    "# Written by strata revision and strata hash; do not edit by hand.\n";
  out += "directory " + directory_hash(migrations) + "\n";
  for (const Migration& m : migrations) out += file_name(m) + " " + m.checksum + "\n";
  return out;
}

SumFile parse_sum(const std::string& content) {
  SumFile sum;
  std::istringstream in(content);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const std::size_t space = line.rfind(' ');
    if (space == std::string::npos) {
      sum.unreadable_lines.push_back(number);
      continue;
    }
    const std::string key = line.substr(0, space), value = line.substr(space + 1);
    if (key == "directory") sum.directory = value;
    else sum.files[key] = value;
  }
  return sum;
}

std::vector<std::string> verify_sum(const Directory& directory) {
  std::vector<std::string> problems;
  const std::string sum_path = (fs::path(directory.path) / kSumFileName).string();
  auto content = read_file(sum_path);
  if (!content) {
    if (!directory.migrations.empty())
      problems.push_back(sum_path + " is missing; run strata hash to create it");
    return problems;
  }
  SumFile sum = parse_sum(*content);
  for (int number : sum.unreadable_lines)
    problems.push_back(sum_path + ":" + std::to_string(number) + ": cannot read this line; run strata hash to rewrite the file");
  std::map<std::string, std::string>& recorded = sum.files;
  const std::string& recorded_directory = sum.directory;
  for (const Migration& m : directory.migrations) {
    auto it = recorded.find(file_name(m));
    if (it == recorded.end()) {
      problems.push_back(file_name(m) + " is not in " + std::string(kSumFileName) +
                         " (added by hand, or by another branch: check its version order, then run strata hash)");
    } else if (it->second != m.checksum) {
      problems.push_back(file_name(m) + " was edited after it was written (its checksum differs from " +
                         std::string(kSumFileName) + "); if the edit is deliberate, run strata hash");
    }
    if (it != recorded.end()) recorded.erase(it);
  }
  for (const auto& [file, checksum] : recorded)
    problems.push_back(file + " is in " + std::string(kSumFileName) + " but its file is missing; restore it, or run strata hash if it was removed on purpose");
  if (problems.empty() && recorded_directory != directory_hash(directory.migrations))
    problems.push_back("the directory checksum in " + std::string(kSumFileName) + " does not match; run strata hash");
  return problems;
}

void write_sum(const Directory& directory) {
  write_file_atomically((fs::path(directory.path) / kSumFileName).string(), render_sum(directory.migrations));
}

std::string next_version(const Directory& directory) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &utc);
  std::string version = buffer;
  if (!directory.migrations.empty()) {
    const std::string& last = directory.migrations.back().version;
    if (last.size() == version.size() && last >= version) {
      // Two revisions in one second, or a clock behind the last file: one past the last.
      unsigned long long n = std::stoull(last) + 1;
      version = std::to_string(n);
    }
  }
  return version;
}

}  // namespace strata::migrate
