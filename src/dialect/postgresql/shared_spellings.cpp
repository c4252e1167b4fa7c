#include "dialect/postgresql/shared_spellings.hpp"

#include <algorithm>
#include <set>

#include "dialect/postgresql/ddl.hpp"
#include "dialect/postgresql/storage_less.hpp"

namespace strata::dialect::postgresql {

namespace {

// Names this module gives its own columns and constraints start with it; a
// document table with a column of such a name gets a stand-in of its own.
constexpr const char* kOwnPrefix = "strata$";
// A spelling table holds at most this many columns (PostgreSQL allows 1,600).
constexpr std::size_t kMaxColumns = 1000;
// What declared holds for a column only this module uses: no document
// column's declaration equals it.
const std::string kOwnColumn = "\x1e";

// column as a plain column of its type and collation: serial as its integer
// type, no default, identity or generation.
model::Column plain(const model::Column& column) {
  model::Column p = as_declared(column);
  p.default_value.reset();
  p.generated.reset();
  return p;
}

// "type COLLATE name": what a column that an expression reads must agree on.
std::string declaration(const model::Column& column) {
  std::string out = declared_type(column.type);
  if (column.collation) out += " COLLATE " + quote_identifier(*column.collation);
  return out;
}

// The part of a key that says which columns an item reads, and as what.
std::string reads_key(const std::vector<model::Column>& reads) {
  std::string out;
  for (const model::Column& c : reads) out += "\x1f" + c.name + "\x1d" + declaration(c);
  return out;
}

// Whether PostgreSQL stores index as the document writes it: a default-method
// index on plain columns in their default order, collation and operator class.
bool as_stored(const model::Index& index) {
  if (!index.method.empty() || index.where_clause) return false;
  return std::all_of(index.keys.begin(), index.keys.end(), [](const model::IndexKey& k) {
    return !k.is_expression() && !k.descending && !k.nulls_first && !k.collation && !k.opclass;
  });
}

}  // namespace

SharedSpellings::SharedSpellings(std::string schema, std::string prefix)
    : schema_(std::move(schema)), prefix_(std::move(prefix)) {}

std::optional<std::vector<SharedSpellings::Item>> SharedSpellings::items_of(const model::Table& table) const {
  std::unordered_map<std::string, const model::Column*> by_name;
  for (const model::Column& c : table.columns) {
    if (c.name.compare(0, std::char_traits<char>::length(kOwnPrefix), kOwnPrefix) == 0) return std::nullopt;
    by_name.emplace(c.name, &c);
  }
  // The columns of table that texts name, sorted by name; false when a text
  // names the table itself or cannot be read.
  auto reads_of = [&](const std::vector<std::string>& texts, const std::vector<std::string>& columns,
                      std::vector<model::Column>& reads) {
    std::set<std::string> names(columns.begin(), columns.end());
    for (const std::string& text : texts) {
      const auto found = names_in(text);
      if (!found) return false;
      names.insert(found->begin(), found->end());
    }
    for (const std::string& name : names) {
      if (name == table.name || name == model::to_lower(table.name)) return false;
      auto column = by_name.find(name);
      if (column != by_name.end()) reads.push_back(plain(*column->second));
    }
    return true;
  };

  std::vector<Item> items;
  for (const model::Column& c : table.columns) {
    Item item{Kind::Column, "", {}, as_declared(c), "", {}};
    if (c.generated && !reads_of({c.generated->expression}, {}, item.reads)) return std::nullopt;
    item.column.name.clear();
    const std::string definition = column_definition(item.column);
    if (leaves_its_clause(definition)) return std::nullopt;
    item.key = "column " + definition + reads_key(item.reads);
    items.push_back(std::move(item));
  }
  for (const model::CheckConstraint& check : table.checks) {
    Item item{Kind::Check, "", {}, {}, check.expression, {}};
    if (!reads_of({check.expression}, {}, item.reads)) return std::nullopt;
    item.key = "check " + check.expression + reads_key(item.reads);
    items.push_back(std::move(item));
  }
  const model::Table unnamed;
  for (const model::Index& index : table.indexes) {
    if (as_stored(index)) continue;
    Item item{Kind::Index, "", {}, {}, "", as_declared(index)};
    item.index.name.clear();
    std::vector<std::string> texts, columns = index.include;
    for (const model::IndexKey& key : index.keys) {
      if (key.is_expression()) texts.push_back(key.expression);
      else columns.push_back(key.column);
    }
    if (index.where_clause) texts.push_back(*index.where_clause);
    for (const std::string& column : columns)
      if (!by_name.count(column)) return std::nullopt;  // PostgreSQL refuses it; its own stand-in says so
    if (!reads_of(texts, columns, item.reads)) return std::nullopt;
    const std::string sql = create_index(unnamed, item.index);
    if (leaves_its_clause(sql)) return std::nullopt;
    item.key = "index " + sql + reads_key(item.reads);
    items.push_back(std::move(item));
  }
  return items;
}

std::optional<std::size_t> SharedSpellings::add(const model::Table& table) {
  auto items = items_of(table);
  if (!items) return std::nullopt;
  std::vector<std::string> objects;
  objects.reserve(items->size());
  for (Item& item : *items) {
    auto placed = places_.find(item.key);
    if (placed == places_.end()) placed = place(std::move(item));
    objects.push_back(placed->second);
  }
  added_.push_back(std::move(objects));
  return added_.size() - 1;
}

std::size_t SharedSpellings::fitting_table(const Item& item) {
  for (std::size_t t = 0; t < tables_.size(); ++t) {
    const SpellingTable& s = tables_[t];
    std::size_t added = item.kind == Kind::Column ? 1 : 0;
    bool fits = true;
    for (const model::Column& c : item.reads) {
      auto found = s.declared.find(c.name);
      if (found == s.declared.end()) ++added;
      else if (found->second != declaration(c)) fits = false;
    }
    if (fits && s.table.columns.size() + added <= kMaxColumns) return t;
  }
  SpellingTable s;
  s.table = storage_less_table(schema_, prefix_ + std::to_string(tables_.size()));
  s.declared.emplace(kStorageLessKey, kOwnColumn);
  tables_.push_back(std::move(s));
  return tables_.size() - 1;
}

std::unordered_map<std::string, std::string>::iterator SharedSpellings::place(Item item) {
  SpellingTable& s = tables_[fitting_table(item)];
  for (model::Column& c : item.reads) {
    if (s.declared.emplace(c.name, declaration(c)).second) s.table.columns.push_back(std::move(c));
  }
  std::string object = kOwnPrefix + std::to_string(objects_++);
  switch (item.kind) {
    case Kind::Column:
      item.column.name = object;
      s.declared.emplace(object, kOwnColumn);
      s.table.columns.push_back(std::move(item.column));
      break;
    case Kind::Check: {
      model::CheckConstraint check;
      check.name = object;
      check.expression = std::move(item.expression);
      s.table.checks.push_back(std::move(check));
      break;
    }
    case Kind::Index:
      object = prefix_ + "_" + object;  // index names are unique in the schema, not the table
      item.index.name = object;
      s.table.indexes.push_back(std::move(item.index));
      break;
  }
  return places_.emplace(std::move(item.key), std::move(object)).first;
}

std::string SharedSpellings::create_sql() const {
  std::string sql;
  for (const SpellingTable& s : tables_) {
    sql += create_table(s.table) + ";\n";
    for (const model::Index& index : s.table.indexes) sql += create_index(s.table, index) + ";\n";
  }
  return sql;
}

void SharedSpellings::read_back(const model::Schema& read) {
  for (const model::Table& t : read.tables) {
    if (t.schema != schema_ || t.name.compare(0, prefix_.size(), prefix_) != 0) continue;
    for (const model::Column& c : t.columns) read_columns_.emplace(c.name, &c);
    for (const model::CheckConstraint& c : t.checks) read_checks_.emplace(c.stored_name, &c);
    for (const model::Index& i : t.indexes) read_indexes_.emplace(i.name, &i);
  }
}

bool SharedSpellings::spell(model::Table& table, std::size_t added) const {
  // The objects are in the order items_of gave them: columns, checks, the indexes it spells.
  const std::vector<std::string>& objects = added_.at(added);
  std::vector<const model::Column*> columns;
  std::vector<const model::CheckConstraint*> checks;
  std::vector<const model::Index*> indexes;
  std::size_t next = 0;
  auto find = [&](const auto& read, auto& out) {
    auto found = next < objects.size() ? read.find(objects[next++]) : read.end();
    if (found == read.end()) return false;
    out.push_back(found->second);
    return true;
  };
  for (std::size_t i = 0; i < table.columns.size(); ++i)
    if (!find(read_columns_, columns)) return false;
  for (std::size_t k = 0; k < table.checks.size(); ++k)
    if (!find(read_checks_, checks)) return false;
  for (const model::Index& index : table.indexes)
    if (!as_stored(index) && !find(read_indexes_, indexes)) return false;

  for (std::size_t i = 0; i < table.columns.size(); ++i) take_spelling(table.columns[i], *columns[i]);
  for (std::size_t k = 0; k < table.checks.size(); ++k) table.checks[k].expression = checks[k]->expression;
  auto read_index = indexes.begin();
  for (model::Index& index : table.indexes)
    if (!as_stored(index)) take_spelling(index, **read_index++);
  return true;
}

}  // namespace strata::dialect::postgresql
