// A thin RAII handle over a sqlite3 connection: run SQL, read rows as text.
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

namespace strata::dialect::sqlite {

class Connection {
 public:
  using Row = std::vector<std::optional<std::string>>;

  // flags as for sqlite3_open_v2. Throws std::runtime_error with SQLite's message.
  Connection(const std::string& path, int flags);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements; throws std::runtime_error with SQLite's message.
  void exec(const std::string& sql);
  // All rows of one query, every value as text (NULL as nullopt). params bind
  // to ?1, ?2, ... as text (nullopt as NULL).
  std::vector<Row> query(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  // Compiles sql without running it; returns SQLite's error message, if any.
  std::optional<std::string> prepare_error(const std::string& sql);
  bool in_transaction() const;
  void set_busy_timeout(int milliseconds);

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace strata::dialect::sqlite
