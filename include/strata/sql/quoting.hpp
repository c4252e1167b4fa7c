// Quoting shared by the engines: a standard SQL string literal ('it''s').
// Identifier quoting differs per engine and stays in each dialect.
#pragma once

#include <string>

namespace strata {

std::string sql_string_literal(const std::string& value);

}  // namespace strata
