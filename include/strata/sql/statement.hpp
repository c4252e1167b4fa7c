// A rendered statement: SQL text plus what a runner and a reader need to know
// about it. Produced by a dialect's renderer, consumed by printers and executors.
#pragma once

#include <string>
#include <vector>

namespace strata {

struct Statement {
  // Where the statement runs relative to the plan's transaction. Some
  // statements cannot run inside one (SQLite's PRAGMA foreign_keys is a no-op there).
  enum class Phase { BeforeTransaction, InTransaction, AfterTransaction };

  std::string sql;      // without a trailing semicolon
  std::string comment;  // one line saying what it does, for readers of the plan
  Phase phase = Phase::InTransaction;
  bool destructive = false;       // may drop or narrow data
  bool must_return_no_rows = false;  // a check (e.g. PRAGMA foreign_key_check): any row is a failure
  // Must be committed before the rest can use it (a new PostgreSQL enum label):
  // a revision puts such statements in a migration of their own.
  bool commit_first = false;
  // Runs after the plan's transaction has committed, outside any transaction
  // (CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT): a revision puts such
  // statements in a no-transaction migration after the main one.
  bool after_commit = false;
};

// Renders statements as an SQL script: comments, then a transaction around the
// in-transaction statements. Empty input gives an empty string.
std::string to_sql_script(const std::vector<Statement>& statements);

}  // namespace strata
