// A thin RAII handle over a sqlite3 connection: run SQL, read rows as text.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <functional>
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
  // Runs exactly one statement: text after it other than blanks, comments and
  // semicolons is refused, not run (std::runtime_error), so that a definition
  // cannot bring a statement of its own along.
  void exec_one(const std::string& sql);
  // All rows of one query, every value as text (NULL as nullopt). params bind
  // to ?1, ?2, ... as text (nullopt as NULL).
  std::vector<Row> query(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  // The rows of one query, each handed to fn as it is read, without keeping
  // them all: fn gets the same Row object each time (copy what must be kept).
  void each_row(const std::string& sql, const std::function<void(const Row&)>& fn,
                const std::vector<std::optional<std::string>>& params = {});
  // Compiles sql without running it; returns SQLite's error message, if any.
  std::optional<std::string> prepare_error(const std::string& sql);
  bool in_transaction() const;
  // How long a statement waits for another connection's lock before it fails
  // with "database is locked" (SQLITE_BUSY).
  void set_busy_timeout(int milliseconds);
  int busy_timeout() const { return busy_timeout_ms_; }
  // Called once in a wait that has lasted about a second, so that a long wait
  // for another process is never a silent one.
  void set_wait_notice(std::function<void()> notice) { wait_notice_ = std::move(notice); }
  // SQLite's extended result code of the latest failure (SQLITE_BUSY,
  // SQLITE_READONLY_ROLLBACK, ...).
  int last_error() const;

 private:
  static int on_busy(void* self, int count);

  sqlite3* db_ = nullptr;
  int busy_timeout_ms_ = 5000;
  std::function<void()> wait_notice_;
  std::chrono::steady_clock::time_point wait_started_{};
  bool wait_noticed_ = false;
};

}  // namespace strata::dialect::sqlite
