#include "strata/config/url.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "strata/diagnostics.hpp"
#include "strata/model/schema.hpp"

namespace strata::config {

namespace {
// A libpq keyword string ("host=h dbname=d password=secret").
bool is_keyword_conninfo(const std::string& text) {
  return text.find("://") == std::string::npos && text.find('=') != std::string::npos;
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// libpq reads "keyword = value" pairs: blanks around '=' are allowed, and a
// value is single-quoted or runs to the next blank, a backslash escaping the
// next character in both. The value of every keyword ending in "password"
// (sslpassword too) becomes ***. The pairs are read in order, as libpq does,
// so that "password=" inside another value is not mistaken for a keyword; a
// word that is not a pair (the text of a message) is stepped over.
std::string redact_keyword_passwords(const std::string& text) {
  auto blank = [&text](std::size_t i) { return std::isspace(static_cast<unsigned char>(text[i])) != 0; };
  const std::size_t n = text.size();
  std::vector<std::pair<std::size_t, std::size_t>> values;  // [begin, end) of each password
  std::size_t i = 0;
  while (i < n) {
    while (i < n && blank(i)) ++i;
    const std::size_t name_begin = i;
    while (i < n && text[i] != '=' && !blank(i)) ++i;
    const std::size_t name_end = i;
    std::size_t j = i;
    while (j < n && blank(j)) ++j;
    if (j == n || text[j] != '=') continue;
    ++j;
    while (j < n && blank(j)) ++j;
    const std::size_t value_begin = j;
    if (j < n && text[j] == '\'') {
      for (++j; j < n && text[j] != '\''; ++j)
        if (text[j] == '\\') ++j;
      ++j;
    } else {
      for (; j < n && !blank(j); ++j)
        if (text[j] == '\\') ++j;
    }
    i = std::min(j, n);
    const std::string name = text.substr(name_begin, name_end - name_begin);
    if (name.size() >= 8 && name.compare(name.size() - 8, 8, "password") == 0) values.emplace_back(value_begin, i);
  }
  std::string out = text;
  for (auto it = values.rbegin(); it != values.rend(); ++it) out.replace(it->first, it->second - it->first, "***");
  return out;
}

}  // namespace

std::string redact_url(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return redact_keyword_passwords(url);
  // libpq ends the user information at the first '@' before any '/', so a
  // password may hold '?', '#' or ':'. A password with a stray '@' of its own
  // is hidden up to the last '@' before the path or the query.
  const std::size_t authority = scheme_end + 3;
  const std::size_t path = std::min(url.find('/', authority), url.size());
  std::size_t at = url.find('@', authority);
  const bool has_user = at < path;
  if (has_user) at = url.rfind('@', std::min(path, url.find('?', at)) - 1);
  // The query string starts after the user information, whatever the password holds.
  const std::size_t query = std::min(url.find('?', has_user ? at : authority), url.size());
  std::string head = url.substr(0, query), tail = url.substr(query);
  // Parameters are separated by '&'; libpq percent-decodes their names.
  for (std::size_t begin = 1; begin <= tail.size();) {
    std::size_t end = std::min(tail.find('&', begin), tail.size());
    const std::size_t eq = tail.find('=', begin);
    if (eq < end) {
      const std::string name = percent_decode(tail.substr(begin, eq - begin));
      if (name.size() >= 8 && name.compare(name.size() - 8, 8, "password") == 0) {
        tail.replace(eq + 1, end - eq - 1, "***");
        end = eq + 4;
      }
    }
    begin = end + 1;
  }
  if (has_user) {
    const std::size_t colon = url.find(':', authority);
    if (colon < at) head = head.substr(0, colon + 1) + "***" + head.substr(at);
  }
  return head + tail;
}

std::string DatabaseUrl::redacted() const { return redact_url(original); }

DatabaseUrl parse_database_url(const std::string& url) {
  DatabaseUrl result;
  result.original = url;
  const std::size_t sep = url.find("://");
  if (is_keyword_conninfo(url)) {
    result.scheme = "postgresql";
    result.conninfo = url;
    result.schemas = {"public"};
    return result;
  }
  if (url.empty()) throw Error(ExitCode::InvalidInput, "the database URL is empty; pass --url sqlite:///app.db or set DATABASE_URL");
  if (sep == std::string::npos || sep == 0) {
    throw Error(ExitCode::InvalidInput,
                "invalid database URL \"" + redact_url(url) +
                    "\": expected scheme://..., e.g. sqlite:///app.db, sqlite:////abs/path.db or "
                    "postgresql://user@host:5432/db");
  }
  std::string scheme = model::to_lower(url.substr(0, sep));
  if (const std::size_t plus = scheme.find('+'); plus != std::string::npos) scheme = scheme.substr(0, plus);
  if (scheme == "postgres") scheme = "postgresql";
  result.scheme = scheme;
  std::string rest = url.substr(sep + 3);

  if (scheme == "sqlite" || scheme == "sqlite3") {
    result.scheme = "sqlite";
    if (const std::size_t q = rest.find('?'); q != std::string::npos) rest = rest.substr(0, q);
    if (rest == ":memory:" || rest == "/:memory:" || rest.empty() || rest == "/") {
      if (rest.empty() || rest == "/") {
        // sqlite:// and sqlite:/// mean an in-memory database to SQLAlchemy too.
      }
      result.memory = true;
      return result;
    }
    if (rest.front() != '/') {
      throw Error(ExitCode::InvalidInput, "invalid SQLite URL \"" + redact_url(url) +
                                              "\": a host is not allowed; use sqlite:///relative/path.db or "
                                              "sqlite:////absolute/path.db");
    }
    result.path = rest.substr(1);  // "/x.db" -> "x.db", "//abs" -> "/abs"
    return result;
  }
  if (scheme == "postgresql") {
    result.conninfo = "postgresql://" + rest;
    result.schemas = {"public"};
    return result;
  }
  throw Error(ExitCode::InvalidInput, "unsupported database URL scheme \"" + url.substr(0, sep) +
                                          "\" in \"" + redact_url(url) + "\"; strata supports sqlite:// and postgresql://");
}

}  // namespace strata::config
