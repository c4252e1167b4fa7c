// A live PostgreSQL database: introspection, plan execution, and the version
// table. Migrations take a transaction-scoped advisory lock, which the server
// releases at commit, rollback or disconnect, so a killed applier never
// leaves a lock behind and concurrent appliers queue.
#pragma once

#include <future>
#include <memory>
#include <mutex>

#include "dialect/postgresql/connection.hpp"
#include "dialect/postgresql/introspector.hpp"
#include "strata/dialect/dialect.hpp"

namespace strata::dialect::postgresql {

class PostgresqlDatabase final : public Database {
 public:
  PostgresqlDatabase(const std::string& conninfo, std::vector<std::string> schemas);
  // A scratch database: created on the server of conninfo, dropped with this object.
  static std::unique_ptr<PostgresqlDatabase> create_scratch(const std::string& conninfo, std::vector<std::string> schemas);
  // The scratch database named name, already created on the server of conninfo; dropped with this object.
  static std::unique_ptr<PostgresqlDatabase> adopt_scratch(const std::string& conninfo, const std::string& name,
                                                           std::vector<std::string> schemas);
  ~PostgresqlDatabase() override;

  model::Schema introspect() override;
  // Only the kinds in scope (introspector.hpp); the largest queries on a
  // second connection at the same time if second_connection.
  model::Schema introspect(const Scope& scope, bool second_connection);
  void execute(const std::vector<Statement>& statements) override;
  bool exists() const override { return true; }
  std::vector<AppliedVersion> applied_versions() override;
  // One by one, each a few round trips (see run_migrations).
  bool run_migration(const MigrationRun& run) override;
  // Migrations in transactions take one round trip per statement of their
  // files: strata's own statements (BEGIN, the lock and checks, the version
  // row, COMMIT) travel with them.
  void run_migrations(const std::vector<MigrationRun>& runs,
                      const std::function<void(std::size_t, bool)>& done) override;
  void set_versions(const std::vector<AppliedVersion>& versions) override;
  void set_lock_timeout(int milliseconds) override;
  std::vector<std::string> missing_schemas() override;
  long long count(const std::string& sql) override;

  Connection& connection() { return *connection_; }

 private:
  void take_migration_lock();
  // The statements of one migration after BEGIN, before its own (see database.cpp).
  struct LockAndCheck {
    std::string lock;   // takes the lock and notes the time
    std::string check;  // fails unless the lock is held and the version table is as planned
  };
  LockAndCheck lock_and_check(const MigrationRun& run);
  // Runs runs[begin, end), calling done as each commits. Returns end, or
  // the first that did not run because its lock was held elsewhere or the
  // version table was not as planned; throws as run_migration.
  std::size_t run_chained(const std::vector<MigrationRun>& runs, std::size_t begin, std::size_t end,
                          const std::function<void(std::size_t, bool)>& done);

  std::string conninfo_;
  std::vector<std::string> schemas_;
  std::unique_ptr<Connection> connection_;
  // Set for a scratch database: the maintenance connection string and the name to drop.
  std::string drop_conninfo_;
  std::string drop_name_;
  int lock_timeout_ms_ = 600'000;
  bool version_table_known_ = false;  // read by applied_versions, or created by a committed migration
};

// A scratch database created on a thread of its own while the document and
// the target are read: the server's copy of template0 takes 30-100 ms, which
// then costs no time of its own. Unless normalize takes it, it is undone
// when this is destroyed: its creation cancelled, or the database dropped.
class ScratchInAdvance final : public Groundwork {
 public:
  explicit ScratchInAdvance(std::string conninfo);
  ~ScratchInAdvance() override;
  ScratchInAdvance(const ScratchInAdvance&) = delete;
  ScratchInAdvance& operator=(const ScratchInAdvance&) = delete;

  // The scratch database once created, if it was created on the server of
  // conninfo; nullptr otherwise (its creation failed, say for want of the
  // CREATEDB privilege: create_scratch then says why).
  std::unique_ptr<PostgresqlDatabase> take(const std::string& conninfo, std::vector<std::string> schemas);

 private:
  std::string conninfo_;
  std::string name_;
  std::future<void> created_;
  std::mutex mutex_;
  bool cancelled_ = false;
  Connection* creating_ = nullptr;  // while the creating thread's connection is open
  bool taken_ = false;
};

}  // namespace strata::dialect::postgresql
