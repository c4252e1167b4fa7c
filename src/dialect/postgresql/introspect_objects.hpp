// PostgreSQL introspection of what is not a table's own structure: views and
// materialized views, functions and procedures, triggers, row-level security
// policies, partitions, the table parts that call functions and grants, each
// kind in one catalog query, with the
// server's deparsers (pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef,
// pg_get_expr, aclexplode) as the text, and pg_depend as what each depends on.
#pragma once

#include <map>
#include <string>

#include "dialect/postgresql/connection.hpp"
#include "dialect/postgresql/introspector.hpp"
#include "strata/model/schema.hpp"

namespace strata::dialect::postgresql {

// managed: the managed schemas as an array literal; tables: table oid ->
// position in schema.tables (the tables already read); scope: the kinds to read.
void introspect_objects(Connection& connection, const std::string& managed, const std::map<std::string, std::size_t>& tables,
                        const Scope& scope, model::Schema& schema);

// Privileges in the order GRANT statements list them (SELECT, INSERT, ...).
int privilege_rank(const std::string& privilege);

// An exclusion constraint from pg_get_constraintdef's text:
// "EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (...)".
model::ExclusionConstraint parse_exclusion(const std::string& definition);

}  // namespace strata::dialect::postgresql
