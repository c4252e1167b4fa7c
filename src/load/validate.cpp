#include "strata/load/validate.hpp"

#include <map>

#include "strata/model/types.hpp"
#include "strata/text/similar.hpp"

namespace strata::load {

namespace {

using model::iequals;
using model::to_lower;

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::vector<std::string> column_names(const model::Table& table) {
  std::vector<std::string> out;
  for (const model::Column& c : table.columns) out.push_back(c.name);
  return out;
}

std::vector<std::string> table_names(const model::Schema& schema) {
  std::vector<std::string> out;
  for (const model::Table& t : schema.tables) out.push_back(t.name);
  return out;
}

// Reports a column list entry that names no column of table.
void check_columns_exist(const model::Table& table, const std::vector<std::string>& columns,
                         const SourceLocation& where, const std::string& what, Diagnostics& diagnostics) {
  for (const std::string& c : columns) {
    if (!table.find_column(c)) {
      diagnostics.error(where, what + " names column " + quoted(c) + ", which table " + quoted(table.name) +
                                   " does not have" + text::did_you_mean(c, column_names(table)));
    }
  }
}

bool is_number_text(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return end && *end == '\0';
}

void check_default(const model::Table& table, const model::Column& column, Diagnostics& diagnostics) {
  if (!column.default_value) return;
  const model::Default& d = *column.default_value;
  const std::string what = "default of column " + quoted(table.name + "." + column.name);
  if (column.generated) {
    diagnostics.error(d.where, "column " + quoted(column.name) + " is generated and cannot have a default; remove one");
    return;
  }
  if (d.kind == model::Default::Kind::Expression) return;  // checked by the engine
  if (d.literal.kind == model::Literal::Kind::Null) {
    if (!column.nullable)
      diagnostics.error(d.where, what + " is null, but the column is NOT NULL; add nullable: true or pick a value");
    return;
  }
  auto portable = model::parse_portable_type(column.type);
  if (!portable) return;  // verbatim types: the engine decides
  using K = model::PortableKind;
  switch (portable->kind) {
    case K::Integer:
    case K::BigInt:
    case K::SmallInt:
      if (d.literal.kind != model::Literal::Kind::Number || d.literal.text.find_first_of(".eE") != std::string::npos)
        diagnostics.error(d.where, what + " must be a whole number for type " + quoted(column.type) + ", not " +
                                       quoted(d.literal.text) + "; use default_sql for an expression");
      break;
    case K::Real:
    case K::Double:
    case K::Numeric:
      if (d.literal.kind != model::Literal::Kind::Number && !is_number_text(d.literal.text))
        diagnostics.error(d.where, what + " must be a number for type " + quoted(column.type) + ", not " +
                                       quoted(d.literal.text) + "; use default_sql for an expression");
      break;
    case K::Boolean:
      // 0 and 1 are how SQLite and MySQL spell booleans; existing databases are full of them.
      if (d.literal.kind != model::Literal::Kind::Boolean &&
          !(d.literal.kind == model::Literal::Kind::Number && (d.literal.text == "0" || d.literal.text == "1")))
        diagnostics.error(d.where, what + " must be true or false (or 0 or 1) for type boolean, not " + quoted(d.literal.text));
      break;
    case K::Varchar:
    case K::Char:
      if (!portable->args.empty() && d.literal.text.size() > static_cast<std::size_t>(portable->args.front()))
        diagnostics.error(d.where, what + " is longer than " + std::to_string(portable->args.front()) +
                                       " characters, the length of " + quoted(column.type));
      break;
    default:
      break;
  }
}

void check_table(const model::Schema& schema, const model::SchemaIndex& names, const model::Table& table,
                 std::map<std::string, const model::Index*>& index_names,
                 Diagnostics& diagnostics) {
  const std::string tq = quoted(table.name);
  std::map<std::string, const model::Column*> seen;
  for (const model::Column& column : table.columns) {
    if (column.name.empty()) continue;
    auto [it, inserted] = seen.emplace(to_lower(column.name), &column);
    if (!inserted) {
      diagnostics.error(column.where, "table " + tq + " has two columns named " + quoted(column.name) +
                                          " (the first at " + it->second->where.str() + "); rename or remove one");
    }
    if (!column.type.empty() && !schema.find_enum(column.type) && !schema.find_domain(column.type)) {
      if (auto suggestion = model::suggest_type_name(column.type)) {
        diagnostics.error(column.type_where, "column " + quoted(table.name + "." + column.name) + ": unknown type " +
                                                 quoted(column.type) + " (did you mean " + quoted(*suggestion) +
                                                 "?); portable types are " + [] {
                                                   std::string all;
                                                   for (const std::string& n : model::portable_type_names())
                                                     all += (all.empty() ? "" : ", ") + n;
                                                   return all;
                                                 }());
      }
    }
    if (column.autoincrement) {
      auto portable = model::parse_portable_type(column.type);
      const bool integer_type = (portable && (portable->kind == model::PortableKind::Integer ||
                                              portable->kind == model::PortableKind::BigInt)) ||
                                to_lower(column.type) == "int";
      if (!table.primary_key || table.primary_key->columns.size() != 1 ||
          !iequals(table.primary_key->columns.front(), column.name) || !integer_type) {
        diagnostics.error(column.where, "column " + quoted(table.name + "." + column.name) +
                                            ": autoincrement needs the column to be the table's only primary key "
                                            "column, of type integer");
      }
    }
    if (column.generated && column.generated->expression.empty())
      diagnostics.error(column.where, "column " + quoted(column.name) + ": \"generated\" needs an expression");
    check_default(table, column, diagnostics);
  }

  if (table.primary_key) {
    check_columns_exist(table, table.primary_key->columns, table.primary_key->where, "the primary key of " + tq,
                        diagnostics);
    for (const std::string& c : table.primary_key->columns) {
      const model::Column* column = table.find_column(c);
      if (column && column->nullable) {
        diagnostics.error(column->where, "column " + quoted(table.name + "." + column->name) +
                                             " is part of the primary key and cannot be nullable; remove "
                                             "\"nullable: true\" or take it out of the primary key");
      }
    }
  }
  if (table.options.without_rowid && !table.primary_key) {
    diagnostics.error(table.where, "table " + tq + " is without_rowid and so needs a primary key");
  }
  for (const model::UniqueConstraint& u : table.uniques)
    check_columns_exist(table, u.columns, u.where, "a unique constraint of " + tq, diagnostics);

  for (const model::Index& index : table.indexes) {
    std::vector<std::string> cols;
    for (const model::IndexKey& key : index.keys)
      if (!key.is_expression()) cols.push_back(key.column);
    check_columns_exist(table, cols, index.where, "index " + quoted(index.name), diagnostics);
    auto [it, inserted] = index_names.emplace(to_lower(index.name), &index);
    if (!inserted) {
      diagnostics.error(index.where, "two indexes are named " + quoted(index.name) + " (the first at " +
                                         it->second->where.str() + "); index names are shared by the whole schema, "
                                         "give one a different \"name\"");
    }
    if (names.table(index.name) || names.view(index.name)) {
      diagnostics.error(index.where, "index " + quoted(index.name) + " has the name of a table or view; rename it");
    }
  }

  std::map<std::string, const model::CheckConstraint*> check_names;
  for (const model::CheckConstraint& check : table.checks) {
    if (check.name) {
      auto [it, inserted] = check_names.emplace(to_lower(*check.name), &check);
      if (!inserted)
        diagnostics.error(check.where, "table " + tq + " has two check constraints named " + quoted(*check.name));
    }
  }

  for (const model::ForeignKey& fk : table.foreign_keys) {
    check_columns_exist(table, fk.columns, fk.where, "a foreign key of " + tq, diagnostics);
    if (fk.ref_table.empty()) continue;
    const model::Table* target = names.referenced_table(fk.ref_table, table.schema);
    if (!target) {
      diagnostics.error(fk.where, "a foreign key of " + tq + " references table " + quoted(fk.ref_table) +
                                      ", which the schema does not define" +
                                      text::did_you_mean(fk.ref_table, table_names(schema)));
      continue;
    }
    std::vector<std::string> ref_columns = fk.ref_columns;
    if (ref_columns.empty()) {
      if (!target->primary_key) {
        diagnostics.error(fk.where, "a foreign key of " + tq + " references table " + quoted(target->name) +
                                        " without naming columns, but that table has no primary key; add \"columns\"");
        continue;
      }
      ref_columns = target->primary_key->columns;
    }
    bool all_exist = true;
    for (const std::string& c : ref_columns) {
      if (!target->find_column(c)) {
        all_exist = false;
        diagnostics.error(fk.where, "a foreign key of " + tq + " references column " + quoted(c) + " of table " +
                                        quoted(target->name) + ", which does not exist" +
                                        text::did_you_mean(c, column_names(*target)));
      }
    }
    if (ref_columns.size() != fk.columns.size()) {
      diagnostics.error(fk.where, "a foreign key of " + tq + " has " + std::to_string(fk.columns.size()) +
                                      " column(s) but references " + std::to_string(ref_columns.size()) +
                                      "; list the same number on both sides");
      continue;
    }
    if (!all_exist) continue;
    bool keyed = target->primary_key && iequals(target->primary_key->columns, ref_columns);
    for (const model::UniqueConstraint& u : target->uniques) keyed = keyed || iequals(u.columns, ref_columns);
    for (const model::Index& i : target->indexes) {
      if (!i.unique || i.where_clause) continue;
      std::vector<std::string> cols;
      bool plain = true;
      for (const model::IndexKey& k : i.keys) {
        plain = plain && !k.is_expression();
        cols.push_back(k.column);
      }
      keyed = keyed || (plain && iequals(cols, ref_columns));
    }
    if (!keyed) {
      diagnostics.error(fk.where, "a foreign key of " + tq + " references columns of " + quoted(target->name) +
                                      " that are neither its primary key nor unique; reference the primary key or "
                                      "add a unique constraint on those columns");
    }
  }
}

}  // namespace

void validate_schema(const model::Schema& schema, Diagnostics& diagnostics) {
  const model::SchemaIndex names(schema);
  std::map<std::string, SourceLocation> claimed;  // tables and views share one namespace
  auto claim = [&](const std::string& name, const SourceLocation& where, const std::string& what) {
    if (name.empty()) return;
    auto [it, inserted] = claimed.emplace(to_lower(name), where);
    if (!inserted) {
      diagnostics.error(where, what + " " + quoted(name) + " is defined twice (also at " + it->second.str() +
                                   "); tables and views share one namespace, rename or remove one");
    }
  };
  for (const model::Table& t : schema.tables) claim(t.schema.empty() || t.schema == "public" ? t.name : t.schema + "." + t.name, t.where, "table");
  for (const model::View& v : schema.views) claim(v.schema.empty() || v.schema == "public" ? v.name : v.schema + "." + v.name, v.where, "view");

  std::map<std::string, const model::Index*> index_names;
  for (const model::Table& table : schema.tables) {
    if (table.renamed_from) {
      const model::Table* other = names.table(*table.renamed_from);
      if (other && other != &table) {
        diagnostics.error(table.where, "table " + quoted(table.name) + " is renamed_from " + quoted(*table.renamed_from) +
                                           ", but the schema also defines a table of that name; remove the hint "
                                           "or the other table");
      }
    }
    for (const model::Column& c : table.columns) {
      if (c.renamed_from && !iequals(*c.renamed_from, c.name) && table.find_column(*c.renamed_from)) {
        diagnostics.error(c.where, "column " + quoted(c.name) + " is renamed_from " + quoted(*c.renamed_from) +
                                       ", but table " + quoted(table.name) + " also defines that column");
      }
    }
    check_table(schema, names, table, index_names, diagnostics);
  }

  std::map<std::string, SourceLocation> trigger_names;
  for (const model::Trigger& trigger : schema.triggers) {
    auto [it, inserted] = trigger_names.emplace(to_lower(trigger.table) + "\n" + to_lower(trigger.name), trigger.where);
    if (!inserted) diagnostics.error(trigger.where, "trigger " + quoted(trigger.name) + " is defined twice (also at " + it->second.str() + ")");
    if (!trigger.table.empty() && !names.referenced_table(trigger.table, "") && !names.view(trigger.table) &&
        !names.view(trigger.table.substr(trigger.table.find('.') + 1))) {
      diagnostics.error(trigger.where, "trigger " + quoted(trigger.name) + " is on table " + quoted(trigger.table) +
                                           ", which the schema does not define" +
                                           text::did_you_mean(trigger.table, table_names(schema)));
    }
  }
}

}  // namespace strata::load
