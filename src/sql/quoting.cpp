#include "strata/sql/quoting.hpp"

#include <cctype>

namespace strata {

std::string sql_string_literal(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string sql_quoted_identifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string ascii_upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string sql_referential_action(model::ReferentialAction action) { return ascii_upper(model::to_string(action)); }

}  // namespace strata
