// Changes: the typed result of comparing two schemas. Each change carries the
// full definitions it touches (a drop keeps what it drops), so that a renderer
// can write it and its reverse without looking anything up. No SQL here.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "strata/model/schema.hpp"

namespace strata::diff {

// Changes inside one table; grouped in ModifyTable because some engines
// (SQLite) must apply them together, by rebuilding the table.
struct AddColumn { model::Column column; };
struct DropColumn { model::Column column; };
struct RenameColumn { std::string from; std::string to; };
struct AlterColumn {
  model::Column from;
  model::Column to;
  bool type_changed = false;
  bool nullability_changed = false;
  bool default_changed = false;
  bool generated_changed = false;
  bool collation_changed = false;
  bool autoincrement_changed = false;
  bool identity_changed = false;
  bool comment_changed = false;
};
struct ChangePrimaryKey { std::optional<model::PrimaryKey> from; std::optional<model::PrimaryKey> to; };
struct AddUnique { model::UniqueConstraint unique; };
struct DropUnique { model::UniqueConstraint unique; };
struct AddForeignKey { model::ForeignKey foreign_key; };
struct DropForeignKey { model::ForeignKey foreign_key; };
struct AddCheck { model::CheckConstraint check; };
struct DropCheck { model::CheckConstraint check; };
struct ChangeTableOptions { model::TableOptions from; model::TableOptions to; };
struct SetTableComment { std::optional<std::string> comment; };
struct RenameConstraint { std::string from; std::string to; };
struct AddExclusion { model::ExclusionConstraint exclusion; };
struct DropExclusion { model::ExclusionConstraint exclusion; };
// Row-level security switched on or off, forced or not (PostgreSQL).
struct SetRowSecurity { bool enable = false; bool force = false; bool enable_changed = false; bool force_changed = false; };
struct AddPartition { model::Partition partition; };
struct DropPartition { model::Partition partition; };
// A partition detached and attached again with another bound; its rows stay.
struct ChangePartitionBound { model::Partition from; model::Partition to; };

using TableChange = std::variant<AddColumn, DropColumn, RenameColumn, AlterColumn, ChangePrimaryKey, AddUnique,
                                 DropUnique, AddForeignKey, DropForeignKey, AddCheck, DropCheck, ChangeTableOptions,
                                 SetTableComment, RenameConstraint, AddExclusion, DropExclusion, SetRowSecurity,
                                 AddPartition, DropPartition, ChangePartitionBound>;

struct CreateTable { model::Table table; };
struct DropTable { model::Table table; };
struct RenameTable { std::string from; std::string to; };
// from: the table as it is (under its new name if it was renamed); to: as it should be.
struct ModifyTable { model::Table from; model::Table to; std::vector<TableChange> changes; };
struct CreateIndex { std::string table; model::Index index; };
struct DropIndex { std::string table; model::Index index; };
struct RenameIndex { std::string table; std::string from; model::Index index; };
struct RenameEnumValue { model::EnumType type; std::string from; std::string to; };
// replace: the view exists and keeps its columns in front (CREATE OR REPLACE).
struct CreateView { model::View view; bool replace = false; };
struct DropView { model::View view; };
// replace: the function exists and the engine can replace it in place.
struct CreateFunction { model::Function function; bool replace = false; };
// recreated: dropped to be created again (its result or argument names
// changed), so it goes before the creations rather than after the tables.
struct DropFunction { model::Function function; bool recreated = false; };
// A column default dropped ahead of a change to the function it calls; the
// plan sets it again afterwards.
struct DropDefault { model::Table table; std::string column; };
struct CreatePolicy { std::string table; model::Policy policy; };
struct DropPolicy { std::string table; model::Policy policy; };
struct AlterPolicy { std::string table; model::Policy from; model::Policy to; };
// grant.privileges are the ones to give (with the grant option when grant.grant_option).
struct GrantPrivileges { model::Grant grant; };
// grant.privileges are the ones to take back; option_only takes back only the grant option.
struct RevokePrivileges { model::Grant grant; bool option_only = false; };
struct CreateTrigger { model::Trigger trigger; };
struct DropTrigger { model::Trigger trigger; };
struct CreateExtension { std::string name; };
struct CreateEnum { model::EnumType type; };
struct DropEnum { model::EnumType type; };
// Labels removed or reordered: a new type replaces the old one, every column cast to it.
struct ReplaceEnum { model::EnumType from; model::EnumType to; };
struct CreateDomain { model::Domain domain; };
struct DropDomain { model::Domain domain; };
struct AlterDomain { model::Domain from; model::Domain to; };
struct CreateSequence { model::Sequence sequence; };
struct DropSequence { model::Sequence sequence; };
struct AlterSequence { model::Sequence from; model::Sequence to; };
// A new label, placed before an existing one (or last when before is empty).
struct AddEnumValue { model::EnumType type; std::string value; std::string before; };

using Change = std::variant<CreateTable, DropTable, RenameTable, ModifyTable, CreateIndex, DropIndex, CreateView,
                            DropView, CreateTrigger, DropTrigger, CreateExtension, CreateEnum, DropEnum,
                            AddEnumValue, ReplaceEnum, RenameEnumValue, RenameIndex, CreateDomain, DropDomain, AlterDomain, CreateSequence, DropSequence,
                            AlterSequence, CreateFunction, DropFunction, DropDefault, CreatePolicy, DropPolicy, AlterPolicy,
                            GrantPrivileges, RevokePrivileges>;

// One line a person can read, e.g. "add column hero.power_level".
std::string describe(const Change& change);
std::string describe(const TableChange& change, const std::string& table);

}  // namespace strata::diff
