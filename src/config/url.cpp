#include "strata/config/url.hpp"

#include <cctype>

#include "strata/diagnostics.hpp"
#include "strata/model/schema.hpp"

namespace strata::config {

namespace {
// A libpq keyword string ("host=h dbname=d password=secret").
bool is_keyword_conninfo(const std::string& text) {
  return text.find("://") == std::string::npos && text.find('=') != std::string::npos;
}
}  // namespace

std::string redact_url(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end != std::string::npos && url.find("password=") != std::string::npos) {
    // A password in the query string (?password=...) is redacted like a keyword one.
    const std::size_t query = url.find('?');
    if (query != std::string::npos) {
      std::string head = redact_url(url.substr(0, query));
      std::string tail = url.substr(query);
      std::size_t pos = 0;
      while ((pos = tail.find("password=", pos)) != std::string::npos) {
        const std::size_t start = pos + 9;
        const std::size_t end = tail.find('&', start);
        tail.replace(start, (end == std::string::npos ? tail.size() : end) - start, "***");
        pos = start + 3;
      }
      return head + tail;
    }
  }
  if (scheme_end == std::string::npos) {
    // Keyword strings: every password=value becomes password=***.
    std::string out = url;
    std::size_t pos = 0;
    while ((pos = out.find("password=", pos)) != std::string::npos) {
      const std::size_t start = pos + 9;
      std::size_t end = start;
      if (end < out.size() && out[end] == '\'') {
        end = out.find('\'', end + 1);
        end = end == std::string::npos ? out.size() : end + 1;
      } else {
        while (end < out.size() && !std::isspace(static_cast<unsigned char>(out[end]))) ++end;
      }
      out.replace(start, end - start, "***");
      pos = start + 3;
    }
    return out;
  }
  const std::size_t authority = scheme_end + 3;
  std::size_t authority_end = url.find_first_of("/?#", authority);
  if (authority_end == std::string::npos) authority_end = url.size();
  const std::size_t at = url.rfind('@', authority_end);
  if (at == std::string::npos || at < authority) return url;
  const std::size_t colon = url.find(':', authority);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
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
