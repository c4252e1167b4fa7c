#include "dialect/postgresql/database.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "dialect/postgresql/introspector.hpp"
#include "strata/timing.hpp"

namespace strata::dialect::postgresql {

namespace {

constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS public.strata_schema_versions (\n"
    "  version text PRIMARY KEY,\n"
    "  name text NOT NULL,\n"
    "  checksum text NOT NULL,\n"
    "  applied_at timestamptz NOT NULL DEFAULT now(),\n"
    "  duration_ms bigint NOT NULL\n"
    ")";

// One advisory lock key for all of strata's migration work in a database.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(hashtext('strata_schema_versions'))";
constexpr const char* kTryLockCall = "pg_try_advisory_xact_lock(hashtext('strata_schema_versions'))";
const std::string kTryLock = std::string("SELECT ") + kTryLockCall;
// The sessions holding that lock: pg_locks splits a bigint key into classid
// (high 32 bits) and objid (low 32 bits), with objsubid 1.
constexpr const char* kLockHolders =
    "SELECT coalesce(string_agg(l.pid::text || coalesce(', application ' || nullif(a.application_name, ''), ''), '; '), '?') "
    "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext('strata_schema_versions')::bigint";

constexpr const char* kSessionEnded =
    "lost the connection to the server: the session was ended (terminated, or the server restarted or stopped)";

Error lost_while_committing(const MigrationRun& run) {
  return Error(ExitCode::Connection, "lost the connection to the server while committing migration " + run.version + "_" +
                                         run.name + ": the server may or may not have recorded it; run strata status "
                                                    "to see which, then strata apply");
}

// Ends whatever transaction is open, ignoring a failure: the error being
// reported is the one that matters, and a broken connection is seen later.
void rollback_quietly(Connection& connection) {
  try {
    connection.exec("ROLLBACK");
  } catch (const std::exception&) {
  }
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A name no other scratch database has: this process's id, a count and a random part.
std::string scratch_name() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return "strata_scratch_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 100000);
}

void drop_database(const std::string& conninfo, const std::string& name) {
  try {
    Connection maintenance(conninfo);
    maintenance.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  } catch (const std::exception&) {
    // Best effort: a leftover scratch database is named strata_scratch_* and holds no data.
  }
}

}  // namespace

PostgresqlDatabase::PostgresqlDatabase(const std::string& conninfo, std::vector<std::string> schemas)
    : conninfo_(conninfo), schemas_(std::move(schemas)), connection_(std::make_unique<Connection>(conninfo)) {
  // When strata dies in the middle of a migration, the server would go on
  // with the statement it is running (a long UPDATE, an index build),
  // holding the migration lock, until that statement ends. Checking every
  // second that the client is still there rolls it back at once instead
  // (PostgreSQL 14 and later).
  connection_->exec(
      "SET client_min_messages = warning; "
      "SELECT set_config('client_connection_check_interval', '1000', false) "
      "WHERE current_setting('server_version_num')::int >= 140000");
}

std::unique_ptr<PostgresqlDatabase> PostgresqlDatabase::create_scratch(const std::string& conninfo,
                                                                       std::vector<std::string> schemas) {
  const std::string name = scratch_name();
  {
    Connection maintenance(conninfo);
    try {
      maintenance.exec("CREATE DATABASE " + name + " TEMPLATE template0");
    } catch (const std::exception& e) {
      throw Error(ExitCode::Connection, "cannot create a scratch database on the server (" + describe_conninfo(conninfo) +
                                            "): " + trimmed(e.what()) +
                                            "; strata needs the CREATEDB privilege there to compare schemas the way "
                                            "PostgreSQL stores them");
    }
  }
  return adopt_scratch(conninfo, name, std::move(schemas));
}

std::unique_ptr<PostgresqlDatabase> PostgresqlDatabase::adopt_scratch(const std::string& conninfo, const std::string& name,
                                                                      std::vector<std::string> schemas) {
  std::unique_ptr<PostgresqlDatabase> db;
  try {
    db = std::make_unique<PostgresqlDatabase>(with_database(conninfo, name), std::move(schemas));
  } catch (...) {
    drop_database(conninfo, name);
    throw;
  }
  db->drop_conninfo_ = conninfo;
  db->drop_name_ = name;
  return db;
}

PostgresqlDatabase::~PostgresqlDatabase() {
  if (drop_name_.empty()) return;
  connection_.reset();
  drop_database(drop_conninfo_, drop_name_);
}

ScratchInAdvance::ScratchInAdvance(std::string conninfo) : conninfo_(std::move(conninfo)), name_(scratch_name()) {
  created_ = std::async(std::launch::async, [this] {
    Connection maintenance(conninfo_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cancelled_) throw std::runtime_error("not needed");
      creating_ = &maintenance;
    }
    try {
      maintenance.exec("CREATE DATABASE " + name_ + " TEMPLATE template0");
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      creating_ = nullptr;
      throw;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    creating_ = nullptr;
  });
}

ScratchInAdvance::~ScratchInAdvance() {
  if (taken_) return;
  PhaseTimer timer("scratch database not needed: cancelled or dropped");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    if (creating_) {
      try {
        creating_->cancel();
      } catch (const std::exception&) {
        // Not cancelled: the database is created, and dropped below.
      }
    }
  }
  try {
    created_.get();
  } catch (const std::exception&) {
    return;  // never created, or cancelled: the server undid it
  }
  drop_database(conninfo_, name_);
}

std::unique_ptr<PostgresqlDatabase> ScratchInAdvance::take(const std::string& conninfo, std::vector<std::string> schemas) {
  if (taken_ || conninfo != conninfo_) return nullptr;
  taken_ = true;
  try {
    created_.get();
  } catch (const std::exception&) {
    return nullptr;
  }
  return PostgresqlDatabase::adopt_scratch(conninfo_, name_, std::move(schemas));
}

model::Schema PostgresqlDatabase::introspect() { return introspect(Scope(), true); }

model::Schema PostgresqlDatabase::introspect(const Scope& scope, bool second_connection) {
  try {
    return postgresql::introspect(*connection_, schemas_, second_connection ? std::optional<std::string>(conninfo_) : std::nullopt,
                                  scope);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ExitCode::Connection, "cannot read the schema (" + describe_conninfo(conninfo_) + "): " + trimmed(e.what()));
  }
}

void PostgresqlDatabase::execute(const std::vector<Statement>& statements) {
  using Phase = Statement::Phase;
  std::size_t number = 0;
  const Statement* current = nullptr;
  try {
    for (const Statement& s : statements)
      if (s.phase == Phase::BeforeTransaction) connection_->exec(s.sql);
    connection_->exec("BEGIN");
    for (const Statement& s : statements) {
      if (s.phase != Phase::InTransaction) continue;
      ++number;
      current = &s;
      connection_->exec(s.sql);
    }
    connection_->exec("COMMIT");
    for (const Statement& s : statements)
      if (s.phase == Phase::AfterTransaction) connection_->exec(s.sql);
  } catch (const std::exception& e) {
    rollback_quietly(*connection_);
    std::string message = "statement " + std::to_string(number) + " failed and everything was rolled back: " + trimmed(e.what());
    if (current) message += "\n  " + current->sql;
    throw Error(ExitCode::MigrationFailed, message);
  }
}

std::vector<AppliedVersion> PostgresqlDatabase::applied_versions() {
  std::vector<AppliedVersion> out;
  if (connection_->query("SELECT to_regclass('public.strata_schema_versions')")[0][0] == std::nullopt) return out;
  version_table_known_ = true;
  for (const auto& row : connection_->query(
           "SELECT version, name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
           "duration_ms FROM public.strata_schema_versions ORDER BY length(version), version")) {
    out.push_back({row[0].value_or(""), row[1].value_or(""), row[2].value_or(""), row[3].value_or(""),
                   std::stoll(row[4].value_or("0"))});
  }
  return out;
}

namespace {

// What each statement of a message of migrations is. The results of
// strata's own statements are checked for their shape, so that a message
// PostgreSQL reads as more statements than strata sent is noticed rather
// than miscounted.
struct Slot {
  enum class Kind { Begin, Lock, Check, Statement, Record, Commit };
  std::size_t run;
  Kind kind;
  std::size_t statement = 0;  // for Kind::Statement: its index in the run
};

bool result_fits(const Slot& slot, const pqxx::result& result) {
  switch (slot.kind) {
    case Slot::Kind::Begin:
    case Slot::Kind::Commit: return result.columns() == 0 && result.affected_rows() == 0;
    case Slot::Kind::Lock: return result.columns() == 3 && result.size() == 1;
    case Slot::Kind::Check: return result.columns() == 1 && result.size() == 1;
    case Slot::Kind::Record: return result.columns() == 0 && result.affected_rows() == 1;
    case Slot::Kind::Statement: return true;
  }
  return true;
}

// See run_chained.
constexpr std::size_t kQuickMessagesFirst = 16;
constexpr std::chrono::milliseconds kQuickMessage(50);
constexpr std::size_t kMostMigrationsPerMessage = 64;

}  // namespace

// The statements of one migration after BEGIN: the lock, taken by a
// statement of its own so that the next one reads the version table as the
// lock's previous holder committed it, then a check that fails (division by
// zero) unless the lock is held and the version table is as the executor
// planned from, so that nothing after it runs.
PostgresqlDatabase::LockAndCheck PostgresqlDatabase::lock_and_check(const MigrationRun& run) {
  const bool up = run.direction == MigrationRun::Direction::Up;
  std::string ready = "current_setting('strata.migration_lock')::boolean AND " + std::string(up ? "NOT " : "") +
                      "EXISTS (SELECT 1 FROM public.strata_schema_versions WHERE version = " +
                      connection_->quote(run.version) + ")";
  if (run.expect_newest && run.expect_newest->empty()) {
    ready += " AND NOT EXISTS (SELECT 1 FROM public.strata_schema_versions)";
  } else if (run.expect_newest) {
    // The newest in the executor's order (shorter first, then byte by byte),
    // in one pass over the table rather than a sort of it.
    const std::string newest = connection_->quote(*run.expect_newest);
    const std::string size = std::to_string(run.expect_newest->size());
    ready += " AND EXISTS (SELECT 1 FROM public.strata_schema_versions WHERE version = " + newest +
             ") AND NOT EXISTS (SELECT 1 FROM public.strata_schema_versions WHERE octet_length(version) > " + size +
             " OR (octet_length(version) = " + size + " AND version COLLATE \"C\" > " + newest + "))";
  }
  // When it started, for its duration: now() is the same for every
  // transaction of one message.
  return {"SELECT set_config('lock_timeout', '" + std::to_string(lock_timeout_ms_) +
              "', true), set_config('strata.migration_started', clock_timestamp()::text, true), "
              "set_config('strata.migration_lock', " + kTryLockCall + "::text, true)",
          "SELECT 1 / (" + ready + ")::int"};
}

std::size_t PostgresqlDatabase::run_chained(const std::vector<MigrationRun>& runs, std::size_t begin, std::size_t end,
                                            const std::function<void(std::size_t, bool)>& done) {
  std::vector<std::string> batch;
  std::vector<Slot> slots;
  auto add = [&](std::string sql, std::size_t run, Slot::Kind kind, std::size_t statement = 0) {
    batch.push_back(std::move(sql));
    slots.push_back({run, kind, statement});
  };
  for (std::size_t r = begin; r < end; ++r) {
    const MigrationRun& run = runs[r];
    add("BEGIN", r, Slot::Kind::Begin);
    LockAndCheck checks = lock_and_check(run);
    add(std::move(checks.lock), r, Slot::Kind::Lock);
    add(std::move(checks.check), r, Slot::Kind::Check);
    for (std::size_t i = 0; i < run.statements.size(); ++i) add(run.statements[i], r, Slot::Kind::Statement, i);
    // The duration is the server's, from the lock to the version row.
    const std::string version = connection_->quote(run.version);
    if (run.direction == MigrationRun::Direction::Up) {
      add("INSERT INTO public.strata_schema_versions (version, name, checksum, duration_ms) VALUES (" + version + ", " +
              connection_->quote(run.name) + ", " + connection_->quote(run.checksum) +
              ", (extract(epoch FROM clock_timestamp() - current_setting('strata.migration_started')::timestamptz) "
              "* 1000)::bigint)",
          r, Slot::Kind::Record);
    } else {
      add("DELETE FROM public.strata_schema_versions WHERE version = " + version, r, Slot::Kind::Record);
    }
    add("COMMIT", r, Slot::Kind::Commit);
  }
  // Each migration still ran in its own transaction, with its version row.
  auto misread = [&](std::size_t run) {
    return Error(ExitCode::MigrationFailed,
                 "PostgreSQL returned results that do not match the statements strata sent for migration " +
                     runs[run].version + "_" + runs[run].name + " and those sent with it (a statement of the file " +
                     "that strata read as one and PostgreSQL as several?); each migration ran in its own " +
                     "transaction with its version row, but strata cannot tell which committed: run strata status");
  };
  // Every statement of a migration file starts a message, which carries
  // what strata runs after it up to the next one: after a migration's last
  // statement, its version row and COMMIT, then the next migration's BEGIN,
  // lock and check. One round trip per statement; the statement running is
  // the one pg_stat_activity shows first, and its result is seen as it ends.
  // Once kQuickMessagesFirst messages in a row came back quickly, a message
  // takes whole migrations, twice as many each time up to
  // kMostMigrationsPerMessage. A slow statement is then hidden in one
  // message at most (the server sends a message's results when it has run
  // all of it: the progress of the migrations before it waits too), after
  // which messages are one statement again. A deploy of a few migrations is
  // never batched; a database built from hundreds is, after the first ones.
  std::size_t budget = 1;  // migrations per message; 1: one statement per message
  std::size_t quick_in_a_row = 0;
  std::size_t first = 0;
  try {
    while (first < batch.size()) {
      // The message ends before the statement that would exceed the budget.
      std::size_t last = first + 1;
      std::size_t migrations = slots[first].kind == Slot::Kind::Statement ? 1 : 0;  // whose statements it holds
      for (; last < batch.size(); ++last) {
        const Slot& slot = slots[last];
        if (slot.kind != Slot::Kind::Statement) continue;
        if (budget == 1) break;
        if (slot.statement != 0) continue;  // a migration's statements stay together
        if (migrations == budget) break;
        ++migrations;
      }
      const std::vector<std::string> message(batch.begin() + first, batch.begin() + last);
      const auto sent = std::chrono::steady_clock::now();
      try {
        connection_->exec_batch(message, [&](std::size_t index, const pqxx::result& result) {
          const Slot& slot = slots[first + index];
          if (!result_fits(slot, result)) throw misread(slot.run);
          if (slot.kind == Slot::Kind::Commit) done(slot.run, true);
        });
      } catch (const BatchFailed& e) {
        // PostgreSQL parses a whole message before it runs any of it, and a
        // syntax error is then reported for the first statement. When that
        // message held several migrations, the one that started in it runs
        // again from its BEGIN, one statement per message, which names the
        // statement the error is in.
        if (e.server_error() && e.index() == 0 && budget > 1 && connection_->is_open()) {
          rollback_quietly(*connection_);
          if (!connection_->is_open()) throw BatchFailed(first, true, e.what());  // the session was ended
          const std::size_t run = slots[first].run;
          while (first > 0 && !(slots[first].run == run && slots[first].kind == Slot::Kind::Begin)) --first;
          budget = 1;
          quick_in_a_row = 0;
          continue;
        }
        throw BatchFailed(first + e.index(), e.server_error(), e.what());
      }
      if (std::chrono::steady_clock::now() - sent < kQuickMessage) {
        if (++quick_in_a_row >= kQuickMessagesFirst) budget = std::min(budget * 2, kMostMigrationsPerMessage);
      } else {
        quick_in_a_row = 0;
        budget = 1;
      }
      first = last;
    }
  } catch (const BatchFailed& e) {
    const Slot& slot = slots[e.index()];
    if (!e.server_error() && connection_->is_open()) throw misread(slot.run);
    const std::size_t statement = slot.kind == Slot::Kind::Statement ? slot.statement : StatementFailed::npos;
    if (connection_->is_open()) rollback_quietly(*connection_);
    // A session the server ends sends its error first; the connection is
    // seen closed only by the next exchange.
    if (!connection_->is_open()) {
      if (slot.kind == Slot::Kind::Commit) throw lost_while_committing(runs[slot.run]);
      throw StatementFailed(statement, kSessionEnded);
    }
    // Nothing of it ran: the lock is held elsewhere or the version table
    // changed, and run_migration's steps decide.
    if (slot.kind == Slot::Kind::Begin || slot.kind == Slot::Kind::Lock || slot.kind == Slot::Kind::Check)
      return slot.run;
    throw StatementFailed(statement, trimmed(e.what()));
  }
  return end;
}

void PostgresqlDatabase::run_migrations(const std::vector<MigrationRun>& runs,
                                        const std::function<void(std::size_t, bool)>& done) {
  std::size_t next = 0;
  while (next < runs.size()) {
    // Migrations in transactions are chained once the version table is known
    // to exist: a thousand small migrations otherwise spend most of their
    // time waiting for round trips to the server.
    if (runs[next].transactional && version_table_known_) {
      std::size_t end = next;
      while (end < runs.size() && runs[end].transactional) ++end;
      next = run_chained(runs, next, end, done);
      if (next == end) continue;
    }
    // One by one: the first migration (which creates the version table), a
    // migration outside a transaction, or one whose lock another process
    // holds or whose version table changed (these steps wait, and say why).
    done(next, run_migration(runs[next]));
    ++next;
  }
}

bool PostgresqlDatabase::run_migration(const MigrationRun& run) {
  const bool up = run.direction == MigrationRun::Direction::Up;
  const auto started = std::chrono::steady_clock::now();
  std::size_t current = StatementFailed::npos;
  bool committing = false;
  try {
    // Step by step: the lock may take a wait, which is reported, and the
    // version table may have changed, which is said.
    if (run.transactional) {
      connection_->exec("BEGIN; SET LOCAL lock_timeout = " + std::to_string(lock_timeout_ms_));
      take_migration_lock();
    }
    if (!version_table_known_) connection_->exec(kCreateVersionTable);
    const auto state = connection_->query(
        "SELECT EXISTS (SELECT 1 FROM public.strata_schema_versions WHERE version = $1), "
        "(SELECT version FROM public.strata_schema_versions ORDER BY length(version) DESC, version DESC LIMIT 1)",
        {run.version});
    const bool recorded = state.at(0).at(0) == std::optional<std::string>("t");
    if (recorded == up) {
      if (run.transactional) connection_->exec("ROLLBACK");
      return false;
    }
    if (run.expect_newest) {
      const std::string newest = state.at(0).at(1).value_or("");
      if (newest != *run.expect_newest) {
        if (run.transactional) connection_->exec("ROLLBACK");
        throw VersionsChanged(newest);
      }
    }
    for (std::size_t i = 0; i < run.statements.size(); ++i) {
      current = i;
      connection_->exec(run.statements[i]);
    }
    current = StatementFailed::npos;
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (up) {
      connection_->query("INSERT INTO public.strata_schema_versions (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
                         {run.version, run.name, run.checksum, std::to_string(elapsed.count())});
    } else {
      connection_->query("DELETE FROM public.strata_schema_versions WHERE version = $1", {run.version});
    }
    committing = true;
    if (run.transactional) connection_->exec("COMMIT");
    version_table_known_ = true;  // committed: it exists from now on
  } catch (const Error&) {
    throw;
  } catch (const VersionsChanged&) {
    throw;
  } catch (const std::exception& e) {
    if (!connection_->is_open()) {
      // The session is gone (terminated, server restarted): the server rolls
      // back what it had not committed. A ROLLBACK now would only open a new
      // session, so none is sent.
      // (libpqxx's own text is about the closed handle, not the cause.)
      if (committing && run.transactional) throw lost_while_committing(run);
      throw StatementFailed(current, kSessionEnded);
    }
    rollback_quietly(*connection_);
    throw StatementFailed(current, trimmed(e.what()));
  }
  return true;
}

// Another strata process that holds the lock may be in a long migration, so
// a wait of more than about a second is reported, with the holder's server
// pid; --lock-timeout bounds the whole wait.
void PostgresqlDatabase::take_migration_lock() {
  using std::chrono::milliseconds;
  const auto started = std::chrono::steady_clock::now();
  const int quiet_ms = lock_timeout_ms_ > 0 ? std::min(1000, lock_timeout_ms_) : 1000;
  auto waited_ms = [&] {
    return static_cast<int>(std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started).count());
  };
  while (connection_->query(kTryLock).at(0).at(0) != std::optional<std::string>("t")) {
    if (waited_ms() >= quiet_ms) {
      const std::string holders = connection_->query(kLockHolders).at(0).at(0).value_or("?");
      std::cerr << "waiting for another strata process, which holds the migration lock of database "
                << connection_->database_name() << " (server pid " << holders << "); giving up after "
                << lock_timeout_ms_ / 1000 << " s (--lock-timeout)\n";
      // The rest of the wait queues on the lock itself.
      if (lock_timeout_ms_ > 0)
        connection_->exec("SET LOCAL lock_timeout = " + std::to_string(std::max(1, lock_timeout_ms_ - waited_ms())));
      try {
        connection_->exec(kLock);
      } catch (const pqxx::sql_error& e) {
        if (e.sqlstate() != "55P03") throw;  // lock_not_available: lock_timeout ran out
        throw std::runtime_error("gave up after " + std::to_string(waited_ms() / 1000) +
                                 " s waiting for the migration lock, which another strata process holds (server pid " +
                                 holders + "); nothing of this migration ran (--lock-timeout)");
      }
      connection_->exec("SET LOCAL lock_timeout = " + std::to_string(lock_timeout_ms_));
      return;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
}

void PostgresqlDatabase::set_versions(const std::vector<AppliedVersion>& versions) {
  try {
    connection_->exec("BEGIN");
    connection_->exec(kLock);
    connection_->exec(kCreateVersionTable);
    connection_->exec("DELETE FROM public.strata_schema_versions");
    for (const AppliedVersion& v : versions) {
      connection_->query(
          "INSERT INTO public.strata_schema_versions (version, name, checksum, applied_at, duration_ms) "
          "VALUES ($1, $2, $3, COALESCE(NULLIF($4, '')::timestamptz, now()), $5)",
          {v.version, v.name, v.checksum, v.applied_at, std::to_string(v.duration_ms)});
    }
    connection_->exec("COMMIT");
  } catch (const std::exception& e) {
    rollback_quietly(*connection_);
    throw Error(ExitCode::Connection, "cannot write the version table: " + trimmed(e.what()));
  }
}

void PostgresqlDatabase::set_lock_timeout(int milliseconds) { lock_timeout_ms_ = milliseconds; }

long long PostgresqlDatabase::count(const std::string& sql) {
  auto rows = connection_->query(sql);
  return rows.empty() || rows[0].empty() || !rows[0][0] ? 0 : std::stoll(*rows[0][0]);
}

std::vector<std::string> PostgresqlDatabase::missing_schemas() {
  std::vector<std::string> missing;
  for (const std::string& schema : schemas_)
    if (connection_->query("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema}).empty()) missing.push_back(schema);
  return missing;
}

}  // namespace strata::dialect::postgresql
