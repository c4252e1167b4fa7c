#include "dialect/sqlite/introspector.hpp"

#include <algorithm>
#include <unordered_map>
#include <stdexcept>

#include "dialect/sqlite/create_parser.hpp"
#include "dialect/sqlite/lexer.hpp"
#include "dialect/sqlite/table_facts.hpp"
#include "strata/text/numbers.hpp"

namespace strata::dialect::sqlite {

namespace {

using model::iequals;
using model::to_lower;

// Objects of the database: tables, indexes, views and triggers, in creation
// order, and the automatic indexes of constraints (no SQL), which are counted.
constexpr const char* kObjectsQuery =
    "SELECT type, name, tbl_name, sql FROM sqlite_schema "
    "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' OR name LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\' ORDER BY rowid";

// Virtual tables and their shadow tables, which strata does not manage.
constexpr const char* kUnmanagedTablesQuery =
    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('virtual', 'shadow')";

std::string text(const Connection::Row& row, std::size_t i) { return row[i].value_or(""); }


std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

bool is_strata_table(const std::string& name) {
  return iequals(name, "strata_schema_versions");
}

model::Default classify_default(const std::string& stored) {
  model::Default d;
  const std::string s = trim(stored);
  d.kind = model::Default::Kind::Literal;
  if (iequals(s, "NULL")) {
    d.literal.kind = model::Literal::Kind::Null;
    return d;
  }
  if (iequals(s, "TRUE") || iequals(s, "FALSE")) {
    d.literal.kind = model::Literal::Kind::Boolean;
    d.literal.text = iequals(s, "TRUE") ? "true" : "false";
    return d;
  }
  if (text::is_decimal_number(s)) {
    d.literal.kind = model::Literal::Kind::Number;
    d.literal.text = s.front() == '+' ? s.substr(1) : s;
    return d;
  }
  const std::vector<Token> tokens = significant_tokens(s);
  if (tokens.size() == 1 && tokens.front().kind == Token::Kind::String) {
    d.literal.kind = model::Literal::Kind::String;
    d.literal.text = tokens.front().string_value();
    return d;
  }
  d.kind = model::Default::Kind::Expression;
  std::string expression = s;
  // "(1 + 2)" is stored with the parentheses SQLite requires; the model keeps the expression only.
  if (tokens.size() >= 2 && tokens.front().is_punct("(") && tokens.back().is_punct(")")) {
    int depth = 0;
    bool outer = true;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].is_punct("(")) ++depth;
      if (tokens[i].is_punct(")")) --depth;
      if (depth == 0 && i + 1 < tokens.size()) outer = false;
    }
    if (outer) expression = trim(s.substr(tokens.front().end, tokens.back().begin - tokens.front().end));
  }
  d.expression = expression;
  return d;
}

namespace {

// Whether a stored CREATE statement makes a virtual table: it starts, after
// blanks, with "create virtual" in any case.
bool creates_virtual_table(const std::string& sql) {
  static const char kPrefix[] = "create virtual";
  const std::size_t b = sql.find_first_not_of(" \t\r\n");
  if (b == std::string::npos || sql.size() - b < sizeof kPrefix - 1) return false;
  for (std::size_t i = 0; i + 1 < sizeof kPrefix; ++i) {
    const char c = sql[b + i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kPrefix[i]) return false;
  }
  return true;
}

// A table's model from its stored statement, its CREATE INDEXes in creation
// order and the facts of its columns and indexes.
void build_table(model::Table& t, const ParsedTable& p, const std::vector<StoredIndex>& stored_indexes,
                 const TableFacts& facts) {
  std::vector<std::pair<int, std::string>> pk_columns;
  t.columns.reserve(facts.columns.size());
  for (const ColumnFacts& f : facts.columns) {
    if (f.hidden == 1) continue;  // a hidden column of a virtual table
    model::Column c;
    c.name = f.name;
    c.type = f.type;
    c.nullable = !f.not_null;
    if (f.default_text) c.default_value = classify_default(*f.default_text);
    if (f.primary_key_position > 0) pk_columns.emplace_back(f.primary_key_position, c.name);
    for (const ParsedColumn& pc : p.columns) {
      if (!iequals(pc.name, c.name)) continue;
      c.collation = pc.collation;
      c.autoincrement = pc.autoincrement;
      if (pc.generated) c.generated = model::Generated{*pc.generated, pc.generated_stored};
    }
    t.columns.push_back(std::move(c));
  }
  t.options.without_rowid = p.without_rowid;
  t.options.strict = p.strict;
  if (!pk_columns.empty()) {
    std::sort(pk_columns.begin(), pk_columns.end());
    model::PrimaryKey pk;
    for (const auto& [place, column] : pk_columns) pk.columns.push_back(column);
    pk.name = p.primary_key_name;
    for (const ParsedColumn& pc : p.columns)
      if (pc.primary_key && pc.primary_key_name) pk.name = pc.primary_key_name;
    // A rowid alias (INTEGER PRIMARY KEY) can never hold NULL whatever the pragma says.
    if (pk.columns.size() == 1 && !t.options.without_rowid) {
      model::Column* c = t.find_column(pk.columns.front());
      if (c && iequals(trim(c->type), "INTEGER")) c->nullable = false;
    }
    t.primary_key = std::move(pk);
  }
  for (const ParsedCheck& check : p.checks) {
    model::CheckConstraint c;
    c.name = check.name;
    c.expression = check.expression;
    t.checks.push_back(std::move(c));
  }
  for (const ParsedForeignKey& pf : p.foreign_keys) {
    model::ForeignKey fk;
    fk.name = pf.name;
    fk.columns = pf.columns;
    fk.ref_table = pf.ref_table;
    fk.ref_columns = pf.ref_columns;
    fk.on_delete = model::parse_referential_action(pf.on_delete).value_or(model::ReferentialAction::NoAction);
    fk.on_update = model::parse_referential_action(pf.on_update).value_or(model::ReferentialAction::NoAction);
    fk.deferrable = pf.deferrable;
    fk.initially_deferred = pf.initially_deferred;
    t.foreign_keys.push_back(std::move(fk));
  }
  static const ParsedIndex kNoStatement;
  for (const IndexFacts& f : facts.indexes) {
    if (f.constraint) {
      model::UniqueConstraint u;
      for (const IndexKeyFacts& k : f.keys) u.columns.push_back(k.column);
      for (const ParsedUnique& pu : p.uniques)
        if (iequals(pu.columns, u.columns)) u.name = pu.name;
      t.uniques.push_back(std::move(u));
      continue;
    }
    model::Index index;
    index.name = f.name;
    index.unique = f.unique;
    const ParsedIndex* statement = &kNoStatement;
    for (const StoredIndex& stored : stored_indexes)
      if (iequals(stored.name, f.name)) statement = stored.parsed;
    const ParsedIndex& pi = *statement;
    index.where_clause = pi.where_clause;
    for (std::size_t k = 0; k < f.keys.size(); ++k) {
      model::IndexKey key;
      const ParsedIndexKey* parsed_key = k < pi.keys.size() ? &pi.keys[k] : nullptr;
      if (f.keys[k].expression) key.expression = parsed_key ? parsed_key->text : "";
      else key.column = f.keys[k].column;
      key.descending = f.keys[k].descending;
      if (parsed_key) key.collation = parsed_key->collation;
      index.keys.push_back(std::move(key));
    }
    t.indexes.push_back(std::move(index));
  }
  // Unique constraints in declaration order, indexes in creation order
  // (the pragmas list both newest first).
  auto declared_at = [&](const model::UniqueConstraint& u) {
    for (std::size_t k = 0; k < p.uniques.size(); ++k)
      if (iequals(p.uniques[k].columns, u.columns)) return k;
    return p.uniques.size();
  };
  if (t.uniques.size() > 1)
    std::stable_sort(t.uniques.begin(), t.uniques.end(),
                     [&](const auto& a, const auto& b) { return declared_at(a) < declared_at(b); });
  auto created_at = [&](const model::Index& index) {
    for (std::size_t k = 0; k < stored_indexes.size(); ++k)
      if (iequals(stored_indexes[k].name, index.name)) return k;
    return stored_indexes.size();
  };
  if (t.indexes.size() > 1)
    std::stable_sort(t.indexes.begin(), t.indexes.end(),
                     [&](const model::Index& a, const model::Index& b) { return created_at(a) < created_at(b); });
}

}  // namespace

model::Schema introspect(Connection& connection) {
  model::Schema schema;
  // schema.tables[i] is made by tables_sql[i] and indexes_sql[i], its CREATE
  // INDEXes in creation order; SQLite stored automatic_indexes[i] indexes for
  // its constraints. Statements are parsed one table at a time, so that only
  // the model is kept.
  std::unordered_map<std::string, std::size_t> table_index;  // lowercased name -> position in schema.tables
  std::vector<std::string> tables_sql;
  std::vector<std::vector<std::pair<std::string, std::string>>> indexes_sql;  // per table: name, CREATE INDEX
  std::vector<std::size_t> automatic_indexes;

  std::vector<std::string> unmanaged;
  try {
    connection.each_row(kUnmanagedTablesQuery, [&](const Connection::Row& row) { unmanaged.push_back(to_lower(text(row, 0))); });
  } catch (const std::runtime_error&) {
    // pragma_table_list needs SQLite 3.37; older versions have no STRICT tables either.
  }
  auto managed = [&](const std::string& table) {
    return !is_strata_table(table) &&
           (unmanaged.empty() || std::find(unmanaged.begin(), unmanaged.end(), to_lower(table)) == unmanaged.end());
  };
  auto position_of = [&](const std::string& name) -> std::size_t {
    auto it = table_index.find(to_lower(name));
    return it == table_index.end() ? schema.tables.size() : it->second;
  };

  struct IndexRow {
    std::string table, name;
    std::optional<std::string> sql;  // none for the automatic index of a constraint
  };
  std::vector<IndexRow> index_rows;
  connection.each_row(kObjectsQuery, [&](const Connection::Row& row) {
    const std::string type = text(row, 0), name = text(row, 1), table = text(row, 2);
    if (!managed(table)) return;
    if (type == "index") {  // read once every table is known
      index_rows.push_back({table, name, row[3]});
      return;
    }
    if (!row[3]) return;
    const std::string& sql = *row[3];
    if (type == "table") {
      if (creates_virtual_table(sql)) return;
      table_index[to_lower(name)] = schema.tables.size();
      tables_sql.push_back(sql);
      indexes_sql.emplace_back();
      automatic_indexes.push_back(0);
      schema.tables.emplace_back().name = name;
    } else if (type == "view") {
      model::View v;
      v.name = name;
      try {
        ParsedView pv = parse_create_view(sql);
        v.columns = std::move(pv.columns);
        v.sql = std::move(pv.select);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error("cannot read the definition of view \"" + name + "\": " + e.what());
      }
      schema.views.push_back(std::move(v));
    } else if (type == "trigger") {
      model::Trigger tr;
      tr.name = name;
      tr.table = table;
      tr.sql = trim(sql);
      schema.triggers.push_back(std::move(tr));
    }
  });
  for (IndexRow& row : index_rows) {
    const std::size_t i = position_of(row.table);
    if (i == schema.tables.size()) continue;
    if (row.sql) indexes_sql[i].emplace_back(std::move(row.name), std::move(*row.sql));
    else ++automatic_indexes[i];
  }
  index_rows.clear();

  // Columns and indexes from the statements where they tell it with
  // certainty, from the pragmas of the table where they do not.
  for (std::size_t i = 0; i < schema.tables.size(); ++i) {
    model::Table& t = schema.tables[i];
    ParsedTable parsed;
    try {
      parsed = parse_create_table(tables_sql[i]);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("cannot read the definition of table \"" + t.name + "\": " + e.what());
    }
    std::vector<ParsedIndex> parsed_indexes;
    parsed_indexes.reserve(indexes_sql[i].size());
    std::vector<StoredIndex> stored;
    for (const auto& [name, sql] : indexes_sql[i]) {
      try {
        parsed_indexes.push_back(parse_create_index(sql));
      } catch (const std::runtime_error& e) {
        throw std::runtime_error("cannot read the definition of index \"" + name + "\": " + e.what());
      }
      stored.push_back({name, &parsed_indexes.back()});
    }
    std::optional<TableFacts> facts = facts_from_statements(parsed, stored, automatic_indexes[i]);
    if (!facts) facts = facts_from_pragmas(connection, t.name);
    build_table(t, parsed, stored, *facts);
    std::string().swap(tables_sql[i]);
    std::vector<std::pair<std::string, std::string>>().swap(indexes_sql[i]);
  }
  // Foreign keys that name no columns reference the parent's primary key.
  for (model::Table& t : schema.tables) {
    for (model::ForeignKey& fk : t.foreign_keys) {
      if (!fk.ref_columns.empty()) continue;
      const std::size_t parent = position_of(fk.ref_table);
      if (parent < schema.tables.size() && schema.tables[parent].primary_key)
        fk.ref_columns = schema.tables[parent].primary_key->columns;
    }
  }
  return schema;
}

}  // namespace strata::dialect::sqlite
