// PostgreSQL DDL text for single objects: identifiers, types, literals,
// column definitions, tables, indexes, enum types.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "strata/model/schema.hpp"

namespace strata::dialect::postgresql {

// The identifier as is when PostgreSQL reads it unquoted the same way
// (lowercase, not reserved), else "double-quoted".
std::string quote_identifier(const std::string& name);
std::string quote_string(const std::string& value);
// a, "B c", d: names quoted as needed, comma-separated.
std::string join_names(const std::vector<std::string>& names);
// schema.name, or name for the default schema.
std::string qualified(const std::string& schema, const std::string& name);
std::string table_name(const model::Table& table);
// A reference written "schema.table", or "table" in from_schema.
std::string qualified_reference(const std::string& reference, const std::string& from_schema);

// Portable names mapped to PostgreSQL types; anything else as written.
std::string declared_type(const std::string& type);
// The name PostgreSQL's format_type gives a built-in type written under one of
// its aliases (varchar(20) -> character varying(20), timestamptz -> timestamp
// with time zone, int4 -> integer, ...), portable names included; any other
// type as written. Lets types compare equal before the engine has seen them.
std::string stored_type_name(const std::string& type);

// serial, bigserial and smallserial are an integer type plus an owned
// sequence and a default: the integer type, or nothing for any other type.
std::optional<std::string> serial_base(const std::string& type);

std::string default_sql(const model::Default& value, const std::string& column_type);
std::string column_definition(const model::Column& column);
// The options of an identity's sequence that are set, each after separator.
std::string identity_options_sql(const model::SequenceOptions& options, const std::string& separator);
// CREATE TABLE without its foreign keys (they are added once every table exists).
std::string create_table(const model::Table& table);
// from_schema: the schema of the referencing table, which an unqualified reference means.
std::string foreign_key_clause(const model::ForeignKey& fk, const std::string& from_schema);
std::string create_index(const model::Table& table, const model::Index& index);
std::string create_enum(const model::EnumType& type);
std::string check_clause(const model::CheckConstraint& check);
// CONSTRAINT name EXCLUDE USING method (elements) WHERE (predicate)
std::string exclusion_clause(const model::ExclusionConstraint& exclusion);
// CREATE TABLE partition PARTITION OF parent <bound>
std::string create_partition(const model::Table& parent, const model::Partition& partition);

// Why SQL text would not stay inside the clause or statement it is put in,
// or nothing: a ")" that closes more than it opened, a ";", or a string,
// quoted name or comment left open.
std::optional<std::string> leaves_its_clause(const std::string& sql);

// The names an expression may read: its identifiers, unquoted ones folded to
// lowercase as PostgreSQL folds them, quoted ones as written; strings,
// numbers and comments skipped. Nothing when it writes a name in a form this
// does not read (U&"...") or is not whole SQL text (leaves_its_clause).
std::optional<std::vector<std::string>> names_in(const std::string& sql);

}  // namespace strata::dialect::postgresql
