#include "dialect/sqlite/table_facts.hpp"

#include "dialect/sqlite/lexer.hpp"
#include "strata/model/schema.hpp"

namespace strata::dialect::sqlite {

namespace {

using model::iequals;

// Columns of one table, hidden (generated) ones included.
constexpr const char* kColumnsQuery =
    "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid";

// The key columns of each index of one table, the primary key's too (origin
// pk), oldest index last as SQLite lists them; cid -2 marks an expression.
constexpr const char* kIndexKeysQuery =
    "SELECT l.name, l.\"unique\", l.origin, x.cid, x.name, x.\"desc\" "
    "FROM pragma_index_list(?1) AS l, pragma_index_xinfo(l.name) AS x WHERE x.key = 1 ORDER BY l.seq, x.seqno";

// The table's own spelling of a column named name in any case, if it has one.
const std::string* column_named(const ParsedTable& table, const std::string& name) {
  for (const ParsedColumn& c : table.columns)
    if (iequals(c.name, name)) return &c.name;
  return nullptr;
}

// The column an index key names, or nothing when the key is an expression.
// SQLite reads a key as a column when, without the parentheses around it, it
// is one name of a column of the table: a bare word, a quoted name or a
// string. Sets unsure when a collation inside parentheses would make SQLite
// read the key as a column with a collation.
std::optional<std::string> key_column(const ParsedTable& table, const std::string& key, bool& unsure) {
  std::vector<Token> tokens = significant_tokens(key);
  for (const Token& t : tokens)
    if (t.is_word("COLLATE")) unsure = true;
  std::size_t first = 0, last = tokens.size();
  while (last - first >= 2 && tokens[first].is_punct("(") && tokens[last - 1].is_punct(")")) {
    int depth = 0;
    bool outer = true;  // whether tokens[first] and tokens[last - 1] are a pair
    for (std::size_t i = first; i < last && outer; ++i) {
      if (tokens[i].is_punct("(")) ++depth;
      if (tokens[i].is_punct(")") && --depth == 0 && i + 1 < last) outer = false;
    }
    if (!outer) break;
    ++first, --last;
  }
  if (last - first != 1) return std::nullopt;
  const Token& t = tokens[first];
  std::string name;
  if (t.kind == Token::Kind::Word) {
    // Keywords that are values, never names.
    for (const char* value : {"NULL", "CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"})
      if (t.is_word(value)) return std::nullopt;
    name = t.text;
  } else if (t.kind == Token::Kind::QuotedIdentifier) {
    name = t.identifier();
  } else if (t.kind == Token::Kind::String) {
    name = t.string_value();
  } else {
    return std::nullopt;
  }
  const std::string* column = column_named(table, name);
  if (!column) return std::nullopt;
  return *column;
}

// A declared type as SQLite reports it: since 3.37 the six types a STRICT
// table allows are kept as a code, and spelled back in capitals.
std::string reported_type(const std::string& declared) {
  if (sqlite3_libversion_number() < 3037000) return declared;
  for (const char* standard : {"ANY", "BLOB", "INT", "INTEGER", "REAL", "TEXT"})
    if (iequals(declared, standard)) return standard;
  return declared;
}

}  // namespace

std::optional<TableFacts> facts_from_statements(const ParsedTable& table, const std::vector<StoredIndex>& indexes,
                                                std::size_t stored_automatic_indexes) {
  TableFacts facts;
  facts.columns.reserve(table.columns.size());
  std::vector<std::string> primary_key;
  bool column_primary_key_descending = false;
  for (const ParsedColumn& c : table.columns) {
    if (!c.type_plain) return std::nullopt;
    ColumnFacts f;
    f.name = c.name;
    f.type = reported_type(c.type);
    f.not_null = c.not_null;
    if (c.generated) f.hidden = c.generated_stored ? 3 : 2;
    else f.default_text = c.default_text;
    if (c.primary_key) {
      primary_key.push_back(c.name);
      column_primary_key_descending = c.primary_key_descending;
    }
    facts.columns.push_back(std::move(f));
  }
  if (!table.primary_key_columns.empty()) {
    if (!primary_key.empty()) return std::nullopt;  // SQLite allows one primary key only
    for (const std::string& name : table.primary_key_columns) {
      const std::string* column = column_named(table, name);
      if (!column) return std::nullopt;
      primary_key.push_back(*column);
    }
  }
  for (std::size_t k = 0; k < primary_key.size(); ++k) {
    for (ColumnFacts& f : facts.columns) {
      if (f.name != primary_key[k]) continue;
      if (f.primary_key_position != 0) return std::nullopt;  // named twice: SQLite would drop the repeat
      f.primary_key_position = static_cast<int>(k + 1);
      if (table.without_rowid) f.not_null = true;  // SQLite makes these NOT NULL
    }
  }
  // One automatic index per unique constraint, SQLite's own spelling of each
  // column. A constraint on the same columns as another or as the primary key
  // may share its index, depending on collations and on whether the key is
  // the rowid; such tables are read from the pragmas.
  std::vector<std::vector<std::string>> unique_columns;
  for (const ParsedUnique& u : table.uniques) {
    std::vector<std::string> columns;
    for (const std::string& name : u.columns) {
      const std::string* column = column_named(table, name);
      if (!column) return std::nullopt;
      columns.push_back(*column);
    }
    if (iequals(columns, primary_key)) return std::nullopt;
    for (const auto& earlier : unique_columns)
      if (iequals(columns, earlier)) return std::nullopt;
    unique_columns.push_back(columns);
    IndexFacts index;
    index.unique = true;
    index.constraint = true;
    for (std::string& column : columns) index.keys.push_back({false, std::move(column), false});
    facts.indexes.push_back(std::move(index));
  }
  // The primary key of a rowid table has an index of its own unless it is
  // the rowid: one INTEGER column, not declared "INTEGER PRIMARY KEY DESC".
  bool is_rowid = false;
  if (!table.without_rowid && primary_key.size() == 1) {
    const bool descending_column_key = table.primary_key_columns.empty() && column_primary_key_descending;
    for (const ColumnFacts& f : facts.columns)
      if (f.name == primary_key.front()) is_rowid = iequals(f.type, "INTEGER") && !descending_column_key;
  }
  const std::size_t automatic =
      unique_columns.size() + (!primary_key.empty() && !table.without_rowid && !is_rowid ? 1 : 0);
  if (automatic != stored_automatic_indexes) return std::nullopt;

  for (const StoredIndex& stored : indexes) {
    IndexFacts index;
    index.name = stored.name;
    index.unique = stored.parsed->unique;
    for (const ParsedIndexKey& k : stored.parsed->keys) {
      bool unsure = false;
      std::optional<std::string> column = key_column(table, k.text, unsure);
      if (unsure) return std::nullopt;
      index.keys.push_back({!column, column.value_or(""), k.descending});
    }
    facts.indexes.push_back(std::move(index));
  }
  return facts;
}

TableFacts facts_from_pragmas(Connection& connection, const std::string& table) {
  TableFacts facts;
  connection.each_row(
      kColumnsQuery,
      [&](const Connection::Row& row) {
        ColumnFacts f;
        f.name = row[0].value_or("");
        f.type = row[1].value_or("");
        f.not_null = row[2].value_or("0") != "0";
        f.default_text = row[3];
        f.primary_key_position = std::stoi(row[4].value_or("0"));
        f.hidden = std::stoi(row[5].value_or("0"));
        facts.columns.push_back(std::move(f));
      },
      {table});
  // Rows come index by index; constraints are put first.
  std::vector<IndexFacts> constraints, created;
  std::optional<std::string> current;
  bool skipping = false;
  connection.each_row(
      kIndexKeysQuery,
      [&](const Connection::Row& row) {
        const std::string name = row[0].value_or("");
        const std::string origin = row[2].value_or("");
        if (name != current) {
          current = name;
          skipping = origin == "pk";
          if (skipping) return;
          std::vector<IndexFacts>& group = origin == "c" ? created : constraints;
          IndexFacts index;
          index.unique = row[1].value_or("0") != "0";
          index.constraint = origin != "c";
          if (!index.constraint) index.name = name;
          group.push_back(std::move(index));
        }
        if (skipping) return;
        IndexFacts& index = (origin == "c" ? created : constraints).back();
        IndexKeyFacts key;
        key.expression = row[3].value_or("") == "-2";
        if (!key.expression) key.column = row[4].value_or("");
        key.descending = row[5].value_or("0") != "0";
        index.keys.push_back(std::move(key));
      },
      {table});
  facts.indexes = std::move(constraints);
  for (IndexFacts& i : created) facts.indexes.push_back(std::move(i));
  return facts;
}

}  // namespace strata::dialect::sqlite
