#include "dialect/postgresql/standins.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "dialect/postgresql/ddl.hpp"
#include "dialect/postgresql/grafts.hpp"
#include "dialect/postgresql/introspector.hpp"
#include "dialect/postgresql/shared_spellings.hpp"
#include "dialect/postgresql/storage_less.hpp"
#include "strata/diff/unchanged.hpp"
#include "strata/model/types.hpp"

namespace strata::dialect::postgresql {

namespace {

// A schema of their own, so that stand-ins take no name a document object
// may use; what they spell does not depend on where they live (expressions
// name columns unqualified, and types and functions are spelled by the
// search path, not by the table's schema).
constexpr const char* kSchema = "strata$standin";

std::string standin_name(std::size_t i) { return "t" + std::to_string(i); }
std::string check_name(std::size_t k) { return "c" + std::to_string(k); }
std::string index_name(std::size_t i, std::size_t j) { return standin_name(i) + "_" + std::to_string(j); }

// The stand-in of table: its columns as declared (a serial column as its
// integer type, an identity column as a plain one), its checks and indexes
// under names that say which they are, and no keys or foreign keys.
model::Table standin_of(const model::Table& table, std::size_t i) {
  model::Table s = storage_less_table(kSchema, standin_name(i));
  s.columns.reserve(table.columns.size() + 1);
  for (const model::Column& c : table.columns) s.columns.push_back(as_declared(c));
  for (std::size_t k = 0; k < table.checks.size(); ++k) {
    model::CheckConstraint check;
    check.name = check_name(k);
    check.expression = table.checks[k].expression;
    s.checks.push_back(std::move(check));
  }
  for (std::size_t j = 0; j < table.indexes.size(); ++j) {
    model::Index index = as_declared(table.indexes[j]);
    index.name = index_name(i, j);
    s.indexes.push_back(std::move(index));
  }
  return s;
}

// The statements that create the stand-in, or nothing when one of them
// would not be one statement (what the document writes verbatim, such as an
// index method, could bring another along): that table is left as changed.
std::optional<std::string> standin_sql(const model::Table& standin) {
  std::vector<std::string> statements = {create_table(standin)};
  for (const model::Index& index : standin.indexes) statements.push_back(create_index(standin, index));
  std::string sql;
  for (const std::string& statement : statements) {
    if (leaves_its_clause(statement)) return std::nullopt;
    sql += statement + ";\n";
  }
  return sql;
}

// table with its types and expressions as the stand-in read them back;
// false when one of them was not read back.
bool spell_as_stored(model::Table& table, const model::Table& read, std::size_t i) {
  bool all = true;
  for (model::Column& c : table.columns) {
    const model::Column* r = read.find_column(c.name);
    if (r) take_spelling(c, *r);
    all = all && r;
  }
  for (std::size_t k = 0; k < table.checks.size(); ++k) {
    auto r = std::find_if(read.checks.begin(), read.checks.end(),
                          [&](const model::CheckConstraint& c) { return c.stored_name == check_name(k); });
    if (r != read.checks.end()) table.checks[k].expression = r->expression;
    all = all && r != read.checks.end();
  }
  for (std::size_t j = 0; j < table.indexes.size(); ++j) {
    auto r = std::find_if(read.indexes.begin(), read.indexes.end(),
                          [&](const model::Index& x) { return x.name == index_name(i, j); });
    if (r != read.indexes.end()) take_spelling(table.indexes[j], *r);
    all = all && r != read.indexes.end();
  }
  return all;
}

}  // namespace

AsStored compare_as_stored(Connection& connection, const model::Schema& document, const model::Schema& current,
                           const std::set<std::string>& unchanged, const diff::Comparator& comparator) {
  AsStored out;
  out.unchanged = unchanged;
  std::map<std::string, const model::Table*> existing;
  for (const model::Table& t : current.tables) existing.emplace(comparator.table_key(t), &t);
  std::vector<std::size_t> candidates;  // positions in document.tables
  for (std::size_t i = 0; i < document.tables.size(); ++i) {
    const std::string key = comparator.table_key(document.tables[i]);
    if (existing.count(key) && !unchanged.count(key)) candidates.push_back(i);
  }
  if (candidates.empty()) return out;

  // Types and expressions that recur are spelled once for all candidates
  // (shared_spellings.hpp); a candidate that cannot share, or all of them if
  // PostgreSQL refuses one of the shared tables, gets a stand-in of its own.
  const std::string create_schema = "CREATE SCHEMA IF NOT EXISTS " + quote_identifier(kSchema) + ";\n";
  SharedSpellings shared(kSchema, "s");
  std::vector<std::size_t> own;
  std::map<std::size_t, std::size_t> shared_as;  // candidate -> what shared.spell() knows it by
  for (std::size_t i : candidates) {
    if (auto added = shared.add(document.tables[i])) shared_as.emplace(i, *added);
    else own.push_back(i);
  }
  bool shared_made = false;
  if (shared.table_count() > 0) {
    try {
      connection.exec(create_schema + shared.create_sql());
      shared_made = true;
    } catch (const std::exception&) {
      own = candidates;
    }
  }

  std::vector<std::string> statements;
  statements.reserve(own.size());
  std::string batch = create_schema;
  for (std::size_t i : own) {
    if (auto sql = standin_sql(standin_of(document.tables[i], i))) {
      batch += *sql;
      statements.push_back(std::move(*sql));
    }
  }
  // One round trip for all of them; if PostgreSQL refuses one (a type or a
  // function the document does not define), the batch is undone as a whole
  // and each stand-in is tried alone.
  try {
    if (!statements.empty()) connection.exec(batch);
  } catch (const std::exception&) {
    connection.exec(create_schema);
    for (const std::string& sql : statements) {
      try {
        connection.exec(sql);
      } catch (const std::exception&) {
        // Left as changed: the full normalization names what is wrong with it.
      }
    }
  }

  const model::Schema read = introspect(connection, {kSchema}, std::nullopt, Scope::tables_only());
  std::map<std::string, const model::Table*> by_name;
  for (const model::Table& t : read.tables) by_name[t.name] = &t;
  shared.read_back(read);
  // The tables in unchanged are the same on both sides, so they change
  // nothing in how the others compare: the diff leaves them out, and only the
  // rest of the document is copied to be spelled.
  model::Schema spelled = diff::without_tables(document, unchanged, comparator);
  const model::Schema current_part = diff::without_tables(current, unchanged, comparator);
  std::map<std::size_t, std::size_t> spelled_at;  // position in document.tables -> in spelled.tables
  for (std::size_t i = 0, j = 0; i < document.tables.size(); ++i)
    if (!unchanged.count(comparator.table_key(document.tables[i]))) spelled_at.emplace(i, j++);
  std::vector<std::size_t> all_spelled;  // the candidates whose every type and expression was read back
  for (std::size_t i : candidates) {
    model::Table& table = spelled.tables[spelled_at.at(i)];
    auto as = shared_as.find(i);
    if (shared_made && as != shared_as.end() && shared.spell(table, as->second)) {
      all_spelled.push_back(i);
      continue;
    }
    auto found = by_name.find(standin_name(i));
    if (found != by_name.end() && spell_as_stored(table, *found->second, i)) all_spelled.push_back(i);
  }
  diff::DiffOptions options;
  options.refuse_impossible = false;  // only which tables change, and how, matters here
  const diff::DiffResult diff = diff::diff_schemas(current_part, spelled, comparator, options);
  diff::TouchedTables touched = diff::touched_tables(diff, current_part, spelled, comparator);
  out.unchanged.insert(touched.unchanged.begin(), touched.unchanged.end());
  for (std::size_t i : all_spelled) {
    const model::Table& table = spelled.tables[spelled_at.at(i)];
    const std::string key = comparator.table_key(table);
    auto changes = touched.changed.find(key);
    if (changes == touched.changed.end()) continue;
    if (auto grafted = graft(*existing.at(key), table, changes->second, comparator))
      out.grafted.emplace(key, std::move(*grafted));
  }
  return out;
}

}  // namespace strata::dialect::postgresql
