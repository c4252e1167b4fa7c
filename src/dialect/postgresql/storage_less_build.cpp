#include "dialect/postgresql/storage_less_build.hpp"

#include <algorithm>

#include "dialect/postgresql/storage_less.hpp"

namespace strata::dialect::postgresql {

namespace {

bool holds(const std::vector<std::string>& columns, const std::string& column) {
  return std::find(columns.begin(), columns.end(), column) != columns.end();
}

// Whether the index has column as a key PostgreSQL can match with a partition
// key on it: the column itself, with its own collation and operator class.
bool has_plain_key(const model::Index& index, const std::string& column) {
  return std::any_of(index.keys.begin(), index.keys.end(), [&](const model::IndexKey& k) {
    return k.column == column && !k.collation && !k.opclass;
  });
}

// The partition key: the first primary key column, else the first column of
// the first unique constraint, that is not generated (PostgreSQL refuses a
// generated partition key). Empty when there is none to take.
std::string chosen_key(const model::Table& table) {
  const std::vector<std::string>* candidates = nullptr;
  if (table.primary_key) {
    candidates = &table.primary_key->columns;
  } else if (!table.uniques.empty()) {
    candidates = &table.uniques.front().columns;
  }
  if (!candidates) return kStorageLessKey;
  for (const std::string& name : *candidates) {
    const model::Column* column = table.find_column(name);
    if (column && !column->generated) return name;
  }
  return "";
}

}  // namespace

std::optional<StorageLessBuild> plan_storage_less_build(const model::Table& table,
                                                        const std::vector<std::vector<std::string>>& referenced_keys) {
  if (table.partition_by || !table.partitions.empty() || !table.exclusions.empty()) return std::nullopt;
  for (const model::ForeignKey& fk : table.foreign_keys)
    if (fk.not_valid) return std::nullopt;  // PostgreSQL before 18 refuses it on a partitioned table
  StorageLessBuild build;
  build.key = chosen_key(table);
  if (build.key.empty() || table.find_column(kStorageLessKey)) return std::nullopt;
  build.key_added = build.key == kStorageLessKey;
  for (const std::vector<std::string>& referenced : referenced_keys) {
    // A foreign key needs a unique key on exactly its columns.
    if (referenced.empty() ? !table.primary_key : !holds(referenced, build.key)) return std::nullopt;
  }
  for (const model::UniqueConstraint& u : table.uniques) {
    if (holds(u.columns, build.key)) continue;
    if (!u.name) return std::nullopt;  // its name would be made from the widened columns
    build.widened.insert(*u.name);
  }
  for (const model::Index& index : table.indexes)
    if (index.unique && !has_plain_key(index, build.key)) build.widened.insert(index.name);
  return build;
}

model::Table built_without_storage(const model::Table& table, const StorageLessBuild& build) {
  model::Table out = table;
  if (build.key_added) out.columns.push_back(storage_less_key());
  for (model::UniqueConstraint& u : out.uniques)
    if (u.name && build.widened.count(*u.name)) u.columns.push_back(build.key);
  for (model::Index& index : out.indexes) index = built_without_storage(index, build);
  out.partition_by = partitioned_on(build.key);
  return out;
}

model::Index built_without_storage(const model::Index& index, const StorageLessBuild& build) {
  model::Index out = index;
  if (index.unique && build.widened.count(index.name)) {
    model::IndexKey key;
    key.column = build.key;
    out.keys.push_back(std::move(key));
  }
  return out;
}

void as_built_with_storage(model::Table& read, const StorageLessBuild& build) {
  read.partition_by.reset();
  if (build.key_added) {
    read.columns.erase(std::remove_if(read.columns.begin(), read.columns.end(),
                                      [](const model::Column& c) { return c.name == kStorageLessKey; }),
                       read.columns.end());
  }
  for (model::UniqueConstraint& u : read.uniques)
    if (build.widened.count(u.stored_name) && !u.columns.empty() && u.columns.back() == build.key) u.columns.pop_back();
  for (model::Index& index : read.indexes)
    if (build.widened.count(index.name) && !index.keys.empty() && index.keys.back().column == build.key) index.keys.pop_back();
}

}  // namespace strata::dialect::postgresql
