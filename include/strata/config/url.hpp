// Database URLs: sqlite:///relative.db, sqlite:////absolute.db, sqlite://:memory:,
// postgresql://user:pass@host:port/db. A "+driver" suffix on the scheme
// (sqlite+pysqlite://, postgresql+psycopg2://) is accepted and ignored so a
// pasted SQLAlchemy URL works.
#pragma once

#include <string>
#include <vector>

namespace strata::config {

struct DatabaseUrl {
  std::string original;  // as given
  std::string scheme;    // the dialect: "sqlite", "postgresql"
  std::string path;      // sqlite: the file path ("" for an in-memory database)
  bool memory = false;   // sqlite: ":memory:"
  std::string conninfo;  // postgresql: what libpq connects with (the URL without a +driver suffix)
  std::vector<std::string> schemas;  // postgresql: the managed schemas (settings; default public)
  std::string scratch_conninfo;      // postgresql: where scratch databases go (--dev-url); "" = this server

  // The URL with any password replaced by "***", for every message and log.
  std::string redacted() const;
};

// Throws strata::Error (invalid input) naming what is wrong with the URL.
DatabaseUrl parse_database_url(const std::string& url);

// Redacts the password of any URL-like text ("scheme://user:secret@host").
std::string redact_url(const std::string& url);

}  // namespace strata::config
