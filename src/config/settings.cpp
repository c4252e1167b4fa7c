#include "strata/config/settings.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "strata/diagnostics.hpp"
#include "strata/text/similar.hpp"

namespace strata::config {

namespace {

struct FileSettings {
  std::optional<std::string> url, schema_path, migrations_dir, dev_url, lock_timeout, statement_timeout;
  bool online = false;
  std::vector<std::string> schemas;
};

std::string position(const std::string& file, const toml::source_region& region) {
  return file + ":" + std::to_string(region.begin.line) + ":" + std::to_string(region.begin.column);
}

FileSettings read_config_file(const std::string& file) {
  FileSettings out;
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    throw Error(ExitCode::InvalidInput, position(file, e.source()) + ": error: invalid TOML: " + std::string(e.description()));
  }
  // Sections and keys: [database] url, [schema] path, [migrations] dir.
  const std::vector<std::pair<std::string, std::string>> known = {
      {"database", "url"}, {"schema", "path"}, {"migrations", "dir"}};
  std::vector<std::string> sections = {"database", "schema", "migrations"};
  std::ostringstream errors;
  for (auto&& [key, node] : root) {
    const std::string k(key.str());
    if (std::find(sections.begin(), sections.end(), k) == sections.end() || !node.is_table()) {
      errors << position(file, key.source()) << ": error: unknown setting \"" << k << "\""
             << text::did_you_mean(k, sections) << "; strata.toml has sections [database], [schema], [migrations]\n";
      continue;
    }
    for (auto&& [sub, value] : *node.as_table()) {
      const std::string s(sub.str());
      if (k == "database" && s == "online") {
        if (value.is_boolean()) out.online = value.as_boolean()->get();
        else errors << position(file, value.source()) << ": error: \"database.online\" must be true or false\n";
        continue;
      }
      if (k == "database" && s == "schemas") {
        if (const toml::array* list = value.as_array()) {
          for (const toml::node& item : *list) {
            if (item.is_string()) out.schemas.push_back(item.as_string()->get());
            else errors << position(file, item.source()) << ": error: \"database.schemas\" lists schema names, as strings\n";
          }
          continue;
        }
        errors << position(file, value.source()) << ": error: \"database.schemas\" must be a list of schema names\n";
        continue;
      }
      std::string expected;
      for (const auto& [section, name] : known)
        if (section == k) expected = name;
      const std::vector<std::string> accepted =
          k == "database" ? std::vector<std::string>{"url", "schemas", "dev_url", "online", "lock_timeout", "statement_timeout"}
                          : std::vector<std::string>{expected};
      if (std::find(accepted.begin(), accepted.end(), s) == accepted.end()) {
        std::string list;
        for (const std::string& a : accepted) list += (list.empty() ? "\"" : ", \"") + a + "\"";
        errors << position(file, sub.source()) << ": error: unknown setting \"" << k << "." << s << "\""
               << text::did_you_mean(s, accepted) << "; [" << k << "] takes " << list << "\n";
        continue;
      }
      if (!value.is_string()) {
        errors << position(file, value.source()) << ": error: \"" << k << "." << s << "\" must be a string\n";
        continue;
      }
      const std::string v = value.as_string()->get();
      if (k == "database" && s == "url") out.url = v;
      if (k == "database" && s == "dev_url") out.dev_url = v;
      if (k == "database" && s == "lock_timeout") out.lock_timeout = v;
      if (k == "database" && s == "statement_timeout") out.statement_timeout = v;
      if (k == "schema") out.schema_path = v;
      if (k == "migrations") out.migrations_dir = v;
    }
  }
  std::string message = errors.str();
  if (!message.empty()) {
    message.pop_back();
    throw Error(ExitCode::InvalidInput, message);
  }
  return out;
}

// Paths in strata.toml are relative to the file's folder.
std::string relative_to(const std::string& config_file, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  const std::filesystem::path base = std::filesystem::path(config_file).parent_path();
  return base.empty() ? path : (base / p).lexically_normal().string();
}

}  // namespace

EnvironmentLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

Settings resolve_settings(const SettingsFlags& flags, const EnvironmentLookup& environment) {
  Settings settings;
  std::string config_file = kDefaultConfigFile;
  bool explicit_config = false;
  if (flags.config_file) {
    config_file = *flags.config_file;
    explicit_config = true;
  } else if (auto env = environment("STRATA_CONFIG")) {
    config_file = *env;
    explicit_config = true;
  }
  FileSettings file;
  std::error_code ec;
  if (std::filesystem::exists(config_file, ec)) {
    file = read_config_file(config_file);
    settings.config_file = config_file;
  } else if (explicit_config) {
    throw Error(ExitCode::InvalidInput, "config file \"" + config_file + "\" does not exist; run strata init or fix --config");
  }

  if (flags.url) {
    settings.url = *flags.url;
    settings.url_origin = "--url";
  } else if (auto env = environment("STRATA_DATABASE_URL")) {
    settings.url = *env;
    settings.url_origin = "STRATA_DATABASE_URL";
  } else if (auto env2 = environment("DATABASE_URL")) {
    settings.url = *env2;
    settings.url_origin = "DATABASE_URL";
  } else if (file.url) {
    settings.url = *file.url;
    settings.url_origin = config_file;
  } else {
    settings.url = kDefaultUrl;
    settings.url_origin = "the default";
  }

  if (auto env = environment("STRATA_SCHEMAS")) {
    std::string list = *env;
    std::size_t pos = 0;
    while (pos <= list.size()) {
      const std::size_t comma = list.find(',', pos);
      const std::string item = list.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (!item.empty()) settings.schemas.push_back(item);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  } else {
    settings.schemas = file.schemas;
  }

  settings.online = flags.online || environment("STRATA_ONLINE").value_or("") == "1" || file.online;
  if (auto env = environment("STRATA_LOCK_TIMEOUT")) settings.lock_timeout = *env;
  else if (file.lock_timeout) settings.lock_timeout = *file.lock_timeout;
  if (auto env = environment("STRATA_STATEMENT_TIMEOUT")) settings.statement_timeout = *env;
  else if (file.statement_timeout) settings.statement_timeout = *file.statement_timeout;

  if (flags.dev_url) settings.dev_url = *flags.dev_url;
  else if (auto env = environment("STRATA_DEV_URL")) settings.dev_url = *env;
  else if (file.dev_url) settings.dev_url = *file.dev_url;

  if (flags.schema_path) settings.schema_path = *flags.schema_path;
  else if (auto env = environment("STRATA_SCHEMA")) settings.schema_path = *env;
  else if (file.schema_path) settings.schema_path = relative_to(config_file, *file.schema_path);
  else settings.schema_path = kDefaultSchema;

  if (flags.migrations_dir) settings.migrations_dir = *flags.migrations_dir;
  else if (auto env = environment("STRATA_MIGRATIONS_DIR")) settings.migrations_dir = *env;
  else if (file.migrations_dir) settings.migrations_dir = relative_to(config_file, *file.migrations_dir);
  else settings.migrations_dir = kDefaultMigrations;
  return settings;
}

}  // namespace strata::config
