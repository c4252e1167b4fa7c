#include "strata/emit/document_writer.hpp"

#include <cctype>
#include <regex>
#include <set>

namespace strata::emit {

namespace {

// A small ordered document tree, written out as YAML or TOML.
struct Value {
  enum class Kind { Map, List, String, Number, Bool, Null };
  Kind kind = Kind::Null;
  std::string text;
  std::vector<std::pair<std::string, Value>> entries;
  std::vector<Value> items;
  bool flow = false;  // written on one line

  static Value map(bool flow = false) {
    Value v;
    v.kind = Kind::Map;
    v.flow = flow;
    return v;
  }
  static Value list(bool flow = false) {
    Value v;
    v.kind = Kind::List;
    v.flow = flow;
    return v;
  }
  static Value str(const std::string& s) {
    Value v;
    v.kind = Kind::String;
    v.text = s;
    return v;
  }
  static Value boolean(bool b) {
    Value v;
    v.kind = Kind::Bool;
    v.text = b ? "true" : "false";
    return v;
  }
  Value& set(const std::string& key, Value value) {
    entries.emplace_back(key, std::move(value));
    return *this;
  }
};

Value names(const std::vector<std::string>& list) {
  Value v = Value::list(true);
  for (const std::string& n : list) v.items.push_back(Value::str(n));
  return v;
}

Value literal(const model::Literal& l) {
  Value v;
  switch (l.kind) {
    case model::Literal::Kind::Null: v.kind = Value::Kind::Null; break;
    case model::Literal::Kind::Boolean: v.kind = Value::Kind::Bool; v.text = l.text; break;
    case model::Literal::Kind::Number: v.kind = Value::Kind::Number; v.text = l.text; break;
    case model::Literal::Kind::String: v.kind = Value::Kind::String; v.text = l.text; break;
  }
  return v;
}

void reference_fields(Value& v, const model::ForeignKey& fk) {
  if (fk.on_delete != model::ReferentialAction::NoAction) v.set("on_delete", Value::str(model::to_string(fk.on_delete)));
  if (fk.on_update != model::ReferentialAction::NoAction) v.set("on_update", Value::str(model::to_string(fk.on_update)));
  if (fk.deferrable) v.set("deferrable", Value::boolean(true));
  if (fk.initially_deferred) v.set("initially_deferred", Value::boolean(true));
  if (fk.match_full) v.set("match", Value::str("full"));
  if (fk.not_valid) v.set("not_valid", Value::boolean(true));
}

bool single_column(const std::vector<std::string>& columns, const std::string& name) {
  return columns.size() == 1 && model::iequals(columns.front(), name);
}

Value table_value(const model::Table& t) {
  Value v = Value::map();
  v.set("name", Value::str(t.name));
  if (!t.schema.empty()) v.set("schema", Value::str(t.schema));
  if (t.comment) v.set("comment", Value::str(*t.comment));
  if (t.options.without_rowid) v.set("without_rowid", Value::boolean(true));
  if (t.options.strict) v.set("strict", Value::boolean(true));

  const bool inline_pk = t.primary_key && t.primary_key->columns.size() == 1 && !t.primary_key->name;
  std::vector<const model::ForeignKey*> table_fks;
  std::vector<const model::UniqueConstraint*> table_uniques;
  std::vector<bool> fk_inlined(t.foreign_keys.size(), false), unique_inlined(t.uniques.size(), false);

  Value columns = Value::list();
  for (const model::Column& c : t.columns) {
    Value col = Value::map(true);
    col.set("name", Value::str(c.name));
    col.set("type", Value::str(c.type));
    if (c.nullable) col.set("nullable", Value::boolean(true));
    if (inline_pk && single_column(t.primary_key->columns, c.name)) col.set("primary_key", Value::boolean(true));
    if (c.autoincrement) col.set("autoincrement", Value::boolean(true));
    if (c.identity) {
      const model::SequenceOptions o = c.identity_sequence();
      if (o == model::SequenceOptions{}) {
        col.set("identity", Value::str(*c.identity));
      } else {
        Value identity = Value::map(true);
        identity.set("generated", Value::str(*c.identity));
        auto number = [&](const char* key, const std::optional<long long>& n) {
          if (!n) return;
          Value x;
          x.kind = Value::Kind::Number;
          x.text = std::to_string(*n);
          identity.set(key, x);
        };
        number("start", o.start);
        number("increment", o.increment);
        number("min", o.min_value);
        number("max", o.max_value);
        number("cache", o.cache);
        if (o.cycle) identity.set("cycle", Value::boolean(true));
        col.set("identity", identity);
      }
    }
    if (c.default_value) {
      if (c.default_value->kind == model::Default::Kind::Expression)
        col.set("default_sql", Value::str(c.default_value->expression));
      else
        col.set("default", literal(c.default_value->literal));
    }
    if (c.generated) {
      Value g = Value::map(true);
      g.set("expr", Value::str(c.generated->expression));
      if (c.generated->stored) g.set("stored", Value::boolean(true));
      col.set("generated", g);
    }
    if (c.collation) col.set("collation", Value::str(*c.collation));
    for (std::size_t i = 0; i < t.uniques.size(); ++i) {
      if (!unique_inlined[i] && !t.uniques[i].name && !t.uniques[i].nulls_not_distinct &&
          single_column(t.uniques[i].columns, c.name)) {
        unique_inlined[i] = true;
        col.set("unique", Value::boolean(true));
        break;
      }
    }
    for (std::size_t i = 0; i < t.foreign_keys.size(); ++i) {
      const model::ForeignKey& fk = t.foreign_keys[i];
      if (fk_inlined[i] || fk.name || !single_column(fk.columns, c.name) || fk.ref_columns.size() > 1) continue;
      fk_inlined[i] = true;
      Value ref = Value::map(true);
      ref.set("table", Value::str(fk.ref_table));
      if (!fk.ref_columns.empty()) ref.set("column", Value::str(fk.ref_columns.front()));
      reference_fields(ref, fk);
      col.set("references", ref);
      break;
    }
    if (c.comment) col.set("comment", Value::str(*c.comment));
    columns.items.push_back(col);
  }
  v.set("columns", columns);

  if (t.primary_key && !inline_pk) {
    if (t.primary_key->name) {
      Value pk = Value::map(true);
      pk.set("name", Value::str(*t.primary_key->name));
      pk.set("columns", names(t.primary_key->columns));
      v.set("primary_key", pk);
    } else {
      v.set("primary_key", names(t.primary_key->columns));
    }
  }
  Value uniques = Value::list();
  for (std::size_t i = 0; i < t.uniques.size(); ++i) {
    if (unique_inlined[i]) continue;
    Value u = Value::map(true);
    if (t.uniques[i].name) u.set("name", Value::str(*t.uniques[i].name));
    u.set("columns", names(t.uniques[i].columns));
    if (t.uniques[i].nulls_not_distinct) u.set("nulls_not_distinct", Value::boolean(true));
    uniques.items.push_back(u);
  }
  if (!uniques.items.empty()) v.set("uniques", uniques);

  Value indexes = Value::list();
  for (const model::Index& index : t.indexes) {
    Value i = Value::map(true);
    if (index.name != model::generated_index_name(t.name, index)) i.set("name", Value::str(index.name));
    Value keys = Value::list(true);
    for (const model::IndexKey& k : index.keys) {
      if (!k.is_expression() && !k.descending && !k.collation && !k.nulls_first && !k.opclass) {
        keys.items.push_back(Value::str(k.column));
        continue;
      }
      Value key = Value::map(true);
      if (k.is_expression()) key.set("expr", Value::str(k.expression));
      else key.set("column", Value::str(k.column));
      if (k.descending) key.set("desc", Value::boolean(true));
      if (k.nulls_first) key.set("nulls", Value::str(*k.nulls_first ? "first" : "last"));
      if (k.collation) key.set("collation", Value::str(*k.collation));
      if (k.opclass) key.set("opclass", Value::str(*k.opclass));
      keys.items.push_back(key);
    }
    i.set("columns", keys);
    if (!index.method.empty()) i.set("method", Value::str(index.method));
    if (!index.include.empty()) i.set("include", names(index.include));
    if (index.unique) i.set("unique", Value::boolean(true));
    if (index.nulls_not_distinct) i.set("nulls_not_distinct", Value::boolean(true));
    if (index.where_clause) i.set("where", Value::str(*index.where_clause));
    indexes.items.push_back(i);
  }
  if (!indexes.items.empty()) v.set("indexes", indexes);

  Value fks = Value::list();
  for (std::size_t i = 0; i < t.foreign_keys.size(); ++i) {
    if (fk_inlined[i]) continue;
    const model::ForeignKey& fk = t.foreign_keys[i];
    Value f = Value::map(true);
    if (fk.name) f.set("name", Value::str(*fk.name));
    f.set("columns", names(fk.columns));
    Value ref = Value::map(true);
    ref.set("table", Value::str(fk.ref_table));
    if (!fk.ref_columns.empty()) ref.set("columns", names(fk.ref_columns));
    f.set("references", ref);
    reference_fields(f, fk);
    fks.items.push_back(f);
  }
  if (!fks.items.empty()) v.set("foreign_keys", fks);

  Value checks = Value::list();
  for (const model::CheckConstraint& c : t.checks) {
    Value check = Value::map(true);
    if (c.name) check.set("name", Value::str(*c.name));
    check.set("expr", Value::str(c.expression));
    if (c.not_valid) check.set("not_valid", Value::boolean(true));
    checks.items.push_back(check);
  }
  if (!checks.items.empty()) v.set("checks", checks);

  Value exclusions = Value::list();
  for (const model::ExclusionConstraint& x : t.exclusions) {
    Value e = Value::map(true);
    if (x.name) e.set("name", Value::str(*x.name));
    if (x.method != "gist") e.set("using", Value::str(x.method));
    e.set("elements", Value::str(x.elements));
    if (x.where_clause) e.set("where", Value::str(*x.where_clause));
    exclusions.items.push_back(e);
  }
  if (!exclusions.items.empty()) v.set("exclusions", exclusions);
  if (t.row_security) v.set("row_level_security", Value::boolean(true));
  if (t.force_row_security) v.set("force_row_level_security", Value::boolean(true));
  Value policies = Value::list();
  for (const model::Policy& p : t.policies) {
    Value policy = Value::map();
    policy.set("name", Value::str(p.name));
    if (p.command != "all") policy.set("command", Value::str(p.command));
    if (p.restrictive) policy.set("restrictive", Value::boolean(true));
    if (!p.roles.empty()) policy.set("roles", names(p.roles));
    if (p.using_clause) policy.set("using", Value::str(*p.using_clause));
    if (p.with_check) policy.set("with_check", Value::str(*p.with_check));
    policies.items.push_back(policy);
  }
  if (!policies.items.empty()) v.set("policies", policies);
  if (t.partition_by) v.set("partition_by", Value::str(*t.partition_by));
  Value partitions = Value::list();
  for (const model::Partition& p : t.partitions) {
    Value partition = Value::map(true);
    partition.set("name", Value::str(p.name));
    if (p.schema != t.schema) partition.set("schema", Value::str(p.schema));
    partition.set("bound", Value::str(p.bound));
    partitions.items.push_back(partition);
  }
  if (!partitions.items.empty()) v.set("partitions", partitions);
  return v;
}

Value document_value(const model::Schema& schema) {
  Value root = Value::map();
  if (!schema.extensions.empty()) root.set("extensions", names(schema.extensions));
  if (!schema.enums.empty()) {
    Value enums = Value::list();
    for (const model::EnumType& e : schema.enums) {
      Value v = Value::map(true);
      v.set("name", Value::str(e.name));
      if (!e.schema.empty()) v.set("schema", Value::str(e.schema));
      v.set("values", names(e.values));
      if (e.comment) v.set("comment", Value::str(*e.comment));
      enums.items.push_back(v);
    }
    root.set("enums", enums);
  }
  if (!schema.domains.empty()) {
    Value domains = Value::list();
    for (const model::Domain& d : schema.domains) {
      Value v = Value::map(true);
      v.set("name", Value::str(d.name));
      if (!d.schema.empty()) v.set("schema", Value::str(d.schema));
      v.set("type", Value::str(d.type));
      if (d.not_null) v.set("not_null", Value::boolean(true));
      if (d.default_value) {
        if (d.default_value->kind == model::Default::Kind::Expression) v.set("default_sql", Value::str(d.default_value->expression));
        else v.set("default", literal(d.default_value->literal));
      }
      if (!d.checks.empty()) {
        Value checks = Value::list(true);
        for (const model::CheckConstraint& c : d.checks) {
          Value check = Value::map(true);
          if (c.name) check.set("name", Value::str(*c.name));
          check.set("expr", Value::str(c.expression));
          checks.items.push_back(check);
        }
        v.set("checks", checks);
      }
      if (d.comment) v.set("comment", Value::str(*d.comment));
      domains.items.push_back(v);
    }
    root.set("domains", domains);
  }
  if (!schema.sequences.empty()) {
    Value sequences = Value::list();
    for (const model::Sequence& q : schema.sequences) {
      Value v = Value::map(true);
      v.set("name", Value::str(q.name));
      if (!q.schema.empty()) v.set("schema", Value::str(q.schema));
      if (q.type != "bigint") v.set("type", Value::str(q.type));
      auto number = [&](const char* key, const std::optional<long long>& n) {
        if (!n) return;
        Value x;
        x.kind = Value::Kind::Number;
        x.text = std::to_string(*n);
        v.set(key, x);
      };
      number("start", q.start);
      number("increment", q.increment);
      number("min", q.min_value);
      number("max", q.max_value);
      number("cache", q.cache);
      if (q.cycle) v.set("cycle", Value::boolean(true));
      if (q.comment) v.set("comment", Value::str(*q.comment));
      sequences.items.push_back(v);
    }
    root.set("sequences", sequences);
  }
  if (!schema.functions.empty()) {
    Value functions = Value::list();
    for (const model::Function& f : schema.functions) {
      Value v = Value::map();
      v.set("name", Value::str(f.name));
      if (!f.schema.empty()) v.set("schema", Value::str(f.schema));
      v.set("sql", Value::str(f.sql));
      if (f.comment) v.set("comment", Value::str(*f.comment));
      functions.items.push_back(v);
    }
    root.set("functions", functions);
  }
  Value tables = Value::list();
  for (const model::Table& t : schema.tables) tables.items.push_back(table_value(t));
  root.set("tables", tables);
  if (!schema.views.empty()) {
    Value views = Value::list();
    for (const model::View& view : schema.views) {
      Value v = Value::map();
      v.set("name", Value::str(view.name));
      if (!view.schema.empty()) v.set("schema", Value::str(view.schema));
      if (view.materialized) v.set("materialized", Value::boolean(true));
      if (view.materialized && !view.with_data) v.set("with_data", Value::boolean(false));
      if (!view.columns.empty()) v.set("columns", names(view.columns));
      v.set("sql", Value::str(view.sql));
      if (view.comment) v.set("comment", Value::str(*view.comment));
      views.items.push_back(v);
    }
    root.set("views", views);
  }
  if (!schema.triggers.empty()) {
    Value triggers = Value::list();
    for (const model::Trigger& trigger : schema.triggers) {
      Value v = Value::map();
      v.set("name", Value::str(trigger.name));
      v.set("table", Value::str(trigger.table));
      v.set("sql", Value::str(trigger.sql));
      triggers.items.push_back(v);
    }
    root.set("triggers", triggers);
  }
  if (!schema.grants.empty()) {
    // Roles given the same privileges on the same object share one entry.
    Value grants = Value::list();
    for (std::size_t i = 0; i < schema.grants.size();) {
      const model::Grant& g = schema.grants[i];
      std::vector<std::string> roles;
      std::size_t j = i;
      for (; j < schema.grants.size(); ++j) {
        const model::Grant& o = schema.grants[j];
        if (o.kind != g.kind || o.object != g.object || o.privileges != g.privileges || o.grant_option != g.grant_option) break;
        roles.push_back(o.grantee);
      }
      Value v = Value::map(true);
      v.set(g.kind, Value::str(g.object));
      v.set("to", roles.size() == 1 ? Value::str(roles.front()) : names(roles));
      std::vector<std::string> privileges;
      for (const std::string& p : g.privileges) privileges.push_back(model::to_lower(p));
      v.set("privileges", names(privileges));
      if (g.grant_option) v.set("with_grant_option", Value::boolean(true));
      grants.items.push_back(v);
      i = j;
    }
    root.set("grants", grants);
  }
  return root;
}

// ---- YAML ----

// A double-quoted string with backslash escapes, as both YAML and TOML read
// it; they differ only in how a control character is spelled.
enum class ControlEscape { YamlHex, TomlUnicode };

std::string double_quoted(const std::string& s, ControlEscape control) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          if (control == ControlEscape::YamlHex) std::snprintf(buf, sizeof buf, "\\x%02x", c);
          else std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string yaml_double_quoted(const std::string& s) { return double_quoted(s, ControlEscape::YamlHex); }

// Whether s can be written as a plain scalar and read back as the same string.
bool yaml_plain_ok(const std::string& s) {
  // Words that YAML 1.1 or 1.2 readers resolve to null or a boolean.
  static const std::set<std::string> kOtherWords = {
      "~",   "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "no", "on",
      "off", "Yes",  "No",   "On",   "Off",  "YES",  "NO",   "ON",    "OFF",   "y",     "n",   "Y",  "N"};
  // What may read as a number; tried only on text that starts like one.
  static const std::regex kNumberLike(
      R"(^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$|^0[xo][0-9a-fA-F]+$)");
  if (s.empty() || kOtherWords.count(s)) return false;
  const char lead = s.front();
  if (((lead >= '0' && lead <= '9') || lead == '.' || lead == '-' || lead == '+') && std::regex_search(s, kNumberLike))
    return false;
  const unsigned char first = static_cast<unsigned char>(s.front());
  if (std::isspace(first) || std::isspace(static_cast<unsigned char>(s.back()))) return false;
  if (std::string("-?:,[]{}#&*!|>'\"%@`").find(static_cast<char>(first)) != std::string::npos) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (std::string(",[]{}\"'").find(static_cast<char>(c)) != std::string::npos) return false;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  return true;
}

std::string yaml_scalar(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Bool:
    case Value::Kind::Number: return v.text;
    default: return yaml_plain_ok(v.text) ? v.text : yaml_double_quoted(v.text);
  }
}

std::string yaml_flow(const Value& v) {
  if (v.kind == Value::Kind::Map) {
    std::string out = "{ ";
    for (std::size_t i = 0; i < v.entries.size(); ++i)
      out += (i ? ", " : "") + v.entries[i].first + ": " + yaml_flow(v.entries[i].second);
    return out + " }";
  }
  if (v.kind == Value::Kind::List) {
    std::string out = "[";
    for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + yaml_flow(v.items[i]);
    return out + "]";
  }
  return yaml_scalar(v);
}

bool block_literal_ok(const std::string& s) {
  if (s.find('\n') == std::string::npos || s.empty()) return false;
  if (std::isspace(static_cast<unsigned char>(s.front())) || std::isspace(static_cast<unsigned char>(s.back()))) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return false;
  // Lines with trailing spaces would not survive editors; quote those.
  return s.find(" \n") == std::string::npos && s.find("\t\n") == std::string::npos && s.find("\r") == std::string::npos;
}

void yaml_block(const Value& v, int indent, std::string& out);

void yaml_map_entries(const Value& v, int indent, std::string& out, bool first_inline) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  bool first = true;
  for (const auto& [key, value] : v.entries) {
    out += (first && first_inline) ? "" : pad;
    first = false;
    out += key + ":";
    if (value.kind == Value::Kind::Map && !value.flow) {
      out += "\n";
      yaml_map_entries(value, indent + 2, out, false);
    } else if (value.kind == Value::Kind::List && !value.flow) {
      if (value.items.empty()) {
        out += " []\n";
      } else {
        out += "\n";
        yaml_block(value, indent + 2, out);
      }
    } else if (value.kind == Value::Kind::String && block_literal_ok(value.text)) {
      out += " |-\n";
      std::size_t start = 0;
      while (start <= value.text.size()) {
        std::size_t end = value.text.find('\n', start);
        std::string line = value.text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        out += line.empty() ? "\n" : pad + "  " + line + "\n";
        if (end == std::string::npos) break;
        start = end + 1;
      }
    } else {
      out += " " + yaml_flow(value) + "\n";
    }
  }
}

void yaml_block(const Value& v, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  for (const Value& item : v.items) {
    out += pad + "- ";
    if (item.kind == Value::Kind::Map && !item.flow) yaml_map_entries(item, indent + 2, out, true);
    else out += yaml_flow(item) + "\n";
  }
}

// ---- TOML ----

std::string toml_basic(const std::string& s) { return double_quoted(s, ControlEscape::TomlUnicode); }

std::string toml_inline(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Map: {
      std::string out = "{ ";
      bool first = true;
      for (const auto& [key, value] : v.entries) {
        if (value.kind == Value::Kind::Null) continue;  // TOML has no null
        out += (first ? "" : ", ") + key + " = " + toml_inline(value);
        first = false;
      }
      return out + " }";
    }
    case Value::Kind::List: {
      std::string out = "[";
      for (std::size_t i = 0; i < v.items.size(); ++i) out += (i ? ", " : "") + toml_inline(v.items[i]);
      return out + "]";
    }
    case Value::Kind::String: return toml_basic(v.text);
    case Value::Kind::Null: return "\"\"";
    default: return v.text;
  }
}

std::string toml_value(const Value& v) {
  if (v.kind == Value::Kind::String && v.text.find('\n') != std::string::npos &&
      v.text.find("'''") == std::string::npos && v.text.back() != '\'') {
    bool plain = true;
    for (unsigned char c : v.text) plain = plain && (c >= 0x20 || c == '\n' || c == '\t') && c != 0x7f;
    if (plain && v.text.find('\r') == std::string::npos) return "'''\n" + v.text + "'''";
  }
  if (v.kind == Value::Kind::List && !v.flow) {
    std::string out = "[\n";
    for (const Value& item : v.items) out += "  " + toml_inline(item) + ",\n";
    return out + "]";
  }
  return toml_inline(v);
}

std::string write_toml(const Value& root) {
  std::string out;
  for (const auto& [section, list] : root.entries) {
    if (section == "extensions") {
      out += "extensions = " + toml_inline(list) + "\n";
      continue;
    }
    for (const Value& item : list.items) {
      if (!out.empty()) out += "\n";
      out += "[[" + section + "]]\n";
      for (const auto& [key, value] : item.entries) {
        if (value.kind == Value::Kind::Null) continue;
        out += key + " = " + toml_value(value) + "\n";
      }
    }
  }
  if (out.empty()) out = "tables = []\n";
  return out;
}

}  // namespace

std::string write_document(const model::Schema& schema, load::Format format) {
  const Value root = document_value(schema);
  if (format == load::Format::Toml) return write_toml(root);
  std::string out;
  yaml_map_entries(root, 0, out, false);
  return out;
}

}  // namespace strata::emit
