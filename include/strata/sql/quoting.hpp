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

// Text for an SQL line comment ("-- text"). A comment ends at a line break
// (PostgreSQL ends it at a carriage return too), so a name holding one would
// turn the rest of the comment into SQL that runs: line breaks and the other
// control characters except tab are written as escapes (\n, \r, \x1b).
std::string sql_comment_text(const std::string& text);

// ASCII uppercase.
std::string ascii_upper(std::string text);

}  // namespace strata
