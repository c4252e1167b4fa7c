// Recognizing numbers written as text, without regular expressions (these
// run for every scalar of large documents and catalogs).
#pragma once

#include <string>

namespace strata::text {

// [-+]?(0|[1-9][0-9]*): a whole number as YAML's core schema reads one.
bool is_whole_number(const std::string& text);

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?: a decimal number, as
// YAML's core schema and SQL literals write one.
bool is_decimal_number(const std::string& text);

}  // namespace strata::text
