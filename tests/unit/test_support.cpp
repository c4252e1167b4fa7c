#include "test_support.hpp"

#include "dialect/postgresql/connection.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace strata::testing {

LiveAndDocument read_live_and_document(const std::string& database_url, const std::string& yaml) {
  LiveAndDocument out;
  out.url = config::parse_database_url(database_url);
  out.dialect = &dialect::dialect_for(out.url);
  out.current = out.dialect->open(out.url, dialect::OpenMode::ReadOnly)->introspect();
  out.document = load::load_schema_text(yaml, "schema.yaml", load::Format::Yaml);
  return out;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("strata-test-" + std::to_string(rd()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& content) const {
  const std::filesystem::path p = path_ / name;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string source_path(const std::string& relative) { return std::string(STRATA_SOURCE_DIR) + "/" + relative; }

CommandResult run_strata(const std::string& args, const std::filesystem::path& dir, const std::string& env) {
  TempDir capture;
  const std::string out = capture.file("out"), err = capture.file("err");
  const std::string command = "cd '" + dir.string() + "' && env -u DATABASE_URL -u STRATA_DATABASE_URL " + env + " '" +
                              STRATA_BINARY + "' " + args + " > '" + out + "' 2> '" + err + "' < /dev/null";
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

PgDatabase::PgDatabase(const std::string& prefix) {
  const char* server = std::getenv("STRATA_TEST_PG_URL");
  if (!server) return;
  server_ = server;
  static std::atomic<int> counter{0};
  name_ = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  dialect::postgresql::Connection(server_).exec("CREATE DATABASE " + name_ + " TEMPLATE template0");
  url_ = server_.substr(0, server_.rfind('/') + 1) + name_;
}

PgDatabase::~PgDatabase() {
  if (name_.empty()) return;
  try {
    dialect::postgresql::Connection(server_).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // Best effort: a leftover test database holds nothing of value.
  }
}

std::string PgDatabase::port() const {
  const std::size_t colon = server_.rfind(':');
  return server_.substr(colon + 1, server_.rfind('/') - colon - 1);
}

void PgDatabase::exec(const std::string& sql) const { dialect::postgresql::Connection(url_).exec(sql); }

std::string PgDatabase::value(const std::string& query) const {
  auto rows = dialect::postgresql::Connection(url_).query(query);
  return rows.empty() || rows[0].empty() ? "" : rows[0][0].value_or("NULL");
}

}  // namespace strata::testing
