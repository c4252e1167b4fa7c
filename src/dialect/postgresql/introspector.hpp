// PostgreSQL introspection: the whole schema of the managed namespaces in a
// fixed number of set-based catalog queries, whatever the number of tables
// (ORM reflection sends several queries per table, which is why it crawls).
// The server's own deparsers (format_type, pg_get_expr, pg_get_indexdef) give
// the text of types and expressions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dialect/postgresql/connection.hpp"
#include "strata/model/schema.hpp"

namespace strata::dialect::postgresql {

// What introspect reads. Tables, with their columns, keys, checks and
// indexes, are always read; each other kind can be left out where the
// database is known to hold none of it (a scratch database strata built
// itself), which saves a catalog query, and the server's first look at its
// catalogs in a new database, per kind.
struct Scope {
  bool types = true;       // enums, domains, sequences no column owns, extensions
  bool views = true;
  bool functions = true;   // functions and procedures, and the table parts that call them
  bool triggers = true;
  bool policies = true;
  bool partitions = true;
  bool grants = true;

  static Scope tables_only() { return {false, false, false, false, false, false, false}; }
  // What a database holds that was built from document (and nothing else).
  static Scope built_from(const model::Schema& document);
};

// The rows of a catalog query over the managed schemas (an array literal),
// or none when its kind is not wanted.
Rows read_in_scope(Connection& connection, bool wanted, const char* sql, const std::string& managed);

// helper_conninfo: the same database, for a second connection that runs the
// largest queries at the same time (the server answers them on two cores);
// if it cannot connect, they run on connection after the others.
model::Schema introspect(Connection& connection, const std::vector<std::string>& schemas,
                         const std::optional<std::string>& helper_conninfo = std::nullopt, const Scope& scope = {});

// How a deparsed default reads back: literal ('a'::text, 42, true, NULL) or expression.
model::Default classify_default(const std::string& deparsed);

// PostgreSQL's own name for an unnamed constraint (t_pkey, t_a_key, t_a_check, t_a_fkey).
bool is_default_constraint_name(const std::string& table, const std::vector<std::string>& columns, char type,
                                const std::string& name);

}  // namespace strata::dialect::postgresql
