#include "dialect/sqlite/create_parser.hpp"

#include <stdexcept>

#include "dialect/sqlite/lexer.hpp"
#include "strata/model/schema.hpp"

namespace strata::dialect::sqlite {

namespace {

// A cursor over significant tokens that keeps the source for slicing.
class Cursor {
 public:
  explicit Cursor(const std::string& sql) : sql_(sql), tokens_(significant_tokens(sql)) {}

  bool done() const { return pos_ >= tokens_.size(); }
  const Token& peek(std::size_t ahead = 0) const {
    static const Token kEnd{Token::Kind::Punct, "", 0, 0};
    return pos_ + ahead < tokens_.size() ? tokens_[pos_ + ahead] : kEnd;
  }
  const Token& next() {
    const Token& t = peek();
    ++pos_;
    return t;
  }
  bool accept_word(const char* w) {
    if (peek().is_word(w)) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool accept_punct(const char* p) {
    if (peek().is_punct(p)) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect_word(const char* w) {
    if (!accept_word(w)) fail(std::string("expected ") + w);
  }
  void expect_punct(const char* p) {
    if (!accept_punct(p)) fail(std::string("expected \"") + p + "\"");
  }
  std::string name() {
    const Token& t = next();
    if (t.kind == Token::Kind::Word || t.kind == Token::Kind::QuotedIdentifier) return t.identifier();
    if (t.kind == Token::Kind::String) return t.string_value();  // SQLite takes a string where a name belongs as that name
    fail("expected a name");
  }
  // At "(": returns the source text inside the matching parentheses and moves past them.
  std::string parenthesized() {
    expect_punct("(");
    const std::size_t begin = tokens_[pos_ - 1].end;
    int depth = 1;
    while (!done()) {
      const Token& t = next();
      if (t.is_punct("(")) ++depth;
      if (t.is_punct(")") && --depth == 0) return trim(sql_.substr(begin, t.begin - begin));
    }
    fail("unbalanced parentheses");
  }
  // Skips a parenthesized group or a single token.
  void skip_term() {
    if (peek().is_punct("(")) parenthesized();
    else next();
  }
  std::size_t position() const { return pos_; }
  const std::string& source() const { return sql_; }
  const Token& at(std::size_t i) const { return tokens_[i]; }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(what + " near \"" + (done() ? std::string("end") : peek().text) + "\"");
  }

  static std::string trim(const std::string& s) {
    std::size_t b = s.find_first_not_of(" \t\r\n");
    std::size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
  }

 private:
  const std::string& sql_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

// Whether the cursor is at the first word of a column constraint. GENERATED
// starts one only before ALWAYS; alone it is a word of the type, as in SQLite.
bool starts_constraint(const Cursor& c) {
  static const char* const kWords[] = {"CONSTRAINT", "PRIMARY", "NOT",        "NULL", "UNIQUE", "CHECK",
                                       "DEFAULT",    "COLLATE", "REFERENCES", "AS"};
  const Token& t = c.peek();
  if (t.is_word("GENERATED")) return c.peek(1).is_word("ALWAYS");
  for (const char* w : kWords)
    if (t.is_word(w)) return true;
  return false;
}

void skip_conflict_clause(Cursor& c) {
  if (c.peek().is_word("ON") && c.peek(1).is_word("CONFLICT")) {
    c.next();
    c.next();
    c.next();
  }
}

std::vector<std::string> name_list(Cursor& c) {
  std::vector<std::string> out;
  c.expect_punct("(");
  while (true) {
    out.push_back(c.name());
    // indexed-column extras inside PRIMARY KEY/UNIQUE: COLLATE x, ASC/DESC
    while (!c.peek().is_punct(",") && !c.peek().is_punct(")")) {
      if (c.done()) c.fail("unterminated column list");
      c.next();
    }
    if (c.accept_punct(")")) break;
    c.expect_punct(",");
  }
  return out;
}

std::string action_words(Cursor& c) {
  if (c.accept_word("CASCADE")) return "CASCADE";
  if (c.accept_word("RESTRICT")) return "RESTRICT";
  if (c.accept_word("SET")) {
    if (c.accept_word("NULL")) return "SET NULL";
    c.expect_word("DEFAULT");
    return "SET DEFAULT";
  }
  c.expect_word("NO");
  c.expect_word("ACTION");
  return "NO ACTION";
}

void foreign_key_clause(Cursor& c, ParsedForeignKey& fk) {
  c.expect_word("REFERENCES");
  fk.ref_table = c.name();
  if (c.peek().is_punct("(")) fk.ref_columns = name_list(c);
  while (!c.done()) {
    if (c.accept_word("ON")) {
      if (c.accept_word("DELETE")) fk.on_delete = action_words(c);
      else if (c.accept_word("UPDATE")) fk.on_update = action_words(c);
      else c.fail("expected DELETE or UPDATE");
    } else if (c.accept_word("MATCH")) {
      c.name();
    } else if (c.peek().is_word("NOT") && c.peek(1).is_word("DEFERRABLE")) {
      c.next();
      c.next();
      if (c.accept_word("INITIALLY")) c.next();
    } else if (c.accept_word("DEFERRABLE")) {
      fk.deferrable = true;
      if (c.accept_word("INITIALLY")) {
        fk.initially_deferred = c.peek().is_word("DEFERRED");
        c.next();
      }
    } else {
      break;
    }
  }
}

void column_definition(Cursor& c, ParsedTable& table) {
  ParsedColumn column;
  column.name = c.name();
  // The type: every token up to the first constraint keyword, "," or ")".
  const std::size_t type_first = c.position();
  while (!c.done() && !c.peek().is_punct(",") && !c.peek().is_punct(")") && !starts_constraint(c)) {
    if (c.peek().kind != Token::Kind::Word && !c.peek().is_punct("(")) column.type_plain = false;
    c.skip_term();
  }
  if (c.position() > type_first) {
    const std::size_t begin = c.at(type_first).begin;
    column.type = c.source().substr(begin, c.at(c.position() - 1).end - begin);
  }
  std::optional<std::string> constraint_name;
  while (!c.done() && !c.peek().is_punct(",") && !c.peek().is_punct(")")) {
    if (c.accept_word("CONSTRAINT")) {
      constraint_name = c.name();
      continue;
    }
    if (c.accept_word("PRIMARY")) {
      c.expect_word("KEY");
      column.primary_key = true;
      column.primary_key_name = constraint_name;
      if (!c.accept_word("ASC")) column.primary_key_descending = c.accept_word("DESC");
      skip_conflict_clause(c);
      if (c.accept_word("AUTOINCREMENT")) column.autoincrement = true;
    } else if (c.accept_word("NOT")) {
      c.expect_word("NULL");
      column.not_null = true;
      skip_conflict_clause(c);
    } else if (c.accept_word("NULL")) {
      skip_conflict_clause(c);
    } else if (c.accept_word("UNIQUE")) {
      column.unique = true;
      column.unique_name = constraint_name;
      skip_conflict_clause(c);
    } else if (c.accept_word("CHECK")) {
      table.checks.push_back({constraint_name, c.parenthesized()});
    } else if (c.accept_word("DEFAULT")) {
      if (c.peek().is_punct("(")) {
        column.default_text = c.parenthesized();
      } else {
        const std::size_t begin = c.peek().begin;
        if (c.peek().is_punct("+") || c.peek().is_punct("-")) c.next();
        c.skip_term();
        column.default_text = c.source().substr(begin, c.at(c.position() - 1).end - begin);
      }
    } else if (c.accept_word("COLLATE")) {
      column.collation = c.name();
    } else if (c.peek().is_word("REFERENCES")) {
      ParsedForeignKey fk;
      fk.name = constraint_name;
      fk.columns = {column.name};
      foreign_key_clause(c, fk);
      table.foreign_keys.push_back(fk);
    } else if (c.accept_word("GENERATED")) {
      c.expect_word("ALWAYS");
      c.expect_word("AS");
      column.generated = c.parenthesized();
      if (c.accept_word("STORED")) column.generated_stored = true;
      else c.accept_word("VIRTUAL");
    } else if (c.accept_word("AS")) {
      column.generated = c.parenthesized();
      if (c.accept_word("STORED")) column.generated_stored = true;
      else c.accept_word("VIRTUAL");
    } else {
      c.fail("unexpected token in the definition of column \"" + column.name + "\"");
    }
    constraint_name.reset();
  }
  if (column.unique) table.uniques.push_back({column.unique_name, {column.name}});
  table.columns.push_back(column);
}

bool table_constraint(Cursor& c, ParsedTable& table) {
  std::optional<std::string> name;
  const std::size_t start = c.position();
  if (c.accept_word("CONSTRAINT")) name = c.name();
  if (c.accept_word("PRIMARY")) {
    c.expect_word("KEY");
    table.primary_key_name = name;
    table.primary_key_columns = name_list(c);
    skip_conflict_clause(c);
  } else if (c.accept_word("UNIQUE")) {
    table.uniques.push_back({name, name_list(c)});
    skip_conflict_clause(c);
  } else if (c.accept_word("CHECK")) {
    table.checks.push_back({name, c.parenthesized()});
  } else if (c.accept_word("FOREIGN")) {
    c.expect_word("KEY");
    ParsedForeignKey fk;
    fk.name = name;
    fk.columns = name_list(c);
    foreign_key_clause(c, fk);
    table.foreign_keys.push_back(fk);
  } else {
    if (c.position() != start) c.fail("expected a table constraint");
    return false;
  }
  return true;
}

// Moves past "CREATE [TEMP] [UNIQUE] <object> [IF NOT EXISTS] name"; returns
// whether UNIQUE was there.
bool skip_create_prefix(Cursor& c, const char* object) {
  c.expect_word("CREATE");
  if (!c.accept_word("TEMP")) c.accept_word("TEMPORARY");
  const bool unique = c.accept_word("UNIQUE");
  c.expect_word(object);
  if (c.peek().is_word("IF")) {
    c.next();
    c.expect_word("NOT");
    c.expect_word("EXISTS");
  }
  c.name();
  if (c.accept_punct(".")) c.name();
  return unique;
}

}  // namespace

ParsedTable parse_create_table(const std::string& sql) {
  Cursor c(sql);
  ParsedTable table;
  skip_create_prefix(c, "TABLE");
  if (c.peek().is_word("AS")) return table;  // CREATE TABLE ... AS SELECT: columns only, no constraints
  c.expect_punct("(");
  bool in_constraints = false;
  while (true) {
    const Token& t = c.peek();
    const bool constraint_start = t.is_word("CONSTRAINT") || t.is_word("PRIMARY") || t.is_word("UNIQUE") ||
                                  t.is_word("CHECK") || t.is_word("FOREIGN");
    // A column may be called "check" only when quoted; bare keywords start constraints.
    if (constraint_start && t.kind == Token::Kind::Word) in_constraints = true;
    if (in_constraints) table_constraint(c, table);
    else column_definition(c, table);
    if (c.accept_punct(")")) break;
    c.expect_punct(",");
  }
  while (!c.done()) {
    if (c.accept_word("WITHOUT")) {
      c.expect_word("ROWID");
      table.without_rowid = true;
    } else if (c.accept_word("STRICT")) {
      table.strict = true;
    } else if (!c.accept_punct(",") && !c.accept_punct(";")) {
      c.fail("unexpected table option");
    }
  }
  return table;
}

ParsedIndex parse_create_index(const std::string& sql) {
  Cursor c(sql);
  ParsedIndex index;
  index.unique = skip_create_prefix(c, "INDEX");
  c.expect_word("ON");
  c.name();
  c.expect_punct("(");
  while (true) {
    ParsedIndexKey key;
    const std::size_t first = c.position();
    // The key runs to the next "," or ")" at depth 0; COLLATE and ASC/DESC trail it.
    std::size_t last = first;
    while (!c.done() && !c.peek().is_punct(",") && !c.peek().is_punct(")")) {
      if (c.peek().is_word("COLLATE")) {
        c.next();
        key.collation = c.name();
        continue;
      }
      if (c.peek().is_word("ASC")) {
        c.next();
        continue;
      }
      if (c.peek().is_word("DESC")) {
        c.next();
        key.descending = true;
        continue;
      }
      c.skip_term();
      last = c.position();
    }
    if (last == first) c.fail("empty index key");
    const Token& a = c.at(first);
    const Token& b = c.at(last - 1);
    key.text = c.source().substr(a.begin, b.end - a.begin);
    if (last == first + 1 && (a.kind == Token::Kind::Word || a.kind == Token::Kind::QuotedIdentifier ||
                              a.kind == Token::Kind::String)) {
      key.is_column = true;
      key.column = a.kind == Token::Kind::String ? a.text.substr(1, a.text.size() - 2) : a.identifier();
    }
    index.keys.push_back(key);
    if (c.accept_punct(")")) break;
    c.expect_punct(",");
  }
  if (c.accept_word("WHERE")) {
    const std::size_t begin = c.position() < 1 ? 0 : c.at(c.position() - 1).end;
    std::string rest = c.source().substr(begin);
    while (!rest.empty() && (rest.back() == ';' || std::isspace(static_cast<unsigned char>(rest.back())))) rest.pop_back();
    index.where_clause = Cursor::trim(rest);
  }
  return index;
}

ParsedView parse_create_view(const std::string& sql) {
  Cursor c(sql);
  ParsedView view;
  skip_create_prefix(c, "VIEW");
  if (c.peek().is_punct("(")) view.columns = name_list(c);
  c.expect_word("AS");
  const std::size_t begin = c.at(c.position() - 1).end;
  std::string rest = sql.substr(begin);
  while (!rest.empty() && (rest.back() == ';' || std::isspace(static_cast<unsigned char>(rest.back())))) rest.pop_back();
  view.select = Cursor::trim(rest);
  return view;
}

}  // namespace strata::dialect::sqlite
