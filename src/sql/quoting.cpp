#include "strata/sql/quoting.hpp"

namespace strata {

std::string sql_string_literal(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace strata
