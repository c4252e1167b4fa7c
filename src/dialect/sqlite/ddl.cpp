#include "dialect/sqlite/ddl.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "dialect/sqlite/lexer.hpp"
#include "strata/model/types.hpp"
#include "strata/sql/quoting.hpp"

namespace strata::dialect::sqlite {

namespace {

const std::set<std::string>& keywords() {
  static const std::set<std::string> words = {
      "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach",
      "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate", "column",
      "commit", "conflict", "constraint", "create", "cross", "current", "current_date", "current_time",
      "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct",
      "do", "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail",
      "filter", "first", "following", "for", "foreign", "from", "full", "generated", "glob", "group", "groups",
      "having", "if", "ignore", "immediate", "in", "index", "indexed", "initially", "inner", "insert", "instead",
      "intersect", "into", "is", "isnull", "join", "key", "last", "left", "like", "limit", "match", "materialized",
      "natural", "no", "not", "nothing", "notnull", "null", "nulls", "of", "offset", "on", "or", "order", "others",
      "outer", "over", "partition", "plan", "pragma", "preceding", "primary", "query", "raise", "range", "recursive",
      "references", "regexp", "reindex", "release", "rename", "replace", "restrict", "returning", "right",
      "rollback", "row", "rows", "savepoint", "select", "set", "table", "temp", "temporary", "then", "ties", "to",
      "transaction", "trigger", "unbounded", "union", "unique", "update", "using", "vacuum", "values", "view",
      "virtual", "when", "where", "window", "with", "without", "rowid", "strict", "stored"};
  return words;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + quote_identifier(n);
  return out;
}



// Whether an expression can stand after DEFAULT without parentheses.
bool bare_default_expression(const std::string& e) {
  const std::string u = ascii_upper(e);
  return u == "CURRENT_TIMESTAMP" || u == "CURRENT_DATE" || u == "CURRENT_TIME";
}

// A single-column key is written on its column: unnamed ones for brevity, and
// AUTOINCREMENT ones because SQLite accepts AUTOINCREMENT only there.
bool inline_primary_key(const model::Table& table) {
  if (!table.primary_key || table.primary_key->columns.size() != 1) return false;
  if (!table.primary_key->name) return true;
  const model::Column* c = table.find_column(table.primary_key->columns.front());
  return c && c->autoincrement;
}

}  // namespace

std::string quote_identifier(const std::string& name) {
  bool simple = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) simple = simple && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (simple && !keywords().count(model::to_lower(name))) return name;
  return sql_quoted_identifier(name);
}

std::string quote_string(const std::string& value) { return sql_string_literal(value); }

std::string declared_type(const std::string& type, bool strict_table) {
  const std::string mapped = mapped_type(type, strict_table);
  // A type SQLite would store the same way keeps the spelling it was written
  // with, so that "varchar(200)" inspected from a database is recreated as is.
  return canonical_sql(mapped) == canonical_sql(type) ? type : mapped;
}

std::string mapped_type(const std::string& type, bool strict_table) {
  auto portable = model::parse_portable_type(type);
  if (!portable) return type;
  using K = model::PortableKind;
  auto args = [&] {
    std::string out;
    for (long a : portable->args) out += (out.empty() ? "" : ",") + std::to_string(a);
    return out.empty() ? out : "(" + out + ")";
  };
  if (strict_table) {
    switch (portable->kind) {
      case K::Integer: case K::BigInt: case K::SmallInt: case K::Boolean: return "INTEGER";
      case K::Real: case K::Double: return "REAL";
      case K::Numeric: return "ANY";
      case K::Blob: return "BLOB";
      default: return "TEXT";
    }
  }
  switch (portable->kind) {
    case K::Integer: return "INTEGER";
    case K::BigInt: return "BIGINT";
    case K::SmallInt: return "SMALLINT";
    case K::Text: return "TEXT";
    case K::Varchar: return "VARCHAR" + args();
    case K::Char: return "CHAR" + args();
    case K::Boolean: return "BOOLEAN";
    case K::Real: return "REAL";
    case K::Double: return "DOUBLE";
    case K::Numeric: return "NUMERIC" + args();
    case K::Date: return "DATE";
    case K::Time: return "TIME";
    case K::Timestamp: return "TIMESTAMP";
    case K::TimestampTz: return "TIMESTAMPTZ";
    case K::Json: return "JSON";
    case K::Uuid: return "CHAR(36)";  // TEXT affinity: a digits-only UUID must not turn into a number
    case K::Blob: return "BLOB";
  }
  return type;
}

std::string literal_sql(const model::Literal& literal) {
  switch (literal.kind) {
    case model::Literal::Kind::Null: return "NULL";
    case model::Literal::Kind::Boolean: return literal.text == "true" ? "TRUE" : "FALSE";
    case model::Literal::Kind::Number: return literal.text;
    case model::Literal::Kind::String: return quote_string(literal.text);
  }
  return "NULL";
}

std::string default_sql(const model::Default& value) {
  if (value.kind == model::Default::Kind::Literal) {
    const std::string lit = literal_sql(value.literal);
    // A negative number must be parenthesized or signed; "-1" is accepted as a signed number.
    return lit;
  }
  if (bare_default_expression(value.expression)) return value.expression;
  return "(" + value.expression + ")";
}

std::string column_definition(const model::Table& table, const model::Column& column) {
  std::string out = quote_identifier(column.name);
  if (!column.type.empty()) out += " " + declared_type(column.type, table.options.strict);
  const bool inline_pk = inline_primary_key(table) && model::iequals(table.primary_key->columns.front(), column.name);
  if (!column.nullable) out += " NOT NULL";
  if (inline_pk) {
    if (table.primary_key->name) out += " CONSTRAINT " + quote_identifier(*table.primary_key->name);
    out += " PRIMARY KEY";
    if (column.autoincrement) out += " AUTOINCREMENT";
  }
  if (column.default_value) out += " DEFAULT " + default_sql(*column.default_value);
  if (column.collation) out += " COLLATE " + quote_identifier(*column.collation);
  if (column.generated) {
    out += " GENERATED ALWAYS AS (" + column.generated->expression + ")";
    out += column.generated->stored ? " STORED" : " VIRTUAL";
  }
  return out;
}

std::string create_table(const model::Table& table, const std::string& name) {
  std::vector<std::string> parts;
  for (const model::Column& c : table.columns) parts.push_back(column_definition(table, c));
  if (table.primary_key && !inline_primary_key(table)) {
    std::string pk;
    if (table.primary_key->name) pk += "CONSTRAINT " + quote_identifier(*table.primary_key->name) + " ";
    parts.push_back(pk + "PRIMARY KEY (" + join_names(table.primary_key->columns) + ")");
  }
  for (const model::UniqueConstraint& u : table.uniques) {
    std::string s;
    if (u.name) s += "CONSTRAINT " + quote_identifier(*u.name) + " ";
    parts.push_back(s + "UNIQUE (" + join_names(u.columns) + ")");
  }
  for (const model::ForeignKey& fk : table.foreign_keys) {
    std::string s;
    if (fk.name) s += "CONSTRAINT " + quote_identifier(*fk.name) + " ";
    s += "FOREIGN KEY (" + join_names(fk.columns) + ") REFERENCES " + quote_identifier(fk.ref_table);
    if (!fk.ref_columns.empty()) s += " (" + join_names(fk.ref_columns) + ")";
    if (fk.on_delete != model::ReferentialAction::NoAction) s += " ON DELETE " + sql_referential_action(fk.on_delete);
    if (fk.on_update != model::ReferentialAction::NoAction) s += " ON UPDATE " + sql_referential_action(fk.on_update);
    if (fk.deferrable) s += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE INITIALLY IMMEDIATE";
    parts.push_back(s);
  }
  for (const model::CheckConstraint& c : table.checks) {
    std::string s;
    if (c.name) s += "CONSTRAINT " + quote_identifier(*c.name) + " ";
    parts.push_back(s + "CHECK (" + c.expression + ")");
  }
  std::string out = "CREATE TABLE " + quote_identifier(name) + " (\n";
  for (std::size_t i = 0; i < parts.size(); ++i) out += "  " + parts[i] + (i + 1 < parts.size() ? ",\n" : "\n");
  out += ")";
  std::vector<std::string> options;
  if (table.options.without_rowid) options.emplace_back("WITHOUT ROWID");
  if (table.options.strict) options.emplace_back("STRICT");
  for (std::size_t i = 0; i < options.size(); ++i) out += (i ? ", " : " ") + options[i];
  return out;
}

std::string create_index(const std::string& table, const model::Index& index) {
  std::string out = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  out += quote_identifier(index.name) + " ON " + quote_identifier(table) + " (";
  for (std::size_t i = 0; i < index.keys.size(); ++i) {
    const model::IndexKey& k = index.keys[i];
    if (i) out += ", ";
    out += k.is_expression() ? k.expression : quote_identifier(k.column);
    if (k.collation) out += " COLLATE " + quote_identifier(*k.collation);
    if (k.descending) out += " DESC";
  }
  out += ")";
  if (index.where_clause) out += " WHERE " + *index.where_clause;
  return out;
}

std::string create_view(const model::View& view) {
  std::string out = "CREATE VIEW " + quote_identifier(view.name);
  if (!view.columns.empty()) out += " (" + join_names(view.columns) + ")";
  return out + " AS\n" + view.sql;
}

}  // namespace strata::dialect::sqlite
