// The PostgreSQL dialect: connection, catalog introspection, normalization in
// a scratch database on the same server, rendering, and the version table
// guarded by an advisory lock.
#pragma once

#include "strata/dialect/dialect.hpp"

namespace strata::dialect::postgresql {

class PostgresqlDialect final : public Dialect {
 public:
  std::string name() const override { return "postgresql"; }
  std::unique_ptr<Database> open(const config::DatabaseUrl& url, OpenMode mode) const override;
  void validate(const model::Schema& desired, Diagnostics& diagnostics) const override;
  model::Schema normalize(const model::Schema& desired, const config::DatabaseUrl& target, Diagnostics& diagnostics,
                          std::set<std::string>& unchanged, const model::Schema* current,
                          Groundwork* groundwork) const override;
  std::unique_ptr<Groundwork> start_groundwork(const config::DatabaseUrl& target) const override;
  std::vector<Statement> render(const plan::Plan& plan) const override;
  std::vector<plan::Hazard> engine_hazards(const plan::Plan& plan) const override;
  std::unique_ptr<Database> open_scratch(const config::DatabaseUrl& target) const override;
  std::string table_sql(const model::Table& table) const override;
  std::string identifier_sql(const std::string& name) const override;

  std::string name_key(const std::string& name) const override { return name; }
  bool names_equal(const std::string& a, const std::string& b) const override { return a == b; }
  std::string table_key(const model::Table& table) const override {
    return (table.schema.empty() ? std::string("public") : table.schema) + "." + table.name;
  }
  bool types_equal(const std::string& a, const std::string& b) const override;
  bool sql_equal(const std::string& a, const std::string& b) const override { return a == b; }
  std::string rename_column_in_sql(const std::string& sql, const std::string& from, const std::string& to) const override;
  bool stores_comments() const override { return true; }

};

}  // namespace strata::dialect::postgresql
