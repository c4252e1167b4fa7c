// A live SQLite database: introspection, plan execution and the version
// table (strata_schema_versions). Migrations run under SQLite's own write
// lock (BEGIN IMMEDIATE), which the engine releases if the process dies, so
// concurrent appliers queue instead of running a migration twice. apply runs
// consecutive migrations in one transaction, each in a savepoint, so that
// SQLite's fsyncs are paid per batch rather than per migration.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "dialect/sqlite/connection.hpp"
#include "strata/dialect/dialect.hpp"

namespace strata::dialect::sqlite {

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(const config::DatabaseUrl& url, OpenMode mode);
  model::Schema introspect() override;
  void execute(const std::vector<Statement>& statements) override;
  bool exists() const override { return exists_; }
  std::vector<AppliedVersion> applied_versions() override;
  bool run_migration(const MigrationRun& run) override;
  void run_migrations(const std::vector<MigrationRun>& runs,
                      const std::function<void(std::size_t index, bool ran)>& done) override;
  void set_versions(const std::vector<AppliedVersion>& versions) override;
  void set_lock_timeout(int milliseconds) override;
  long long count(const std::string& sql) override;

 private:
  std::unique_ptr<Connection> open_connection(const std::string& path, int flags, int wait_ms);
  void recover_hot_journal(const std::string& path, int wait_ms);
  void ensure_version_table();
  bool version_recorded(const std::string& version);
  // BEGIN IMMEDIATE, saying who held the lock when it times out.
  void begin_immediate();
  // A migration's statements, its foreign key check and its version row, in
  // the transaction already open; false, running nothing, when the version
  // table already says it is done. current is the statement running when it throws.
  bool run_and_record(const MigrationRun& run, std::size_t& current);
  // Runs sql (a rollback) when a transaction is open, ignoring its failure.
  void rollback_quietly(const char* sql);

  static constexpr std::size_t kMostMigrationsPerBatch = 64;
  static constexpr std::chrono::milliseconds kBatchTime{100};

  std::string label_;
  bool exists_ = true;
  bool lock_timeout_set_ = false;  // by apply or rollback (--lock-timeout)
  std::unique_ptr<Connection> connection_;
};

}  // namespace strata::dialect::sqlite
