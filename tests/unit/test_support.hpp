// Helpers shared by the tests: temporary folders, running the strata binary,
// reading files.
#pragma once

#include <filesystem>
#include <string>

#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/load/loader.hpp"
#include "strata/model/schema.hpp"

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

// What plan reads before it normalizes: the schema the database at
// database_url holds, and a YAML document loaded (as "schema.yaml") with its
// diagnostics, for the caller to check.
struct LiveAndDocument {
  config::DatabaseUrl url;
  const dialect::Dialect* dialect = nullptr;
  model::Schema current;
  load::LoadResult document;
};
LiveAndDocument read_live_and_document(const std::string& database_url, const std::string& yaml);

// A fresh database on the PostgreSQL test server (STRATA_TEST_PG_URL), named
// <prefix>_<pid>_<n> and dropped at the end; not available() without a server.
class PgDatabase {
 public:
  explicit PgDatabase(const std::string& prefix);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;
  bool available() const { return !url_.empty(); }
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }
  const std::string& server() const { return server_; }
  std::string port() const;
  void exec(const std::string& sql) const;
  // The first value of the first row ("" for no row, "NULL" for NULL).
  std::string value(const std::string& query) const;

 private:
  std::string server_, name_, url_;
};

}  // namespace strata::testing

// Ends a PostgreSQL test that has no server, with a warning saying it did not run.
#define REQUIRE_PG_SERVER(db)                                                \
  if (!(db).available()) {                                                   \
    WARN("STRATA_TEST_PG_URL is not set: this PostgreSQL test did not run"); \
    return;                                                                  \
  }
