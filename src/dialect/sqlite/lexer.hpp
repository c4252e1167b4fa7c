// A tokenizer for SQLite's SQL, used to read stored CREATE statements and to
// compare expressions the way SQLite reads them (not as raw text).
#pragma once

#include <string>
#include <vector>

namespace strata::dialect::sqlite {

struct Token {
  enum class Kind { Word, QuotedIdentifier, String, Number, Blob, Variable, Punct, Space, Comment };
  Kind kind;
  std::string text;       // the raw token text
  std::size_t begin = 0;  // byte offset in the source
  std::size_t end = 0;

  bool is_word(const char* upper_word) const;  // ASCII case-insensitive keyword test
  bool is_punct(const char* p) const { return kind == Kind::Punct && text == p; }
  // For words and quoted identifiers: the identifier it names.
  std::string identifier() const;
  // For a string literal: the text it holds, without its quotes and with
  // doubled quotes undone.
  std::string string_value() const;
};

// All tokens, including spaces and comments. Unterminated strings or quoted
// identifiers end the token at the end of the input.
std::vector<Token> tokenize(const std::string& sql);

// Tokens without spaces and comments.
std::vector<Token> significant_tokens(const std::string& sql);

// A canonical form of an SQL fragment for equality: comments and layout
// dropped, keywords and identifiers case-folded (quotes removed), literals
// kept, and parentheses around the whole fragment removed.
std::string canonical_sql(const std::string& sql);

}  // namespace strata::dialect::sqlite
