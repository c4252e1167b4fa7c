// A thin handle over a libpqxx connection: run SQL, read rows as text, and
// count the queries sent (introspection promises a fixed number).
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dialect/postgresql/rows.hpp"
#include "strata/config/url.hpp"

namespace strata::dialect::postgresql {

// A statement of Connection::exec_batch failed; none after it ran. Unless
// the server said so (an SQL error), the connection broke, or the results
// did not match the statements sent.
class BatchFailed : public std::runtime_error {
 public:
  BatchFailed(std::size_t index, bool server_error, const std::string& message)
      : std::runtime_error(message), index_(index), server_error_(server_error) {}
  std::size_t index() const { return index_; }  // 0-based, in the statements given
  bool server_error() const { return server_error_; }

 private:
  std::size_t index_;
  bool server_error_;
};

class Connection {
 public:
  using Row = Rows::Row;

  // Throws strata::Error (ExitCode::Connection) naming host, port, database
  // and user (never the password) and libpq's reason.
  explicit Connection(const std::string& conninfo);

  void exec(const std::string& sql);
  // Runs exactly one statement: through the extended protocol, where the
  // server refuses a second one instead of running it.
  void exec_one(const std::string& sql);
  // Runs statements in order, sent in one message: one round trip to the
  // server for all of them. Each must be a single statement. each_done(i,
  // result) is called as statement i's result arrives. Throws BatchFailed
  // naming the first that failed, with the server's message as a lone exec
  // of it would give (its LINE counted within that statement). PostgreSQL
  // parses a message whole before it runs any of it: a syntax error in any
  // statement is reported for the first, with nothing run.
  void exec_batch(const std::vector<std::string>& statements,
                  const std::function<void(std::size_t, const pqxx::result&)>& each_done = {});
  Rows query(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});
  std::size_t queries_sent() const { return queries_; }
  std::string quote(const std::string& value);
  std::string database_name();
  // The server's version as a number, 150004 for 15.4.
  int server_version() const { return connection_->server_version(); }
  // False once the server has gone away (session terminated, server restarted).
  bool is_open() const { return connection_->is_open(); }
  // Asks the server to stop the statement this connection is running, which
  // then fails; another thread may call it while one runs.
  void cancel() { connection_->cancel_query(); }

 private:
  std::unique_ptr<pqxx::connection> connection_;
  std::size_t queries_ = 0;
};

// "host 127.0.0.1 port 5432, database app, user me" from a conninfo, for messages.
std::string describe_conninfo(const std::string& conninfo);

// The conninfo with another database name (scratch databases live on the same server).
std::string with_database(const std::string& conninfo, const std::string& database);

}  // namespace strata::dialect::postgresql
