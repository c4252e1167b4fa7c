// Building a document table in the scratch database without storage: as a
// partitioned table with no partitions. PostgreSQL then spells, names and
// checks the table, its keys, indexes and constraints as it would the real
// one, but creates no files for it, its indexes and its TOAST table, which is
// most of the cost of creating a table (measured: 547 tables with their keys
// and indexes in 1.5 s with storage and 0.3–0.5 s without).
//
// A partitioned table's primary key and unique constraints and indexes must
// hold its partition key. The key is therefore a column every one of them
// holds where it can be: the first primary key column. A unique index or a
// named unique constraint without it gets it as a last column, taken off
// again when the table is read back. A table that cannot be built this way
// without changing what is read back (an unnamed unique constraint without
// the key, whose name PostgreSQL would make from its columns; a foreign key
// to columns without the key; an exclusion constraint; a NOT VALID foreign
// key; a table the document partitions itself) is built with storage.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "strata/model/schema.hpp"

namespace strata::dialect::postgresql {

struct StorageLessBuild {
  std::string key;                 // the partition key column
  bool key_added = false;          // the key is kStorageLessKey, added for the build
  std::set<std::string> widened;   // unique constraints and indexes given the key as their last column
};

// How table can be built without storage, or nothing when it must be built
// with it. referenced_keys: the columns foreign keys of the document refer to
// in table (an empty list stands for its primary key).
std::optional<StorageLessBuild> plan_storage_less_build(const model::Table& table,
                                                        const std::vector<std::vector<std::string>>& referenced_keys);

// The table (without its foreign keys and partitions, which are added apart)
// and one of its indexes as built.
model::Table built_without_storage(const model::Table& table, const StorageLessBuild& build);
model::Index built_without_storage(const model::Index& index, const StorageLessBuild& build);

// A table read back from such a build as it would have been read had it been
// built with storage.
void as_built_with_storage(model::Table& read, const StorageLessBuild& build);

}  // namespace strata::dialect::postgresql
