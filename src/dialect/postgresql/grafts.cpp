#include "dialect/postgresql/grafts.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <variant>

#include "dialect/postgresql/ddl.hpp"
#include "strata/dialect/document_details.hpp"

namespace strata::dialect::postgresql {

namespace {

// PostgreSQL cuts longer names to this many bytes; a build would read the
// cut name back, so such a name is left to the build.
constexpr std::size_t kLongestName = 63;

// A column the server gives nothing of its own: no sequence behind it.
bool plain(const model::Column& c) {
  return !c.identity && !c.autoincrement && !serial_base(model::to_lower(c.type)).has_value();
}

// PostgreSQL keeps no empty comment: one set to '' reads back as none.
bool comment_reads_back(const std::optional<std::string>& comment) { return !comment || !comment->empty(); }

// The columns of table's keys, foreign keys and unique indexes: a change of
// their type is for the server to judge against what references them.
std::set<std::string> key_columns(const model::Table& table) {
  std::set<std::string> out;
  if (table.primary_key) out.insert(table.primary_key->columns.begin(), table.primary_key->columns.end());
  for (const model::UniqueConstraint& u : table.uniques) out.insert(u.columns.begin(), u.columns.end());
  for (const model::ForeignKey& fk : table.foreign_keys) out.insert(fk.columns.begin(), fk.columns.end());
  for (const model::Index& i : table.indexes)
    if (i.unique)
      for (const model::IndexKey& k : i.keys) out.insert(k.column);
  return out;
}

// Whether name is that of the index behind one of table's keys: a build
// would meet the clash, and so is left to meet it.
bool backs_a_key(const model::Table& table, const std::string& name) {
  if (table.primary_key && table.primary_key->stored_name == name) return true;
  return std::any_of(table.uniques.begin(), table.uniques.end(),
                     [&](const model::UniqueConstraint& u) { return u.stored_name == name; });
}

template <typename Constraint>
void drop_stored(std::vector<Constraint>& constraints, const std::string& stored_name) {
  constraints.erase(std::remove_if(constraints.begin(), constraints.end(),
                                   [&](const Constraint& c) { return c.stored_name == stored_name; }),
                    constraints.end());
}

template <typename Named>
const Named* find_named(const std::vector<Named>& items, const std::string& name, const diff::Comparator& names) {
  for (const Named& item : items)
    if (names.names_equal(item.name, name)) return &item;
  return nullptr;
}

}  // namespace

std::optional<model::Table> graft(const model::Table& current, const model::Table& spelled,
                                  const std::vector<const diff::Change*>& changes, const diff::Comparator& names) {
  // What the server keeps beside a table's own definition is left to the build.
  if (!current.function_uses.empty() || !current.exclusions.empty() || current.partition_by ||
      !current.partitions.empty() || spelled.partition_by || !spelled.partitions.empty() || !spelled.policies.empty())
    return std::nullopt;
  model::Table out = current;
  std::set<std::string> taken_columns;  // added or altered: as spelled
  std::set<std::string> created_indexes;
  const std::set<std::string> keys = key_columns(current);
  const std::set<std::string> spelled_keys = key_columns(spelled);
  bool modified = false;
  for (const diff::Change* change : changes) {
    if (auto* x = std::get_if<diff::CreateIndex>(change)) {
      if (x->index.name.size() > kLongestName || x->index.nulls_not_distinct || backs_a_key(current, x->index.name))
        return std::nullopt;
      created_indexes.insert(names.name_key(x->index.name));
      continue;
    }
    if (std::holds_alternative<diff::DropIndex>(*change)) continue;  // not in spelled, so not kept below
    auto* m = std::get_if<diff::ModifyTable>(change);
    if (!m || modified || names.table_key(m->to) != names.table_key(spelled)) return std::nullopt;
    modified = true;
    for (const diff::TableChange& c : m->changes) {
      if (auto* add = std::get_if<diff::AddColumn>(&c)) {
        if (!plain(add->column) || add->column.name.size() > kLongestName || !comment_reads_back(add->column.comment))
          return std::nullopt;
        taken_columns.insert(names.name_key(add->column.name));
      } else if (auto* alter = std::get_if<diff::AlterColumn>(&c)) {
        if (alter->identity_changed || alter->autoincrement_changed || alter->generated_changed || !plain(alter->from) ||
            !plain(alter->to) || keys.count(alter->from.name) || spelled_keys.count(alter->to.name) ||
            !comment_reads_back(alter->to.comment))
          return std::nullopt;
        taken_columns.insert(names.name_key(alter->to.name));
      } else if (auto* fk = std::get_if<diff::DropForeignKey>(&c)) {
        drop_stored(out.foreign_keys, fk->foreign_key.stored_name);
      } else if (auto* unique = std::get_if<diff::DropUnique>(&c)) {
        drop_stored(out.uniques, unique->unique.stored_name);
      } else if (auto* check = std::get_if<diff::DropCheck>(&c)) {
        drop_stored(out.checks, check->check.stored_name);
      } else if (auto* comment = std::get_if<diff::SetTableComment>(&c)) {
        if (!comment_reads_back(comment->comment)) return std::nullopt;
        out.comment = comment->comment;
      } else if (!std::holds_alternative<diff::DropColumn>(c)) {
        return std::nullopt;  // dropped columns are not in spelled, so not kept below
      }
    }
  }
  // Columns and indexes in the document's order, as a build creates them.
  out.columns.clear();
  for (const model::Column& c : spelled.columns) {
    const model::Column* kept = taken_columns.count(names.name_key(c.name)) ? &c : current.find_column(c.name);
    if (!kept) return std::nullopt;
    out.columns.push_back(*kept);
  }
  out.indexes.clear();
  for (const model::Index& i : spelled.indexes) {
    const model::Index* kept = created_indexes.count(names.name_key(i.name)) ? &i : find_named(current.indexes, i.name, names);
    if (!kept) return std::nullopt;
    out.indexes.push_back(*kept);
  }
  carry_table_details(spelled, out, names);
  return out;
}

}  // namespace strata::dialect::postgresql
