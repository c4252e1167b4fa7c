// Reading a table's columns and indexes from its stored statements gives what
// SQLite's own pragmas report, or declines: each table here is created in a
// real database and read both ways.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "dialect/sqlite/connection.hpp"
#include "dialect/sqlite/create_parser.hpp"
#include "dialect/sqlite/introspector.hpp"
#include "dialect/sqlite/table_facts.hpp"

using namespace strata::dialect::sqlite;

namespace {

struct Example {
  const char* sql;  // a CREATE TABLE named t, then the CREATE INDEXes on it
  bool read_from_statements;
};

const Example kExamples[] = {
    // Types as SQLite keeps them: the six standard names in capitals, others as written.
    {"CREATE TABLE t(a integer, b Text, c int, d real, e blob, f any, g varchar(64), h numeric(14, 4), "
     "i  DOUBLE   PRECISION, j UNSIGNED BIG INT, k VARCHAR /* c */ (10), l, m integer primary key)",
     true},
    {"CREATE TABLE t(a INT, b generated, c INT GENERATED ALWAYS AS (a + 1), d TEXT AS (lower(b)) STORED, "
     "e GENERATED ALWAYS AS (a) VIRTUAL)",
     true},
    // Defaults of every form.
    {"CREATE TABLE t(a DEFAULT 0, b DEFAULT -1, c DEFAULT - 1, d DEFAULT +2.5, e DEFAULT 'it''s', f DEFAULT x'00ff', "
     "g DEFAULT (1 + 2), h DEFAULT ( lower('X') ), i DEFAULT CURRENT_TIMESTAMP, j DEFAULT true, k DEFAULT NULL, "
     "l DEFAULT \"abc\", m DEFAULT abc, n NOT NULL DEFAULT 1e3)",
     true},
    {"CREATE TABLE t(a NOT NULL ON CONFLICT REPLACE, b NULL, c CONSTRAINT nn NOT NULL, d CHECK (d > 0) NOT NULL)", true},
    // Quoted and mixed-case names.
    {"CREATE TABLE t(\"Mixed Case\" TEXT, [bracket] INT, `tick` INT, \"q\"\"uote\" INT, 'str' INT, 'it''s' INT, "
     "PRIMARY KEY (\"mixed case\", BRACKET))",
     true},
    // Primary keys: the rowid alias, its DESC exception, composite keys, WITHOUT ROWID.
    {"CREATE TABLE t(id INTEGER PRIMARY KEY, a)", true},
    {"CREATE TABLE t(id INTEGER PRIMARY KEY DESC, a)", true},
    {"CREATE TABLE t(id INTEGER, a, PRIMARY KEY(id DESC))", true},
    {"CREATE TABLE t(id INT PRIMARY KEY, a)", true},
    {"CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, a)", true},
    {"CREATE TABLE t(a TEXT, b INT, c, PRIMARY KEY (b, a)) WITHOUT ROWID", true},
    {"CREATE TABLE t(a TEXT PRIMARY KEY, b) WITHOUT ROWID", true},
    {"CREATE TABLE t(a INTEGER NOT NULL, b TEXT NOT NULL, PRIMARY KEY(a)) STRICT", true},
    // Unique constraints.
    {"CREATE TABLE t(a UNIQUE, b CONSTRAINT ub UNIQUE, c, d, UNIQUE (c, d), CONSTRAINT u2 UNIQUE (D COLLATE nocase, a))",
     true},
    {"CREATE TABLE t(a, b, UNIQUE (a, a))", true},
    {"CREATE TABLE t(a TEXT UNIQUE, b, PRIMARY KEY (a))", false},
    {"CREATE TABLE t(a INTEGER PRIMARY KEY, UNIQUE (a))", false},
    {"CREATE TABLE t(a, b, UNIQUE (a COLLATE nocase), UNIQUE (a), UNIQUE (b DESC), UNIQUE (b))", false},
    {"CREATE TABLE t(a, b, PRIMARY KEY (a, b), UNIQUE (b, a)) WITHOUT ROWID", true},
    // Indexes: columns in any spelling, expressions, order, predicates.
    {"CREATE TABLE t(a, \"B\", c, d);"
     "CREATE INDEX i1 ON t(a, b DESC, C COLLATE nocase ASC);"
     "CREATE UNIQUE INDEX i2 ON t(\"b\", 'c', [d]);"
     "CREATE INDEX i3 ON t(lower(a), a + c, (a + c), +d, -d, \"nosuch\", 5) WHERE a > 0;"
     "CREATE INDEX i4 ON t(NULL, a);",
     true},
    {"CREATE TABLE t(a, b); CREATE INDEX i1 ON t((a), ((b)))", true},
    {"CREATE TABLE t(a, b); CREATE INDEX i1 ON t((a COLLATE nocase))", false},
    {"CREATE TABLE \"odd \"\"name\"(a, b); CREATE INDEX \"odd index\" ON \"odd \"\"name\"(b)", true},
    // A quoted word in a type: SQLite keeps only the first one.
    {"CREATE TABLE t(a \"quoted\" type, b)", false},
    {"CREATE TABLE t(a 'text', b)", false},
    // Foreign keys and checks do not change columns or indexes.
    {"CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE t(a REFERENCES p ON DELETE CASCADE, b INT "
     "CONSTRAINT fk REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED, CHECK (a > b), FOREIGN KEY (b) REFERENCES p)",
     true},
};

void order(TableFacts& facts) {
  std::stable_sort(facts.indexes.begin(), facts.indexes.end(), [](const IndexFacts& a, const IndexFacts& b) {
    if (a.constraint != b.constraint) return a.constraint;
    if (a.name != b.name) return a.name < b.name;
    std::vector<std::string> ka, kb;
    for (const auto& k : a.keys) ka.push_back(k.column);
    for (const auto& k : b.keys) kb.push_back(k.column);
    return ka < kb;
  });
}

std::string describe(const TableFacts& facts) {
  std::string out;
  for (const ColumnFacts& c : facts.columns) {
    out += "column " + c.name + " type [" + c.type + "] not_null " + std::to_string(c.not_null) + " default [" +
           c.default_text.value_or("(none)") + "] pk " + std::to_string(c.primary_key_position) + " hidden " +
           std::to_string(c.hidden) + "\n";
  }
  for (const IndexFacts& i : facts.indexes) {
    out += std::string(i.constraint ? "constraint" : "index ") + i.name + (i.unique ? " unique" : "") + " (";
    for (const IndexKeyFacts& k : i.keys) out += (k.expression ? "<expr>" : k.column) + (k.descending ? " desc" : "") + ",";
    out += ")\n";
  }
  return out;
}

}  // namespace

TEST_CASE("a table's columns and indexes read from its statements are what SQLite's pragmas report", "[sqlite][facts]") {
  for (const Example& example : kExamples) {
    INFO(example.sql);
    Connection db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY);
    db.exec(example.sql);
    std::string table, table_sql;
    std::map<std::string, ParsedIndex> parsed;
    std::vector<StoredIndex> indexes;
    std::size_t automatic = 0;
    for (const auto& row : db.query("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = (SELECT tbl_name FROM "
                                    "sqlite_schema WHERE type = 'table' ORDER BY rowid DESC LIMIT 1) ORDER BY rowid")) {
      if (*row[0] == "table") table = *row[1], table_sql = *row[2];
      else if (!row[2]) ++automatic;
      else indexes.push_back({*row[1], &parsed.emplace(*row[1], parse_create_index(*row[2])).first->second});
    }
    TableFacts reported = facts_from_pragmas(db, table);
    std::optional<TableFacts> read = facts_from_statements(parse_create_table(table_sql), indexes, automatic);
    CHECK(read.has_value() == example.read_from_statements);
    if (!read) continue;
    order(reported);
    order(*read);
    CHECK(describe(*read) == describe(reported));
    CHECK(read->columns == reported.columns);
    CHECK(read->indexes == reported.indexes);
  }
}

TEST_CASE("tables read from their pragmas and from their statements introspect alike", "[sqlite][facts]") {
  // Both kinds of table in one database: the whole schema reads back whole.
  Connection db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY);
  db.exec(
      "CREATE TABLE plain(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x', UNIQUE (name));"
      "CREATE INDEX plain_name ON plain(lower(name)) WHERE id > 0;"
      "CREATE TABLE odd(a TEXT UNIQUE, b \"quoted\" type, PRIMARY KEY (a));"
      "CREATE INDEX odd_b ON odd(b DESC);");
  const strata::model::Schema schema = introspect(db);
  REQUIRE(schema.tables.size() == 2);
  const strata::model::Table& plain = schema.tables[0];
  REQUIRE(plain.columns.size() == 2);
  CHECK(plain.columns[0].type == "INTEGER");
  CHECK_FALSE(plain.columns[0].nullable);
  CHECK(plain.columns[1].default_value->literal.text == "x");
  REQUIRE(plain.uniques.size() == 1);
  CHECK(plain.uniques[0].columns == std::vector<std::string>{"name"});
  REQUIRE(plain.indexes.size() == 1);
  CHECK(plain.indexes[0].keys[0].expression == "lower(name)");
  CHECK(plain.indexes[0].where_clause == std::optional<std::string>("id > 0"));
  const strata::model::Table& odd = schema.tables[1];
  REQUIRE(odd.columns.size() == 2);
  CHECK(odd.columns[1].type == "quoted");
  CHECK(odd.uniques.empty());  // SQLite folds the unique constraint into the primary key's index
  REQUIRE(odd.primary_key);
  CHECK(odd.primary_key->columns == std::vector<std::string>{"a"});
  REQUIRE(odd.indexes.size() == 1);
  CHECK(odd.indexes[0].keys[0].column == "b");
  CHECK(odd.indexes[0].keys[0].descending);
}
