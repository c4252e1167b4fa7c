// SQLite DDL text for single objects: identifiers, types, column and table
// definitions, indexes, views. The plan-level logic (ALTER or rebuild, what
// to drop and recreate around a rebuild) is in renderer.cpp.
#pragma once

#include <string>

#include "strata/model/schema.hpp"

namespace strata::dialect::sqlite {

// The identifier as is when SQLite reads it unquoted the same way, else "double-quoted".
std::string quote_identifier(const std::string& name);
std::string quote_string(const std::string& value);

// The declared type for a column: portable names mapped (STRICT tables get
// the storage classes STRICT allows), anything else verbatim.
std::string declared_type(const std::string& type, bool strict_table);
// The portable-name mapping alone, always in SQLite's spelling.
std::string mapped_type(const std::string& type, bool strict_table);

std::string literal_sql(const model::Literal& literal);
std::string default_sql(const model::Default& value);

std::string column_definition(const model::Table& table, const model::Column& column);
// CREATE TABLE; name overrides the table's name (for rebuilds).
std::string create_table(const model::Table& table, const std::string& name);
std::string create_index(const std::string& table, const model::Index& index);
std::string create_view(const model::View& view);

}  // namespace strata::dialect::sqlite
