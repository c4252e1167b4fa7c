#include "dialect/postgresql/connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "strata/diagnostics.hpp"

namespace strata::dialect::postgresql {

namespace {

// libpq quotes the part of a connection string it cannot read, and that part
// may be the password ("invalid percent-encoded token: "pa%zz""), which the
// redaction of the whole message cannot recognize. A quoted fragment taken
// from the string stays only when it can be seen there with the passwords
// hidden; libpq's own words ("]") stay.
std::string without_password_fragments(const std::string& message, const std::string& conninfo) {
  const std::string visible = config::redact_url(conninfo);
  std::string out;
  std::size_t i = 0;
  while (i < message.size()) {
    const std::size_t open = message.find('"', i);
    const std::size_t close = open == std::string::npos ? open : message.find('"', open + 1);
    if (close == std::string::npos) break;
    const std::string fragment = message.substr(open + 1, close - open - 1);
    const std::string shown = config::redact_url(fragment);
    const bool hidden = visible.find(shown) == std::string::npos && conninfo.find(fragment) != std::string::npos;
    out += message.substr(i, open + 1 - i) + (hidden ? "***" : shown) + "\"";
    i = close + 1;
  }
  return out + message.substr(std::min(i, message.size()));
}

std::map<std::string, std::string> parse_conninfo(const std::string& conninfo) {
  std::map<std::string, std::string> out;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    std::string message = error ? error : "cannot parse the connection string";
    PQfreemem(error);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    throw Error(ExitCode::InvalidInput,
                "invalid PostgreSQL connection string: " + without_password_fragments(message, conninfo));
  }
  for (PQconninfoOption* o = options; o->keyword; ++o)
    if (o->val) out[o->keyword] = o->val;
  PQconninfoFree(options);
  return out;
}

std::string quote_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The conninfo with strata's name for the server (pg_stat_activity, the server
// log), so that an operator can tell strata's sessions apart. Only a fallback:
// an application_name in the URL, or PGAPPNAME, wins.
std::string with_application_name(const std::string& conninfo) {
  auto o = parse_conninfo(conninfo);
  if (o.count("fallback_application_name")) return conninfo;
  o["fallback_application_name"] = "strata";
  std::string out;
  for (const auto& [k, v] : o) out += (out.empty() ? "" : " ") + k + "=" + quote_value(v);
  return out;
}

}  // namespace

std::string describe_conninfo(const std::string& conninfo) {
  auto o = parse_conninfo(conninfo);
  auto get = [&](const char* k, const char* fallback) { return o.count(k) ? o[k] : std::string(fallback); };
  return "host " + get("host", o.count("hostaddr") ? o["hostaddr"].c_str() : "(default)") + " port " +
         get("port", "5432") + ", database " + get("dbname", "(default)") + ", user " + get("user", "(default)");
}

std::string with_database(const std::string& conninfo, const std::string& database) {
  auto o = parse_conninfo(conninfo);
  o["dbname"] = database;
  std::string out;
  for (const auto& [k, v] : o) out += (out.empty() ? "" : " ") + k + "=" + quote_value(v);
  return out;
}

Connection::Connection(const std::string& conninfo) {
  try {
    connection_ = std::make_unique<pqxx::connection>(with_application_name(conninfo));
  } catch (const pqxx::broken_connection& e) {
    std::string reason = e.what();
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    throw Error(ExitCode::Connection, "cannot connect to PostgreSQL (" + describe_conninfo(conninfo) +
                                          "): " + without_password_fragments(reason, conninfo));
  } catch (const std::exception& e) {
    throw Error(ExitCode::Connection, "cannot connect to PostgreSQL (" + describe_conninfo(conninfo) +
                                          "): " + without_password_fragments(e.what(), conninfo));
  }
}

void Connection::exec(const std::string& sql) {
  pqxx::nontransaction tx(*connection_);
  ++queries_;
  tx.exec(sql);
}

void Connection::exec_one(const std::string& sql) {
  pqxx::nontransaction tx(*connection_);
  ++queries_;
  tx.exec_params(sql);
}

namespace {

// libpq shows where an error is with "LINE n:", counted in the text sent. In
// a batch that is the whole message; the statement's own count is what a
// reader can find in the file.
std::string with_line_within_statement(std::string message, int first_line) {
  const std::string mark = "\nLINE ";
  const std::size_t at = message.find(mark);
  if (at == std::string::npos) return message;
  const std::size_t digits = at + mark.size();
  std::size_t end = digits;
  while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
  if (end == digits || end >= message.size() || message[end] != ':') return message;
  const int line = std::stoi(message.substr(digits, end - digits)) - first_line + 1;
  if (line < 1) return message;
  return message.replace(digits, end - digits, std::to_string(line));
}

}  // namespace

void Connection::exec_batch(const std::vector<std::string>& statements,
                            const std::function<void(std::size_t, const pqxx::result&)>& each_done) {
  if (statements.empty()) return;
  pqxx::nontransaction tx(*connection_);
  pqxx::pipeline pipeline(tx);
  // Held back until all are in, then sent as one message.
  pipeline.retain(static_cast<int>(statements.size()));
  // The pipeline joins the statements with "; " (with a "SELECT 1; " ahead
  // of them when there are several). Each statement gets lines of its own,
  // so that a line comment at its end cannot swallow the separator, and so
  // that where it starts is known.
  std::vector<pqxx::pipeline::query_id> ids;
  std::vector<int> first_lines;
  int line = 1;
  for (const std::string& s : statements) {
    ids.push_back(pipeline.insert("\n" + s + "\n"));
    first_lines.push_back(line + 1);
    line += 2 + static_cast<int>(std::count(s.begin(), s.end(), '\n'));
  }
  ++queries_;
  pipeline.resume();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    pqxx::result result;
    try {
      result = pipeline.retrieve(ids[i]);
    } catch (const pqxx::sql_error& e) {
      throw BatchFailed(i, true, with_line_within_statement(e.what(), first_lines[i]));
    } catch (const std::exception& e) {
      throw BatchFailed(i, false, e.what());
    }
    if (each_done) each_done(i, result);
  }
}

Rows Connection::query(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  pqxx::nontransaction tx(*connection_);
  ++queries_;
  pqxx::result result;
  if (params.empty()) {
    result = tx.exec(sql);
  } else {
    // $N placeholders become quoted literals in one pass (strata passes only
    // names, versions and checksums this way).
    std::string prepared;
    for (std::size_t i = 0; i < sql.size(); ++i) {
      if (sql[i] == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1]))) {
        std::size_t j = i + 1;
        while (j < sql.size() && std::isdigit(static_cast<unsigned char>(sql[j]))) ++j;
        const std::size_t index = std::stoul(sql.substr(i + 1, j - i - 1));
        if (index >= 1 && index <= params.size()) {
          prepared += params[index - 1] ? tx.quote(*params[index - 1]) : std::string("NULL");
          i = j - 1;
          continue;
        }
      }
      prepared += sql[i];
    }
    result = tx.exec(prepared);
  }
  // libpqxx's iterators are themselves the row and the field they point at;
  // dereferencing one would copy the result handle (two reference counts)
  // for every field, a tenth of the client's time at 5,000 tables.
  auto each_field = [&result](auto&& fn) {
    for (auto row = result.begin(), rows_end = result.end(); row != rows_end; ++row) {
      const pqxx::row& r = row;
      for (auto field = r.begin(), fields_end = r.end(); field != fields_end; ++field)
        fn(static_cast<const pqxx::field&>(field));
    }
  };
  Rows rows(static_cast<std::size_t>(result.columns()));
  std::size_t text_bytes = 0;
  each_field([&](const pqxx::field& f) { text_bytes += f.size(); });
  rows.reserve(result.size(), text_bytes);
  each_field([&](const pqxx::field& f) {
    if (f.is_null()) rows.add_null();
    else rows.add_field(std::string_view(f.c_str(), f.size()));
  });
  return rows;
}

std::string Connection::quote(const std::string& value) {
  pqxx::nontransaction tx(*connection_);
  return tx.quote(value);
}

std::string Connection::database_name() { return connection_->dbname(); }

}  // namespace strata::dialect::postgresql
