#include "strata/sql/statement.hpp"

#include "strata/sql/quoting.hpp"

namespace strata {

namespace {
void append(std::string& out, const Statement& s) {
  if (!s.comment.empty()) out += "-- " + sql_comment_text(s.comment) + "\n";
  // A statement whose last line holds a line comment gets its semicolon on a line of its own.
  const std::size_t last_line = s.sql.rfind('\n');
  const bool ends_in_comment = s.sql.find("--", last_line == std::string::npos ? 0 : last_line) != std::string::npos;
  out += s.sql + (ends_in_comment ? "\n;\n" : ";\n");
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
