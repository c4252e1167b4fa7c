#include "strata/plan/planner.hpp"

namespace strata::plan {

Diagnostics data_loss_warnings(const Plan& plan) {
  Diagnostics warnings;
  for (const diff::Change& change : plan.changes) {
    if (auto* drop = std::get_if<diff::DropTable>(&change)) {
      warnings.warning({}, "table \"" + drop->table.name + "\" is not in the schema files: the plan drops it and its rows");
    } else if (auto* seq = std::get_if<diff::DropSequence>(&change)) {
      warnings.warning({}, "sequence \"" + seq->sequence.name + "\" is not in the schema files: the plan drops it and its current value");
    } else if (auto* dom = std::get_if<diff::DropDomain>(&change)) {
      warnings.warning({}, "domain \"" + dom->domain.name + "\" is not in the schema files: the plan drops it");
    } else if (auto* en = std::get_if<diff::DropEnum>(&change)) {
      warnings.warning({}, "enum type \"" + en->type.name + "\" is not in the schema files: the plan drops it");
    } else if (auto* re = std::get_if<diff::ReplaceEnum>(&change)) {
      warnings.warning(re->to.where, "enum type \"" + re->to.name + "\" loses or reorders labels: its columns are converted, "
                                     "and a row holding a removed label makes the migration fail");
    } else if (auto* modify = std::get_if<diff::ModifyTable>(&change)) {
      for (const diff::TableChange& tc : modify->changes) {
        if (auto* dc = std::get_if<diff::DropColumn>(&tc)) {
          warnings.warning(modify->to.where, "column \"" + modify->to.name + "." + dc->column.name +
                                                 "\" is not in the schema files: the plan drops it and its data");
        } else if (auto* ac = std::get_if<diff::AlterColumn>(&tc); ac && ac->type_changed) {
          warnings.warning(ac->to.type_where, "column \"" + modify->to.name + "." + ac->to.name + "\" changes type from " +
                                                  ac->from.type + " to " + ac->to.type +
                                                  ": existing values may be converted or narrowed");
        }
      }
    }
  }
  return warnings;
}

std::vector<std::string> irreversible_notes(const Plan& plan) {
  std::vector<std::string> notes;
  for (const diff::Change& change : plan.changes) {
    if (auto* drop = std::get_if<diff::DropTable>(&change)) {
      notes.push_back("the down section recreates table " + drop->table.name + " empty: its rows are not restored");
    } else if (auto* modify = std::get_if<diff::ModifyTable>(&change)) {
      for (const diff::TableChange& tc : modify->changes) {
        auto* dc = std::get_if<diff::DropColumn>(&tc);
        if (!dc) continue;
        const model::Column& c = dc->column;
        if (!c.nullable && !c.default_value && !c.generated)
          notes.push_back("the down section re-adds " + modify->to.name + "." + c.name +
                          " as NOT NULL without a default: it fails while the table has rows; edit it before relying on it");
        else
          notes.push_back("the down section re-adds " + modify->to.name + "." + c.name + " without its values");
      }
    }
  }
  return notes;
}

}  // namespace strata::plan
