// What SQLite itself reports of one table's columns and indexes (the rows of
// pragma_table_xinfo, pragma_index_list and pragma_index_xinfo), read in one
// of two ways:
//  - from the stored CREATE statements, as SQLite would read them. This costs
//    no query at all; a pragma looks its table up in SQLite's schema hash,
//    which stops growing at 64 buckets, so N pragma calls cost O(N²) string
//    comparisons (about half a second at 10,000 tables);
//  - from the pragmas of that one table, for a table whose statements hold
//    something the first way does not read with certainty.
// Both give the same facts for the same table; a test holds them to it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dialect/sqlite/connection.hpp"
#include "dialect/sqlite/create_parser.hpp"

namespace strata::dialect::sqlite {

struct ColumnFacts {
  std::string name;
  std::string type;
  bool not_null = false;
  std::optional<std::string> default_text;  // none for a generated column
  int primary_key_position = 0;             // 1-based; 0 when not in the primary key
  int hidden = 0;                           // 1 virtual-table hidden, 2 generated virtual, 3 generated stored
  bool operator==(const ColumnFacts& o) const {
    return name == o.name && type == o.type && not_null == o.not_null && default_text == o.default_text &&
           primary_key_position == o.primary_key_position && hidden == o.hidden;
  }
};

struct IndexKeyFacts {
  bool expression = false;
  std::string column;  // the table's own spelling of the column; empty for an expression
  bool descending = false;
  bool operator==(const IndexKeyFacts& o) const {
    return expression == o.expression && column == o.column && descending == o.descending;
  }
};

// An index other than the primary key's. Unique constraints carry no name:
// SQLite's names for them (sqlite_autoindex_...) are not the user's.
struct IndexFacts {
  std::string name;  // of a CREATE INDEX; empty for a unique constraint
  bool unique = false;
  bool constraint = false;  // made by a UNIQUE constraint, not by CREATE INDEX
  std::vector<IndexKeyFacts> keys;
  bool operator==(const IndexFacts& o) const {
    return name == o.name && unique == o.unique && constraint == o.constraint && keys == o.keys;
  }
};

struct TableFacts {
  std::vector<ColumnFacts> columns;  // in declaration order
  // Unique constraints, then CREATE INDEXes; the order within each is the
  // reader's (the statements' order, or SQLite's list order).
  std::vector<IndexFacts> indexes;
};

// A CREATE INDEX of the table, by name, as read by parse_create_index.
struct StoredIndex {
  std::string name;
  const ParsedIndex* parsed = nullptr;
};

// The facts of a table read from its statements: its CREATE TABLE, its CREATE
// INDEXes in creation order, and how many automatic indexes SQLite stored for
// its constraints. Nothing when the statements hold what is not read with
// certainty here (a quoted word in a type, a unique constraint on the same
// columns as another or as the primary key, an index key that is a column in
// parentheses or with a collation inside them, ...) or when the automatic
// indexes SQLite stored are not the ones these statements make.
std::optional<TableFacts> facts_from_statements(const ParsedTable& table, const std::vector<StoredIndex>& indexes,
                                                std::size_t stored_automatic_indexes);

// The facts of a table as its pragmas report them.
TableFacts facts_from_pragmas(Connection& connection, const std::string& table);

}  // namespace strata::dialect::sqlite
