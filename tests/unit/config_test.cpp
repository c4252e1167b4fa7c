// Database URLs and settings resolution.
#include <catch2/catch.hpp>

#include <map>

#include "strata/config/settings.hpp"
#include "strata/config/url.hpp"
#include "strata/diagnostics.hpp"
#include "test_support.hpp"

using namespace strata;

TEST_CASE("database URLs in every documented form", "[config]") {
  auto rel = config::parse_database_url("sqlite:///relative.db");
  CHECK(rel.scheme == "sqlite");
  CHECK(rel.path == "relative.db");
  CHECK(config::parse_database_url("sqlite:////abs/path.db").path == "/abs/path.db");
  CHECK(config::parse_database_url("sqlite:///./database.db").path == "./database.db");
  CHECK(config::parse_database_url("sqlite://:memory:").memory);
  CHECK(config::parse_database_url("sqlite:///:memory:").memory);
  CHECK(config::parse_database_url("sqlite+pysqlite:///x.db").path == "x.db");
  CHECK(config::parse_database_url("postgresql+psycopg2://u:p@h:5432/d").scheme == "postgresql");
  CHECK(config::parse_database_url("postgres://h/d").scheme == "postgresql");
}

TEST_CASE("bad database URLs are invalid input with a hint", "[config][errors]") {
  const char* bad[] = {"", "strata.db", "sqlite:relative.db", "sqlite://host/x.db", "mysql://u@h/d", "://x"};
  for (const char* url : bad) {
    INFO(url);
    try {
      config::parse_database_url(url);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::InvalidInput);
      CHECK(std::string(e.what()).find("sqlite://") != std::string::npos);
    }
  }
}

TEST_CASE("passwords are redacted from URLs", "[config]") {
  CHECK(config::redact_url("postgresql://user:s3cret@host:5432/db") == "postgresql://user:***@host:5432/db");
  CHECK(config::redact_url("postgresql://user@host/db") == "postgresql://user@host/db");
  CHECK(config::redact_url("sqlite:///a:b@c.db") == "sqlite:///a:b@c.db");
  try {
    config::parse_database_url("oracle://scott:tiger@h/db");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("tiger") == std::string::npos);
  }
}

namespace {
config::EnvironmentLookup env_of(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}
}  // namespace

TEST_CASE("settings resolve flags, then environment, then strata.toml, then defaults", "[config]") {
  testing::TempDir dir;
  dir.write("strata.toml", "[database]\nurl = \"sqlite:///from-file.db\"\n[schema]\npath = \"db/schema\"\n");
  config::SettingsFlags flags;
  flags.config_file = dir.file("strata.toml");

  auto from_file = config::resolve_settings(flags, env_of({}));
  CHECK(from_file.url == "sqlite:///from-file.db");
  CHECK(from_file.schema_path == dir.file("db/schema"));
  CHECK(from_file.migrations_dir == "migrations");

  auto from_env = config::resolve_settings(flags, env_of({{"DATABASE_URL", "sqlite:///env.db"}}));
  CHECK(from_env.url == "sqlite:///env.db");
  CHECK(from_env.url_origin == "DATABASE_URL");

  flags.url = "sqlite:///flag.db";
  auto from_flag = config::resolve_settings(flags, env_of({{"DATABASE_URL", "sqlite:///env.db"}}));
  CHECK(from_flag.url == "sqlite:///flag.db");

  config::SettingsFlags none;
  none.config_file = dir.file("absent.toml");
  CHECK_THROWS_AS(config::resolve_settings(none, env_of({})), Error);
}

TEST_CASE("a malformed strata.toml names the file, line and setting", "[config][errors]") {
  testing::TempDir dir;
  dir.write("strata.toml", "[database]\nurll = \"sqlite:///x.db\"\n");
  config::SettingsFlags flags;
  flags.config_file = dir.file("strata.toml");
  try {
    config::resolve_settings(flags, env_of({}));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::InvalidInput);
    const std::string message = e.what();
    CHECK(message.find("strata.toml:2:1: error: unknown setting \"database.urll\" (did you mean \"url\"?)") !=
          std::string::npos);
  }
  dir.write("strata.toml", "[database]\nonline = \"yes\"\nschemas = [\"public\", 3]\n");
  try {
    config::resolve_settings(flags, env_of({}));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("strata.toml:2:10: error: \"database.online\" must be true or false") != std::string::npos);
    CHECK(std::string(e.what()).find("\"database.schemas\" lists schema names, as strings") != std::string::npos);
  }
  dir.write("strata.toml", "[database\nurl = 1\n");
  CHECK_THROWS_WITH(config::resolve_settings(flags, env_of({})), Catch::Contains("strata.toml:1:") && Catch::Contains("invalid TOML"));
}
