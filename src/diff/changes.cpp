#include "strata/diff/changes.hpp"

namespace strata::diff {

namespace {
template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}
}  // namespace

std::string describe(const TableChange& change, const std::string& table) {
  return std::visit(
      overloaded{
          [&](const AddColumn& c) { return "add column " + table + "." + c.column.name; },
          [&](const DropColumn& c) { return "drop column " + table + "." + c.column.name; },
          [&](const RenameColumn& c) { return "rename column " + table + "." + c.from + " to " + c.to; },
          [&](const AlterColumn& c) {
            std::string what;
            auto add = [&](bool flag, const char* word) {
              if (flag) what += (what.empty() ? "" : ", ") + std::string(word);
            };
            add(c.type_changed, "type");
            add(c.nullability_changed, c.to.nullable ? "drop not null" : "set not null");
            add(c.default_changed, "default");
            add(c.generated_changed, "generated expression");
            add(c.collation_changed, "collation");
            add(c.autoincrement_changed, "autoincrement");
            add(c.identity_changed, "identity");
            add(c.comment_changed, "comment");
            return "alter column " + table + "." + c.to.name + " (" + what + ")";
          },
          [&](const ChangePrimaryKey& c) {
            return "change primary key of " + table + " to (" + (c.to ? join(c.to->columns) : std::string()) + ")";
          },
          [&](const AddUnique& c) { return "add unique (" + join(c.unique.columns) + ") on " + table; },
          [&](const DropUnique& c) { return "drop unique (" + join(c.unique.columns) + ") on " + table; },
          [&](const AddForeignKey& c) {
            return "add foreign key " + table + "(" + join(c.foreign_key.columns) + ") -> " + c.foreign_key.ref_table;
          },
          [&](const DropForeignKey& c) {
            return "drop foreign key " + table + "(" + join(c.foreign_key.columns) + ") -> " + c.foreign_key.ref_table;
          },
          [&](const AddCheck& c) { return "add check on " + table + ": " + c.check.expression; },
          [&](const DropCheck& c) { return "drop check on " + table + ": " + c.check.expression; },
          [&](const ChangeTableOptions&) { return "change table options of " + table; },
          [&](const SetTableComment&) { return "change the comment of " + table; },
          [&](const RenameConstraint& c) { return "rename constraint " + c.from + " of " + table + " to " + c.to; },
          [&](const AddExclusion& c) { return "add exclusion constraint (" + c.exclusion.elements + ") on " + table; },
          [&](const DropExclusion& c) { return "drop exclusion constraint (" + c.exclusion.elements + ") on " + table; },
          [&](const SetRowSecurity& c) {
            std::string what;
            if (c.enable_changed) what = c.enable ? "enable row level security" : "disable row level security";
            if (c.force_changed) what += std::string(what.empty() ? "" : ", ") + (c.force ? "force" : "no force") + " row level security";
            return what + " on " + table;
          },
          [&](const AddPartition& c) { return "add partition " + c.partition.name + " of " + table; },
          [&](const DropPartition& c) { return "drop partition " + c.partition.name + " of " + table; },
          [&](const ChangePartitionBound& c) { return "change the bound of partition " + c.to.name + " of " + table; },
      },
      change);
}

std::string describe(const Change& change) {
  return std::visit(
      overloaded{
          [](const CreateTable& c) { return "create table " + c.table.name; },
          [](const DropTable& c) { return "drop table " + c.table.name; },
          [](const RenameTable& c) { return "rename table " + c.from + " to " + c.to; },
          [](const ModifyTable& c) {
            std::string out;
            for (const TableChange& t : c.changes) out += (out.empty() ? "" : "; ") + describe(t, c.to.name);
            return out;
          },
          [](const CreateIndex& c) { return "create index " + c.index.name + " on " + c.table; },
          [](const DropIndex& c) { return "drop index " + c.index.name; },
          [](const CreateView& c) {
            return std::string(c.replace ? "replace " : "create ") + (c.view.materialized ? "materialized view " : "view ") + c.view.name;
          },
          [](const DropView& c) { return std::string("drop ") + (c.view.materialized ? "materialized view " : "view ") + c.view.name; },
          [](const CreateFunction& c) {
            return std::string(c.replace ? "replace " : "create ") + (c.function.procedure ? "procedure " : "function ") +
                   c.function.name + "(" + c.function.arguments + ")";
          },
          [](const DropFunction& c) {
            return std::string("drop ") + (c.function.procedure ? "procedure " : "function ") + c.function.name + "(" +
                   c.function.arguments + ")";
          },
          [](const DropDefault& c) { return "drop the default of " + c.table.name + "." + c.column + " for now"; },
          [](const CreatePolicy& c) { return "create policy " + c.policy.name + " on " + c.table; },
          [](const DropPolicy& c) { return "drop policy " + c.policy.name + " on " + c.table; },
          [](const AlterPolicy& c) { return "alter policy " + c.to.name + " on " + c.table; },
          [](const GrantPrivileges& c) {
            return "grant " + model::to_lower(join(c.grant.privileges)) + " on " + c.grant.kind + " " + c.grant.object + " to " + c.grant.grantee;
          },
          [](const RevokePrivileges& c) {
            return std::string("revoke ") + (c.option_only ? "grant option for " : "") + model::to_lower(join(c.grant.privileges)) +
                   " on " + c.grant.kind + " " + c.grant.object + " from " + c.grant.grantee;
          },
          [](const CreateTrigger& c) { return "create trigger " + c.trigger.name; },
          [](const DropTrigger& c) { return "drop trigger " + c.trigger.name; },
          [](const CreateExtension& c) { return "create extension " + c.name; },
          [](const CreateEnum& c) { return "create enum type " + c.type.name; },
          [](const DropEnum& c) { return "drop enum type " + c.type.name; },
          [](const AddEnumValue& c) { return "add value '" + c.value + "' to enum type " + c.type.name; },
          [](const RenameIndex& c) { return "rename index " + c.from + " to " + c.index.name; },
          [](const RenameEnumValue& c) { return "rename label '" + c.from + "' of enum type " + c.type.name + " to '" + c.to + "'"; },
          [](const ReplaceEnum& c) { return "replace enum type " + c.to.name + " (labels removed or reordered)"; },
          [](const CreateDomain& c) { return "create domain " + c.domain.name; },
          [](const DropDomain& c) { return "drop domain " + c.domain.name; },
          [](const AlterDomain& c) { return "alter domain " + c.to.name; },
          [](const CreateSequence& c) { return "create sequence " + c.sequence.name; },
          [](const DropSequence& c) { return "drop sequence " + c.sequence.name; },
          [](const AlterSequence& c) { return "alter sequence " + c.to.name; },
      },
      change);
}

}  // namespace strata::diff
