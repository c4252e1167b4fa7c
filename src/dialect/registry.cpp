// Maps a URL scheme to its dialect. Adding an engine is a folder under
// src/dialect/ plus one line here.
#include "dialect/postgresql/postgresql_dialect.hpp"
#include "dialect/sqlite/sqlite_dialect.hpp"
#include "strata/dialect/dialect.hpp"

namespace strata::dialect {

const Dialect& dialect_for(const config::DatabaseUrl& url) {
  static const sqlite::SqliteDialect sqlite_dialect;
  static const postgresql::PostgresqlDialect postgresql_dialect;
  if (url.scheme == "sqlite") return sqlite_dialect;
  if (url.scheme == "postgresql") return postgresql_dialect;
  throw Error(ExitCode::InvalidInput, "database \"" + url.redacted() + "\": the " + url.scheme +
                                          " dialect is not available in this build of strata; use a sqlite:// URL");
}

}  // namespace strata::dialect
