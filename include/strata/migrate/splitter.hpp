// Splits an SQL script into statements. It understands what can hide a
// semicolon: quoted strings and identifiers, E'' strings, dollar-quoted
// bodies, comments, and the BEGIN ... END bodies of triggers and of
// SQL-standard function bodies (with CASE ... END inside them).
#pragma once

#include <string>
#include <vector>

namespace strata::migrate {

struct ScriptStatement {
  std::string sql;  // without the terminating semicolon, trimmed
  int line = 0;     // line of the statement's first character in the file (1-based)
};

// first_line: the file line on which text begins.
std::vector<ScriptStatement> split_statements(const std::string& text, int first_line = 1);

}  // namespace strata::migrate
