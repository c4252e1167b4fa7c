#include "dialect/postgresql/storage_less.hpp"

#include "dialect/postgresql/ddl.hpp"

namespace strata::dialect::postgresql {

namespace {

bool is_serial(const model::Column& column) { return serial_base(model::to_lower(column.type)).has_value(); }

}  // namespace

model::Table storage_less_table(const std::string& schema, const std::string& name) {
  model::Table t;
  t.schema = schema;
  t.name = name;
  t.columns.push_back(storage_less_key());
  t.partition_by = partitioned_on(kStorageLessKey);
  return t;
}

model::Column storage_less_key() {
  model::Column key;
  key.name = kStorageLessKey;
  key.type = "integer";
  key.nullable = true;
  return key;
}

std::string partitioned_on(const std::string& column) { return "LIST (" + quote_identifier(column) + ")"; }

model::Column as_declared(const model::Column& column) {
  model::Column out;
  out.name = column.name;
  const auto base = serial_base(model::to_lower(column.type));
  out.type = base ? *base : column.type;
  out.nullable = true;
  if (!base && !column.identity) out.default_value = column.default_value;
  out.generated = column.generated;
  out.collation = column.collation;
  return out;
}

model::Index as_declared(const model::Index& index) {
  model::Index out = index;
  out.unique = false;
  out.nulls_not_distinct = false;
  out.renamed_from.reset();
  return out;
}

void take_spelling(model::Column& column, const model::Column& read) {
  if (!is_serial(column)) column.type = read.type;
  if (!is_serial(column) && !column.identity) column.default_value = read.default_value;
  column.generated = read.generated;
  column.collation = read.collation;
}

void take_spelling(model::Index& index, const model::Index& read) {
  index.keys = read.keys;
  index.include = read.include;
  index.where_clause = read.where_clause;
  index.method = read.method;
}

}  // namespace strata::dialect::postgresql
