#include "strata/sql/statement.hpp"

namespace strata {

namespace {
void append(std::string& out, const Statement& s) {
  if (!s.comment.empty()) out += "-- " + s.comment + "\n";
  out += s.sql + ";\n";
}
}  // namespace

std::string to_sql_script(const std::vector<Statement>& statements) {
  std::string out;
  bool any_transactional = false;
  for (const Statement& s : statements) any_transactional = any_transactional || s.phase == Statement::Phase::InTransaction;
  for (const Statement& s : statements)
    if (s.phase == Statement::Phase::BeforeTransaction) append(out, s);
  if (any_transactional) {
    out += "BEGIN;\n";
    for (const Statement& s : statements)
      if (s.phase == Statement::Phase::InTransaction) append(out, s);
    out += "COMMIT;\n";
  }
  for (const Statement& s : statements)
    if (s.phase == Statement::Phase::AfterTransaction) append(out, s);
  return out;
}

}  // namespace strata
