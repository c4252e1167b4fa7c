// Helpers shared by the tests: temporary folders, running the strata binary,
// reading files.
#pragma once

#include <filesystem>
#include <string>

namespace strata::testing {

// A fresh folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  void write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the strata binary with args (a shell fragment) in dir, with env
// assignments prefixed (e.g. "DATABASE_URL=... ").
CommandResult run_strata(const std::string& args, const std::filesystem::path& dir, const std::string& env = "");

std::string read_file(const std::string& path);
std::string source_path(const std::string& relative);  // a path inside the repository

}  // namespace strata::testing
