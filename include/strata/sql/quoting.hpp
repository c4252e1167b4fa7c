// Quoting shared by the engines: a standard SQL string literal ('it''s').
// Identifier quoting differs per engine and stays in each dialect.
#pragma once

#include <string>

#include "strata/model/schema.hpp"

namespace strata {

std::string sql_string_literal(const std::string& value);

// "name" with embedded double quotes doubled: the standard quoted identifier.
std::string sql_quoted_identifier(const std::string& name);

// NO ACTION, CASCADE, SET NULL, ... as foreign key clauses spell them.
std::string sql_referential_action(model::ReferentialAction action);

// ASCII uppercase.
std::string ascii_upper(std::string text);

}  // namespace strata
