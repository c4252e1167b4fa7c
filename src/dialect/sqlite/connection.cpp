#include "dialect/sqlite/connection.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "dialect/sqlite/lexer.hpp"

namespace strata::dialect::sqlite {

Connection::Connection(const std::string& path, int flags) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_handler(db_, &Connection::on_busy, this);
}

Connection::~Connection() { sqlite3_close(db_); }

void Connection::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
}

void Connection::exec_one(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, &tail) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db_));
  const std::string rest = tail ? std::string(tail, static_cast<std::size_t>(sql.c_str() + sql.size() - tail)) : "";
  for (const Token& t : significant_tokens(rest)) {
    if (t.is_punct(";")) continue;
    sqlite3_finalize(stmt);
    const std::string next = rest.substr(t.begin, std::min<std::size_t>(60, rest.find('\n', t.begin) - t.begin));
    throw std::runtime_error("more than one statement: \"" + next +
                             "\" follows the end of the first; a definition must be one statement");
  }
  if (!stmt) return;  // only blanks and comments
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  const std::string message = rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) throw std::runtime_error(message);
}

std::vector<Connection::Row> Connection::query(const std::string& sql,
                                               const std::vector<std::optional<std::string>>& params) {
  std::vector<Row> rows;
  each_row(sql, [&](const Row& row) { rows.push_back(row); }, params);
  return rows;
}

void Connection::each_row(const std::string& sql, const std::function<void(const Row&)>& fn,
                          const std::vector<std::optional<std::string>>& params) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db_));
  // Finalized however this ends, fn throwing included.
  const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, &sqlite3_finalize);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (params[i]) sqlite3_bind_text(raw, index, params[i]->c_str(), static_cast<int>(params[i]->size()), SQLITE_TRANSIENT);
    else sqlite3_bind_null(raw, index);
  }
  Row row;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const int n = sqlite3_column_count(raw);
    row.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      std::optional<std::string>& value = row[static_cast<std::size_t>(i)];
      if (sqlite3_column_type(raw, i) == SQLITE_NULL) {
        value.reset();
      } else {
        const unsigned char* text = sqlite3_column_text(raw, i);
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(raw, i));
        if (value) value->assign(reinterpret_cast<const char*>(text), size);
        else value.emplace(reinterpret_cast<const char*>(text), size);
      }
    }
    fn(row);
  }
  if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
}

std::optional<std::string> Connection::prepare_error(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  std::optional<std::string> error;
  if (rc != SQLITE_OK) error = sqlite3_errmsg(db_);
  sqlite3_finalize(stmt);
  return error;
}

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::set_busy_timeout(int milliseconds) { busy_timeout_ms_ = std::max(0, milliseconds); }

int Connection::last_error() const { return sqlite3_extended_errcode(db_); }

// SQLite's own busy timeout, plus the notice: sleeps in the same growing steps
// as sqlite3_busy_timeout until the timeout has passed (then SQLITE_BUSY).
// count is 0 on the first call of each wait.
int Connection::on_busy(void* self, int count) {
  Connection& c = *static_cast<Connection*>(self);
  const auto now = std::chrono::steady_clock::now();
  if (count == 0) {
    c.wait_started_ = now;
    c.wait_noticed_ = false;
  }
  const long long waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - c.wait_started_).count();
  if (waited >= c.busy_timeout_ms_) return 0;
  if (!c.wait_noticed_ && waited >= 1000 && c.wait_notice_) {
    c.wait_noticed_ = true;
    try {
      c.wait_notice_();
    } catch (...) {  // nothing may be thrown through SQLite
    }
  }
  static constexpr int kSteps[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
  const int step = count < 12 ? kSteps[count] : 100;
  sqlite3_sleep(static_cast<int>(std::min<long long>(step, c.busy_timeout_ms_ - waited)));
  return 1;
}

}  // namespace strata::dialect::sqlite
