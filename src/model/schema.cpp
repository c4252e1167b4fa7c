#include "strata/model/schema.hpp"

#include <algorithm>
#include <cctype>

namespace strata::model {

namespace {
// ASCII folding: what std::tolower does in the "C" locale the program runs in,
// without a library call per character.
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }
}  // namespace

bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool iequals(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!iequals(a[i], b[i])) return false;
  return true;
}

std::string to_lower(std::string text) {
  for (char& c : text) c = ascii_lower(c);
  return text;
}

const Column* Table::find_column(const std::string& column_name) const {
  for (const Column& c : columns)
    if (iequals(c.name, column_name)) return &c;
  return nullptr;
}

Column* Table::find_column(const std::string& column_name) {
  for (Column& c : columns)
    if (iequals(c.name, column_name)) return &c;
  return nullptr;
}

bool Table::in_primary_key(const std::string& column_name) const {
  if (!primary_key) return false;
  return std::any_of(primary_key->columns.begin(), primary_key->columns.end(),
                     [&](const std::string& c) { return iequals(c, column_name); });
}

const Table* Schema::find_table(const std::string& table_name) const {
  for (const Table& t : tables)
    if (iequals(t.name, table_name)) return &t;
  return nullptr;
}

Table* Schema::find_table(const std::string& table_name) {
  for (Table& t : tables)
    if (iequals(t.name, table_name)) return &t;
  return nullptr;
}

const Table* Schema::find_referenced_table(const std::string& reference, const std::string& from_schema) const {
  std::string schema_name = from_schema, table_name = reference;
  if (const std::size_t dot = reference.find('.'); dot != std::string::npos && !find_table(reference)) {
    schema_name = reference.substr(0, dot);
    table_name = reference.substr(dot + 1);
  }
  if (schema_name == "public") schema_name.clear();
  for (const Table& t : tables)
    if (iequals(t.name, table_name) && (t.schema == "public" ? std::string() : t.schema) == schema_name) return &t;
  return nullptr;
}

const EnumType* Schema::find_enum(const std::string& enum_name) const {
  for (const EnumType& e : enums)
    if (e.name == enum_name) return &e;
  return nullptr;
}

const Domain* Schema::find_domain(const std::string& domain_name) const {
  for (const Domain& d : domains)
    if (d.name == domain_name) return &d;
  return nullptr;
}

SchemaIndex::SchemaIndex(const Schema& schema) {
  for (const Table& t : schema.tables) tables_[to_lower(t.name)].push_back(&t);
  for (const View& v : schema.views) views_.emplace(to_lower(v.name), &v);
}

const Table* SchemaIndex::table(const std::string& name) const {
  auto found = tables_.find(to_lower(name));
  return found == tables_.end() ? nullptr : found->second.front();
}

const Table* SchemaIndex::referenced_table(const std::string& reference, const std::string& from_schema) const {
  std::string schema_name = from_schema, table_name = reference;
  if (const std::size_t dot = reference.find('.'); dot != std::string::npos && !table(reference)) {
    schema_name = reference.substr(0, dot);
    table_name = reference.substr(dot + 1);
  }
  if (schema_name == "public") schema_name.clear();
  auto found = tables_.find(to_lower(table_name));
  if (found == tables_.end()) return nullptr;
  for (const Table* t : found->second)
    if ((t->schema == "public" ? std::string() : t->schema) == schema_name) return t;
  return nullptr;
}

const View* SchemaIndex::view(const std::string& name) const {
  auto found = views_.find(to_lower(name));
  return found == views_.end() ? nullptr : found->second;
}

const View* Schema::find_view(const std::string& view_name) const {
  for (const View& v : views)
    if (iequals(v.name, view_name)) return &v;
  return nullptr;
}

bool same_schema(const std::string& a, const std::string& b) {
  return (a == "public" ? std::string() : a) == (b == "public" ? std::string() : b);
}

std::string relation_label(const std::string& schema, const std::string& name) {
  return same_schema(schema, "") ? name : schema + "." + name;
}

std::string without_default_schema(const std::string& reference) {
  return reference.rfind("public.", 0) == 0 ? reference.substr(7) : reference;
}

std::string Function::signature() const {
  return (schema.empty() ? std::string() : schema + ".") + name + "(" + arguments + ")";
}

std::string generated_index_name(const std::string& table, const Index& index) {
  std::string name = (index.unique ? "ux_" : "ix_") + table;
  for (const IndexKey& key : index.keys) name += "_" + (key.is_expression() ? std::string("expr") : key.column);
  return name;
}

const char* to_string(ReferentialAction action) {
  switch (action) {
    case ReferentialAction::NoAction: return "no action";
    case ReferentialAction::Restrict: return "restrict";
    case ReferentialAction::Cascade: return "cascade";
    case ReferentialAction::SetNull: return "set null";
    case ReferentialAction::SetDefault: return "set default";
  }
  return "no action";
}

std::optional<ReferentialAction> parse_referential_action(const std::string& text) {
  std::string t = to_lower(text);
  std::replace(t.begin(), t.end(), '_', ' ');
  if (t == "no action") return ReferentialAction::NoAction;
  if (t == "restrict") return ReferentialAction::Restrict;
  if (t == "cascade") return ReferentialAction::Cascade;
  if (t == "set null") return ReferentialAction::SetNull;
  if (t == "set default") return ReferentialAction::SetDefault;
  return std::nullopt;
}

}  // namespace strata::model
