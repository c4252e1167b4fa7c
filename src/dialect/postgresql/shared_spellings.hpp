// Spelling each distinct type and expression once, for many tables.
//
// How PostgreSQL stores a column's type and default depends only on that
// column's declaration; how it stores a check, a generated column or an
// index depends only on its text and on the names, types and collations of
// the columns it reads. Across a schema the same ones recur ("amount >= 0"
// over numeric(14,4), DEFAULT now() on timestamptz), so one storage-less
// partitioned table can hold them for many tables at once: each distinct
// one is created once, with just the columns it reads, in a table whose
// columns agree with those on every name. A few dozen such tables then do
// the work of thousands of per-table stand-ins (standins.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "strata/model/schema.hpp"

namespace strata::dialect::postgresql {

class SharedSpellings {
 public:
  // Spelling tables are named prefix0, prefix1, ... in schema, which must
  // exist before create_sql() runs.
  SharedSpellings(std::string schema, std::string prefix);

  // Takes in the types and expressions of table, and returns what spell()
  // knows it by. Nothing, with nothing taken, when an expression names the
  // table itself (its spelling would depend on the table) or holds SQL that
  // would not stay in its clause: such a table needs a stand-in of its own.
  std::optional<std::size_t> add(const model::Table& table);

  // The statements that create the spelling tables, each ended by ";\n".
  std::string create_sql() const;

  // Takes note of what the spelling tables read back as (read: the tables
  // of schema, which must outlive this object's use).
  void read_back(const model::Schema& read);

  // Gives table, which add() took in as added, its types and expressions as
  // read back. False, with table unchanged, when one of them was not read back.
  bool spell(model::Table& table, std::size_t added) const;

  std::size_t table_count() const { return tables_.size(); }

 private:
  enum class Kind { Column, Check, Index };
  // One thing to spell: what keys it, the columns it reads, and how it is
  // created.
  struct Item {
    Kind kind;
    std::string key;
    std::vector<model::Column> reads;  // plain columns: name, type, collation
    model::Column column;              // Kind::Column
    std::string expression;            // Kind::Check
    model::Index index;                // Kind::Index
  };
  struct SpellingTable {
    model::Table table;
    std::unordered_map<std::string, std::string> declared;  // column name -> type and collation
  };
  // The items of table, or nothing when it cannot share (see add()).
  std::optional<std::vector<Item>> items_of(const model::Table& table) const;
  std::size_t fitting_table(const Item& item);
  // Creates item in a table that fits it; its entry in places_.
  std::unordered_map<std::string, std::string>::iterator place(Item item);

  std::string schema_, prefix_;
  std::vector<SpellingTable> tables_;
  std::unordered_map<std::string, std::string> places_;  // Item::key -> the object that spells it
  std::size_t objects_ = 0;                        // for unique object names
  std::vector<std::vector<std::string>> added_;    // per add(): the object that spells each item
  // What read_back() found, by object name.
  std::unordered_map<std::string, const model::Column*> read_columns_;
  std::unordered_map<std::string, const model::CheckConstraint*> read_checks_;
  std::unordered_map<std::string, const model::Index*> read_indexes_;
};

}  // namespace strata::dialect::postgresql
