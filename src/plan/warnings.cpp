#include "strata/plan/planner.hpp"

namespace strata::plan {

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
