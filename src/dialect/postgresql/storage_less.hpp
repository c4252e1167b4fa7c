// The pieces stand-ins (standins.hpp), spelling tables (shared_spellings.hpp)
// and tables built without storage (storage_less_build.hpp) share:
// storage-less tables that make PostgreSQL
// spell a document's types and expressions, what goes into them, and how
// what they read back is put into a document table.
#pragma once

#include <string>

#include "strata/model/schema.hpp"

namespace strata::dialect::postgresql {

// The partition key of every storage-less table, a column no document table has.
constexpr const char* kStorageLessKey = "strata$key";

// A partitioned table with no partitions, so no storage: only its partition key.
model::Table storage_less_table(const std::string& schema, const std::string& name);

// The kStorageLessKey column, as such tables declare it.
model::Column storage_less_key();

// What partitions a storage-less table on column.
std::string partitioned_on(const std::string& column);

// column as such a table holds it: a serial column as its integer type with
// no default, an identity column as a plain one without its default; type,
// collation and generated expression as written; nullable.
model::Column as_declared(const model::Column& column);

// index as such a table holds it: not unique (a unique index of a
// partitioned table must hold the partition key), without rename hints.
model::Index as_declared(const model::Index& index);

// Gives column the type, default, generation and collation read back for its
// declaration, where as_declared kept them.
void take_spelling(model::Column& column, const model::Column& read);

// Gives index the keys, included columns, predicate and method read back.
void take_spelling(model::Index& index, const model::Index& read);

}  // namespace strata::dialect::postgresql
