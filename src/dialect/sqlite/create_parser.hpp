// Reads what SQLite's pragmas do not tell from the stored CREATE statements:
// constraint names, CHECK expressions, collations, generated columns,
// AUTOINCREMENT, DEFERRABLE, and the predicate and expressions of an index.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace strata::dialect::sqlite {

struct ParsedForeignKey {
  std::optional<std::string> name;
  std::vector<std::string> columns;
  std::string ref_table;
  std::vector<std::string> ref_columns;
  std::string on_delete = "NO ACTION";
  std::string on_update = "NO ACTION";
  bool deferrable = false;
  bool initially_deferred = false;
};

struct ParsedCheck {
  std::optional<std::string> name;
  std::string expression;  // as written, without the enclosing parentheses
};

struct ParsedColumn {
  std::string name;
  std::optional<std::string> collation;
  std::optional<std::string> generated;  // expression
  bool generated_stored = false;
  bool autoincrement = false;
  bool primary_key = false;
  std::optional<std::string> primary_key_name;
  bool unique = false;
  std::optional<std::string> unique_name;
};

struct ParsedUnique {
  std::optional<std::string> name;
  std::vector<std::string> columns;
};

struct ParsedTable {
  std::vector<ParsedColumn> columns;
  std::optional<std::string> primary_key_name;
  std::vector<std::string> primary_key_columns;  // from a table constraint
  std::vector<ParsedUnique> uniques;             // in declaration order, column ones first
  std::vector<ParsedCheck> checks;               // column and table checks, in order
  std::vector<ParsedForeignKey> foreign_keys;
  bool without_rowid = false;
  bool strict = false;
};

// Throws std::runtime_error when the statement is not a CREATE TABLE it understands.
ParsedTable parse_create_table(const std::string& sql);

struct ParsedIndexKey {
  std::string text;  // the expression or column as written
  bool is_column = false;
  std::string column;
  bool descending = false;
  std::optional<std::string> collation;
};

struct ParsedIndex {
  std::vector<ParsedIndexKey> keys;
  std::optional<std::string> where_clause;
};

ParsedIndex parse_create_index(const std::string& sql);

// The SELECT of a CREATE VIEW statement and its optional column list.
struct ParsedView {
  std::vector<std::string> columns;
  std::string select;
};
ParsedView parse_create_view(const std::string& sql);

}  // namespace strata::dialect::sqlite
