// The SQLite dialect: connection, introspection, engine normalization and
// rendering behind the shared dialect interface.
#pragma once

#include "strata/dialect/dialect.hpp"

namespace strata::dialect::sqlite {

class SqliteDialect final : public Dialect {
 public:
  std::string name() const override { return "sqlite"; }
  std::unique_ptr<Database> open(const config::DatabaseUrl& url, OpenMode mode) const override;
  void validate(const model::Schema& desired, Diagnostics& diagnostics) const override;
  model::Schema normalize(const model::Schema& desired, const config::DatabaseUrl& target, Diagnostics& diagnostics,
                          std::set<std::string>& unchanged, const model::Schema* current, Groundwork* groundwork) const override;
  std::vector<Statement> render(const plan::Plan& plan) const override;
  std::unique_ptr<Database> open_scratch(const config::DatabaseUrl& target) const override;
  std::string table_sql(const model::Table& table) const override;
  std::string identifier_sql(const std::string& name) const override;

  std::string name_key(const std::string& name) const override;
  bool names_equal(const std::string& a, const std::string& b) const override;
  bool types_equal(const std::string& a, const std::string& b) const override;
  bool sql_equal(const std::string& a, const std::string& b) const override;
  std::string rename_column_in_sql(const std::string& sql, const std::string& from, const std::string& to) const override;
};

}  // namespace strata::dialect::sqlite
