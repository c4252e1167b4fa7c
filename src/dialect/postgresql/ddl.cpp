#include "dialect/postgresql/ddl.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "strata/model/types.hpp"
#include "strata/sql/quoting.hpp"

namespace strata::dialect::postgresql {

namespace {

// Keywords PostgreSQL reserves (cannot be a bare column or table name).
const std::set<std::string>& reserved() {
  static const std::set<std::string> words = {
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both",
      "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross",
      "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
      "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
      "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner",
      "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
      "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
      "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user", "similar",
      "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique",
      "user", "using", "variadic", "verbose", "when", "where", "window", "with"};
  return words;
}

// Where the comment that starts at i ends (past its last character), or i
// when no comment starts there; npos for a /* comment that does not end.
std::size_t comment_end(const std::string& sql, std::size_t i) {
  const std::size_t n = sql.size();
  if (sql.compare(i, 2, "--") == 0) {
    while (i < n && sql[i] != '\n' && sql[i] != '\r') ++i;
    return i;
  }
  if (sql.compare(i, 2, "/*") != 0) return i;
  int nested = 1;  // PostgreSQL's block comments nest
  for (i += 2; i < n && nested > 0;) {
    if (sql.compare(i, 2, "/*") == 0) ++nested, i += 2;
    else if (sql.compare(i, 2, "*/") == 0) --nested, i += 2;
    else ++i;
  }
  return nested > 0 ? std::string::npos : i;
}

}  // namespace

std::string quote_identifier(const std::string& name) {
  bool simple = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name)
    simple = simple && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                        c == '_' || c == '$');
  if (simple && !reserved().count(name)) return name;
  return sql_quoted_identifier(name);
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + quote_identifier(n);
  return out;
}

std::string quote_string(const std::string& value) { return sql_string_literal(value); }

std::string qualified(const std::string& schema, const std::string& name) {
  return schema.empty() ? quote_identifier(name) : quote_identifier(schema) + "." + quote_identifier(name);
}

std::string table_name(const model::Table& table) { return qualified(table.schema, table.name); }

std::string qualified_reference(const std::string& reference, const std::string& from_schema) {
  const std::size_t dot = reference.find('.');
  if (dot == std::string::npos) return qualified(from_schema, reference);
  return qualified(reference.substr(0, dot), reference.substr(dot + 1));
}

std::string declared_type(const std::string& type) {
  auto portable = model::parse_portable_type(type);
  if (!portable) return type;
  using K = model::PortableKind;
  auto args = [&] {
    std::string out;
    for (long a : portable->args) out += (out.empty() ? "" : ",") + std::to_string(a);
    return out.empty() ? out : "(" + out + ")";
  };
  switch (portable->kind) {
    case K::Integer: return "integer";
    case K::BigInt: return "bigint";
    case K::SmallInt: return "smallint";
    case K::Text: return "text";
    case K::Varchar: return "varchar" + args();
    case K::Char: return "char" + args();
    case K::Boolean: return "boolean";
    case K::Real: return "real";
    case K::Double: return "double precision";
    case K::Numeric: return "numeric" + args();
    case K::Date: return "date";
    case K::Time: return "time";
    case K::Timestamp: return "timestamp";
    case K::TimestampTz: return "timestamptz";
    case K::Json: return "json";
    case K::Uuid: return "uuid";
    case K::Blob: return "bytea";
  }
  return type;
}

std::string stored_type_name(const std::string& type) {
  std::string t;
  for (char c : declared_type(type))
    if (c != ' ' || (!t.empty() && t.back() != ' ' && t.back() != '(' && t.back() != ',')) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (std::size_t p = t.find(" )"); p != std::string::npos; p = t.find(" )")) t.erase(p, 1);
  for (std::size_t p = t.find(" ,"); p != std::string::npos; p = t.find(" ,")) t.erase(p, 1);
  if (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) return stored_type_name(t.substr(0, t.size() - 2)) + "[]";
  // Split "name(args)" and look the name up among the aliases.
  std::string base = t, args;
  if (const std::size_t open = t.find('('); open != std::string::npos && t.back() == ')') {
    base = t.substr(0, open);
    args = t.substr(open);
    while (!base.empty() && base.back() == ' ') base.pop_back();
  }
  static const std::map<std::string, std::string> kPlain = {
      {"int", "integer"},       {"int4", "integer"},         {"integer", "integer"},
      {"int8", "bigint"},       {"bigint", "bigint"},        {"int2", "smallint"},
      {"smallint", "smallint"}, {"bool", "boolean"},         {"boolean", "boolean"},
      {"float4", "real"},       {"real", "real"},            {"float8", "double precision"},
      {"float", "double precision"}, {"double precision", "double precision"},
      {"text", "text"},         {"date", "date"},            {"bytea", "bytea"},
      {"json", "json"},         {"jsonb", "jsonb"},          {"uuid", "uuid"},
      {"numeric", "numeric"},   {"decimal", "numeric"},      {"varchar", "character varying"},
      {"character varying", "character varying"},           {"char", "character(1)"},
      {"character", "character(1)"},                        {"bpchar", "character"},
      {"timestamp", "timestamp without time zone"},         {"timestamp without time zone", "timestamp without time zone"},
      {"timestamptz", "timestamp with time zone"},          {"timestamp with time zone", "timestamp with time zone"},
      {"time", "time without time zone"},                   {"time without time zone", "time without time zone"},
      {"timetz", "time with time zone"},                    {"time with time zone", "time with time zone"}};
  if (args.empty()) {
    auto found = kPlain.find(base);
    return found == kPlain.end() ? t : found->second;
  }
  if (base == "varchar" || base == "character varying") return "character varying" + args;
  if (base == "char" || base == "character" || base == "bpchar") return "character" + args;
  if (base == "numeric" || base == "decimal") return "numeric" + (args.find(',') == std::string::npos ? args.substr(0, args.size() - 1) + ",0)" : args);
  if (base == "timestamp" || base == "time") return base + args + " without time zone";
  if (base == "timestamptz") return "timestamp" + args + " with time zone";
  if (base == "timetz") return "time" + args + " with time zone";
  return t;
}

std::string default_sql(const model::Default& value, const std::string& column_type) {
  if (value.kind == model::Default::Kind::Expression) return value.expression;
  const model::Literal& l = value.literal;
  switch (l.kind) {
    case model::Literal::Kind::Null: return "NULL";
    case model::Literal::Kind::Boolean: return l.text;
    case model::Literal::Kind::Number: {
      // 0 and 1 on a boolean column are how other engines spell false and true.
      auto portable = model::parse_portable_type(column_type);
      if (portable && portable->kind == model::PortableKind::Boolean) return l.text == "0" ? "false" : "true";
      if (!l.text.empty() && l.text.front() == '-') return "(" + l.text + ")";
      return l.text;
    }
    case model::Literal::Kind::String: return quote_string(l.text);
  }
  return "NULL";
}

std::optional<std::string> serial_base(const std::string& type) {
  if (type == "serial" || type == "serial4") return std::string("integer");
  if (type == "bigserial" || type == "serial8") return std::string("bigint");
  if (type == "smallserial" || type == "serial2") return std::string("smallint");
  return std::nullopt;
}

std::string identity_options_sql(const model::SequenceOptions& o, const std::string& separator) {
  std::string out;
  if (o.start) out += separator + "START WITH " + std::to_string(*o.start);
  if (o.increment) out += separator + "INCREMENT BY " + std::to_string(*o.increment);
  if (o.min_value) out += separator + "MINVALUE " + std::to_string(*o.min_value);
  if (o.max_value) out += separator + "MAXVALUE " + std::to_string(*o.max_value);
  if (o.cache) out += separator + "CACHE " + std::to_string(*o.cache);
  if (o.cycle) out += separator + "CYCLE";
  return out;
}

std::string column_definition(const model::Column& column) {
  std::string out = quote_identifier(column.name) + " " + declared_type(column.type);
  if (column.collation) out += " COLLATE " + quote_identifier(*column.collation);
  if (column.generated) out += " GENERATED ALWAYS AS (" + column.generated->expression + ") STORED";
  if (column.identity) {
    out += column.identity == std::string("always") ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY";
    const std::string options = identity_options_sql(column.identity_sequence(), " ");
    if (!options.empty()) out += " (" + options.substr(1) + ")";
  }
  if (!column.nullable) out += " NOT NULL";
  if (column.default_value) out += " DEFAULT " + default_sql(*column.default_value, column.type);
  return out;
}

std::string foreign_key_clause(const model::ForeignKey& fk, const std::string& from_schema) {
  std::string s;
  if (fk.name) s += "CONSTRAINT " + quote_identifier(*fk.name) + " ";
  s += "FOREIGN KEY (" + join_names(fk.columns) + ") REFERENCES " + qualified_reference(fk.ref_table, from_schema);
  if (!fk.ref_columns.empty()) s += " (" + join_names(fk.ref_columns) + ")";
  if (fk.match_full) s += " MATCH FULL";
  if (fk.on_delete != model::ReferentialAction::NoAction) s += " ON DELETE " + sql_referential_action(fk.on_delete);
  if (fk.on_update != model::ReferentialAction::NoAction) s += " ON UPDATE " + sql_referential_action(fk.on_update);
  if (fk.deferrable) s += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  if (fk.not_valid) s += " NOT VALID";
  return s;
}

std::string create_table(const model::Table& table) {
  std::vector<std::string> parts;
  for (const model::Column& c : table.columns) parts.push_back(column_definition(c));
  if (table.primary_key) {
    std::string pk;
    if (table.primary_key->name) pk += "CONSTRAINT " + quote_identifier(*table.primary_key->name) + " ";
    parts.push_back(pk + "PRIMARY KEY (" + join_names(table.primary_key->columns) + ")");
  }
  for (const model::UniqueConstraint& u : table.uniques) {
    std::string s;
    if (u.name) s += "CONSTRAINT " + quote_identifier(*u.name) + " ";
    parts.push_back(s + (u.nulls_not_distinct ? "UNIQUE NULLS NOT DISTINCT (" : "UNIQUE (") + join_names(u.columns) + ")");
  }
  for (const model::CheckConstraint& c : table.checks) {
    // NOT VALID cannot be said in CREATE TABLE; such checks are added by ALTER TABLE after it.
    if (c.not_valid) continue;
    std::string s;
    if (c.name) s += "CONSTRAINT " + quote_identifier(*c.name) + " ";
    parts.push_back(s + "CHECK (" + c.expression + ")");
  }
  for (const model::ExclusionConstraint& x : table.exclusions) parts.push_back(exclusion_clause(x));
  std::string out = "CREATE TABLE " + table_name(table) + " (\n";
  for (std::size_t i = 0; i < parts.size(); ++i) out += "  " + parts[i] + (i + 1 < parts.size() ? ",\n" : "\n");
  out += ")";
  if (table.partition_by) out += " PARTITION BY " + *table.partition_by;
  return out;
}

std::string exclusion_clause(const model::ExclusionConstraint& x) {
  std::string s;
  if (x.name) s += "CONSTRAINT " + quote_identifier(*x.name) + " ";
  if (!x.definition.empty()) return s + x.definition;
  s += "EXCLUDE USING " + x.method + " (" + x.elements + ")";
  if (x.where_clause) s += " WHERE (" + *x.where_clause + ")";
  return s;
}

std::string create_partition(const model::Table& parent, const model::Partition& partition) {
  return "CREATE TABLE " + qualified(partition.schema, partition.name) + " PARTITION OF " + table_name(parent) + " " +
         partition.bound;
}

std::string create_index(const model::Table& table, const model::Index& index) {
  std::string out = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  out += quote_identifier(index.name) + " ON " + table_name(table);
  if (!index.method.empty()) out += " USING " + index.method;
  out += " (";
  for (std::size_t i = 0; i < index.keys.size(); ++i) {
    const model::IndexKey& k = index.keys[i];
    if (i) out += ", ";
    out += k.is_expression() ? "(" + k.expression + ")" : quote_identifier(k.column);
    if (k.collation) out += " COLLATE " + quote_identifier(*k.collation);
    if (k.opclass) out += " " + *k.opclass;
    if (k.descending) out += " DESC";
    if (k.nulls_first) out += *k.nulls_first ? " NULLS FIRST" : " NULLS LAST";
  }
  out += ")";
  if (!index.include.empty()) out += " INCLUDE (" + join_names(index.include) + ")";
  if (index.nulls_not_distinct) out += " NULLS NOT DISTINCT";
  if (index.where_clause) out += " WHERE " + *index.where_clause;
  return out;
}

std::string check_clause(const model::CheckConstraint& c) {
  std::string s;
  if (c.name) s += "CONSTRAINT " + quote_identifier(*c.name) + " ";
  s += "CHECK (" + c.expression + ")";
  if (c.not_valid) s += " NOT VALID";
  return s;
}

std::string create_enum(const model::EnumType& type) {
  std::string out = "CREATE TYPE " + qualified(type.schema, type.name) + " AS ENUM (";
  for (std::size_t i = 0; i < type.values.size(); ++i) out += (i ? ", " : "") + quote_string(type.values[i]);
  return out + ")";
}

// Why an expression of the document would not stay inside the clause the
// renderer puts it in, or nothing. Expressions go into CREATE statements as
// written, so a ")" that closes more than the expression opened, a ";", or a
// string, name or comment left open (which takes in the SQL after it) would
// let it end its clause and add SQL of its own. Read with PostgreSQL's rules:
// '' strings and E'' strings with backslash escapes, "" names, $tag$ strings,
// nested /* */ comments, and -- comments that a line break or a carriage
// return ends.
std::optional<std::string> leaves_its_clause(const std::string& sql) {
  auto word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
  };
  const std::size_t n = sql.size();
  int depth = 0;
  std::size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    if (const std::size_t past = comment_end(sql, i); past != i) {
      if (past == std::string::npos) return std::string("it leaves a /* comment open");
      if (past == n && c == '-') return std::string("it ends in a -- comment, which would comment out the SQL after it");
      i = past;
    } else if (c == '\'' || c == '"') {
      const bool backslash = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !word(sql[i - 2]));
      bool closed = false;
      for (++i; i < n && !closed; ++i) {
        if (backslash && sql[i] == '\\') {
          ++i;
        } else if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) ++i;
          else closed = true;
        }
      }
      if (!closed) return std::string("it leaves a string or quoted name open");
    } else if (c == '$' && (i == 0 || !word(sql[i - 1])) && i + 1 < n && !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      std::size_t j = i + 1;
      while (j < n && word(sql[j]) && sql[j] != '$') ++j;
      if (j < n && sql[j] == '$') {
        const std::string tag = sql.substr(i, j - i + 1);
        const std::size_t end = sql.find(tag, j + 1);
        if (end == std::string::npos) return std::string("it leaves a " + tag + " string open");
        i = end + tag.size();
      } else {
        i = j;
      }
    } else {
      if (c == '(') ++depth;
      if (c == ')' && --depth < 0) return std::string("it closes a parenthesis it did not open");
      if (c == ';') return std::string("it holds a \";\", which would end the statement");
      ++i;
    }
  }
  if (depth > 0) return std::string("it leaves a parenthesis open");
  return std::nullopt;
}


std::optional<std::vector<std::string>> names_in(const std::string& sql) {
  if (leaves_its_clause(sql)) return std::nullopt;
  auto starts_word = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
  };
  auto in_word = [&](char c) { return starts_word(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$'; };
  std::vector<std::string> names;
  const std::size_t n = sql.size();
  std::size_t i = 0;
  while (i < n) {
    const char c = sql[i];
    if (const std::size_t past = comment_end(sql, i); past != i) {
      i = past == std::string::npos ? n : past;  // (leaves_its_clause has refused an open one)
    } else if (c == '\'') {
      // E'...' may escape a quote with a backslash; its prefix was read as a word.
      const bool backslash = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !in_word(sql[i - 2]));
      for (++i; i < n; ++i) {
        if (backslash && sql[i] == '\\') ++i;
        else if (sql[i] == '\'' && i + 1 < n && sql[i + 1] == '\'') ++i;
        else if (sql[i] == '\'') break;
      }
      ++i;
    } else if (c == '"') {
      if (i >= 2 && sql[i - 1] == '&' && (sql[i - 2] == 'U' || sql[i - 2] == 'u')) return std::nullopt;
      std::string name;
      for (++i; i < n; ++i) {
        if (sql[i] == '"' && i + 1 < n && sql[i + 1] == '"') name += '"', ++i;
        else if (sql[i] == '"') break;
        else name += sql[i];
      }
      ++i;
      names.push_back(std::move(name));
    } else if (c == '$' && i + 1 < n && !std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      // $tag$...$tag$ (leaves_its_clause has checked that it closes).
      std::size_t j = i + 1;
      while (j < n && in_word(sql[j]) && sql[j] != '$') ++j;
      i = j < n && sql[j] == '$' ? sql.find(sql.substr(i, j - i + 1), j + 1) + (j - i + 1) : j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      while (i < n && (in_word(sql[i]) || sql[i] == '.')) ++i;
    } else if (starts_word(c)) {
      std::string name;
      for (; i < n && in_word(sql[i]); ++i) name += sql[i] >= 'A' && sql[i] <= 'Z' ? static_cast<char>(sql[i] - 'A' + 'a') : sql[i];
      names.push_back(std::move(name));
    } else {
      ++i;
    }
  }
  return names;
}

}  // namespace strata::dialect::postgresql
