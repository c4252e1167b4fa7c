#include "strata/model/types.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "strata/model/schema.hpp"
#include "strata/text/similar.hpp"

namespace strata::model {

namespace {

struct PortableName {
  const char* name;
  PortableKind kind;
  std::size_t min_args;
  std::size_t max_args;
};

const PortableName kPortable[] = {
    {"integer", PortableKind::Integer, 0, 0},     {"bigint", PortableKind::BigInt, 0, 0},
    {"smallint", PortableKind::SmallInt, 0, 0},   {"text", PortableKind::Text, 0, 0},
    {"varchar", PortableKind::Varchar, 0, 1},     {"char", PortableKind::Char, 0, 1},
    {"boolean", PortableKind::Boolean, 0, 0},     {"real", PortableKind::Real, 0, 0},
    {"double", PortableKind::Double, 0, 0},       {"numeric", PortableKind::Numeric, 0, 2},
    {"date", PortableKind::Date, 0, 0},           {"time", PortableKind::Time, 0, 0},
    {"timestamp", PortableKind::Timestamp, 0, 0}, {"timestamptz", PortableKind::TimestampTz, 0, 0},
    {"json", PortableKind::Json, 0, 0},           {"uuid", PortableKind::Uuid, 0, 0},
    {"blob", PortableKind::Blob, 0, 0},
};

// Type names defined by SQLite, PostgreSQL, MySQL/MariaDB and the SQL standard
// that are not portable names themselves.
const char* const kKnownTypeNames[] = {
    "int", "int2", "int4", "int8", "tinyint", "mediumint", "serial", "bigserial", "smallserial",
    "float", "float4", "float8", "decimal", "dec", "money", "number", "bool", "bit", "varbit",
    "character", "nchar", "nvarchar", "varchar2", "clob", "nclob", "tinytext", "mediumtext",
    "longtext", "string", "citext", "name", "bytea", "binary", "varbinary", "tinyblob",
    "mediumblob", "longblob", "datetime", "datetime2", "timetz", "interval", "year", "jsonb",
    "xml", "inet", "cidr", "macaddr", "macaddr8", "tsvector", "tsquery", "point", "line",
    "lseg", "box", "path", "polygon", "circle", "oid", "regclass", "enum", "set", "any",
    "geometry", "geography", "hstore", "ltree", "int4range", "int8range", "numrange",
    "tsrange", "tstzrange", "daterange", "jsonpath", "pg_lsn", "txid_snapshot", "unsigned",
    "signed", "native", "varying", "precision", "long", "raw", "rowid", "uniqueidentifier",
};

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

std::string type_base_name(const std::string& text) {
  std::string t = trim(text);
  std::size_t end = 0;
  while (end < t.size() && (std::isalnum(static_cast<unsigned char>(t[end])) || t[end] == '_')) ++end;
  return to_lower(t.substr(0, end));
}

std::optional<PortableType> parse_portable_type(const std::string& text) {
  const std::string t = trim(text);
  const std::string base = type_base_name(t);
  if (base.empty()) return std::nullopt;
  const PortableName* found = nullptr;
  for (const PortableName& p : kPortable)
    if (base == p.name) found = &p;
  if (!found) return std::nullopt;

  PortableType result{found->kind, {}};
  std::string rest = trim(t.substr(base.size()));
  if (!rest.empty()) {
    if (rest.front() != '(' || rest.back() != ')') return std::nullopt;
    std::string inner = rest.substr(1, rest.size() - 2);
    std::size_t pos = 0;
    while (pos <= inner.size()) {
      std::size_t comma = inner.find(',', pos);
      std::string part = trim(inner.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (part.empty() || !std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return std::nullopt;
      long value = 0;
      // Too many digits for a long: not a portable type, so the engine judges it as written.
      if (std::from_chars(part.data(), part.data() + part.size(), value).ec != std::errc()) return std::nullopt;
      result.args.push_back(value);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
  }
  if (result.args.size() < found->min_args || result.args.size() > found->max_args) return std::nullopt;
  return result;
}

const std::vector<std::string>& portable_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const PortableName& p : kPortable) out.emplace_back(p.name);
    return out;
  }();
  return names;
}

bool is_known_type_name(const std::string& base_name) {
  const std::string b = to_lower(base_name);
  for (const PortableName& p : kPortable)
    if (b == p.name) return true;
  for (const char* k : kKnownTypeNames)
    if (b == k) return true;
  return false;
}

std::optional<std::string> suggest_type_name(const std::string& text) {
  const std::string base = type_base_name(text);
  if (base.empty() || is_known_type_name(base)) return std::nullopt;
  std::vector<std::string> candidates = portable_type_names();
  for (const char* k : kKnownTypeNames) candidates.emplace_back(k);
  return text::closest_match(base, candidates);
}

}  // namespace strata::model
