#include "strata/migrate/splitter.hpp"

#include <cctype>

#include "strata/model/schema.hpp"

namespace strata::migrate {

namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

// Whether a statement's opening words make BEGIN start a body rather than a transaction.
bool has_body(const std::vector<std::string>& words) {
  if (words.empty() || words.front() != "create") return false;
  for (const std::string& w : words)
    if (w == "trigger" || w == "function" || w == "procedure") return true;
  return false;
}

}  // namespace

std::vector<ScriptStatement> split_statements(const std::string& text, int first_line) {
  std::vector<ScriptStatement> out;
  const std::size_t n = text.size();
  std::size_t start = 0;
  int line = first_line;
  int start_line = first_line;
  bool start_found = false;  // the first significant character of the statement was seen
  std::vector<std::string> words;  // the statement's first words, lowercased
  int body_depth = 0, case_depth = 0;

  auto finish = [&](std::size_t end) {
    // Only what the scan itself read as comments is left out: a separate check
    // would not nest block comments as the scan does, and would keep a lone
    // nested comment with the line of the statement before it.
    if (start_found) {
      const std::string sql = text.substr(start, end - start);
      std::size_t b = sql.find_first_not_of(" \t\r\n");
      std::size_t e = sql.find_last_not_of(" \t\r\n");
      out.push_back({sql.substr(b, e - b + 1), start_line});
    }
    words.clear();
    body_depth = case_depth = 0;
    start_found = false;
  };
  auto mark_start = [&] {
    if (!start_found) {
      start_found = true;
      start_line = line;
    }
  };

  std::size_t i = 0;
  while (i < n) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      // Block comments nest in PostgreSQL.
      int depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] == '\n') ++line;
        if (text[i] == '/' && i + 1 < n && text[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (text[i] == '*' && i + 1 < n && text[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      mark_start();
      const char close = c == '[' ? ']' : c;
      // E'...' strings take backslash escapes.
      const bool backslash = c == '\'' && i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') &&
                             (i < 2 || !ident_char(text[i - 2]));
      ++i;
      while (i < n) {
        if (text[i] == '\n') ++line;
        if (backslash && text[i] == '\\') {
          // The escaped character may be a line break, which the jump would
          // otherwise leave uncounted.
          if (i + 1 < n && text[i + 1] == '\n') ++line;
          i += 2;
          continue;
        }
        if (text[i] == close) {
          if (close != ']' && i + 1 < n && text[i + 1] == close) {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
    } else if (c == '$' && (i == 0 || !ident_char(text[i - 1]))) {
      // $tag$ ... $tag$ (PostgreSQL); a lone $1 parameter is not a quote.
      std::size_t j = i + 1;
      while (j < n && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
      if (j < n && text[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
        mark_start();
        const std::string tag = text.substr(i, j - i + 1);
        const std::size_t end = text.find(tag, j + 1);
        const std::size_t stop = end == std::string::npos ? n : end + tag.size();
        for (std::size_t k = i; k < stop; ++k)
          if (text[k] == '\n') ++line;
        i = stop;
      } else {
        mark_start();
        i = j;
      }
    } else if (ident_char(c)) {
      mark_start();
      std::size_t j = i;
      while (j < n && ident_char(text[j])) ++j;
      const std::string word = model::to_lower(text.substr(i, j - i));
      if (words.size() < 8) words.push_back(word);
      if (has_body(words)) {
        if (word == "begin") ++body_depth;
        else if (word == "case" && body_depth > 0) ++case_depth;
        else if (word == "end" && body_depth > 0) {
          if (case_depth > 0) --case_depth;
          else --body_depth;
        }
      }
      i = j;
    } else if (c == ';') {
      if (body_depth > 0) {
        ++i;
        continue;
      }
      finish(i);
      start = ++i;
    } else {
      mark_start();
      ++i;
    }
  }
  finish(n);
  return out;
}

}  // namespace strata::migrate
