// A live PostgreSQL database: introspection, plan execution, and the version
// table. Migrations take a transaction-scoped advisory lock, which the server
// releases at commit, rollback or disconnect, so a killed applier never
// leaves a lock behind and concurrent appliers queue.
#pragma once

#include <memory>

#include "dialect/postgresql/connection.hpp"
#include "dialect/postgresql/introspector.hpp"
#include "strata/dialect/dialect.hpp"

namespace strata::dialect::postgresql {

class PostgresqlDatabase final : public Database {
 public:
  PostgresqlDatabase(const std::string& conninfo, std::vector<std::string> schemas);
  // A scratch database: created on the server of conninfo, dropped with this object.
  static std::unique_ptr<PostgresqlDatabase> create_scratch(const std::string& conninfo, std::vector<std::string> schemas);
  ~PostgresqlDatabase() override;

  model::Schema introspect() override;
  // Only the kinds in scope (introspector.hpp); the largest queries on a
  // second connection at the same time if second_connection.
  model::Schema introspect(const Scope& scope, bool second_connection);
  void execute(const std::vector<Statement>& statements) override;
  bool exists() const override { return true; }
  std::vector<AppliedVersion> applied_versions() override;
  bool run_migration(const MigrationRun& run) override;
  void set_versions(const std::vector<AppliedVersion>& versions) override;
  void set_lock_timeout(int milliseconds) override;
  std::vector<std::string> missing_schemas() override;
  long long count(const std::string& sql) override;

  Connection& connection() { return *connection_; }

 private:
  void take_migration_lock();

  std::string conninfo_;
  std::vector<std::string> schemas_;
  std::unique_ptr<Connection> connection_;
  // Set for a scratch database: the maintenance connection string and the name to drop.
  std::string drop_conninfo_;
  std::string drop_name_;
  int lock_timeout_ms_ = 600'000;
  bool version_table_known_ = false;  // created or seen by a committed migration of this connection
};

}  // namespace strata::dialect::postgresql
