#include "dialect/sqlite/lexer.hpp"

#include <cctype>

#include "strata/model/schema.hpp"

namespace strata::dialect::sqlite {

namespace {
// Character classes as the <cctype> functions give them in the "C" locale the
// program runs in (bytes from 0x80 up are none of them), without a call each.
inline bool is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_xdigit(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline bool is_ident_start(unsigned char c) { return is_alpha(c) || c == '_' || c >= 0x80; }
inline bool is_ident_char(unsigned char c) { return is_alpha(c) || is_digit(c) || c == '_' || c == '$' || c >= 0x80; }
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }
}  // namespace

bool Token::is_word(const char* upper_word) const {
  if (kind != Kind::Word) return false;
  // ASCII case-insensitive, as model::iequals, without making a string of upper_word.
  std::size_t i = 0;
  for (; i < text.size(); ++i) {
    if (upper_word[i] == '\0' || ascii_lower(text[i]) != ascii_lower(upper_word[i])) return false;
  }
  return upper_word[i] == '\0';
}

std::string Token::identifier() const {
  if (kind != Kind::QuotedIdentifier || text.empty()) return text;
  const char open = text.front();
  const char close = open == '[' ? ']' : open;
  std::string out;
  std::size_t stop = text.size();
  if (stop >= 2 && text.back() == close) --stop;
  for (std::size_t i = 1; i < stop; ++i) {
    out += text[i];
    if (open != '[' && text[i] == close && i + 1 < stop && text[i + 1] == close) ++i;
  }
  return out;
}

std::string Token::string_value() const {
  std::string out;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    out += text[i];
    if (text[i] == '\'' && text[i + 1] == '\'') ++i;
  }
  return out;
}

namespace {

// The tokens of sql; spaces and comments only when layout is true.
std::vector<Token> lex(const std::string& sql, bool layout) {
  std::vector<Token> tokens;
  tokens.reserve(sql.size() / (layout ? 3 : 5) + 4);
  const std::size_t n = sql.size();
  std::size_t i = 0;
  auto push = [&](Token::Kind kind, std::size_t begin, std::size_t end) {
    if (!layout && (kind == Token::Kind::Space || kind == Token::Kind::Comment)) return;
    tokens.push_back(Token{kind, sql.substr(begin, end - begin), begin, end});
  };
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(sql[i]);
    const std::size_t start = i;
    if (is_space(c)) {
      while (i < n && is_space(static_cast<unsigned char>(sql[i]))) ++i;
      push(Token::Kind::Space, start, i);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
      push(Token::Kind::Comment, start, i);
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      i += 2;
      while (i + 1 < n && !(sql[i] == '*' && sql[i + 1] == '/')) ++i;
      i = i + 1 < n ? i + 2 : n;
      push(Token::Kind::Comment, start, i);
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : static_cast<char>(c);
      ++i;
      while (i < n) {
        if (sql[i] == close) {
          if (close != ']' && i + 1 < n && sql[i + 1] == close) {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      push(c == '\'' ? Token::Kind::String : Token::Kind::QuotedIdentifier, start, i);
    } else if ((c == 'x' || c == 'X') && i + 1 < n && sql[i + 1] == '\'') {
      i += 2;
      while (i < n && sql[i] != '\'') ++i;
      if (i < n) ++i;
      push(Token::Kind::Blob, start, i);
    } else if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(static_cast<unsigned char>(sql[i + 1])))) {
      if (c == '0' && i + 1 < n && (sql[i + 1] == 'x' || sql[i + 1] == 'X')) {
        i += 2;
        while (i < n && is_xdigit(static_cast<unsigned char>(sql[i]))) ++i;
      } else {
        while (i < n && (is_digit(static_cast<unsigned char>(sql[i])) || sql[i] == '.' || sql[i] == '_')) ++i;
        if (i < n && (sql[i] == 'e' || sql[i] == 'E')) {
          std::size_t j = i + 1;
          if (j < n && (sql[j] == '+' || sql[j] == '-')) ++j;
          if (j < n && is_digit(static_cast<unsigned char>(sql[j]))) {
            i = j;
            while (i < n && is_digit(static_cast<unsigned char>(sql[i]))) ++i;
          }
        }
      }
      push(Token::Kind::Number, start, i);
    } else if (is_ident_start(c)) {
      while (i < n && is_ident_char(static_cast<unsigned char>(sql[i]))) ++i;
      push(Token::Kind::Word, start, i);
    } else if (c == '?' || c == ':' || c == '@' || c == '$') {
      ++i;
      while (i < n && is_ident_char(static_cast<unsigned char>(sql[i]))) ++i;
      push(Token::Kind::Variable, start, i);
    } else {
      static const char* const kTwo[] = {"||", "<<", ">>", "<=", ">=", "==", "!=", "<>", "->"};
      std::size_t len = 1;
      for (const char* two : kTwo) {
        if (sql.compare(i, 2, two) == 0) len = 2;
      }
      if (sql.compare(i, 3, "->>") == 0) len = 3;
      i += len;
      push(Token::Kind::Punct, start, i);
    }
  }
  return tokens;
}

}  // namespace

std::vector<Token> tokenize(const std::string& sql) { return lex(sql, true); }

std::vector<Token> significant_tokens(const std::string& sql) { return lex(sql, false); }

namespace {
// True when tokens[first] is "(" and its matching ")" is tokens[last - 1].
bool wrapped_in_parens(const std::vector<Token>& tokens, std::size_t first, std::size_t last) {
  if (last - first < 2 || !tokens[first].is_punct("(") || !tokens[last - 1].is_punct(")")) return false;
  int depth = 0;
  for (std::size_t i = first; i < last; ++i) {
    if (tokens[i].is_punct("(")) ++depth;
    if (tokens[i].is_punct(")")) --depth;
    if (depth == 0 && i + 1 < last) return false;
  }
  return true;
}
}  // namespace

std::string canonical_sql(const std::string& sql) {
  const std::vector<Token> tokens = significant_tokens(sql);
  std::size_t first = 0, last = tokens.size();
  while (last > first && tokens[last - 1].is_punct(";")) --last;
  while (wrapped_in_parens(tokens, first, last)) ++first, --last;
  std::string out;
  out.reserve(sql.size());
  for (std::size_t i = first; i < last; ++i) {
    const Token& t = tokens[i];
    if (!out.empty()) out += ' ';
    switch (t.kind) {
      case Token::Kind::Word:
      case Token::Kind::QuotedIdentifier:
        out += model::to_lower(t.identifier());
        break;
      case Token::Kind::Punct:
        out += t.text == "==" ? "=" : (t.text == "<>" ? "!=" : t.text);
        break;
      default:
        out += t.text;
    }
  }
  return out;
}

}  // namespace strata::dialect::sqlite
