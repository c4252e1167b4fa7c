#include "load/schema_builder.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <stdexcept>

#include "strata/model/types.hpp"
#include "strata/text/similar.hpp"

namespace strata::load {

namespace {

using model::Column;
using model::Table;

// Reads the entries of one map node, reporting unknown keys and wrong kinds.
class MapReader {
 public:
  MapReader(const Node& node, std::string what, const std::vector<std::string>& allowed, Diagnostics& diagnostics)
      : node_(node), what_(std::move(what)), diagnostics_(diagnostics) {
    for (const Node::Entry& e : node.entries) {
      if (std::find(allowed.begin(), allowed.end(), e.key) == allowed.end()) {
        diagnostics_.error(e.key_where, "unknown key \"" + e.key + "\" in " + what_ +
                                            text::did_you_mean(e.key, allowed) +
                                            "; allowed keys: " + join(allowed));
      }
    }
  }

  const Node* get(const std::string& key) const {
    const Node* n = node_.get(key);
    return (n && !n->is_null()) ? n : nullptr;
  }

  std::optional<std::string> string(const std::string& key, bool required = false) const {
    const Node* n = get(key);
    if (!n) {
      if (required) diagnostics_.error(node_.where, what_ + " is missing \"" + key + "\"");
      return std::nullopt;
    }
    if (!n->is_scalar()) {
      diagnostics_.error(n->where, "\"" + key + "\" in " + what_ + " must be a string, not " + n->describe());
      return std::nullopt;
    }
    if (required && n->text.empty()) {
      diagnostics_.error(n->where, "\"" + key + "\" in " + what_ + " must not be empty");
      return std::nullopt;
    }
    return n->text;
  }

  std::optional<bool> boolean(const std::string& key) const {
    const Node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_scalar() || n->scalar_type != Node::ScalarType::Boolean) {
      diagnostics_.error(n->where, "\"" + key + "\" in " + what_ + " must be true or false, not " + n->describe());
      return std::nullopt;
    }
    return n->text == "true";
  }

  // A list of names; a single string is accepted as a list of one.
  std::vector<std::string> names(const std::string& key) const {
    std::vector<std::string> out;
    const Node* n = get(key);
    if (!n) return out;
    if (n->is_scalar()) {
      out.push_back(n->text);
      return out;
    }
    if (!n->is_sequence()) {
      diagnostics_.error(n->where, "\"" + key + "\" in " + what_ + " must be a list of names, not " + n->describe());
      return out;
    }
    for (const Node& item : n->items) {
      if (!item.is_scalar()) {
        diagnostics_.error(item.where, "\"" + key + "\" in " + what_ + " must list names, not " + item.describe());
        continue;
      }
      out.push_back(item.text);
    }
    return out;
  }

  // A list of maps, each handed to fn.
  template <typename Fn>
  void each_map(const std::string& key, const std::string& item_what, Fn fn) const {
    const Node* n = get(key);
    if (!n) return;
    if (!n->is_sequence()) {
      diagnostics_.error(n->where, "\"" + key + "\" in " + what_ + " must be a list, not " + n->describe());
      return;
    }
    for (const Node& item : n->items) {
      if (!item.is_map()) {
        not_a_map(item, key, item_what, diagnostics_);
        continue;
      }
      fn(item);
    }
  }

  static void not_a_map(const Node& item, const std::string& key, const std::string& item_what,
                        Diagnostics& diagnostics) {
    diagnostics.error(item.where, "each entry of \"" + key + "\" must be a map describing " + item_what + ", not " +
                                      item.describe());
  }

  const Node& node() const { return node_; }
  Diagnostics& diagnostics() const { return diagnostics_; }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

 private:
  const Node& node_;
  std::string what_;
  Diagnostics& diagnostics_;
};

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// A whole number under key, or nothing; anything else is reported.
std::optional<long long> read_whole_number(const MapReader& r, const char* key, const std::string& what) {
  const Node* n = r.get(key);
  if (!n) return std::nullopt;
  if (!n->is_scalar() || n->scalar_type != Node::ScalarType::Integer) {
    r.diagnostics().error(n->where, std::string("\"") + key + "\" of " + what + " must be a whole number");
    return std::nullopt;
  }
  try {
    return std::stoll(n->text);
  } catch (const std::out_of_range&) {
    r.diagnostics().error(n->where, std::string("\"") + key + "\" of " + what + " is out of range; it must fit in 64 bits (" +
                                        std::to_string(LLONG_MIN) + " to " + std::to_string(LLONG_MAX) + ")");
    return std::nullopt;
  }
}

// The options a sequence and an identity column's sequence share, under the same keys.
model::SequenceOptions read_sequence_options(const MapReader& r, const std::string& what) {
  auto number = [&](const char* key) { return read_whole_number(r, key, what); };
  model::SequenceOptions options;
  options.start = number("start");
  options.increment = number("increment");
  options.min_value = number("min");
  options.max_value = number("max");
  options.cache = number("cache");
  options.cycle = r.boolean("cycle").value_or(false);
  return options;
}

std::optional<model::ReferentialAction> read_action(const MapReader& r, const std::string& key) {
  auto text = r.string(key);
  if (!text) return std::nullopt;
  auto action = model::parse_referential_action(*text);
  if (!action) {
    r.diagnostics().error(r.node().get(key)->where,
                          "unknown referential action " + quoted(*text) +
                              text::did_you_mean(*text, {"no action", "restrict", "cascade", "set null", "set default"}) +
                              "; use one of: no action, restrict, cascade, set null, set default");
  }
  return action;
}

// A literal default: the scalar's type decides between number, boolean and string.
std::optional<model::Default> read_default(const Node& n, Diagnostics& diagnostics) {
  model::Default d;
  d.kind = model::Default::Kind::Literal;
  d.where = n.where;
  if (n.is_null()) {
    d.literal.kind = model::Literal::Kind::Null;
    return d;
  }
  if (!n.is_scalar()) {
    diagnostics.error(n.where, "\"default\" must be a single value (number, string or boolean), not " + n.describe() +
                                   "; use \"default_sql\" for an SQL expression");
    return std::nullopt;
  }
  switch (n.scalar_type) {
    case Node::ScalarType::Integer:
    case Node::ScalarType::Float: d.literal.kind = model::Literal::Kind::Number; break;
    case Node::ScalarType::Boolean: d.literal.kind = model::Literal::Kind::Boolean; break;
    case Node::ScalarType::String: d.literal.kind = model::Literal::Kind::String; break;
  }
  d.literal.text = n.text;
  return d;
}

const std::vector<std::string> kColumnKeys = {
    "name", "type", "nullable", "primary_key", "autoincrement", "default", "default_sql", "generated",
    "collation", "unique", "references", "check", "renamed_from", "comment", "identity"};
const std::vector<std::string> kReferenceKeys = {"table", "column", "columns", "on_delete", "on_update",
                                                 "deferrable", "initially_deferred", "name", "match", "not_valid"};
const std::vector<std::string> kForeignKeyKeys = {"name", "columns", "references", "on_delete", "on_update",
                                                  "deferrable", "initially_deferred", "match", "not_valid", "renamed_from"};

// match: full | simple (the default).
bool read_match(const MapReader& r) {
  auto match = r.string("match");
  if (!match) return false;
  const std::string v = model::to_lower(*match);
  if (v != "full" && v != "simple")
    r.diagnostics().error(r.get("match")->where, "\"match\" must be \"full\" or \"simple\", not \"" + *match + "\"");
  return v == "full";
}
const std::vector<std::string> kTableKeys = {"name", "schema", "renamed_from", "comment", "columns", "primary_key", "uniques",
                                             "indexes", "foreign_keys", "checks", "without_rowid", "strict",
                                             "exclusions", "row_level_security", "force_row_level_security",
                                             "policies", "partition_by", "partitions"};

// The options a foreign key has wherever it is written: actions, deferral, match, validation.
void read_foreign_key_options(const MapReader& r, model::ForeignKey& fk) {
  if (auto a = read_action(r, "on_delete")) fk.on_delete = *a;
  if (auto a = read_action(r, "on_update")) fk.on_update = *a;
  fk.deferrable = r.boolean("deferrable").value_or(false);
  fk.initially_deferred = r.boolean("initially_deferred").value_or(false);
  fk.match_full = read_match(r);
  fk.not_valid = r.boolean("not_valid").value_or(false);
}

void read_reference(const Node& node, Table& table, const Column& column, Diagnostics& diagnostics) {
  if (!node.is_map()) {
    diagnostics.error(node.where, "\"references\" of column " + quoted(column.name) +
                                      " must be a map such as { table: team, column: id }, not " + node.describe());
    return;
  }
  MapReader r(node, "the reference of column " + quoted(column.name), kReferenceKeys, diagnostics);
  model::ForeignKey fk;
  fk.where = node.where;
  fk.name = r.string("name");
  fk.columns = {column.name};
  if (auto t = r.string("table", true)) fk.ref_table = *t;
  if (auto c = r.string("column")) fk.ref_columns = {*c};
  else fk.ref_columns = r.names("columns");
  read_foreign_key_options(r, fk);
  table.foreign_keys.push_back(std::move(fk));
}

void read_column(const Node& node, Table& table, std::vector<std::string>& inline_pk, Diagnostics& diagnostics) {
  const std::string label = node.get("name") && node.get("name")->is_scalar()
                                ? "column " + quoted(node.get("name")->text)
                                : "a column of table " + quoted(table.name);
  MapReader r(node, label, kColumnKeys, diagnostics);
  Column column;
  column.where = node.where;
  column.name = r.string("name", true).value_or("");
  // An empty type is a column without a declared type, which SQLite allows
  // (and inspect writes as type: ""); engines that need a type refuse it.
  const Node* type_node = r.get("type");
  if (auto type = r.string("type", !(type_node && type_node->is_string() && type_node->text.empty()))) {
    column.type = *type;
    column.type_where = type_node->where;
  }
  column.nullable = r.boolean("nullable").value_or(false);
  column.autoincrement = r.boolean("autoincrement").value_or(false);
  column.collation = r.string("collation");
  column.renamed_from = r.string("renamed_from");
  column.comment = r.string("comment");
  if (const Node* identity = r.get("identity")) {
    // identity: always | by default, or { generated: always, start: 100, increment: 10, ... }
    const Node* kind = identity;
    if (identity->is_map()) {
      MapReader ir(*identity, "\"identity\" of " + label, {"generated", "start", "increment", "min", "max", "cache", "cycle"},
                   diagnostics);
      kind = ir.get("generated");
      column.set_identity_sequence(read_sequence_options(ir, "the identity of " + label));
    }
    const std::string v = kind && kind->is_scalar() ? model::to_lower(kind->text) : "always";
    if (v == "always" || v == "by default" || v == "by_default") {
      column.identity = v == "always" ? "always" : "by default";
    } else {
      diagnostics.error(kind->where, "\"identity\" of " + label + " must be \"always\" or \"by default\", not " + quoted(v));
    }
  }

  if (const Node* d = node.get("default")) column.default_value = read_default(*d, diagnostics);
  if (auto sql = r.string("default_sql")) {
    if (column.default_value) {
      diagnostics.error(r.get("default_sql")->where, label + " has both \"default\" and \"default_sql\"; keep one");
    } else if (sql->empty()) {
      diagnostics.error(r.get("default_sql")->where, "\"default_sql\" of " + label + " must not be empty");
    } else {
      model::Default d;
      d.kind = model::Default::Kind::Expression;
      d.expression = *sql;
      d.where = r.get("default_sql")->where;
      column.default_value = d;
    }
  }
  if (const Node* g = r.get("generated")) {
    model::Generated generated;
    if (g->is_scalar()) {
      generated.expression = g->text;
    } else if (g->is_map()) {
      MapReader gr(*g, "\"generated\" of " + label, {"expr", "stored"}, diagnostics);
      generated.expression = gr.string("expr", true).value_or("");
      generated.stored = gr.boolean("stored").value_or(false);
    } else {
      diagnostics.error(g->where, "\"generated\" of " + label + " must be an expression or { expr: ..., stored: true }");
    }
    column.generated = generated;
  }
  if (r.boolean("primary_key").value_or(false)) inline_pk.push_back(column.name);
  if (r.boolean("unique").value_or(false)) {
    model::UniqueConstraint u;
    u.columns = {column.name};
    u.where = r.get("unique")->where;
    table.uniques.push_back(u);
  }
  if (const Node* ref = r.get("references")) read_reference(*ref, table, column, diagnostics);
  if (auto check = r.string("check")) {
    model::CheckConstraint c;
    c.expression = *check;
    c.where = r.get("check")->where;
    table.checks.push_back(c);
  }
  table.columns.push_back(std::move(column));
}

void read_index(const Node& node, Table& table, Diagnostics& diagnostics) {
  MapReader r(node, "an index of table " + quoted(table.name),
              {"name", "columns", "unique", "where", "renamed_from", "method", "include", "nulls_not_distinct"}, diagnostics);
  model::Index index;
  index.where = node.where;
  index.unique = r.boolean("unique").value_or(false);
  index.where_clause = r.string("where");
  index.renamed_from = r.string("renamed_from");
  index.method = model::to_lower(r.string("method").value_or(""));
  index.include = r.names("include");
  index.nulls_not_distinct = r.boolean("nulls_not_distinct").value_or(false);
  const Node* cols = r.get("columns");
  if (!cols) {
    diagnostics.error(node.where, "an index of table " + quoted(table.name) + " is missing \"columns\"");
  } else if (!cols->is_sequence() || cols->items.empty()) {
    diagnostics.error(cols->where, "\"columns\" of an index must be a non-empty list of column names or "
                                   "{ column: ..., desc: true } / { expr: ... } entries");
  } else {
    for (const Node& item : cols->items) {
      model::IndexKey key;
      if (item.is_scalar()) {
        key.column = item.text;
      } else if (item.is_map()) {
        MapReader kr(item, "an index key", {"column", "expr", "desc", "collation", "nulls", "opclass"}, diagnostics);
        auto column = kr.string("column");
        auto expr = kr.string("expr");
        if (column && expr) diagnostics.error(item.where, "an index key has both \"column\" and \"expr\"; keep one");
        else if (!column && !expr) diagnostics.error(item.where, "an index key needs \"column\" or \"expr\"");
        if (column) key.column = *column;
        else if (expr) key.expression = *expr;
        key.descending = kr.boolean("desc").value_or(false);
        key.collation = kr.string("collation");
        key.opclass = kr.string("opclass");
        if (auto nulls = kr.string("nulls")) {
          const std::string v = model::to_lower(*nulls);
          if (v == "first" || v == "last") key.nulls_first = v == "first";
          else diagnostics.error(kr.get("nulls")->where, "\"nulls\" of an index key must be \"first\" or \"last\"");
        }
      } else {
        diagnostics.error(item.where, "an index key must be a column name or a map, not " + item.describe());
        continue;
      }
      index.keys.push_back(std::move(key));
    }
  }
  if (auto name = r.string("name")) {
    index.name = *name;
  } else {
    index.name = model::generated_index_name(table.name, index);
    index.name_generated = true;
  }
  table.indexes.push_back(std::move(index));
}

void read_foreign_key(const Node& node, Table& table, Diagnostics& diagnostics) {
  MapReader r(node, "a foreign key of table " + quoted(table.name), kForeignKeyKeys, diagnostics);
  model::ForeignKey fk;
  fk.where = node.where;
  fk.name = r.string("name");
  fk.renamed_from = r.string("renamed_from");
  fk.columns = r.names("columns");
  if (fk.columns.empty()) diagnostics.error(node.where, "a foreign key of table " + quoted(table.name) + " needs \"columns\"");
  const Node* ref = r.get("references");
  if (!ref) {
    diagnostics.error(node.where, "a foreign key of table " + quoted(table.name) +
                                      " needs \"references\", e.g. { table: team, columns: [id] }");
  } else if (!ref->is_map()) {
    diagnostics.error(ref->where, "\"references\" must be a map such as { table: team, columns: [id] }, not " + ref->describe());
  } else {
    MapReader rr(*ref, "\"references\"", {"table", "columns", "column"}, diagnostics);
    fk.ref_table = rr.string("table", true).value_or("");
    if (auto c = rr.string("column")) fk.ref_columns = {*c};
    else fk.ref_columns = rr.names("columns");
  }
  read_foreign_key_options(r, fk);
  table.foreign_keys.push_back(std::move(fk));
}

void read_table(const Node& node, model::Schema& schema, Diagnostics& diagnostics) {
  const std::string label = node.get("name") && node.get("name")->is_scalar()
                                ? "table " + quoted(node.get("name")->text)
                                : "a table";
  MapReader r(node, label, kTableKeys, diagnostics);
  Table table;
  table.where = node.where;
  table.name = r.string("name", true).value_or("");
  table.schema = r.string("schema").value_or("");
  table.renamed_from = r.string("renamed_from");
  table.comment = r.string("comment");
  table.options.without_rowid = r.boolean("without_rowid").value_or(false);
  table.options.strict = r.boolean("strict").value_or(false);
  table.row_security = r.boolean("row_level_security").value_or(false);
  table.force_row_security = r.boolean("force_row_level_security").value_or(false);
  table.partition_by = r.string("partition_by", false);

  std::vector<std::string> inline_pk;
  const Node* columns = r.get("columns");
  if (!columns) {
    diagnostics.error(node.where, label + " has no \"columns\"; a table needs at least one column");
  } else {
    if (columns->is_sequence()) table.columns.reserve(columns->items.size());
    r.each_map("columns", "a column", [&](const Node& c) { read_column(c, table, inline_pk, diagnostics); });
  }

  if (const Node* pk = r.get("primary_key")) {
    model::PrimaryKey key;
    key.where = pk->where;
    if (pk->is_map()) {
      MapReader pr(*pk, "the primary key of " + label, {"name", "columns"}, diagnostics);
      key.name = pr.string("name");
      key.columns = pr.names("columns");
    } else {
      key.columns = r.names("primary_key");
    }
    if (!inline_pk.empty()) {
      diagnostics.error(pk->where, label + " declares its primary key both on columns and in \"primary_key\"; keep one");
    }
    table.primary_key = key;
  } else if (!inline_pk.empty()) {
    model::PrimaryKey key;
    key.columns = inline_pk;
    key.where = table.find_column(inline_pk.front()) ? table.find_column(inline_pk.front())->where : node.where;
    table.primary_key = key;
  }

  r.each_map("uniques", "a unique constraint", [&](const Node& u) {
    MapReader ur(u, "a unique constraint of " + label, {"name", "columns", "nulls_not_distinct", "renamed_from"}, diagnostics);
    model::UniqueConstraint unique;
    unique.where = u.where;
    unique.name = ur.string("name");
    unique.renamed_from = ur.string("renamed_from");
    unique.columns = ur.names("columns");
    unique.nulls_not_distinct = ur.boolean("nulls_not_distinct").value_or(false);
    if (unique.columns.empty()) diagnostics.error(u.where, "a unique constraint of " + label + " needs \"columns\"");
    table.uniques.push_back(unique);
  });
  r.each_map("indexes", "an index", [&](const Node& i) { read_index(i, table, diagnostics); });
  r.each_map("foreign_keys", "a foreign key", [&](const Node& f) { read_foreign_key(f, table, diagnostics); });
  r.each_map("checks", "a check constraint", [&](const Node& c) {
    MapReader cr(c, "a check constraint of " + label, {"name", "expr", "not_valid", "renamed_from"}, diagnostics);
    model::CheckConstraint check;
    check.where = c.where;
    check.name = cr.string("name");
    check.renamed_from = cr.string("renamed_from");
    check.not_valid = cr.boolean("not_valid").value_or(false);
    check.expression = cr.string("expr", true).value_or("");
    table.checks.push_back(check);
  });
  r.each_map("exclusions", "an exclusion constraint", [&](const Node& x) {
    MapReader xr(x, "an exclusion constraint of " + label, {"name", "using", "elements", "where"}, diagnostics);
    model::ExclusionConstraint exclusion;
    exclusion.where = x.where;
    exclusion.name = xr.string("name");
    exclusion.method = xr.string("using").value_or("gist");
    exclusion.elements = xr.string("elements", true).value_or("");
    exclusion.where_clause = xr.string("where");
    table.exclusions.push_back(exclusion);
  });
  r.each_map("policies", "a policy", [&](const Node& p) {
    MapReader pr(p, "a policy of " + label, {"name", "command", "restrictive", "roles", "using", "with_check"}, diagnostics);
    model::Policy policy;
    policy.where = p.where;
    policy.name = pr.string("name", true).value_or("");
    policy.command = model::to_lower(pr.string("command").value_or("all"));
    static const std::vector<std::string> kCommands = {"all", "select", "insert", "update", "delete"};
    if (std::find(kCommands.begin(), kCommands.end(), policy.command) == kCommands.end()) {
      const Node* at = pr.get("command");
      diagnostics.error(at ? at->where : p.where, "policy " + quoted(policy.name) + " has command " + quoted(policy.command) +
                                                      "; use all, select, insert, update or delete");
    }
    policy.restrictive = pr.boolean("restrictive").value_or(false);
    policy.roles = pr.names("roles");
    policy.using_clause = pr.string("using");
    policy.with_check = pr.string("with_check");
    table.policies.push_back(policy);
  });
  r.each_map("partitions", "a partition", [&](const Node& p) {
    MapReader pr(p, "a partition of " + label, {"name", "schema", "bound"}, diagnostics);
    model::Partition partition;
    partition.where = p.where;
    partition.name = pr.string("name", true).value_or("");
    partition.schema = pr.string("schema").value_or(table.schema);
    partition.bound = pr.string("bound", true).value_or("");
    table.partitions.push_back(partition);
  });
  if (!table.partitions.empty() && !table.partition_by) {
    diagnostics.error(node.where, label + " lists \"partitions\" but has no \"partition_by\"; add the partition key");
  }
  schema.tables.push_back(std::move(table));
}

// A function given whole (sql) or in parts, which are put together into the
// CREATE statement the engine will check.
void read_function(const Node& node, model::Schema& schema, Diagnostics& diagnostics) {
  MapReader r(node, "a function", {"name", "schema", "sql", "args", "returns", "language", "volatility", "body", "comment"},
              diagnostics);
  model::Function function;
  function.where = node.where;
  function.name = r.string("name", true).value_or("");
  function.schema = r.string("schema").value_or("");
  function.comment = r.string("comment");
  const std::string label = "function " + quoted(function.name);
  const auto sql = r.string("sql");
  const auto body = r.string("body");
  if (sql && body) {
    diagnostics.error(r.get("body")->where, label + " gives both \"sql\" and \"body\"; give the whole statement or its parts");
  } else if (sql) {
    for (const char* part : {"args", "returns", "language", "volatility"})
      if (const Node* n = r.get(part))
        diagnostics.error(n->where, label + ": \"" + part + "\" is for a function given in parts; with \"sql\" the statement says it");
    function.sql = *sql;
  } else if (body) {
    const std::string volatility = model::to_lower(r.string("volatility").value_or("volatile"));
    if (volatility != "volatile" && volatility != "stable" && volatility != "immutable")
      diagnostics.error(r.get("volatility")->where, label + " has volatility " + quoted(volatility) +
                                                        "; use volatile, stable or immutable");
    std::string tag = "$body$";
    while (body->find(tag) != std::string::npos) tag.insert(tag.size() - 1, "_");
    const std::string qualified = (function.schema.empty() ? "" : "\"" + function.schema + "\".") + "\"" + function.name + "\"";
    const auto returns = r.string("returns");
    function.sql = std::string(returns ? "CREATE FUNCTION " : "CREATE PROCEDURE ") + qualified + "(" +
                   r.string("args").value_or("") + ")" + (returns ? " RETURNS " + *returns : "") + " LANGUAGE " +
                   r.string("language").value_or("sql") + (returns ? " " + model::to_lower(volatility) : "") + " AS " + tag +
                   *body + tag;
  } else {
    diagnostics.error(node.where, label + " needs \"sql\" (the whole CREATE FUNCTION statement) or \"body\"");
  }
  schema.functions.push_back(std::move(function));
}

// A grant: one object, one or more roles, privileges; one model::Grant per role.
void read_grant(const Node& node, model::Schema& schema, Diagnostics& diagnostics) {
  static const std::vector<std::string> kKinds = {"table", "view", "sequence", "schema", "function"};
  MapReader r(node, "a grant", {"table", "view", "sequence", "schema", "function", "to", "privileges", "with_grant_option"},
              diagnostics);
  model::Grant grant;
  grant.where = node.where;
  int objects = 0;
  for (const std::string& kind : kKinds) {
    if (auto object = r.string(kind)) {
      ++objects;
      grant.kind = kind;
      grant.object = *object;
    }
  }
  if (objects != 1) {
    diagnostics.error(node.where, std::string("a grant needs exactly one object: ") + (objects ? "it names " + std::to_string(objects) : "it names none") +
                                      " of table, view, sequence, schema and function");
  }
  const std::vector<std::string> roles = r.names("to");
  if (roles.empty()) diagnostics.error(node.where, "a grant needs \"to\": the role (or list of roles) it is given to");
  for (std::string p : r.names("privileges")) {
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    grant.privileges.push_back(p);
  }
  if (grant.privileges.empty()) diagnostics.error(node.where, "a grant needs \"privileges\", e.g. [select] or all");
  grant.grant_option = r.boolean("with_grant_option").value_or(false);
  for (const std::string& role : roles) {
    model::Grant one = grant;
    one.grantee = role;
    schema.grants.push_back(std::move(one));
  }
}

}  // namespace

void build_table_entry(const Node& entry, model::Schema& schema, Diagnostics& diagnostics) {
  if (entry.is_map()) read_table(entry, schema, diagnostics);
  else MapReader::not_a_map(entry, "tables", "a table", diagnostics);
}

void build_schema(Node&& root, model::Schema& schema, Diagnostics& diagnostics) {
  if (root.is_null()) return;  // an empty document declares nothing
  if (!root.is_map()) {
    diagnostics.error(root.where, "a schema document must be a map with \"tables\", \"views\" and \"triggers\", not " +
                                      root.describe());
    return;
  }
  MapReader r(root, "the schema document",
              {"extensions", "enums", "domains", "sequences", "functions", "tables", "views", "triggers", "grants"}, diagnostics);
  r.each_map("domains", "a domain", [&](const Node& d) {
    MapReader dr(d, "a domain", {"name", "schema", "type", "not_null", "default", "default_sql", "checks", "comment"},
                 diagnostics);
    model::Domain domain;
    domain.where = d.where;
    domain.name = dr.string("name", true).value_or("");
    domain.schema = dr.string("schema").value_or("");
    domain.type = dr.string("type", true).value_or("");
    domain.not_null = dr.boolean("not_null").value_or(false);
    domain.comment = dr.string("comment");
    if (const Node* def = d.get("default")) domain.default_value = read_default(*def, diagnostics);
    if (auto sql = dr.string("default_sql")) {
      model::Default e;
      e.kind = model::Default::Kind::Expression;
      e.expression = *sql;
      e.where = dr.get("default_sql")->where;
      domain.default_value = e;
    }
    dr.each_map("checks", "a check constraint", [&](const Node& c) {
      MapReader cr(c, "a check of domain " + quoted(domain.name), {"name", "expr"}, diagnostics);
      model::CheckConstraint check;
      check.where = c.where;
      check.name = cr.string("name");
      check.expression = cr.string("expr", true).value_or("");
      domain.checks.push_back(check);
    });
    schema.domains.push_back(domain);
  });
  r.each_map("sequences", "a sequence", [&](const Node& q) {
    MapReader qr(q, "a sequence", {"name", "schema", "type", "start", "increment", "min", "max", "cache", "cycle", "comment"},
                 diagnostics);
    model::Sequence sequence;
    sequence.where = q.where;
    sequence.name = qr.string("name", true).value_or("");
    sequence.schema = qr.string("schema").value_or("");
    sequence.type = qr.string("type").value_or("bigint");
    sequence.set_options(read_sequence_options(qr, "sequence " + quoted(sequence.name)));
    sequence.comment = qr.string("comment");
    schema.sequences.push_back(sequence);
  });
  for (const std::string& extension : r.names("extensions")) schema.extensions.push_back(extension);
  r.each_map("enums", "an enum type", [&](const Node& e) {
    MapReader er(e, "an enum type", {"name", "schema", "values", "comment"}, diagnostics);
    model::EnumType type;
    type.where = e.where;
    type.name = er.string("name", true).value_or("");
    type.schema = er.string("schema").value_or("");
    // Labels: plain names, or { value: okay, renamed_from: ok } for a renamed label.
    if (const Node* values = er.get("values"); values && values->is_sequence()) {
      for (const Node& item : values->items) {
        if (item.is_map()) {
          MapReader vr(item, "a label of enum " + quoted(type.name), {"value", "renamed_from"}, diagnostics);
          const std::string value = vr.string("value", true).value_or("");
          type.values.push_back(value);
          if (auto from = vr.string("renamed_from")) type.value_renames.emplace_back(value, *from);
        } else if (item.is_scalar()) {
          type.values.push_back(item.text);
        }
      }
    } else {
      type.values = er.names("values");
    }
    type.comment = er.string("comment");
    if (type.values.empty()) diagnostics.error(e.where, "enum " + quoted(type.name) + " needs \"values\", a list of labels");
    schema.enums.push_back(type);
  });
  if (const Node* tables = r.get("tables"); tables && tables->is_sequence())
    schema.tables.reserve(schema.tables.size() + tables->items.size());  // several files add to one schema
  // Each table's part of the tree is released once read: the tree and the
  // model it becomes are then not both whole at once.
  r.each_map("tables", "a table", [&](const Node& t) {
    read_table(t, schema, diagnostics);
    const_cast<Node&>(t) = Node();  // root is this function's to consume
  });
  r.each_map("views", "a view", [&](const Node& v) {
    MapReader vr(v, "a view", {"name", "schema", "sql", "columns", "materialized", "with_data", "comment"}, diagnostics);
    model::View view;
    view.where = v.where;
    view.name = vr.string("name", true).value_or("");
    view.schema = vr.string("schema").value_or("");
    view.sql = vr.string("sql", true).value_or("");
    // A final semicolon ends the SELECT, not the view: the plan writes its own.
    while (!view.sql.empty() && (view.sql.back() == ';' || std::isspace(static_cast<unsigned char>(view.sql.back()))))
      view.sql.pop_back();
    view.columns = vr.names("columns");
    view.materialized = vr.boolean("materialized").value_or(false);
    view.with_data = vr.boolean("with_data").value_or(true);
    view.comment = vr.string("comment");
    if (!view.materialized && vr.get("with_data"))
      diagnostics.error(vr.get("with_data")->where, "view " + quoted(view.name) + ": with_data is for materialized views");
    schema.views.push_back(view);
  });
  r.each_map("triggers", "a trigger", [&](const Node& t) {
    MapReader tr(t, "a trigger", {"name", "table", "sql"}, diagnostics);
    model::Trigger trigger;
    trigger.where = t.where;
    trigger.name = tr.string("name", true).value_or("");
    trigger.table = tr.string("table", true).value_or("");
    trigger.sql = tr.string("sql", true).value_or("");
    schema.triggers.push_back(trigger);
  });
  r.each_map("functions", "a function", [&](const Node& f) { read_function(f, schema, diagnostics); });
  if (r.node().get("grants")) schema.grants_managed = true;
  r.each_map("grants", "a grant", [&](const Node& g) { read_grant(g, schema, diagnostics); });
}

}  // namespace strata::load
