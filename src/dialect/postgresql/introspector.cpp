#include "dialect/postgresql/introspector.hpp"

#include <nlohmann/json.hpp>

#include "dialect/postgresql/introspect_objects.hpp"

#include <future>
#include <map>
#include <regex>
#include <utility>

namespace strata::dialect::postgresql {

namespace {

// Tables and partitioned tables of the managed schemas, in creation order.
constexpr const char* kTablesQuery = R"SQL(
SELECT c.oid, n.nspname, c.relname, ds.description, c.relrowsecurity, c.relforcerowsecurity,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[])
  AND NOT (n.nspname = 'public' AND c.relname = 'strata_schema_versions')
ORDER BY c.oid)SQL";

// Every column: its formatted type, default or generation expression,
// identity, collation when not the type's, comment, and whether it owns the
// sequence of its default (a serial column). Written for speed on thousands
// of tables: comments come from a join rather than col_description() per row,
// and a default that reads no column is deparsed without opening its table
// (PostgreSQL would otherwise build a relation cache entry for every table on
// a new connection).
constexpr const char* kColumnsQuery = R"SQL(
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, 0) ELSE pg_get_expr(d.adbin, d.adrelid) END,
       a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       ds.description,
       a.attidentity = '' AND d.adbin IS NOT NULL
         AND EXISTS (SELECT 1 FROM pg_depend sd JOIN pg_class sc ON sc.oid = sd.objid AND sc.relkind = 'S'
                     WHERE sd.classid = 'pg_class'::regclass AND sd.refclassid = 'pg_class'::regclass
                       AND sd.refobjid = a.attrelid AND sd.refobjsubid = a.attnum AND sd.deptype = 'a'),
       (SELECT json_build_array(s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                                CASE format_type(s.seqtypid, NULL) WHEN 'smallint' THEN 32767 WHEN 'integer' THEN 2147483647
                                     ELSE 9223372036854775807 END)::text
        FROM pg_depend dep JOIN pg_sequence s ON s.seqrelid = dep.objid
        WHERE a.attidentity <> '' AND dep.classid = 'pg_class'::regclass AND dep.refobjid = a.attrelid
          AND dep.refobjsubid = a.attnum AND dep.deptype = 'i')
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_description ds ON ds.objoid = a.attrelid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum)SQL";

// Primary keys, unique, foreign key and check constraints with their columns
// (each column name one index probe).
constexpr const char* kConstraintsQuery = R"SQL(
SELECT con.conrelid, con.conname, con.contype,
       array_to_json(ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = k.attnum)
                           FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord) ORDER BY k.ord))::text,
       fn.nspname, fc.relname,
       array_to_json(ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = k.attnum)
                           FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord) ORDER BY k.ord))::text,
       con.confupdtype, con.confdeltype, con.condeferrable, con.condeferred,
       pg_get_expr(con.conbin, con.conrelid), n.nspname, con.confmatchtype, con.convalidated,
       (SELECT ix.indnullsnotdistinct FROM pg_index ix WHERE ix.indexrelid = con.conindid),
       CASE WHEN con.contype = 'x' THEN pg_get_constraintdef(con.oid) END
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND n.nspname = ANY($1::text[]) AND NOT c.relispartition
  AND con.conparentid = 0  -- not the copies a foreign key to a partitioned table makes for each partition
ORDER BY con.conrelid, con.contype, con.conname)SQL";

// Indexes that no constraint owns. Only expression keys are deparsed
// (pg_get_indexdef opens the index); plain keys are column names. Names of
// columns and collations are looked up by oid, one index probe each, not
// joined per index. An operator class is named only when it is not its type's
// default, which one hashed set of the non-default classes answers (PostgreSQL
// scans the small pg_opclass for each key otherwise: 40% of the query).
constexpr const char* kIndexesQuery = R"SQL(
SELECT i.indrelid, ic.relname, i.indisunique, am.amname, i.indnkeyatts, i.indnullsnotdistinct,
       pg_get_expr(i.indpred, i.indrelid),
       array_to_json(ARRAY(SELECT CASE WHEN i.indkey[k - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k, true) END
                           FROM generate_series(1, i.indnatts) k ORDER BY k))::text,
       array_to_json(ARRAY(SELECT (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = k.attnum)
                           FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) ORDER BY k.ord))::text,
       array_to_json(i.indoption::int2[])::text,
       array_to_json(ARRAY(SELECT CASE WHEN o.opcoid IN (SELECT opc.oid FROM pg_opclass opc WHERE NOT opc.opcdefault)
                                       THEN (SELECT opc.opcname FROM pg_opclass opc WHERE opc.oid = o.opcoid) END
                           FROM unnest(i.indclass::oid[]) WITH ORDINALITY o(opcoid, ord) ORDER BY o.ord))::text,
       array_to_json(ARRAY(SELECT CASE WHEN k.colloid = 0 OR k.colloid = COALESCE((SELECT a.attcollation FROM pg_attribute a
                                                                                   WHERE a.attrelid = i.indrelid
                                                                                     AND a.attnum = i.indkey[k.ord - 1]), 100)
                                       THEN NULL
                                       ELSE (SELECT co.collname FROM pg_collation co WHERE co.oid = k.colloid) END
                           FROM unnest(i.indcollation::oid[]) WITH ORDINALITY k(colloid, ord) ORDER BY k.ord))::text
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indexrelid)SQL";

// Enum types with their labels in order.
constexpr const char* kEnumsQuery = R"SQL(
SELECT n.nspname, t.typname,
       array_to_json(ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder))::text,
       obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND n.nspname = ANY($1::text[])
ORDER BY t.oid)SQL";

// Domains with their base type, NOT NULL, default and named checks.
constexpr const char* kDomainsQuery = R"SQL(
SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
       obj_description(t.oid, 'pg_type'),
       array_to_json(ARRAY(SELECT json_build_array(c.conname, pg_get_expr(c.conbin, 0))
                           FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname))::text
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' AND n.nspname = ANY($1::text[])
ORDER BY t.oid)SQL";

// Sequences that no column owns (serial and identity sequences belong to their column).
constexpr const char* kSequencesQuery = R"SQL(
SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
       s.seqcache, s.seqcycle, obj_description(c.oid, 'pg_class'),
       CASE format_type(s.seqtypid, NULL) WHEN 'smallint' THEN 32767 WHEN 'integer' THEN 2147483647
            ELSE 9223372036854775807 END
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                  AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0)
ORDER BY c.oid)SQL";

// Installed extensions (plpgsql comes with every database).
constexpr const char* kExtensionsQuery = "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname";

// Keeps the server from JIT-compiling the catalog queries while they run.
// Their plans are costed high on large schemas (a subquery per row), above
// the server's JIT threshold, and compiling the constraints query alone took
// 0.38 s at 5,000 tables for a query that runs in 0.15 s without it. The
// session's own setting comes back afterwards. PostgreSQL has JIT from 11 on.
class WithoutJit {
 public:
  explicit WithoutJit(Connection& connection) : connection_(connection) {
    if (connection.server_version() < 110000) return;
    const auto rows = connection_.query("SELECT current_setting('jit'), set_config('jit', 'off', false)");
    if (!rows.empty() && rows[0][0]) before_ = *rows[0][0];
  }
  ~WithoutJit() {
    if (!before_) return;
    try {
      connection_.query("SELECT set_config('jit', $1, false)", {before_});
    } catch (const std::exception&) {
      // The connection is gone; so is the setting.
    }
  }
  WithoutJit(const WithoutJit&) = delete;
  WithoutJit& operator=(const WithoutJit&) = delete;

 private:
  Connection& connection_;
  std::optional<std::string> before_;  // the session's setting, when changed
};

std::string text(const Connection::Row& row, std::size_t i) { return row.text(i); }

std::vector<std::string> json_names(const std::string& json) {
  std::vector<std::string> out;
  for (const auto& item : nlohmann::json::parse(json)) out.push_back(item.is_null() ? std::string() : item.get<std::string>());
  return out;
}

std::string array_literal(const std::vector<std::string>& names) {
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += i ? "," : "";
    out += "\"";
    for (char c : names[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += "\"";
  }
  return out + "}";
}

model::ReferentialAction action(const std::string& code) {
  switch (code.empty() ? 'a' : code[0]) {
    case 'r': return model::ReferentialAction::Restrict;
    case 'c': return model::ReferentialAction::Cascade;
    case 'n': return model::ReferentialAction::SetNull;
    case 'd': return model::ReferentialAction::SetDefault;
    default: return model::ReferentialAction::NoAction;
  }
}

// Sequence options as the document states them: only what differs from
// PostgreSQL's defaults for an ascending or descending sequence of the type.
model::SequenceOptions sequence_options(long long start, long long increment, long long min, long long max,
                                        long long cache, bool cycle, long long type_max) {
  model::SequenceOptions o;
  const long long default_min = increment > 0 ? 1 : -type_max - 1, default_max = increment > 0 ? type_max : -1;
  if (increment != 1) o.increment = increment;
  if (min != default_min) o.min_value = min;
  if (max != default_max) o.max_value = max;
  if (start != (increment > 0 ? min : max)) o.start = start;
  if (cache != 1) o.cache = cache;
  o.cycle = cycle;
  return o;
}

model::SequenceOptions sequence_options(const nlohmann::json& v) {
  auto n = [&](std::size_t i) { return v[i].is_string() ? std::stoll(v[i].get<std::string>()) : v[i].get<long long>(); };
  return sequence_options(n(0), n(1), n(2), n(3), n(4), v[5].get<bool>(), n(6));
}

std::string serial_type(const std::string& type) {
  if (type == "integer") return "serial";
  if (type == "bigint") return "bigserial";
  if (type == "smallint") return "smallserial";
  return type;
}

}  // namespace

model::Default classify_default(const std::string& deparsed) {
  static const std::regex kNumber(R"(-?\d+(\.\d+)?([eE][-+]?\d+)?)");
  static const std::regex kCastString(R"('((?:[^']|'')*)'::([\w." ]+(\(\d+(,\d+)?\))?(\[\])?))");
  static const std::regex kNumericType(R"((integer|bigint|smallint|numeric.*|real|double precision))");
  model::Default d;
  d.kind = model::Default::Kind::Literal;
  std::smatch m;
  if (deparsed == "NULL" || deparsed.rfind("NULL::", 0) == 0) {
    d.literal.kind = model::Literal::Kind::Null;
  } else if (deparsed == "true" || deparsed == "false") {
    d.literal.kind = model::Literal::Kind::Boolean;
    d.literal.text = deparsed;
  } else if (std::regex_match(deparsed, kNumber)) {
    d.literal.kind = model::Literal::Kind::Number;
    d.literal.text = deparsed;
  } else if (std::regex_match(deparsed, m, kCastString)) {
    std::string value;
    const std::string raw = m[1].str();
    for (std::size_t i = 0; i < raw.size(); ++i) {
      value += raw[i];
      if (raw[i] == '\'' && i + 1 < raw.size() && raw[i + 1] == '\'') ++i;
    }
    const bool numeric = std::regex_match(m[2].str(), kNumericType) && std::regex_match(value, kNumber);
    d.literal.kind = numeric ? model::Literal::Kind::Number : model::Literal::Kind::String;
    d.literal.text = value;
  } else {
    d.kind = model::Default::Kind::Expression;
    d.expression = deparsed;
  }
  return d;
}

bool is_default_constraint_name(const std::string& table, const std::vector<std::string>& columns, char type,
                                const std::string& name) {
  // PostgreSQL joins table and columns with "_" and truncates to 63 bytes; compare what fits.
  std::string expected = table;
  if (type == 'c' && name.rfind(table + "_check", 0) == 0) {
    // A check on several columns (or none) is named <table>_check, then _check1, _check2, ...
    const std::string rest = name.substr(table.size() + 6);
    if (rest.find_first_not_of("0123456789") == std::string::npos) return true;
  }
  if (type == 'p') {
    expected += "_pkey";
  } else {
    for (const std::string& c : columns) expected += "_" + c;
    expected += type == 'u' ? "_key" : type == 'f' ? "_fkey" : type == 'x' ? "_excl" : "_check";
  }
  if (expected == name) return true;
  return name.size() == 63 && expected.size() > 63 && expected.substr(expected.size() - 4) == name.substr(59);
}

Scope Scope::built_from(const model::Schema& document) {
  // An extension may bring objects of any kind along.
  if (!document.extensions.empty()) return {};
  Scope scope = tables_only();
  scope.types = !document.enums.empty() || !document.domains.empty() || !document.sequences.empty();
  scope.views = !document.views.empty();
  scope.functions = !document.functions.empty();
  scope.triggers = !document.triggers.empty();
  scope.grants = document.grants_managed || !document.grants.empty();
  for (const model::Table& t : document.tables) {
    scope.policies = scope.policies || !t.policies.empty();
    scope.partitions = scope.partitions || !t.partitions.empty();
  }
  return scope;
}

Rows read_in_scope(Connection& connection, bool wanted, const char* sql, const std::string& managed) {
  return wanted ? connection.query(sql, {managed}) : Rows();
}

model::Schema introspect(Connection& connection, const std::vector<std::string>& schemas,
                         const std::optional<std::string>& helper_conninfo, const Scope& scope) {
  model::Schema schema;
  const std::string managed = array_literal(schemas);
  std::map<std::string, std::size_t> by_oid;
  std::map<std::string, std::string> schema_of;  // table oid -> namespace

  // The columns query, the largest, on a second connection while this one
  // runs the tables, constraints and indexes queries (about as long
  // together), or after them here.
  std::future<Rows> on_helper;
  if (helper_conninfo) {
    on_helper = std::async(std::launch::async, [&helper_conninfo, &managed] {
      Connection helper(*helper_conninfo);
      const WithoutJit without_jit(helper);
      return helper.query(kColumnsQuery, {managed});
    });
  }
  const WithoutJit without_jit(connection);
  const Rows table_rows = connection.query(kTablesQuery, {managed});
  const Rows constraint_rows = connection.query(kConstraintsQuery, {managed});
  const Rows index_rows = connection.query(kIndexesQuery, {managed});
  Rows column_rows;
  bool fetched = false;
  if (on_helper.valid()) {
    try {
      column_rows = on_helper.get();
      fetched = true;
    } catch (const std::exception&) {
      // No second connection (the server's connection limit, say): the query runs here.
    }
  }
  if (!fetched) column_rows = connection.query(kColumnsQuery, {managed});

  schema.tables.reserve(table_rows.size());
  for (const auto& row : table_rows) {
    model::Table t;
    t.name = text(row, 2);
    const std::string ns = text(row, 1);
    if (ns != "public") t.schema = ns;
    t.comment = row[3];
    t.row_security = text(row, 4) == "t";
    t.force_row_security = text(row, 5) == "t";
    t.partition_by = row[6];
    by_oid[text(row, 0)] = schema.tables.size();
    schema_of[text(row, 0)] = ns;
    schema.tables.push_back(std::move(t));
  }
  auto table_of = [&](const std::string& oid) -> model::Table* {
    auto it = by_oid.find(oid);
    return it == by_oid.end() ? nullptr : &schema.tables[it->second];
  };

  for (std::size_t i = 0; i < column_rows.size(); ++i) {
    const auto row = column_rows[i];
    model::Table* t = table_of(text(row, 0));
    if (!t) continue;
    if (t->columns.empty()) {
      // The rows come in table order: a table's columns are the run of rows with its oid.
      std::size_t end = i + 1;
      while (end < column_rows.size() && column_rows[end].view(0) == row.view(0)) ++end;
      t->columns.reserve(end - i);
    }
    model::Column c;
    c.name = text(row, 1);
    c.type = text(row, 2);
    c.nullable = text(row, 3) != "t";
    const std::string identity = text(row, 5);
    const std::string generated = text(row, 6);
    if (identity == "a") c.identity = "always";
    if (identity == "d") c.identity = "by default";
    if (c.identity && row[10]) c.set_identity_sequence(sequence_options(nlohmann::json::parse(*row[10])));
    if (generated == "s" && row[4]) {
      c.generated = model::Generated{*row[4], true};
    } else if (text(row, 9) == "t") {
      c.type = serial_type(c.type);
    } else if (row[4] && identity.empty()) {
      c.default_value = classify_default(*row[4]);
    }
    c.collation = row[7];
    c.comment = row[8];
    t->columns.push_back(std::move(c));
  }

  for (const auto& row : constraint_rows) {
    model::Table* t = table_of(text(row, 0));
    if (!t) continue;
    const std::string name = text(row, 1);
    const char type = text(row, 2).empty() ? ' ' : text(row, 2)[0];
    const std::vector<std::string> columns = json_names(text(row, 3));
    const bool default_name = is_default_constraint_name(t->name, columns, type, name);
    std::optional<std::string> kept_name;
    if (!default_name) kept_name = name;
    if (type == 'p') {
      model::PrimaryKey pk;
      pk.name = kept_name;
      pk.stored_name = name;
      pk.columns = columns;
      t->primary_key = pk;
      for (const std::string& c : columns)
        if (model::Column* col = t->find_column(c)) col->nullable = false;
    } else if (type == 'u') {
      model::UniqueConstraint u;
      u.name = kept_name;
      u.stored_name = name;
      u.columns = columns;
      u.nulls_not_distinct = text(row, 15) == "t";
      t->uniques.push_back(std::move(u));
    } else if (type == 'c') {
      std::string expr = text(row, 11);
      if (expr.size() >= 2 && expr.front() == '(' && expr.back() == ')') expr = expr.substr(1, expr.size() - 2);
      // A check named after one column is PostgreSQL's name for a column check.
      std::optional<std::string> check_name = kept_name;
      if (check_name) {
        for (const model::Column& c : t->columns)
          if (is_default_constraint_name(t->name, {c.name}, 'c', name)) check_name.reset();
      }
      model::CheckConstraint check;
      check.name = check_name;
      check.stored_name = name;
      check.expression = expr;
      check.not_valid = text(row, 14) == "f";
      t->checks.push_back(std::move(check));
    } else if (type == 'x') {
      model::ExclusionConstraint x = parse_exclusion(text(row, 16));
      if (!is_default_constraint_name(t->name, columns, 'x', name))
        x.name = name;
      x.stored_name = name;
      t->exclusions.push_back(std::move(x));
    } else if (type == 'f') {
      model::ForeignKey fk;
      fk.name = kept_name;
      fk.stored_name = name;
      fk.columns = columns;
      const std::string ref_schema = text(row, 4);
      // Unqualified means the referencing table's own schema.
      fk.ref_table = ref_schema == text(row, 12) ? text(row, 5) : ref_schema + "." + text(row, 5);
      fk.ref_columns = json_names(text(row, 6));
      fk.on_update = action(text(row, 7));
      fk.on_delete = action(text(row, 8));
      fk.deferrable = text(row, 9) == "t";
      fk.initially_deferred = text(row, 10) == "t";
      fk.match_full = text(row, 13) == "f";
      fk.not_valid = text(row, 14) == "f";
      t->foreign_keys.push_back(std::move(fk));
    }
  }

  for (const auto& row : index_rows) {
    model::Table* t = table_of(text(row, 0));
    if (!t) continue;
    model::Index index;
    index.name = text(row, 1);
    index.unique = text(row, 2) == "t";
    index.method = text(row, 3) == "btree" ? "" : text(row, 3);
    const std::size_t key_count = static_cast<std::size_t>(std::stoul(text(row, 4)));
    index.nulls_not_distinct = text(row, 5) == "t";
    index.where_clause = row[6];
    const auto definitions = json_names(text(row, 7));
    const auto attnames = json_names(text(row, 8));
    const auto options = nlohmann::json::parse(text(row, 9));
    const auto opclasses = json_names(text(row, 10));
    const auto collations = json_names(text(row, 11));
    for (std::size_t k = 0; k < definitions.size(); ++k) {
      if (k >= key_count) {
        index.include.push_back(k < attnames.size() ? attnames[k] : definitions[k]);
        continue;
      }
      model::IndexKey key;
      if (k < attnames.size() && !attnames[k].empty()) key.column = attnames[k];
      else key.expression = definitions[k];
      const int option = k < options.size() ? options[k].get<int>() : 0;
      key.descending = (option & 1) != 0;
      const bool nulls_first = (option & 2) != 0;
      if (nulls_first != key.descending) key.nulls_first = nulls_first;
      if (k < opclasses.size() && !opclasses[k].empty()) key.opclass = opclasses[k];
      if (k < collations.size() && !collations[k].empty()) key.collation = collations[k];
      index.keys.push_back(std::move(key));
    }
    t->indexes.push_back(std::move(index));
  }

  auto read = [&](bool wanted, const char* sql) { return read_in_scope(connection, wanted, sql, managed); };
  for (const auto& row : read(scope.types, kEnumsQuery)) {
    model::EnumType e;
    e.schema = text(row, 0) == "public" ? "" : text(row, 0);
    e.name = text(row, 1);
    e.values = json_names(text(row, 2));
    e.comment = row[3];
    schema.enums.push_back(std::move(e));
  }
  for (const auto& row : read(scope.types, kDomainsQuery)) {
    model::Domain d;
    d.schema = text(row, 0) == "public" ? "" : text(row, 0);
    d.name = text(row, 1);
    d.type = text(row, 2);
    d.not_null = text(row, 3) == "t";
    if (row[4]) d.default_value = classify_default(*row[4]);
    d.comment = row[5];
    for (const auto& pair : nlohmann::json::parse(text(row, 6))) {
      model::CheckConstraint check;
      check.stored_name = pair[0].get<std::string>();
      if (check.stored_name != d.name + "_check") check.name = check.stored_name;
      std::string expr = pair[1].is_null() ? "" : pair[1].get<std::string>();
      if (expr.size() >= 2 && expr.front() == '(' && expr.back() == ')') expr = expr.substr(1, expr.size() - 2);
      check.expression = expr;
      d.checks.push_back(std::move(check));
    }
    schema.domains.push_back(std::move(d));
  }
  for (const auto& row : read(scope.types, kSequencesQuery)) {
    model::Sequence q;
    q.schema = text(row, 0) == "public" ? "" : text(row, 0);
    q.name = text(row, 1);
    q.type = text(row, 2);
    q.set_options(sequence_options(std::stoll(text(row, 3)), std::stoll(text(row, 4)), std::stoll(text(row, 5)),
                                   std::stoll(text(row, 6)), std::stoll(text(row, 7)), text(row, 8) == "t",
                                   std::stoll(text(row, 10))));
    q.comment = row[9];
    schema.sequences.push_back(std::move(q));
  }
  if (scope.types)
    for (const auto& row : connection.query(kExtensionsQuery)) schema.extensions.push_back(text(row, 0));
  introspect_objects(connection, managed, by_oid, scope, schema);
  return schema;
}

}  // namespace strata::dialect::postgresql
