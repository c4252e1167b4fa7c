#include "dialect/postgresql/introspect_objects.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

namespace strata::dialect::postgresql {

namespace {

// What a dependent object reads, as object keys (see model::View): each
// relation (other than the object's own relation self), each column (its own
// relation's too: a policy or trigger reads columns of its table), each
// relation whose row type it uses, each enum and domain ("schema.type"), and
// each function, from pg_depend rows of class cls and object id obj.
#define STRATA_DEPENDS_ON(cls, obj, self)                                                                           \
  "(SELECT COALESCE(json_agg(DISTINCT k), '[]') FROM ("                                                             \
  " SELECT rn.nspname || '.' || rc.relname AS k FROM pg_depend d JOIN pg_class rc ON rc.oid = d.refobjid"           \
  "   JOIN pg_namespace rn ON rn.oid = rc.relnamespace"                                                             \
  "   WHERE d.classid = " cls " AND d.objid = " obj " AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> " self \
  " UNION ALL"                                                                                                      \
  " SELECT rn.nspname || '.' || rc.relname || '.' || ra.attname FROM pg_depend d JOIN pg_class rc ON rc.oid = d.refobjid" \
  "   JOIN pg_namespace rn ON rn.oid = rc.relnamespace"                                                             \
  "   JOIN pg_attribute ra ON ra.attrelid = d.refobjid AND ra.attnum = d.refobjsubid"                               \
  "   WHERE d.classid = " cls " AND d.objid = " obj " AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0" \
  " UNION ALL"                                                                                                      \
  " SELECT rn.nspname || '.' || rc.relname FROM pg_depend d JOIN pg_type ty ON ty.oid = d.refobjid"                 \
  "   JOIN pg_class rc ON rc.oid = ty.typrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"                    \
  "   WHERE d.classid = " cls " AND d.objid = " obj " AND d.refclassid = 'pg_type'::regclass AND rc.relkind IN ('r', 'p', 'v', 'm')" \
  " UNION ALL"                                                                                                      \
  " SELECT tn.nspname || '.' || ty.typname FROM pg_depend d JOIN pg_type ty ON ty.oid = d.refobjid"                 \
  "   JOIN pg_namespace tn ON tn.oid = ty.typnamespace"                                                              \
  "   WHERE d.classid = " cls " AND d.objid = " obj " AND d.refclassid = 'pg_type'::regclass AND ty.typtype IN ('e', 'd')" \
  " UNION ALL"                                                                                                      \
  " SELECT fn.nspname || '.' || f.proname || '(' || oidvectortypes(f.proargtypes) || ')' FROM pg_depend d"          \
  "   JOIN pg_proc f ON f.oid = d.refobjid JOIN pg_namespace fn ON fn.oid = f.pronamespace"                          \
  "   WHERE d.classid = " cls " AND d.objid = " obj " AND d.refclassid = 'pg_proc'::regclass) keys)::text"

// Views and materialized views (not those of extensions), with their columns
// and what their rewrite rules read.
constexpr const char* kViewsQuery =
    "SELECT n.nspname, c.relname, c.relkind = 'm', c.relispopulated, pg_get_viewdef(c.oid, true),"
    " obj_description(c.oid, 'pg_class'),"
    " (SELECT COALESCE(json_agg(json_build_array(a.attname, format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum), '[]')"
    "  FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)::text,"
    " (SELECT COALESCE(json_agg(DISTINCT x), '[]') FROM pg_rewrite r,"
    "   LATERAL json_array_elements_text(" STRATA_DEPENDS_ON("'pg_rewrite'::regclass", "r.oid", "c.oid") "::json) x"
    "   WHERE r.ev_class = c.oid)::text"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind IN ('v', 'm') AND n.nspname = ANY($1::text[])"
    "   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')"
    " ORDER BY c.oid";

// Functions and procedures (not aggregates, not those of extensions).
constexpr const char* kFunctionsQuery =
    "SELECT n.nspname, p.proname, p.prokind = 'p', oidvectortypes(p.proargtypes), pg_get_function_identity_arguments(p.oid),"
    " COALESCE(pg_get_function_result(p.oid), ''), pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc'),"
    " " STRATA_DEPENDS_ON("'pg_proc'::regclass", "p.oid", "0") ""
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname = ANY($1::text[]) AND p.prokind IN ('f', 'p')"
    "   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')"
    " ORDER BY p.oid";

// Triggers a user made (not those behind foreign keys, not clones on partitions).
constexpr const char* kTriggersQuery =
    "SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid),"
    " " STRATA_DEPENDS_ON("'pg_trigger'::regclass", "t.oid", "0") ""
    " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_proc f ON f.oid = t.tgfoid JOIN pg_namespace fn ON fn.oid = f.pronamespace"
    " WHERE NOT t.tgisinternal AND n.nspname = ANY($1::text[]) AND NOT c.relispartition"
    " ORDER BY t.oid";

// Row-level security policies with their roles and expressions.
constexpr const char* kPoliciesQuery =
    "SELECT p.polrelid, p.polname, p.polcmd, p.polpermissive,"
    " array_to_json(ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END"
    "                     FROM unnest(p.polroles) r ORDER BY 1))::text,"
    " pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid),"
    " " STRATA_DEPENDS_ON("'pg_policy'::regclass", "p.oid", "p.polrelid") ""
    " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = ANY($1::text[]) ORDER BY p.oid";

// Partitions of the managed partitioned tables, with their bounds.
constexpr const char* kPartitionsQuery =
    "SELECT i.inhparent, n.nspname, c.relname, pg_get_expr(c.relpartbound, c.oid)"
    " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relispartition AND n.nspname = ANY($1::text[]) ORDER BY c.oid";

// Column defaults, checks and index expressions of managed tables that call
// functions, with the functions' keys.
constexpr const char* kFunctionUsesQuery =
    "SELECT u.relid, u.part, u.name, fn.nspname || '.' || f.proname || '(' || oidvectortypes(f.proargtypes) || ')'"
    " FROM ("
    "  SELECT ad.adrelid AS relid, 'd' AS part, a.attname::text AS name, d.refobjid AS fid FROM pg_depend d"
    "   JOIN pg_attrdef ad ON ad.oid = d.objid"
    "   JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum"
    "   WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_proc'::regclass"
    "  UNION ALL"
    "  SELECT con.conrelid, 'c', con.conname::text, d.refobjid FROM pg_depend d JOIN pg_constraint con ON con.oid = d.objid"
    "   WHERE d.classid = 'pg_constraint'::regclass AND d.refclassid = 'pg_proc'::regclass AND con.conrelid <> 0"
    "  UNION ALL"
    "  SELECT i.indrelid, 'i', ic.relname::text, d.refobjid FROM pg_depend d JOIN pg_index i ON i.indexrelid = d.objid"
    "   JOIN pg_class ic ON ic.oid = i.indexrelid"
    "   WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_proc'::regclass) u"
    " JOIN pg_class c ON c.oid = u.relid JOIN pg_namespace n ON n.oid = c.relnamespace"
    " JOIN pg_proc f ON f.oid = u.fid JOIN pg_namespace fn ON fn.oid = f.pronamespace"
    " WHERE n.nspname = ANY($1::text[]) ORDER BY 1, 2, 3";

// Privileges held by roles other than each object's owner, without the ones
// PostgreSQL gives by itself (EXECUTE on functions and the public schema's to public).
constexpr const char* kGrantsQuery =
    "WITH objects AS ("
    " SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END AS kind,"
    "  CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || c.relname AS object, c.relacl AS acl, c.relowner AS owner"
    "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    "  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname = ANY($1::text[]) AND NOT c.relispartition"
    "    AND c.relacl IS NOT NULL AND NOT (n.nspname = 'public' AND c.relname = 'strata_schema_versions')"
    " UNION ALL"
    " SELECT 'function', CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || p.proname || '('"
    "  || oidvectortypes(p.proargtypes) || ')', p.proacl, p.proowner"
    "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    "  WHERE n.nspname = ANY($1::text[]) AND p.proacl IS NOT NULL AND p.prokind IN ('f', 'p')"
    "    AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')"
    " UNION ALL"
    " SELECT 'schema', n.nspname, n.nspacl, n.nspowner FROM pg_namespace n"
    "  WHERE n.nspname = ANY($1::text[]) AND n.nspacl IS NOT NULL)"
    " SELECT o.kind, o.object, CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee) END,"
    "  a.privilege_type, a.is_grantable"
    " FROM objects o, aclexplode(o.acl) a"
    " WHERE a.grantee <> o.owner"
    "  AND NOT (o.kind = 'function' AND a.grantee = 0 AND a.privilege_type = 'EXECUTE')"
    "  AND NOT (o.kind = 'schema' AND o.object = 'public' AND a.grantee = 0)"
    " ORDER BY 1, 2, 3";

#undef STRATA_DEPENDS_ON

std::string text(const Connection::Row& row, std::size_t i) { return row.text(i); }
std::string schema_of(const std::string& nspname) { return nspname == "public" ? "" : nspname; }

std::vector<std::string> strings(const std::string& json) {
  std::vector<std::string> out;
  for (const auto& item : nlohmann::json::parse(json)) out.push_back(item.get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

// The text between the parenthesis at open and the one that closes it.
std::size_t closing_paren(const std::string& s, std::size_t open) {
  int depth = 0;
  char quote = 0;
  for (std::size_t i = open; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i;
    }
  }
  return std::string::npos;
}

}  // namespace

int privilege_rank(const std::string& privilege) {
  static const char* const kOrder[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER",
                                       "USAGE", "CREATE", "EXECUTE", "MAINTAIN"};
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); ++i)
    if (privilege == kOrder[i]) return i;
  return 100;
}

model::ExclusionConstraint parse_exclusion(const std::string& definition) {
  model::ExclusionConstraint x;
  x.definition = definition;
  const std::string prefix = "EXCLUDE USING ";
  if (definition.rfind(prefix, 0) != 0) return x;
  const std::size_t open = definition.find('(', prefix.size());
  const std::size_t close = open == std::string::npos ? open : closing_paren(definition, open);
  if (close == std::string::npos) return x;
  x.method = definition.substr(prefix.size(), open - prefix.size() - 1);
  x.elements = definition.substr(open + 1, close - open - 1);
  const std::string rest = definition.substr(close + 1);
  const std::size_t where = rest.find(" WHERE (");
  if (where != std::string::npos) {
    const std::size_t end = closing_paren(rest, where + 7);
    if (end != std::string::npos) x.where_clause = rest.substr(where + 8, end - where - 8);
  }
  return x;
}

void introspect_objects(Connection& connection, const std::string& managed, const std::map<std::string, std::size_t>& tables,
                        const Scope& scope, model::Schema& schema) {
  auto read = [&](bool wanted, const char* sql) { return read_in_scope(connection, wanted, sql, managed); };
  for (const auto& row : read(scope.views, kViewsQuery)) {
    model::View v;
    v.schema = schema_of(text(row, 0));
    v.name = text(row, 1);
    v.materialized = text(row, 2) == "t";
    v.with_data = !v.materialized || text(row, 3) == "t";
    v.definition = text(row, 4);
    v.sql = v.definition;
    while (!v.sql.empty() && (v.sql.back() == ';' || v.sql.back() == ' ' || v.sql.back() == '\n')) v.sql.pop_back();
    while (!v.sql.empty() && v.sql.front() == ' ') v.sql.erase(0, 1);
    v.comment = row[5];
    for (const auto& pair : nlohmann::json::parse(text(row, 6)))
      v.output_columns.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
    v.depends_on = strings(text(row, 7));
    schema.views.push_back(std::move(v));
  }
  for (const auto& row : read(scope.functions, kFunctionsQuery)) {
    model::Function f;
    f.schema = schema_of(text(row, 0));
    f.name = text(row, 1);
    f.procedure = text(row, 2) == "t";
    f.arguments = text(row, 3);
    f.argument_names = text(row, 4);
    f.result = text(row, 5);
    f.definition = text(row, 6);
    while (!f.definition.empty() && (f.definition.back() == '\n' || f.definition.back() == ' ')) f.definition.pop_back();
    f.sql = f.definition;
    f.comment = row[7];
    f.depends_on = strings(text(row, 8));
    schema.functions.push_back(std::move(f));
  }
  for (const auto& row : read(scope.triggers, kTriggersQuery)) {
    model::Trigger t;
    const std::string ns = text(row, 0);
    t.table = model::relation_label(ns, text(row, 1));
    t.name = text(row, 2);
    t.definition = text(row, 3);
    t.sql = t.definition;
    t.depends_on = strings(text(row, 4));
    t.depends_on.push_back(ns + "." + text(row, 1));  // its table
    schema.triggers.push_back(std::move(t));
  }
  for (const auto& row : read(scope.policies, kPoliciesQuery)) {
    auto found = tables.find(text(row, 0));
    if (found == tables.end()) continue;
    model::Policy p;
    p.name = text(row, 1);
    switch (text(row, 2).empty() ? '*' : text(row, 2)[0]) {
      case 'r': p.command = "select"; break;
      case 'a': p.command = "insert"; break;
      case 'w': p.command = "update"; break;
      case 'd': p.command = "delete"; break;
      default: p.command = "all";
    }
    p.restrictive = text(row, 3) != "t";
    p.roles = strings(text(row, 4));
    if (p.roles == std::vector<std::string>{"public"}) p.roles.clear();
    p.using_clause = row[5];
    p.with_check = row[6];
    p.depends_on = strings(text(row, 7));
    schema.tables[found->second].policies.push_back(std::move(p));
  }
  for (const auto& row : read(scope.partitions, kPartitionsQuery)) {
    auto found = tables.find(text(row, 0));
    if (found == tables.end()) continue;
    model::Partition p;
    p.schema = schema_of(text(row, 1));
    p.name = text(row, 2);
    p.bound = text(row, 3);
    schema.tables[found->second].partitions.push_back(std::move(p));
  }
  for (const auto& row : read(scope.functions, kFunctionUsesQuery)) {
    auto found = tables.find(text(row, 0));
    if (found == tables.end()) continue;
    model::FunctionUse use;
    const std::string part = text(row, 1);
    use.part = part == "d" ? model::FunctionUse::Part::Default
               : part == "c" ? model::FunctionUse::Part::Check
                             : model::FunctionUse::Part::Index;
    use.name = text(row, 2);
    use.function = text(row, 3);
    schema.tables[found->second].function_uses.push_back(std::move(use));
  }
  // One grant per object, role and grant option, privileges in GRANT order.
  schema.grants_managed = scope.grants;
  std::map<std::tuple<std::string, std::string, std::string, bool>, std::vector<std::string>> grants;
  for (const auto& row : read(scope.grants, kGrantsQuery))
    grants[{text(row, 0), text(row, 1), text(row, 2), text(row, 4) == "t"}].push_back(text(row, 3));
  for (auto& [key, privileges] : grants) {
    model::Grant g;
    std::tie(g.kind, g.object, g.grantee, g.grant_option) = key;
    std::sort(privileges.begin(), privileges.end(),
              [](const std::string& a, const std::string& b) { return privilege_rank(a) < privilege_rank(b); });
    g.privileges = std::move(privileges);
    schema.grants.push_back(std::move(g));
  }
}

}  // namespace strata::dialect::postgresql
