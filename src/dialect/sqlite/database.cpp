#include "dialect/sqlite/database.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "dialect/sqlite/introspector.hpp"

namespace strata::dialect::sqlite {

namespace {

// The version table, created on first use.
constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS strata_schema_versions (\n"
    "  version TEXT NOT NULL PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  checksum TEXT NOT NULL,\n"
    "  applied_at TEXT NOT NULL,\n"
    "  duration_ms INTEGER NOT NULL\n"
    ")";

constexpr const char* kVersionTableExists =
    "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'strata_schema_versions'";

constexpr const char* kSelectVersions =
    "SELECT version, name, checksum, applied_at, duration_ms FROM strata_schema_versions "
    "ORDER BY length(version), version";

constexpr const char* kInsertVersion =
    "INSERT INTO strata_schema_versions (version, name, checksum, applied_at, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5)";

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// Restores the connection's foreign_keys setting when a migration ends.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(Connection& c) : connection_(c) {
    was_on_ = connection_.query("PRAGMA foreign_keys").at(0).at(0) == std::string("1");
    connection_.exec("PRAGMA foreign_keys = OFF");
  }
  ~ForeignKeysOff() {
    try {
      if (was_on_) connection_.exec("PRAGMA foreign_keys = ON");
    } catch (const std::runtime_error&) {
    }
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  Connection& connection_;
  bool was_on_ = false;
};

}  // namespace

SqliteDatabase::SqliteDatabase(const config::DatabaseUrl& url, OpenMode mode) : label_(url.memory ? ":memory:" : url.path) {
    const std::string path = url.memory ? ":memory:" : url.path;
    int flags = mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (url.memory) flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY;
    std::error_code ec;
    exists_ = url.memory || std::filesystem::exists(path, ec);
    if (!exists_ && mode == OpenMode::ReadOnly) return;
    // A writer may hold the lock for as long as a migration runs; readers
    // and writers wait for it rather than fail (apply sets its own limit).
    const int wait_ms = mode == OpenMode::ReadOnly ? 60'000 : 600'000;
    try {
      connection_ = open_connection(path, flags, wait_ms);
      if (mode == OpenMode::ReadWrite) {
        // apply and rollback set their --lock-timeout only once the database
        // is open, so opening does not wait: a file another writer holds
        // locked is a database, and the first read waits under that limit.
        connection_->set_busy_timeout(0);
        try {
          connection_->query("SELECT count(*) FROM sqlite_schema");
        } catch (const std::runtime_error&) {
          if ((connection_->last_error() & 0xff) != SQLITE_BUSY) throw;
        }
        connection_->set_busy_timeout(wait_ms);
      } else {
        try {
          connection_->query("SELECT count(*) FROM sqlite_schema");
        } catch (const std::runtime_error&) {
          if (connection_->last_error() != SQLITE_READONLY_ROLLBACK) throw;
          // A process died in the middle of a write (a killed strata apply)
          // and left a hot journal, which must be rolled back before anyone
          // can read the file; a read-only connection cannot do it. Rolling
          // back only restores the last committed state, which is what any
          // reader sees, so a short-lived read-write connection does it.
          connection_.reset();
          recover_hot_journal(path, wait_ms);
          connection_ = open_connection(path, flags, wait_ms);
          connection_->query("SELECT count(*) FROM sqlite_schema");
        }
      }
    } catch (const Error&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw Error(ExitCode::Connection, "cannot open SQLite database \"" + label_ + "\": " + e.what() +
                                            "; check the path in the URL and that the file is an SQLite database");
    }
  }

std::unique_ptr<Connection> SqliteDatabase::open_connection(const std::string& path, int flags, int wait_ms) {
  auto connection = std::make_unique<Connection>(path, flags);
  connection->set_busy_timeout(wait_ms);
  // Named after the verbs that wait: apply and rollback queue behind another
  // writer, and status, plan or inspect behind a writer's commit.
  connection->set_wait_notice([this, c = connection.get()] {
    std::cerr << "waiting for another process that is writing to " << label_
              << " (the file is locked by another writer, perhaps another strata apply); giving up after "
              << c->busy_timeout() / 1000 << " s" << (lock_timeout_set_ ? " (--lock-timeout)" : "") << "\n";
  });
  return connection;
}

void SqliteDatabase::recover_hot_journal(const std::string& path, int wait_ms) {
  try {
    Connection writer(path, SQLITE_OPEN_READWRITE);
    writer.set_busy_timeout(wait_ms);
    writer.query("SELECT count(*) FROM sqlite_schema");
  } catch (const std::runtime_error& e) {
    throw Error(ExitCode::Connection,
                "cannot read SQLite database \"" + label_ + "\": a process stopped in the middle of a write to it and " +
                    "left a journal that must be rolled back first, which needs write access (" + e.what() +
                    "); run strata apply or the sqlite3 shell on it once as a user who may write to the file");
  }
}

model::Schema SqliteDatabase::introspect() {
    if (!connection_) return {};
    try {
      return sqlite::introspect(*connection_);
    } catch (const std::runtime_error& e) {
      throw Error(ExitCode::Connection, "cannot read the schema of \"" + label_ + "\": " + e.what());
    }
  }

void SqliteDatabase::execute(const std::vector<Statement>& statements) {
    if (!connection_) throw Error(ExitCode::Connection, "database \"" + label_ + "\" is not open for writing");
    using Phase = Statement::Phase;
    auto run_phase = [&](Phase phase) {
      for (const Statement& s : statements)
        if (s.phase == phase) connection_->exec(s.sql);
    };
    try {
      run_phase(Phase::BeforeTransaction);
    } catch (const std::runtime_error& e) {
      throw Error(ExitCode::MigrationFailed, std::string("a statement before the transaction failed, nothing was changed: ") + e.what());
    }
    std::size_t number = 0;
    const Statement* current = nullptr;
    try {
      connection_->exec("BEGIN IMMEDIATE");
      for (const Statement& s : statements) {
        if (s.phase != Phase::InTransaction) continue;
        ++number;
        current = &s;
        if (s.must_return_no_rows) {
          auto rows = connection_->query(s.sql);
          if (!rows.empty()) {
            std::string first;
            for (const auto& v : rows.front()) first += (first.empty() ? "" : ", ") + v.value_or("NULL");
            throw std::runtime_error(std::to_string(rows.size()) + " row(s) violate it, the first: " + first);
          }
        } else {
          connection_->exec(s.sql);
        }
      }
      connection_->exec("COMMIT");
    } catch (const std::runtime_error& e) {
      if (connection_->in_transaction()) connection_->exec("ROLLBACK");
      try {
        run_phase(Phase::AfterTransaction);
      } catch (const std::runtime_error&) {
      }
      std::string message = "statement " + std::to_string(number) + " failed and everything was rolled back: " + e.what();
      if (current) message += "\n  " + current->sql;
      throw Error(ExitCode::MigrationFailed, message);
    }
    try {
      run_phase(Phase::AfterTransaction);
    } catch (const std::runtime_error& e) {
      throw Error(ExitCode::MigrationFailed, std::string("the changes were committed, but a statement after the transaction failed: ") + e.what());
    }
  }


void SqliteDatabase::ensure_version_table() { connection_->exec(kCreateVersionTable); }

bool SqliteDatabase::version_recorded(const std::string& version) {
  return !connection_->query("SELECT 1 FROM strata_schema_versions WHERE version = ?1", {version}).empty();
}

std::vector<AppliedVersion> SqliteDatabase::applied_versions() {
  if (!connection_) return {};
  std::vector<AppliedVersion> out;
  try {
    if (connection_->query(kVersionTableExists).empty()) return {};
    for (const auto& row : connection_->query(kSelectVersions)) {
      AppliedVersion v;
      v.version = row[0].value_or("");
      v.name = row[1].value_or("");
      v.checksum = row[2].value_or("");
      v.applied_at = row[3].value_or("");
      v.duration_ms = std::stoll(row[4].value_or("0"));
      out.push_back(std::move(v));
    }
  } catch (const std::exception& e) {
    std::string reason = e.what();
    if ((connection_->last_error() & 0xff) == SQLITE_BUSY)
      reason += " (another process kept the file locked for " + std::to_string(connection_->busy_timeout() / 1000) +
                " s" + (lock_timeout_set_ ? "; --lock-timeout" : "") + ")";
    throw Error(ExitCode::Connection, "cannot read the version table of \"" + label_ + "\": " + reason);
  }
  return out;
}

void SqliteDatabase::begin_immediate() {
  try {
    connection_->exec("BEGIN IMMEDIATE");
  } catch (const std::runtime_error& e) {
    if ((connection_->last_error() & 0xff) != SQLITE_BUSY) throw;
    throw std::runtime_error(std::string(e.what()) + ": another process held the write lock for " +
                             std::to_string(connection_->busy_timeout() / 1000) +
                             " s (--lock-timeout); nothing of this migration ran");
  }
}

bool SqliteDatabase::run_and_record(const MigrationRun& run, std::size_t& current) {
  const bool up = run.direction == MigrationRun::Direction::Up;
  const auto started = std::chrono::steady_clock::now();
  current = StatementFailed::npos;
  if (version_recorded(run.version) == up) return false;
  if (run.expect_newest) {
    auto rows = connection_->query("SELECT version FROM strata_schema_versions "
                                   "ORDER BY length(version) DESC, version DESC LIMIT 1");
    const std::string newest = rows.empty() ? "" : rows[0][0].value_or("");
    if (newest != *run.expect_newest) throw VersionsChanged(newest);
  }
  for (std::size_t i = 0; i < run.statements.size(); ++i) {
    current = i;
    connection_->exec(run.statements[i]);
    if (run.transactional && !connection_->in_transaction()) {
      throw std::runtime_error("the statement ended the transaction strata runs the migration in, so the migration "
                               "cannot be all or nothing: the rest of it did not run and its version is not recorded "
                               "(a COMMIT kept what ran before it, a ROLLBACK undid it); leave transactions to strata, "
                               "or mark the file -- strata:no-transaction");
    }
  }
  current = StatementFailed::npos;
  auto violations = connection_->query("PRAGMA foreign_key_check");
  if (!violations.empty()) {
    throw std::runtime_error("foreign key check failed: " + std::to_string(violations.size()) +
                             " row(s) violate a foreign key, the first in table " +
                             violations.front()[0].value_or("?") + " (rowid " + violations.front()[1].value_or("?") + ")");
  }
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  if (up) {
    connection_->query(kInsertVersion, {run.version, run.name, run.checksum, utc_now(), std::to_string(elapsed.count())});
  } else {
    connection_->query("DELETE FROM strata_schema_versions WHERE version = ?1", {run.version});
  }
  return true;
}

void SqliteDatabase::rollback_quietly(const char* sql) {
  if (!connection_->in_transaction()) return;
  try {
    connection_->exec(sql);
  } catch (const std::runtime_error&) {
  }
}

bool SqliteDatabase::run_migration(const MigrationRun& run) {
  if (!connection_) throw Error(ExitCode::Connection, "database \"" + label_ + "\" is not open for writing");
  // Rebuilds need foreign keys off, which SQLite only allows outside a
  // transaction; foreign_key_check verifies them before commit instead.
  ForeignKeysOff foreign_keys(*connection_);
  std::size_t current = StatementFailed::npos;
  try {
    if (run.transactional) begin_immediate();
    ensure_version_table();
    const bool ran = run_and_record(run, current);
    if (run.transactional) connection_->exec(ran ? "COMMIT" : "ROLLBACK");
    return ran;
  } catch (const VersionsChanged&) {
    rollback_quietly("ROLLBACK");
    throw;
  } catch (const std::runtime_error& e) {
    rollback_quietly("ROLLBACK");
    throw StatementFailed(current, e.what());
  }
}

void SqliteDatabase::run_migrations(const std::vector<MigrationRun>& runs,
                                    const std::function<void(std::size_t index, bool ran)>& done) {
  if (!connection_) throw Error(ExitCode::Connection, "database \"" + label_ + "\" is not open for writing");
  std::size_t next = 0;
  while (next < runs.size()) {
    if (!runs[next].transactional) {
      done(next, run_migration(runs[next]));
      ++next;
      continue;
    }
    // Transactional migrations share one transaction, each inside a savepoint
    // of its own, until the transaction has run for kBatchTime or holds
    // kMostMigrationsPerBatch: a commit costs SQLite several fsyncs, more than
    // most migrations take. A migration that fails is rolled back to its
    // savepoint and the ones before it are committed, as if each had
    // committed alone.
    ForeignKeysOff foreign_keys(*connection_);
    try {
      begin_immediate();
      ensure_version_table();
    } catch (const std::runtime_error& e) {
      rollback_quietly("ROLLBACK");
      throw StatementFailed(StatementFailed::npos, e.what());
    }
    const std::size_t first = next;
    const auto started = std::chrono::steady_clock::now();
    std::vector<bool> ran;
    std::exception_ptr failure;
    while (next < runs.size() && runs[next].transactional &&
           (ran.empty() || (ran.size() < kMostMigrationsPerBatch && std::chrono::steady_clock::now() - started < kBatchTime))) {
      std::size_t current = StatementFailed::npos;
      try {
        connection_->exec("SAVEPOINT strata_migration");
        ran.push_back(run_and_record(runs[next], current));
        connection_->exec("RELEASE strata_migration");
        ++next;
      } catch (const VersionsChanged&) {
        failure = std::current_exception();
      } catch (const std::runtime_error& e) {
        failure = std::make_exception_ptr(StatementFailed(current, e.what()));
      }
      if (failure) {
        rollback_quietly("ROLLBACK TO strata_migration");
        rollback_quietly("RELEASE strata_migration");
        break;
      }
    }
    if (connection_->in_transaction()) {
      try {
        connection_->exec("COMMIT");
      } catch (const std::runtime_error& e) {
        rollback_quietly("ROLLBACK");  // nothing of the batch is committed: its first migration failed
        throw StatementFailed(StatementFailed::npos, std::string("cannot commit: ") + e.what());
      }
    } else {
      // The transaction ended inside a migration: a statement of it committed
      // (what ran before is kept) or rolled back, or SQLite rolled the whole
      // transaction back on an error (nothing of the batch is kept). The
      // version table says which.
      const bool up = runs[first].direction == MigrationRun::Direction::Up;
      std::size_t kept = 0;
      try {
        // A rollback may have taken the version table too, when this transaction created it.
        const bool table = !connection_->query(kVersionTableExists).empty();
        while (kept < ran.size() && (table && version_recorded(runs[first + kept].version)) == up) ++kept;
      } catch (const std::runtime_error& e) {
        throw StatementFailed(StatementFailed::npos,
                              std::string("the transaction ended inside the migration, and the version table cannot be "
                                          "read to tell what it kept: ") + e.what() + "; run strata status");
      }
      if (kept < ran.size()) {
        std::string reason = "its transaction, shared with the migrations after it up to " + runs[next].version +
                             ", was rolled back when that one failed";
        try {
          if (failure) std::rethrow_exception(failure);
        } catch (const std::exception& e) {
          reason += std::string(": ") + e.what();
        }
        for (std::size_t i = 0; i < kept; ++i) done(first + i, ran[i]);
        throw StatementFailed(StatementFailed::npos, reason);
      }
    }
    for (std::size_t i = 0; i < ran.size(); ++i) done(first + i, ran[i]);
    if (failure) std::rethrow_exception(failure);
  }
}

void SqliteDatabase::set_versions(const std::vector<AppliedVersion>& versions) {
  if (!connection_) throw Error(ExitCode::Connection, "database \"" + label_ + "\" is not open for writing");
  try {
    connection_->exec("BEGIN IMMEDIATE");
    ensure_version_table();
    connection_->exec("DELETE FROM strata_schema_versions");
    for (const AppliedVersion& v : versions) {
      connection_->query(kInsertVersion, {v.version, v.name, v.checksum, v.applied_at.empty() ? utc_now() : v.applied_at,
                                          std::to_string(v.duration_ms)});
    }
    connection_->exec("COMMIT");
  } catch (const std::runtime_error& e) {
    if (connection_->in_transaction()) connection_->exec("ROLLBACK");
    throw Error(ExitCode::Connection, "cannot write the version table of \"" + label_ + "\": " + e.what());
  }
}

long long SqliteDatabase::count(const std::string& sql) {
  if (!connection_) return 0;
  auto rows = connection_->query(sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? 0 : std::stoll(*rows[0][0]);
}

void SqliteDatabase::set_lock_timeout(int milliseconds) {
  lock_timeout_set_ = true;
  if (connection_) connection_->set_busy_timeout(milliseconds);
}

}  // namespace strata::dialect::sqlite
