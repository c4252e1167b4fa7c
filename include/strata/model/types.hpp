// Portable column types: the dialect-neutral type names a document may use
// (integer, varchar(n), numeric(p,s), timestamp, ...). Each dialect maps them to
// its own declared types; any other type name is passed to the database
// verbatim. This module only recognizes names; it holds no SQL.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace strata::model {

enum class PortableKind {
  Integer, BigInt, SmallInt, Text, Varchar, Char, Boolean, Real, Double, Numeric,
  Date, Time, Timestamp, TimestampTz, Json, Uuid, Blob
};

struct PortableType {
  PortableKind kind;
  std::vector<long> args;  // varchar(n), char(n), numeric(p[,s])
};

// Recognizes a portable type name, ASCII case-insensitively ("varchar(40)",
// "Numeric(10, 2)"). Returns nullopt for anything else, which is a verbatim type.
std::optional<PortableType> parse_portable_type(const std::string& text);

// The first word of a type ("varchar(40)" -> "varchar", "bigint AUTO_RANDOM(5)" -> "bigint"), lowercased.
std::string type_base_name(const std::string& text);

// Names accepted without question: the portable names and the type names that
// well-known SQL engines define. Used to tell a typo from a verbatim type.
const std::vector<std::string>& portable_type_names();
bool is_known_type_name(const std::string& base_name);

// A likely intended type when text looks like a misspelled known type name.
std::optional<std::string> suggest_type_name(const std::string& text);

}  // namespace strata::model
