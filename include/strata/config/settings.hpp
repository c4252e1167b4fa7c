// Settings resolution: command-line flags, then environment variables
// (DATABASE_URL, STRATA_*), then strata.toml, then defaults.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace strata::config {

struct Settings {
  std::string url;             // database URL
  std::string schema_path;     // schema file or directory
  std::string migrations_dir;  // versioned migrations
  std::string config_file;     // the strata.toml that was read, or "" when none
  std::string url_origin;      // where the URL came from, for messages: "--url", "DATABASE_URL", ...
  std::vector<std::string> schemas;  // PostgreSQL schemas to manage; empty means public
  std::string dev_url;               // PostgreSQL server for scratch databases; "" = the target's
  bool online = false;               // PostgreSQL online-safe plans
  std::string lock_timeout = "2s";   // online: per-statement lock_timeout
  std::string statement_timeout;     // online: per-statement statement_timeout ("" = none)
};

struct SettingsFlags {
  std::optional<std::string> url;
  std::optional<std::string> schema_path;
  std::optional<std::string> migrations_dir;
  std::optional<std::string> config_file;  // --config; an explicit file must exist
  std::optional<std::string> dev_url;      // --dev-url
  bool online = false;                     // --online
};

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvironmentLookup process_environment();

constexpr const char* kDefaultUrl = "sqlite:///./strata.db";
constexpr const char* kDefaultSchema = "schema.yaml";
constexpr const char* kDefaultMigrations = "migrations";
constexpr const char* kDefaultConfigFile = "strata.toml";

// Throws strata::Error (invalid input) for an unreadable or malformed strata.toml.
Settings resolve_settings(const SettingsFlags& flags, const EnvironmentLookup& environment);

}  // namespace strata::config
