#include "strata/diff/differ.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "diff/dependents.hpp"

namespace strata::diff {

namespace {

using model::Column;
using model::Table;

class Differ {
 public:
  Differ(const Comparator& cmp, const DiffOptions& options) : cmp_(cmp), options_(options) {}

  DiffResult run(const model::Schema& current_in, const model::Schema& desired) {
    // Renames (hinted by renamed_from) are applied to a copy of the current
    // schema, as the engine would apply them, before the rest is compared.
    // Without such hints nothing is renamed and current_in is compared as it is.
    model::Schema renamed_copy;
    const bool renames = has_rename_hints(desired);
    if (renames) renamed_copy = current_in;
    model::Schema* const writable = renames ? &renamed_copy : nullptr;  // set wherever a hint is followed
    const model::Schema& current = renames ? renamed_copy : current_in;
    current_tables_.reserve(current.tables.size());
    desired_tables_.reserve(desired.tables.size());
    for (std::size_t i = 0; i < current.tables.size(); ++i) current_tables_[cmp_.table_key(current.tables[i])] = i;
    for (std::size_t i = 0; i < desired.tables.size(); ++i) desired_tables_[cmp_.table_key(desired.tables[i])] = i;
    compare_extensions(current, desired);
    compare_enums(current, desired);
    compare_domains(current, desired);
    compare_sequences(current, desired);
    std::vector<bool> current_matched(current.tables.size(), false);

    // Tables: by name, then by renamed_from hint.
    for (const Table& want : desired.tables) {
      int index = find_table(current_tables_, want);
      if (index < 0 && want.renamed_from && find_table(desired_tables_, renamed(want)) < 0) {
        index = find_table(current_tables_, renamed(want));
        if (index >= 0 && !current_matched[static_cast<std::size_t>(index)]) {
          const std::string old_name = current.tables[static_cast<std::size_t>(index)].name;
          result_.changes.push_back(RenameTable{old_name, want.name});
          rename_table_references(*writable, old_name, want.name);
        } else if (current.tables.empty()) {
          // A new, empty database: every table is created and no rename can be meant.
          index = -1;
        } else {
          result_.diagnostics.error(want.where, "table \"" + want.name + "\" is renamed_from \"" + *want.renamed_from +
                                                    "\", but the database has neither table; remove the hint (a rename "
                                                    "already applied leaves " + want.name + " in place) or fix its name");
          index = -1;
        }
      }
      if (index < 0) {
        result_.changes.push_back(CreateTable{want});
        for (const model::Index& idx : want.indexes) result_.changes.push_back(CreateIndex{want.name, idx});
        for (const model::Policy& policy : want.policies) result_.changes.push_back(CreatePolicy{table_label(want), policy});
        continue;
      }
      current_matched[static_cast<std::size_t>(index)] = true;
      compare_table(current, writable, static_cast<std::size_t>(index), want);
    }
    for (std::size_t i = 0; i < current.tables.size(); ++i) {
      if (!current_matched[i]) result_.changes.push_back(DropTable{current.tables[i]});
    }

    compare_functions(current, desired);
    compare_views(current, desired);
    compare_triggers(current, desired);
    if (desired.grants_managed) compare_grants(current, desired);
    recreate_dependents(current, desired, cmp_, result_.changes);
    return std::move(result_);
  }

 private:
  // Whether the document asks for any rename the differ applies to the current schema.
  static bool has_rename_hints(const model::Schema& desired) {
    auto hinted = [](const auto& items) {
      return std::any_of(items.begin(), items.end(), [](const auto& i) { return i.renamed_from.has_value(); });
    };
    return std::any_of(desired.tables.begin(), desired.tables.end(), [&](const Table& t) {
      return t.renamed_from || hinted(t.columns) || hinted(t.uniques) || hinted(t.foreign_keys) || hinted(t.checks);
    });
  }

  // Position of a table by the engine's form of its name (the current side's positions
  // stay valid through renames, which change names but not positions), or -1.
  int find_table(const std::unordered_map<std::string, std::size_t>& positions, const model::Table& table) const {
    auto it = positions.find(cmp_.table_key(table));
    return it == positions.end() ? -1 : static_cast<int>(it->second);
  }
  // The table as it was called before a renamed_from hint.
  static model::Table renamed(const model::Table& table) {
    model::Table before;
    before.schema = table.schema;
    before.name = *table.renamed_from;
    return before;
  }

  // An installed extension the document does not list is left alone: dropping one
  // removes every object that depends on it, which no schema file should do by omission.
  void compare_extensions(const model::Schema& current, const model::Schema& desired) {
    for (const std::string& e : desired.extensions)
      if (std::find(current.extensions.begin(), current.extensions.end(), e) == current.extensions.end())
        result_.changes.push_back(CreateExtension{e});
  }

  void compare_enums(const model::Schema& current, const model::Schema& desired) {
    auto find = [](const model::Schema& s, const model::EnumType& e) -> const model::EnumType* {
      for (const model::EnumType& x : s.enums)
        if (x.name == e.name && x.schema == e.schema) return &x;
      return nullptr;
    };
    for (const model::EnumType& want : desired.enums) {
      const model::EnumType* have = find(current, want);
      if (!have) {
        result_.changes.push_back(CreateEnum{want});
        continue;
      }
      // Renamed labels first (ALTER TYPE … RENAME VALUE keeps the rows that hold them).
      model::EnumType renamed_have = *have;
      for (const auto& [to, from] : want.value_renames) {
        auto& values = renamed_have.values;
        auto old_label = std::find(values.begin(), values.end(), from);
        if (old_label != values.end() && std::find(values.begin(), values.end(), to) == values.end()) {
          *old_label = to;
          result_.changes.push_back(RenameEnumValue{want, from, to});
        } else if (std::find(values.begin(), values.end(), to) == values.end()) {
          result_.diagnostics.error(want.where, "enum type \"" + want.name + "\": label \"" + to + "\" is renamed_from \"" +
                                                   from + "\", but the type has neither label; remove the hint or fix it");
        }
      }
      have = &renamed_have;
      // Labels can be added anywhere; removing or reordering needs a new type.
      std::size_t matched = 0;
      for (const std::string& v : want.values)
        if (matched < have->values.size() && have->values[matched] == v) ++matched;
      if (matched != have->values.size()) {
        result_.changes.push_back(ReplaceEnum{*have, want});
        continue;
      }
      for (std::size_t i = 0; i < want.values.size(); ++i) {
        if (std::find(have->values.begin(), have->values.end(), want.values[i]) != have->values.end()) continue;
        std::string before;
        for (std::size_t j = i + 1; j < want.values.size() && before.empty(); ++j)
          if (std::find(have->values.begin(), have->values.end(), want.values[j]) != have->values.end()) before = want.values[j];
        result_.changes.push_back(AddEnumValue{want, want.values[i], before});
      }
    }
    for (const model::EnumType& have : current.enums)
      if (!find(desired, have)) result_.changes.push_back(DropEnum{have});
  }

  void compare_domains(const model::Schema& current, const model::Schema& desired) {
    auto find = [](const model::Schema& s, const model::Domain& d) -> const model::Domain* {
      for (const model::Domain& x : s.domains)
        if (x.name == d.name && x.schema == d.schema) return &x;
      return nullptr;
    };
    for (const model::Domain& want : desired.domains) {
      const model::Domain* have = find(current, want);
      if (!have) {
        result_.changes.push_back(CreateDomain{want});
        continue;
      }
      if (!cmp_.types_equal(have->type, want.type)) {
        result_.diagnostics.error(want.where, "domain \"" + want.name + "\": changing its base type from " + have->type +
                                                 " to " + want.type + " is not supported; create a new domain");
        continue;
      }
      bool checks_same = have->checks.size() == want.checks.size();
      for (std::size_t i = 0; checks_same && i < want.checks.size(); ++i)
        checks_same = same_optional_name(have->checks[i].name, want.checks[i].name) &&
                      cmp_.sql_equal(have->checks[i].expression, want.checks[i].expression);
      if (have->not_null != want.not_null || !defaults_equal(have->default_value, want.default_value) || !checks_same ||
          (cmp_.stores_comments() && have->comment != want.comment))
        result_.changes.push_back(AlterDomain{*have, want});
    }
    for (const model::Domain& have : current.domains)
      if (!find(desired, have)) result_.changes.push_back(DropDomain{have});
  }

  void compare_sequences(const model::Schema& current, const model::Schema& desired) {
    auto find = [](const model::Schema& s, const model::Sequence& q) -> const model::Sequence* {
      for (const model::Sequence& x : s.sequences)
        if (x.name == q.name && x.schema == q.schema) return &x;
      return nullptr;
    };
    for (const model::Sequence& want : desired.sequences) {
      const model::Sequence* have = find(current, want);
      if (!have) {
        result_.changes.push_back(CreateSequence{want});
        continue;
      }
      if (have->type != want.type || have->increment != want.increment || have->min_value != want.min_value ||
          have->max_value != want.max_value || have->cache != want.cache || have->cycle != want.cycle ||
          have->start != want.start || (cmp_.stores_comments() && have->comment != want.comment))
        result_.changes.push_back(AlterSequence{*have, want});
    }
    for (const model::Sequence& have : current.sequences)
      if (!find(desired, have)) result_.changes.push_back(DropSequence{have});
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
  }

  bool same_names(const std::vector<std::string>& a, const std::vector<std::string>& b) const {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!cmp_.names_equal(a[i], b[i])) return false;
    return true;
  }
  // Constraint names: both unnamed, or the same name. (Introspection reports
  // a name the engine generated by default as no name.)
  bool same_optional_name(const std::optional<std::string>& current, const std::optional<std::string>& desired) const {
    if (current.has_value() != desired.has_value()) return false;
    return !current || cmp_.names_equal(*current, *desired);
  }

  // What the engine does on a table rename: references follow the new name.
  void rename_table_references(model::Schema& schema, const std::string& from, const std::string& to) const {
    for (Table& t : schema.tables) {
      if (cmp_.names_equal(t.name, from)) t.name = to;
      for (model::ForeignKey& fk : t.foreign_keys)
        if (cmp_.names_equal(fk.ref_table, from)) fk.ref_table = to;
    }
    for (model::Trigger& trigger : schema.triggers)
      if (cmp_.names_equal(trigger.table, from)) trigger.table = to;
  }

  // What the engine does on a column rename: constraints and indexes follow.
  void rename_column_references(model::Schema& schema, Table& table, const std::string& from, const std::string& to) const {
    auto rename_in = [&](std::vector<std::string>& names) {
      for (std::string& n : names)
        if (cmp_.names_equal(n, from)) n = to;
    };
    if (Column* c = table.find_column(from)) c->name = to;
    auto rewrite = [&](std::string& sql) { sql = cmp_.rename_column_in_sql(sql, from, to); };
    for (Column& c : table.columns)
      if (c.generated) rewrite(c.generated->expression);
    for (model::CheckConstraint& check : table.checks) rewrite(check.expression);
    for (model::Index& i : table.indexes) {
      if (i.where_clause) rewrite(*i.where_clause);
      for (model::IndexKey& k : i.keys)
        if (k.is_expression()) rewrite(k.expression);
    }
    if (table.primary_key) rename_in(table.primary_key->columns);
    for (model::UniqueConstraint& u : table.uniques) rename_in(u.columns);
    for (model::ForeignKey& fk : table.foreign_keys) {
      rename_in(fk.columns);
      if (cmp_.names_equal(fk.ref_table, table.name)) rename_in(fk.ref_columns);
    }
    for (model::Index& i : table.indexes)
      for (model::IndexKey& k : i.keys)
        if (!k.is_expression() && cmp_.names_equal(k.column, from)) k.column = to;
    for (Table& other : schema.tables) {
      if (&other == &table) continue;
      for (model::ForeignKey& fk : other.foreign_keys)
        if (cmp_.names_equal(fk.ref_table, table.name)) rename_in(fk.ref_columns);
    }
  }

  // Named constraints with a renamed_from hint: the current one takes the new
  // name (as RENAME CONSTRAINT would) before definitions are compared.
  template <typename Constraint>
  void rename_named(std::vector<Constraint>& have, const std::vector<Constraint>& want, const Table& table,
                    std::vector<TableChange>& changes) {
    for (const Constraint& w : want) {
      if (!w.name || !w.renamed_from) continue;
      auto named = [&](const std::string& n) {
        return std::find_if(have.begin(), have.end(), [&](const Constraint& h) { return h.name && cmp_.names_equal(*h.name, n); });
      };
      if (named(*w.name) != have.end()) continue;  // already renamed
      auto old_constraint = named(*w.renamed_from);
      if (old_constraint == have.end()) {
        result_.diagnostics.error(w.where, "constraint \"" + *w.name + "\" of table \"" + table.name + "\" is renamed_from \"" +
                                               *w.renamed_from + "\", but the table has neither; remove the hint or fix it");
        continue;
      }
      changes.push_back(RenameConstraint{*old_constraint->name, *w.name});
      old_constraint->name = *w.name;
      old_constraint->stored_name = *w.name;
    }
  }

  void rename_constraints(Table& have, const Table& want, std::vector<TableChange>& changes) {
    rename_named(have.uniques, want.uniques, want, changes);
    rename_named(have.foreign_keys, want.foreign_keys, want, changes);
    rename_named(have.checks, want.checks, want, changes);
  }

  // A and B: std::optional or BoxedOptional of a Default (domains and columns).
  template <typename A, typename B>
  bool defaults_equal(const A& a, const B& b) const {
    auto is_null = [](const auto& d) {
      return !d || (d->kind == model::Default::Kind::Literal && d->literal.kind == model::Literal::Kind::Null);
    };
    if (is_null(a) || is_null(b)) return is_null(a) && is_null(b);
    if (a->kind != b->kind) return false;
    if (a->kind == model::Default::Kind::Expression) return cmp_.sql_equal(a->expression, b->expression);
    return a->literal == b->literal;
  }

  void compare_columns(const Column& from, const Column& to, std::vector<TableChange>& changes) const {
    AlterColumn alter;  // the columns are copied in only when something changed
    alter.type_changed = !cmp_.types_equal(from.type, to.type);
    alter.nullability_changed = from.nullable != to.nullable;
    alter.default_changed = !defaults_equal(from.default_value, to.default_value);
    alter.generated_changed = from.generated.has_value() != to.generated.has_value() ||
                              (from.generated && (from.generated->stored != to.generated->stored ||
                                                  !cmp_.sql_equal(from.generated->expression, to.generated->expression)));
    alter.collation_changed = !(from.collation.has_value() == to.collation.has_value() &&
                                (!from.collation || model::iequals(*from.collation, *to.collation)));
    alter.autoincrement_changed = from.autoincrement != to.autoincrement;
    alter.identity_changed = from.identity != to.identity || (to.identity && from.identity_options != to.identity_options);
    alter.comment_changed = cmp_.stores_comments() && from.comment != to.comment;
    if (alter.type_changed || alter.nullability_changed || alter.default_changed || alter.generated_changed ||
        alter.collation_changed || alter.autoincrement_changed || alter.identity_changed || alter.comment_changed) {
      alter.from = from;
      alter.to = to;
      changes.push_back(std::move(alter));
    }
  }

  bool same_foreign_key(const model::ForeignKey& a, const model::ForeignKey& b) const {
    return same_optional_name(a.name, b.name) && same_names(a.columns, b.columns) &&
           cmp_.names_equal(a.ref_table, b.ref_table) && same_names(a.ref_columns, b.ref_columns) &&
           a.on_delete == b.on_delete && a.on_update == b.on_update && a.deferrable == b.deferrable &&
           a.initially_deferred == b.initially_deferred && a.match_full == b.match_full && a.not_valid == b.not_valid;
  }

  bool same_index(const model::Index& a, const model::Index& b) const {
    if (a.unique != b.unique || a.keys.size() != b.keys.size() || a.method != b.method ||
        a.nulls_not_distinct != b.nulls_not_distinct || !same_names(a.include, b.include))
      return false;
    if (a.where_clause.has_value() != b.where_clause.has_value()) return false;
    if (a.where_clause && !cmp_.sql_equal(*a.where_clause, *b.where_clause)) return false;
    for (std::size_t i = 0; i < a.keys.size(); ++i) {
      const model::IndexKey& x = a.keys[i];
      const model::IndexKey& y = b.keys[i];
      if (x.is_expression() != y.is_expression() || x.descending != y.descending) return false;
      if (x.is_expression() ? !cmp_.sql_equal(x.expression, y.expression) : !cmp_.names_equal(x.column, y.column))
        return false;
      if (x.collation.has_value() != y.collation.has_value() || (x.collation && !model::iequals(*x.collation, *y.collation)))
        return false;
      if (x.nulls_first != y.nulls_first || x.opclass != y.opclass) return false;
    }
    return true;
  }

  // writable is current itself when the document has rename hints (and only
  // then is it written), else null.
  void compare_table(const model::Schema& current, model::Schema* writable, std::size_t index, const Table& want) {
    std::vector<TableChange> changes;
    // Column renames first, so that everything else compares under the new names.
    for (const Column& column : want.columns) {
      if (!column.renamed_from || current.tables[index].find_column(column.name)) continue;
      Table& have = writable->tables[index];
      if (have.find_column(*column.renamed_from) && !want.find_column(*column.renamed_from)) {
        const std::string old_name = have.find_column(*column.renamed_from)->name;
        changes.push_back(RenameColumn{old_name, column.name});
        rename_column_references(*writable, have, old_name, column.name);
      } else {
        result_.diagnostics.error(column.where, "column \"" + want.name + "." + column.name + "\" is renamed_from \"" +
                                                    *column.renamed_from + "\", but the table has neither column; remove "
                                                    "the hint or fix its name");
      }
    }
    if (writable) rename_constraints(writable->tables[index], want, changes);  // no hints, no renames
    const Table& have = current.tables[index];

    for (const Column& column : want.columns) {
      const Column* existing = have.find_column(column.name);
      if (!existing) changes.push_back(AddColumn{column});
      else compare_columns(*existing, column, changes);
    }
    for (const Column& column : have.columns)
      if (!want.find_column(column.name)) changes.push_back(DropColumn{column});

    const bool pk_same = have.primary_key.has_value() == want.primary_key.has_value() &&
                         (!have.primary_key || (same_names(have.primary_key->columns, want.primary_key->columns) &&
                                                same_optional_name(have.primary_key->name, want.primary_key->name)));
    if (!pk_same) changes.push_back(ChangePrimaryKey{have.primary_key, want.primary_key});

    for (const model::UniqueConstraint& u : have.uniques) {
      bool kept = std::any_of(want.uniques.begin(), want.uniques.end(), [&](const model::UniqueConstraint& w) {
        return same_names(u.columns, w.columns) && same_optional_name(u.name, w.name) &&
               u.nulls_not_distinct == w.nulls_not_distinct;
      });
      if (!kept) changes.push_back(DropUnique{u});
    }
    for (const model::UniqueConstraint& w : want.uniques) {
      bool exists = std::any_of(have.uniques.begin(), have.uniques.end(), [&](const model::UniqueConstraint& u) {
        return same_names(u.columns, w.columns) && same_optional_name(u.name, w.name) &&
               u.nulls_not_distinct == w.nulls_not_distinct;
      });
      if (!exists) changes.push_back(AddUnique{w});
    }
    for (const model::ForeignKey& fk : have.foreign_keys) {
      bool kept = std::any_of(want.foreign_keys.begin(), want.foreign_keys.end(),
                              [&](const model::ForeignKey& w) { return same_foreign_key(fk, w); });
      if (!kept) changes.push_back(DropForeignKey{fk});
    }
    for (const model::ForeignKey& w : want.foreign_keys) {
      bool exists = std::any_of(have.foreign_keys.begin(), have.foreign_keys.end(),
                                [&](const model::ForeignKey& fk) { return same_foreign_key(fk, w); });
      if (!exists) changes.push_back(AddForeignKey{w});
    }
    auto same_check = [&](const model::CheckConstraint& a, const model::CheckConstraint& b) {
      return same_optional_name(a.name, b.name) && cmp_.sql_equal(a.expression, b.expression) && a.not_valid == b.not_valid;
    };
    for (const model::CheckConstraint& c : have.checks) {
      if (std::none_of(want.checks.begin(), want.checks.end(), [&](const auto& w) { return same_check(c, w); }))
        changes.push_back(DropCheck{c});
    }
    for (const model::CheckConstraint& w : want.checks) {
      if (std::none_of(have.checks.begin(), have.checks.end(), [&](const auto& c) { return same_check(c, w); }))
        changes.push_back(AddCheck{w});
    }
    if (!(have.options == want.options)) changes.push_back(ChangeTableOptions{have.options, want.options});
    compare_exclusions(have, want, changes);
    if (have.row_security != want.row_security || have.force_row_security != want.force_row_security) {
      changes.push_back(SetRowSecurity{want.row_security, want.force_row_security, have.row_security != want.row_security,
                                       have.force_row_security != want.force_row_security});
    }
    compare_partitions(have, want, changes);
    compare_policies(have, want);
    if (cmp_.stores_comments() && have.comment != want.comment) changes.push_back(SetTableComment{want.comment});

    // Indexes are changes of their own: most engines create and drop them apart from the table.
    // A renamed_from hint renames the index in a copy of the current ones.
    std::vector<model::Index> renamed_indexes;
    const bool index_renames = std::any_of(want.indexes.begin(), want.indexes.end(),
                                           [](const model::Index& w) { return w.renamed_from.has_value(); });
    if (index_renames) renamed_indexes = have.indexes;
    for (const model::Index& w : want.indexes) {
      if (!w.renamed_from) continue;
      std::vector<model::Index>& have_indexes = renamed_indexes;
      auto named = [&](const std::string& n) {
        return std::find_if(have_indexes.begin(), have_indexes.end(), [&](const model::Index& i) { return cmp_.names_equal(i.name, n); });
      };
      if (named(w.name) != have_indexes.end()) continue;  // already renamed
      auto old_index = named(*w.renamed_from);
      if (old_index == have_indexes.end()) {
        result_.diagnostics.error(w.where, "index \"" + w.name + "\" is renamed_from \"" + *w.renamed_from +
                                               "\", but table \"" + want.name + "\" has neither index; remove the hint or fix it");
        continue;
      }
      result_.changes.push_back(RenameIndex{want.name, old_index->name, w});
      old_index->name = w.name;
    }
    const std::vector<model::Index>& have_indexes = index_renames ? renamed_indexes : have.indexes;
    for (const model::Index& idx : have_indexes) {
      auto match = std::find_if(want.indexes.begin(), want.indexes.end(),
                                [&](const model::Index& w) { return cmp_.names_equal(w.name, idx.name); });
      if (match == want.indexes.end() || !same_index(idx, *match)) result_.changes.push_back(DropIndex{have.name, idx});
    }
    for (const model::Index& w : want.indexes) {
      auto match = std::find_if(have_indexes.begin(), have_indexes.end(),
                                [&](const model::Index& i) { return cmp_.names_equal(w.name, i.name); });
      if (match == have_indexes.end() || !same_index(*match, w)) result_.changes.push_back(CreateIndex{want.name, w});
    }

    if (!changes.empty()) result_.changes.push_back(ModifyTable{have, want, std::move(changes)});
  }

  void compare_exclusions(const Table& have, const Table& want, std::vector<TableChange>& changes) {
    auto same = [&](const model::ExclusionConstraint& a, const model::ExclusionConstraint& b) {
      if (!same_optional_name(a.name, b.name)) return false;
      if (!a.definition.empty() && !b.definition.empty()) return a.definition == b.definition;
      return a.method == b.method && cmp_.sql_equal(a.elements, b.elements) &&
             a.where_clause.has_value() == b.where_clause.has_value() &&
             (!a.where_clause || cmp_.sql_equal(*a.where_clause, *b.where_clause));
    };
    for (const auto& x : have.exclusions)
      if (std::none_of(want.exclusions.begin(), want.exclusions.end(), [&](const auto& w) { return same(x, w); }))
        changes.push_back(DropExclusion{x});
    for (const auto& w : want.exclusions)
      if (std::none_of(have.exclusions.begin(), have.exclusions.end(), [&](const auto& x) { return same(x, w); }))
        changes.push_back(AddExclusion{w});
  }

  void compare_partitions(const Table& have, const Table& want, std::vector<TableChange>& changes) {
    if (have.partition_by != want.partition_by && options_.refuse_impossible) {
      result_.diagnostics.error(want.where, "table \"" + want.name + "\" " +
                                                (have.partition_by ? "is partitioned by " + *have.partition_by : std::string("is not partitioned")) +
                                                "; a table cannot be " + (want.partition_by ? "partitioned by " + *want.partition_by : std::string("unpartitioned")) +
                                                " in place: create a new table with the new key, move the rows with a "
                                                "hand-written migration, then drop the old one");
    }
    auto same_partition = [&](const model::Partition& a, const model::Partition& b) {
      return cmp_.names_equal(a.name, b.name) && a.schema == b.schema;
    };
    for (const model::Partition& p : have.partitions) {
      auto w = std::find_if(want.partitions.begin(), want.partitions.end(), [&](const auto& x) { return same_partition(p, x); });
      if (w == want.partitions.end()) changes.push_back(DropPartition{p});
      else if (w->bound != p.bound) changes.push_back(ChangePartitionBound{p, *w});
    }
    for (const model::Partition& w : want.partitions)
      if (std::none_of(have.partitions.begin(), have.partitions.end(), [&](const auto& p) { return same_partition(p, w); }))
        changes.push_back(AddPartition{w});
  }

  // Policies are changes of their own, made after every table and view exists
  // (their expressions may read other tables).
  void compare_policies(const Table& have, const Table& want) {
    for (const model::Policy& p : have.policies) {
      const model::Policy* w = find_named(want.policies, p.name);
      if (!w || w->command != p.command || w->restrictive != p.restrictive) {
        result_.changes.push_back(DropPolicy{table_label(want), p});
      } else if (!same_names(w->roles, p.roles) || w->using_clause != p.using_clause || w->with_check != p.with_check) {
        result_.changes.push_back(AlterPolicy{table_label(want), p, *w});
      }
    }
    for (const model::Policy& w : want.policies) {
      const model::Policy* p = find_named(have.policies, w.name);
      if (!p || w.command != p->command || w.restrictive != p->restrictive) result_.changes.push_back(CreatePolicy{table_label(want), w});
    }
  }

  static std::string table_label(const Table& t) { return model::relation_label(t.schema, t.name); }

  void compare_views(const model::Schema& current, const model::Schema& desired) {
    for (const model::View& v : current.views) {
      const model::View* w = find_view(desired.views, v);
      if (!w || (!same_view(v, *w) && !replaceable(v, *w) && !only_comment_differs(v, *w))) result_.changes.push_back(DropView{v});
    }
    for (const model::View& w : desired.views) {
      const model::View* v = find_view(current.views, w);
      if (!v) result_.changes.push_back(CreateView{w});
      else if (!same_view(*v, w)) result_.changes.push_back(CreateView{w, replaceable(*v, w) || only_comment_differs(*v, w)});
    }
  }

  const model::View* find_view(const std::vector<model::View>& views, const model::View& view) const {
    for (const model::View& v : views)
      if (cmp_.names_equal(v.name, view.name) && v.schema == view.schema) return &v;
    return nullptr;
  }

  bool same_view(const model::View& a, const model::View& b) const {
    if (a.materialized != b.materialized) return false;
    if (!a.definition.empty() && !b.definition.empty())
      return a.definition == b.definition && a.output_columns == b.output_columns && a.comment == b.comment;
    return same_names(a.columns, b.columns) && cmp_.sql_equal(a.sql, b.sql);
  }

  bool only_comment_differs(const model::View& a, const model::View& b) const {
    model::View same_comment = b;
    same_comment.comment = a.comment;
    return a.comment != b.comment && same_view(a, same_comment);
  }

  // A plain view whose new columns start with its old ones, under the same
  // names and types, can be replaced in place (its dependents stay).
  static bool replaceable(const model::View& have, const model::View& want) {
    if (have.materialized || want.materialized || have.output_columns.empty() ||
        want.output_columns.size() < have.output_columns.size())
      return false;
    return std::equal(have.output_columns.begin(), have.output_columns.end(), want.output_columns.begin());
  }

  void compare_triggers(const model::Schema& current, const model::Schema& desired) {
    auto same = [&](const model::Trigger& a, const model::Trigger& b) {
      if (!a.definition.empty() && !b.definition.empty()) return a.definition == b.definition;
      return cmp_.sql_equal(a.sql, b.sql);
    };
    for (const model::Trigger& t : current.triggers) {
      const model::Trigger* w = find_trigger(desired.triggers, t);
      if (!w || !same(t, *w)) result_.changes.push_back(DropTrigger{t});
    }
    for (const model::Trigger& w : desired.triggers) {
      const model::Trigger* t = find_trigger(current.triggers, w);
      if (!t || !same(*t, w)) result_.changes.push_back(CreateTrigger{w});
    }
  }

  // A trigger is known by its table and name (PostgreSQL names them per table).
  const model::Trigger* find_trigger(const std::vector<model::Trigger>& triggers, const model::Trigger& trigger) const {
    for (const model::Trigger& t : triggers)
      if (cmp_.names_equal(t.name, trigger.name) && cmp_.names_equal(t.table, trigger.table)) return &t;
    return nullptr;
  }

  // Functions are known by schema, name and argument types. One whose result
  // or argument names change cannot be replaced in place: it is dropped and
  // created again.
  void compare_functions(const model::Schema& current, const model::Schema& desired) {
    auto find = [](const std::vector<model::Function>& all, const model::Function& f) -> const model::Function* {
      for (const model::Function& x : all)
        if (x.signature() == f.signature()) return &x;
      return nullptr;
    };
    auto must_recreate = [](const model::Function& have, const model::Function& want) {
      return have.procedure != want.procedure || have.result != want.result || have.argument_names != want.argument_names;
    };
    for (const model::Function& have : current.functions) {
      const model::Function* want = find(desired.functions, have);
      if (!want) result_.changes.push_back(DropFunction{have, false});
      else if (have.definition != want->definition && must_recreate(have, *want)) result_.changes.push_back(DropFunction{have, true});
    }
    for (const model::Function& want : desired.functions) {
      const model::Function* have = find(current.functions, want);
      if (!have) result_.changes.push_back(CreateFunction{want, false});
      else if (have->definition != want.definition) result_.changes.push_back(CreateFunction{want, !must_recreate(*have, want)});
      else if (have->comment != want.comment) result_.changes.push_back(CreateFunction{want, true});
    }
  }

  // Grants compare privilege by privilege for each (object, role).
  void compare_grants(const model::Schema& current, const model::Schema& desired) {
    using Key = std::tuple<std::string, std::string, std::string>;  // kind, object, grantee
    std::map<Key, std::map<std::string, bool>> have, want;  // privilege -> with grant option
    std::map<Key, model::Grant> sample;
    auto kind = [](const std::string& k) { return k == "view" ? std::string("table") : k; };
    for (const model::Grant& g : current.grants) {
      const Key key{kind(g.kind), g.object, g.grantee};
      for (const std::string& p : g.privileges) have[key][p] = g.grant_option;
      sample.emplace(key, g);
    }
    for (const model::Grant& g : desired.grants) {
      const Key key{kind(g.kind), g.object, g.grantee};
      for (const std::string& p : g.privileges) want[key][p] = want[key][p] || g.grant_option;
      sample[key] = g;
    }
    auto change = [&](const Key& key, std::vector<std::string> privileges, bool option) {
      model::Grant g = sample.at(key);
      g.privileges = std::move(privileges);
      g.grant_option = option;
      return g;
    };
    for (const auto& [key, privileges] : have) {
      std::vector<std::string> revoke, revoke_option;
      const auto w = want.find(key);
      for (const auto& [p, option] : privileges) {
        if (w == want.end() || !w->second.count(p)) revoke.push_back(p);
        else if (option && !w->second.at(p)) revoke_option.push_back(p);
      }
      if (!revoke.empty()) result_.changes.push_back(RevokePrivileges{change(key, revoke, false), false});
      if (!revoke_option.empty()) result_.changes.push_back(RevokePrivileges{change(key, revoke_option, true), true});
    }
    for (const auto& [key, privileges] : want) {
      std::vector<std::string> plain, with_option;
      const auto h = have.find(key);
      for (const auto& [p, option] : privileges) {
        const bool held = h != have.end() && h->second.count(p);
        if (!held || (option && !h->second.at(p))) (option ? with_option : plain).push_back(p);
      }
      if (!plain.empty()) result_.changes.push_back(GrantPrivileges{change(key, plain, false)});
      if (!with_option.empty()) result_.changes.push_back(GrantPrivileges{change(key, with_option, true)});
    }
  }

  template <typename T>
  const T* find_named(const std::vector<T>& items, const std::string& name) const {
    for (const T& item : items)
      if (cmp_.names_equal(item.name, name)) return &item;
    return nullptr;
  }

  const Comparator& cmp_;
  DiffOptions options_;
  DiffResult result_;
  std::unordered_map<std::string, std::size_t> current_tables_;
  std::unordered_map<std::string, std::size_t> desired_tables_;
};

}  // namespace

DiffResult diff_schemas(const model::Schema& current, const model::Schema& desired, const Comparator& comparator,
                        const DiffOptions& options) {
  return Differ(comparator, options).run(current, desired);
}

}  // namespace strata::diff
