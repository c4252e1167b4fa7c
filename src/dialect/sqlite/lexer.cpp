#include "dialect/sqlite/lexer.hpp"

#include <cctype>

#include "strata/model/schema.hpp"

namespace strata::dialect::sqlite {

namespace {
bool is_ident_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_ident_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }
}  // namespace

bool Token::is_word(const char* upper_word) const {
  return kind == Kind::Word && model::iequals(text, upper_word);
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

std::vector<Token> tokenize(const std::string& sql) {
  std::vector<Token> tokens;
  const std::size_t n = sql.size();
  std::size_t i = 0;
  auto push = [&](Token::Kind kind, std::size_t begin, std::size_t end) {
    tokens.push_back(Token{kind, sql.substr(begin, end - begin), begin, end});
  };
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(sql[i]);
    const std::size_t start = i;
    if (std::isspace(c)) {
      while (i < n && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
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
    } else if (std::isdigit(c) || (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
      if (c == '0' && i + 1 < n && (sql[i + 1] == 'x' || sql[i + 1] == 'X')) {
        i += 2;
        while (i < n && std::isxdigit(static_cast<unsigned char>(sql[i]))) ++i;
      } else {
        while (i < n && (std::isdigit(static_cast<unsigned char>(sql[i])) || sql[i] == '.' || sql[i] == '_')) ++i;
        if (i < n && (sql[i] == 'e' || sql[i] == 'E')) {
          std::size_t j = i + 1;
          if (j < n && (sql[j] == '+' || sql[j] == '-')) ++j;
          if (j < n && std::isdigit(static_cast<unsigned char>(sql[j]))) {
            i = j;
            while (i < n && std::isdigit(static_cast<unsigned char>(sql[i]))) ++i;
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

std::vector<Token> significant_tokens(const std::string& sql) {
  std::vector<Token> out;
  for (Token& t : tokenize(sql))
    if (t.kind != Token::Kind::Space && t.kind != Token::Kind::Comment) out.push_back(std::move(t));
  return out;
}

namespace {
// True when tokens[0] is "(" and its matching ")" is the last token.
bool wrapped_in_parens(const std::vector<Token>& tokens) {
  if (tokens.size() < 2 || !tokens.front().is_punct("(") || !tokens.back().is_punct(")")) return false;
  int depth = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].is_punct("(")) ++depth;
    if (tokens[i].is_punct(")")) --depth;
    if (depth == 0 && i + 1 < tokens.size()) return false;
  }
  return true;
}
}  // namespace

std::string canonical_sql(const std::string& sql) {
  std::vector<Token> tokens = significant_tokens(sql);
  while (!tokens.empty() && tokens.back().is_punct(";")) tokens.pop_back();
  while (wrapped_in_parens(tokens)) tokens = std::vector<Token>(tokens.begin() + 1, tokens.end() - 1);
  std::string out;
  for (const Token& t : tokens) {
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
