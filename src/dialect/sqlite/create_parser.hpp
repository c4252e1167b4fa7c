// Reads the stored CREATE statements of a SQLite database: each column's
// declared type, NOT NULL and DEFAULT text as SQLite keeps them, and what
// SQLite's pragmas do not tell at all: constraint names, CHECK expressions,
// collations, generated columns, AUTOINCREMENT, DEFERRABLE, and the predicate
// and expressions of an index.
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
  // The declared type as SQLite keeps it: the text from its first token to its
  // last, "" when there is none. SQLite keeps only the first quoted word of a
  // type with quotes in it; such a type is not plain.
  std::string type;
  bool type_plain = true;
  bool not_null = false;
  // The DEFAULT as SQLite keeps it: the text after the keyword, without the
  // parentheses of a parenthesized expression.
  std::optional<std::string> default_text;
  std::optional<std::string> collation;
  std::optional<std::string> generated;  // expression
  bool generated_stored = false;
  bool autoincrement = false;
  bool primary_key = false;
  bool primary_key_descending = false;  // "INTEGER PRIMARY KEY DESC" makes no rowid alias
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
  bool unique = false;
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
