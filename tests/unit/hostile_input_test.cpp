// Hostile input. Names and expressions made to break out of the SQL strata
// puts them in, revisions killed while they write their files, and database
// URLs whose password must never be printed. Damage is checked where it would
// show: a table "victim" that an injected statement would drop must still be
// there with its row, and a table "pwned" that one would create must not.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <random>
#include <thread>

#include "dialect/postgresql/connection.hpp"
#include "dialect/sqlite/connection.hpp"
#include "strata/diagnostics.hpp"
#include "strata/migrate/directory.hpp"
#include "test_support.hpp"

using strata::testing::CommandResult;
using strata::testing::read_file;
using strata::testing::run_strata;
using strata::testing::PgDatabase;
using strata::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Each is used as the name of a table, a column, an index, a unique, check and
// foreign key constraint, and on SQLite a view and a trigger.
const std::vector<std::string> kNames = {
    "dq\"name", "sq'name", "semi;colon", "dash--dash", "slash/*star", "new\nline", "tab\tname", "Größe", "表",
    "emoji🦀", "back\\slash", "select", "order", "table", "group", "user",
    // Made to run a statement wherever a name lands unquoted or in a comment
    // (PostgreSQL ends a -- comment at a carriage return too), or to read as
    // a directive of the migration file it is written into.
    "x\"; DROP TABLE victim; --", "x\nDROP TABLE victim; --", "y\rDROP TABLE victim; --",
    "x\n-- strata:down\nDROP TABLE victim; --", "x\n-- strata:no-transaction", "z$$; DROP TABLE victim; --"};

std::string ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A double-quoted YAML or TOML string: both read these escapes the same way.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out + "\"";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The tables, their constraints, indexes and rows, in plain SQL; views and
// triggers on SQLite, which strata manages only there.
std::string hostile_database_sql(bool sqlite) {
  std::string sql = "CREATE TABLE victim (id integer PRIMARY KEY, note text NOT NULL);"
                    "INSERT INTO victim VALUES (1, 'must survive');";
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    const std::string& n = kNames[i];
    const std::string t = ident(n);
    sql += "CREATE TABLE " + t + " (id integer PRIMARY KEY, " + t + " text DEFAULT " + literal(n) + " CONSTRAINT " +
           ident("ck" + n) + " CHECK (" + t + " <> ''), " + ident(n + "#p") + " integer, CONSTRAINT " + ident("uq" + n) +
           " UNIQUE (" + t + ")";
    if (i > 0)
      sql += ", CONSTRAINT " + ident("fk" + n) + " FOREIGN KEY (" + ident(n + "#p") + ") REFERENCES " + ident(kNames[i - 1]) + " (id)";
    sql += ");";
    sql += "CREATE INDEX " + ident("ix" + n) + " ON " + t + " (" + t + ") WHERE " + t + " IS NOT NULL;";
    sql += "INSERT INTO " + t + " (id, " + t + ") VALUES (1, " + literal(n) + ");";
    if (sqlite) {
      sql += "CREATE VIEW " + ident("v" + n) + " AS SELECT id, " + t + " FROM " + t + ";";
      sql += "CREATE TRIGGER " + ident("tr" + n) + " AFTER UPDATE ON " + t + " BEGIN UPDATE " + t + " SET " + t +
             " = NEW." + t + " WHERE id = NEW.id AND 0; END;";
    }
  }
  return sql;
}

// The same kind of schema written as a document, in YAML or TOML (flow maps
// and inline tables, which differ only in ": " against " = ").
std::string hostile_document(bool yaml, bool sqlite) {
  const std::string is = yaml ? ": " : " = ";
  auto map = [&](const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out = "{ ";
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? ", " : "") + fields[i].first + is + fields[i].second;
    return out + " }";
  };
  auto list = [](const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out + "]";
  };
  std::string doc = yaml ? "tables:\n" : "";
  auto table = [&](const std::string& name, const std::vector<std::pair<std::string, std::string>>& keys) {
    doc += yaml ? "  - name: " + quoted(name) + "\n" : "[[tables]]\nname = " + quoted(name) + "\n";
    for (const auto& [key, value] : keys) doc += (yaml ? "    " + key + ": " : key + " = ") + value + "\n";
  };
  const std::string id = map({{"name", "\"id\""}, {"type", "\"integer\""}, {"primary_key", "true"}});
  table("victim", {{"columns", list({id, map({{"name", "\"note\""}, {"type", "\"text\""}})})}});
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    const std::string& n = kNames[i];
    std::vector<std::pair<std::string, std::string>> keys = {
        {"columns", list({id,
                          map({{"name", quoted(n)}, {"type", "\"text\""}, {"nullable", "true"}, {"default", quoted(n)},
                               {"check", quoted(ident(n) + " <> ''")}}),
                          map({{"name", quoted(n + "#p")}, {"type", "\"integer\""}, {"nullable", "true"}})})},
        {"uniques", list({map({{"name", quoted("uq" + n)}, {"columns", list({quoted(n)})}})})},
        {"indexes", list({map({{"name", quoted("ix" + n)}, {"columns", list({quoted(n)})}, {"where", quoted(ident(n) + " IS NOT NULL")}})})},
        {"checks", list({map({{"name", quoted("ck" + n)}, {"expr", quoted("length(" + ident(n) + ") < 100")}})})}};
    if (i > 0)
      keys.emplace_back("foreign_keys", list({map({{"name", quoted("fk" + n)}, {"columns", list({quoted(n + "#p")})},
                                                  {"references", map({{"table", quoted(kNames[i - 1])}, {"columns", "[\"id\"]"}})}})}));
    table(n, keys);
  }
  if (!sqlite) return doc;
  auto entry = [&](const char* section, const std::vector<std::pair<std::string, std::string>>& fields, bool first) {
    if (yaml) {
      doc += (first ? std::string(section) + ":\n" : "") + "  - " + map(fields) + "\n";
    } else {
      doc += "[[" + std::string(section) + "]]\n";
      for (const auto& [key, value] : fields) doc += key + " = " + value + "\n";
    }
  };
  for (const std::string& n : kNames)
    entry("views", {{"name", quoted("v" + n)}, {"sql", quoted("SELECT id, " + ident(n) + " FROM " + ident(n))}}, &n == &kNames.front());
  for (const std::string& n : kNames) {
    const std::string sql = "CREATE TRIGGER " + ident("tr" + n) + " AFTER UPDATE ON " + ident(n) + " BEGIN UPDATE " +
                            ident(n) + " SET " + ident(n) + " = NEW." + ident(n) + " WHERE id = NEW.id AND 0; END";
    entry("triggers", {{"name", quoted("tr" + n)}, {"table", quoted(n)}, {"sql", quoted(sql)}}, &n == &kNames.front());
  }
  return doc;
}

// Runs a script through the sqlite3 shell, as the documentation pipes a plan.
int sqlite3_shell(const std::string& db, const std::string& script_file) {
  return std::system(("sqlite3 -bail '" + db + "' < '" + script_file + "' > /dev/null").c_str());
}

std::string sqlite_value(const std::string& db, const std::string& sql) {
  strata::dialect::sqlite::Connection c(db, SQLITE_OPEN_READONLY);
  auto rows = c.query(sql);
  return rows.empty() || rows[0].empty() ? "" : rows[0][0].value_or("NULL");
}

void sqlite_exec(const std::string& db, const std::string& sql) {
  strata::dialect::sqlite::Connection c(db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  c.exec(sql);
}



// What every hostile table holds after it was built: its own name as the value.
void check_rows(const std::function<std::string(const std::string&)>& value) {
  CHECK(value("SELECT note FROM victim WHERE id = 1") == "must survive");
  for (const std::string& n : kNames) {
    INFO("table " << n);
    CHECK(value("SELECT " + ident(n) + " FROM " + ident(n) + " WHERE id = 1") == n);
  }
}

std::string insert_rows_sql() {
  std::string sql;
  for (const std::string& n : kNames) sql += "INSERT INTO " + ident(n) + " (id, " + ident(n) + ") VALUES (1, " + literal(n) + ");";
  return sql;
}

// Turns every text column of an inspected document into varchar(200): a type
// change, which SQLite makes by rebuilding each table and copying its rows.
std::string widened(std::string document) {
  for (const char* text : {"type: text", "type: TEXT"})
    for (std::size_t p = document.find(text); p != std::string::npos; p = document.find(text, p))
      document.replace(p, 10, "type: varchar(200)");
  return document;
}

}  // namespace

TEST_CASE("hostile names on SQLite: inspected, planned into an empty database, inspected again, rows kept",
          "[hostile][sqlite]") {
  TempDir dir;
  sqlite_exec(dir.file("source.db"), hostile_database_sql(true));
  auto inspect = run_strata("inspect --url sqlite:///source.db -o schema.yaml", dir.path());
  INFO(inspect.err);
  REQUIRE(inspect.exit_code == 0);
  const std::string document = read_file(dir.file("schema.yaml"));
  INFO(document);
  auto same = run_strata("plan --url sqlite:///source.db --exit-code", dir.path());
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);

  // The plan, piped into the sqlite3 shell, builds it all in a database that
  // already holds the victim and its row.
  sqlite_exec(dir.file("fresh.db"), "CREATE TABLE victim (id integer PRIMARY KEY, note text NOT NULL);"
                                    "INSERT INTO victim VALUES (1, 'must survive');");
  auto plan = run_strata("plan --url sqlite:///fresh.db", dir.path());
  INFO(plan.out << plan.err);
  REQUIRE(plan.exit_code == 0);
  dir.write("plan.sql", plan.out);
  CHECK(sqlite3_shell(dir.file("fresh.db"), dir.file("plan.sql")) == 0);
  CHECK(sqlite_value(dir.file("fresh.db"), "SELECT note FROM victim") == "must survive");
  CHECK(run_strata("inspect --url sqlite:///fresh.db", dir.path()).out == document);
  CHECK(run_strata("plan --url sqlite:///fresh.db --exit-code", dir.path()).exit_code == 0);
  check_rows([&](const std::string& sql) { return sqlite_value(dir.file("source.db"), sql); });

  // The same through a migration, applied by strata into an empty database.
  auto revision = run_strata("revision -m baseline --url sqlite:///migrated.db", dir.path());
  INFO(revision.err);
  REQUIRE(revision.exit_code == 0);
  auto apply = run_strata("apply --url sqlite:///migrated.db", dir.path());
  INFO(apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(run_strata("inspect --url sqlite:///migrated.db", dir.path()).out == document);
  CHECK(run_strata("check --url sqlite:///migrated.db", dir.path()).exit_code == 0);
  sqlite_exec(dir.file("migrated.db"), "INSERT INTO victim VALUES (1, 'must survive');" + insert_rows_sql());

  // Every table rebuilt (a type change) with its views and triggers: rows kept.
  dir.write("schema.yaml", widened(document));
  auto widen = run_strata("revision -m widen --allow-hazard data_loss.type_change --url sqlite:///migrated.db", dir.path());
  INFO(widen.err);
  REQUIRE(widen.exit_code == 0);
  auto apply_widen = run_strata("apply --url sqlite:///migrated.db", dir.path());
  INFO(apply_widen.err);
  REQUIRE(apply_widen.exit_code == 0);
  check_rows([&](const std::string& sql) { return sqlite_value(dir.file("migrated.db"), sql); });
  CHECK(run_strata("plan --url sqlite:///migrated.db --exit-code", dir.path()).exit_code == 0);
  auto rollback = run_strata("rollback --url sqlite:///migrated.db", dir.path());
  INFO(rollback.err);
  CHECK(rollback.exit_code == 0);
  check_rows([&](const std::string& sql) { return sqlite_value(dir.file("migrated.db"), sql); });
}

TEST_CASE("hostile names in a YAML or TOML document on SQLite: planned, applied, then nothing to plan",
          "[hostile][sqlite]") {
  for (bool yaml : {true, false}) {
    TempDir dir;
    const std::string file = yaml ? "schema.yaml" : "schema.toml";
    dir.write(file, hostile_document(yaml, true));
    INFO(read_file(dir.file(file)));
    sqlite_exec(dir.file("app.db"), "CREATE TABLE victim (id integer PRIMARY KEY, note text NOT NULL);"
                                    "INSERT INTO victim VALUES (1, 'must survive');");
    auto plan = run_strata("plan --url sqlite:///app.db --schema " + file, dir.path());
    INFO(plan.out << plan.err);
    REQUIRE(plan.exit_code == 0);
    dir.write("plan.sql", plan.out);
    CHECK(sqlite3_shell(dir.file("app.db"), dir.file("plan.sql")) == 0);
    auto again = run_strata("plan --url sqlite:///app.db --exit-code --schema " + file, dir.path());
    INFO(again.out << again.err);
    CHECK(again.exit_code == 0);
    CHECK(again.out.empty());
    sqlite_exec(dir.file("app.db"), insert_rows_sql());
    check_rows([&](const std::string& sql) { return sqlite_value(dir.file("app.db"), sql); });

    // Migrations, whose files hold the names in SQL and in comments.
    auto revision = run_strata("revision -m 'hostile names' --url sqlite:///migrated.db --schema " + file, dir.path());
    INFO(revision.err);
    REQUIRE(revision.exit_code == 0);
    auto apply = run_strata("apply --url sqlite:///migrated.db", dir.path());
    INFO(apply.err);
    REQUIRE(apply.exit_code == 0);
    CHECK(sqlite_value(dir.file("migrated.db"), "SELECT count(*) FROM sqlite_master WHERE name = 'victim'") == "1");
    CHECK(run_strata("check --url sqlite:///migrated.db --schema " + file, dir.path()).exit_code == 0);
    auto status = run_strata("status --url sqlite:///migrated.db --schema " + file, dir.path());
    CHECK(contains(status.out, "drift:    none"));
  }
}

TEST_CASE("hostile names on PostgreSQL: inspected, planned into an empty database, inspected again, rows kept",
          "[hostile][postgresql]") {
  PgDatabase source("strata_hostile");
  REQUIRE_PG_SERVER(source);
  PgDatabase fresh("strata_hostile"), migrated("strata_hostile");
  source.exec(hostile_database_sql(false));
  TempDir dir;
  auto inspect = run_strata("inspect --url " + source.url() + " -o schema.yaml", dir.path());
  INFO(inspect.err);
  REQUIRE(inspect.exit_code == 0);
  const std::string document = read_file(dir.file("schema.yaml"));
  INFO(document);
  auto same = run_strata("plan --exit-code --url " + source.url(), dir.path());
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);

  fresh.exec("CREATE TABLE victim (id integer PRIMARY KEY, note text NOT NULL); INSERT INTO victim VALUES (1, 'must survive');");
  auto plan = run_strata("plan --url " + fresh.url(), dir.path());
  INFO(plan.out << plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK_NOTHROW(fresh.exec(plan.out));
  CHECK(fresh.value("SELECT note FROM victim") == "must survive");
  CHECK(run_strata("inspect --url " + fresh.url(), dir.path()).out == document);
  CHECK(run_strata("plan --exit-code --url " + fresh.url(), dir.path()).exit_code == 0);
  check_rows([&](const std::string& sql) { return source.value(sql); });

  auto revision = run_strata("revision -m baseline --url " + migrated.url(), dir.path());
  INFO(revision.err);
  REQUIRE(revision.exit_code == 0);
  auto apply = run_strata("apply --url " + migrated.url(), dir.path());
  INFO(apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(run_strata("inspect --url " + migrated.url(), dir.path()).out == document);
  CHECK(run_strata("check --url " + migrated.url(), dir.path()).exit_code == 0);
  migrated.exec("INSERT INTO victim VALUES (1, 'must survive');" + insert_rows_sql());

  dir.write("schema.yaml", widened(document));
  auto widen = run_strata("revision -m widen --allow-hazard data_loss.type_change --url " + migrated.url(), dir.path());
  INFO(widen.err);
  REQUIRE(widen.exit_code == 0);
  auto apply_widen = run_strata("apply --url " + migrated.url(), dir.path());
  INFO(apply_widen.err);
  REQUIRE(apply_widen.exit_code == 0);
  check_rows([&](const std::string& sql) { return migrated.value(sql); });
  CHECK(run_strata("plan --exit-code --url " + migrated.url(), dir.path()).exit_code == 0);
  auto rollback = run_strata("rollback --url " + migrated.url(), dir.path());
  INFO(rollback.err);
  CHECK(rollback.exit_code == 0);
  check_rows([&](const std::string& sql) { return migrated.value(sql); });
}

TEST_CASE("hostile names in a document on PostgreSQL: planned, applied, then nothing to plan", "[hostile][postgresql]") {
  PgDatabase db("strata_hostile");
  REQUIRE_PG_SERVER(db);
  PgDatabase migrated("strata_hostile");
  TempDir dir;
  dir.write("schema.yaml", hostile_document(true, false));
  INFO(read_file(dir.file("schema.yaml")));
  db.exec("CREATE TABLE victim (id integer PRIMARY KEY, note text NOT NULL); INSERT INTO victim VALUES (1, 'must survive');");
  auto plan = run_strata("plan --url " + db.url(), dir.path());
  INFO(plan.out << plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK_NOTHROW(db.exec(plan.out));
  auto again = run_strata("plan --exit-code --url " + db.url(), dir.path());
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(again.out.empty());
  db.exec(insert_rows_sql());
  check_rows([&](const std::string& sql) { return db.value(sql); });

  auto revision = run_strata("revision -m 'hostile names' --url " + migrated.url(), dir.path());
  INFO(revision.err);
  REQUIRE(revision.exit_code == 0);
  auto apply = run_strata("apply --url " + migrated.url(), dir.path());
  INFO(apply.err);
  REQUIRE(apply.exit_code == 0);
  CHECK(migrated.value("SELECT count(*) FROM pg_class WHERE relname = 'victim'") == "1");
  CHECK(run_strata("check --url " + migrated.url(), dir.path()).exit_code == 0);

  // A column that stops being serial drops its sequence in a DO block, whose
  // dollar quotes a table name holding "$$" must not end.
  const std::string dollar = "z$$; DROP TABLE victim; --";
  db.exec("CREATE TABLE " + ident("serial" + dollar) + " (id serial PRIMARY KEY); INSERT INTO " + ident("serial" + dollar) +
          " DEFAULT VALUES;");
  dir.write("serial.yaml", read_file(dir.file("schema.yaml")) + "  - { name: " + quoted("serial" + dollar) +
                               ", columns: [{ name: id, type: integer, primary_key: true }] }\n");
  auto unserial = run_strata("plan --schema serial.yaml --url " + db.url(), dir.path());
  INFO(unserial.out << unserial.err);
  REQUIRE(unserial.exit_code == 0);
  CHECK_NOTHROW(db.exec(unserial.out));
  CHECK(db.value("SELECT count(*) FROM " + ident("serial" + dollar)) == "1");
  CHECK(db.value("SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relname LIKE 'serial%'") == "0");
  CHECK(run_strata("plan --exit-code --schema serial.yaml --url " + db.url(), dir.path()).exit_code == 0);
  CHECK(db.value("SELECT note FROM victim") == "must survive");
}

namespace {

// Expressions written to end the clause they are put in and run a statement
// of their own, or to leave something open that takes in the SQL after them.
const std::vector<std::string> kEscapes = {
    "0); DROP TABLE victim; --",
    "1) ; CREATE TABLE pwned (a int",
    "0)); CREATE TABLE pwned (a int); --",
    "0)); CREATE TABLE pwned (a int, b int CHECK ((1)",
    "a > 0; CREATE TABLE pwned (a int)",
    "a > 0; DROP TABLE victim",
    "a > 0 /* ",
    "a = '",
    "a > 0 -- the closing parenthesis is commented out",
    "E'\\'' ; CREATE TABLE pwned (a int); --'",  // PostgreSQL: a backslash escape in an E'' string
    "$$ ; CREATE TABLE pwned (a int); $x$",    // PostgreSQL: a dollar quote left open
    "a > 0 --\r; CREATE TABLE pwned (a int)",  // PostgreSQL ends a -- comment at a carriage return
};

// A table "t" with the expression in one place, beside the victim.
std::string expression_document(const std::string& place, const std::string& expression, bool sqlite) {
  const std::string e = quoted(expression);
  std::string column = "{ name: a, type: integer }", extra;
  if (place == "default_sql") column = "{ name: a, type: integer, default_sql: " + e + " }";
  if (place == "column check") column = "{ name: a, type: integer, check: " + e + " }";
  if (place == "table check") extra = "    checks: [{ name: ck, expr: " + e + " }]\n";
  if (place == "index where") extra = "    indexes: [{ name: ix, columns: [a], where: " + e + " }]\n";
  if (place == "index expression") extra = "    indexes: [{ name: ix, columns: [{ expr: " + e + " }] }]\n";
  if (place == "generated")
    column = "{ name: a, type: integer, generated: { expr: " + e + (sqlite ? "" : ", stored: true") + " } }";
  return "tables:\n  - { name: victim, columns: [{ name: id, type: integer, primary_key: true }, { name: note, type: text }] }\n"
         "  - name: t\n    columns:\n      - { name: id, type: integer, primary_key: true }\n      - " +
         column + "\n" + extra;
}

const std::vector<std::string> kPlaces = {"default_sql", "column check", "table check", "index where", "index expression",
                                          "generated"};

// plan must refuse with exit 3 at the file's line, print no SQL, and a second
// statement must not have run, neither while planning nor from what was printed.
void check_refused(const CommandResult& r, const std::function<void(const std::string&)>& run_script,
                   const std::function<std::string(const std::string&)>& count_tables) {
  INFO(r.out << r.err);
  CHECK(r.exit_code == 3);
  CHECK(contains(r.err, "schema.yaml:"));
  CHECK(r.out.empty());
  if (!r.out.empty()) run_script(r.out);
  CHECK(count_tables("victim") == "1");
  CHECK(count_tables("pwned") == "0");
}

}  // namespace

TEST_CASE("SQLite: an expression cannot end its clause and run SQL of its own", "[hostile][sqlite]") {
  TempDir dir;
  const std::string db = dir.file("app.db");
  sqlite_exec(db, "CREATE TABLE victim (id integer PRIMARY KEY, note text NOT NULL); INSERT INTO victim VALUES (1, 'x');");
  auto count = [&](const std::string& table) {
    return sqlite_value(db, "SELECT count(*) FROM sqlite_master WHERE name = " + literal(table));
  };
  auto run_script = [&](const std::string& script) {
    dir.write("plan.sql", script);
    sqlite3_shell(db, dir.file("plan.sql"));
  };
  int tried = 0;
  for (const std::string& place : kPlaces) {
    for (const std::string& expression : kEscapes) {
      INFO(place << ": " << expression);
      dir.write("schema.yaml", expression_document(place, expression, true));
      auto plan = run_strata("plan --url sqlite:///app.db", dir.path());
      check_refused(plan, run_script, count);
      // SQLite reads E'\'' ... as E and one string, which it then rejects itself.
      CHECK((contains(plan.err, "would not stay inside its clause") || contains(plan.err, "rejects its definition") ||
             contains(plan.err, "is not a valid SQLite expression")));
      ++tried;
    }
    // revision refuses the same, and writes nothing.
    auto revision = run_strata("revision -m escape --url sqlite:///app.db", dir.path());
    CHECK(revision.exit_code == 3);
    CHECK_FALSE((fs::exists(dir.file("migrations")) && !fs::is_empty(dir.file("migrations"))));
  }
  CHECK(tried == 72);

  // A view, a trigger or a verbatim type that brings a second statement along.
  const std::vector<std::string> smuggled = {
      "views: [{ name: v, sql: \"SELECT 1; CREATE TABLE pwned (a int)\" }]\n",
      "triggers: [{ name: tr, table: victim, sql: \"CREATE TRIGGER tr AFTER INSERT ON victim BEGIN SELECT 1; END; "
      "CREATE TABLE pwned (a int)\" }]\n",
      "tables:\n  - { name: t, columns: [{ name: id, type: \"integer PRIMARY KEY); CREATE TABLE pwned (a int); "
      "CREATE TABLE t2 (b int\" }] }\n",
      "views: [{ name: v, sql: \"SELECT 1 /*\" }]\n",
  };
  const std::string victim =
      "tables:\n  - { name: victim, columns: [{ name: id, type: integer, primary_key: true }, { name: note, type: text }] }\n";
  for (const std::string& part : smuggled) {
    INFO(part);
    std::string document = victim + part;
    if (part.rfind("tables:", 0) == 0) document = victim + part.substr(part.find('\n') + 1);
    dir.write("schema.yaml", document);
    check_refused(run_strata("plan --url sqlite:///app.db", dir.path()), run_script, count);
  }
  CHECK(sqlite_value(db, "SELECT note FROM victim") == "x");
}

TEST_CASE("PostgreSQL: an expression cannot end its clause and run SQL of its own", "[hostile][postgresql]") {
  PgDatabase db("strata_hostile");
  REQUIRE_PG_SERVER(db);
  db.exec("CREATE TABLE victim (id integer PRIMARY KEY, note text NOT NULL); INSERT INTO victim VALUES (1, 'x');");
  TempDir dir;
  auto count = [&](const std::string& table) {
    return db.value("SELECT count(*) FROM pg_class WHERE relname = " + literal(table));
  };
  auto run_script = [&](const std::string& script) {
    try {
      db.exec(script);
    } catch (const std::exception&) {
    }
  };
  int tried = 0;
  for (const std::string& place : kPlaces) {
    for (const std::string& expression : kEscapes) {
      INFO(place << ": " << expression);
      dir.write("schema.yaml", expression_document(place, expression, false));
      auto plan = run_strata("plan --url " + db.url(), dir.path());
      check_refused(plan, run_script, count);
      CHECK(contains(plan.err, "would not stay inside its clause"));
      ++tried;
    }
  }
  CHECK(tried == 72);
  // Domains hold expressions too; and a verbatim type or index method that
  // brings a second statement along is refused by the server, not run.
  const std::string victim =
      "tables:\n  - { name: victim, columns: [{ name: id, type: integer, primary_key: true }, { name: note, type: text }] }\n";
  const std::vector<std::string> smuggled = {
      victim + "domains: [{ name: d, type: integer, checks: [{ expr: \"VALUE > 0); CREATE TABLE pwned (a int); --\" }] }]\n",
      victim + "domains: [{ name: d, type: integer, default_sql: \"0; CREATE TABLE pwned (a int)\" }]\n",
      victim + "  - { name: t, columns: [{ name: id, type: \"integer PRIMARY KEY); CREATE TABLE pwned (a int); "
               "CREATE TABLE t2 (b int\" }] }\n",
      victim + "  - name: t\n    columns: [{ name: a, type: integer }]\n"
               "    indexes: [{ name: ix, columns: [a], method: \"btree (a); CREATE TABLE pwned (a int); "
               "CREATE INDEX ix2 ON t USING btree\" }]\n",
  };
  for (const std::string& document : smuggled) {
    INFO(document);
    dir.write("schema.yaml", document);
    check_refused(run_strata("plan --url " + db.url(), dir.path()), run_script, count);
  }
  // The same with t already in the database, where t first gets a stand-in
  // (sent in one batch with others) before anything is built.
  db.exec("CREATE TABLE t (id integer PRIMARY KEY, a integer)");
  for (const std::string& document : smuggled) {
    INFO("t exists: " << document);
    dir.write("schema.yaml", document);
    check_refused(run_strata("plan --url " + db.url(), dir.path()), run_script, count);
  }
  CHECK(db.value("SELECT note FROM victim") == "x");
}

namespace {

// Starts strata with args in dir, its output discarded, and returns its pid.
pid_t spawn_strata(const std::vector<std::string>& args, const fs::path& dir) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir.c_str()) != 0) ::_exit(127);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv{const_cast<char*>(STRATA_BINARY)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(STRATA_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

// A schema big enough that a revision takes a few tens of milliseconds, so
// that a kill can land in any part of it; `extra` tables make each step a change.
std::string big_schema(int extra) {
  std::string doc = "tables:\n";
  for (int i = 0; i < 300; ++i) {
    const std::string n = std::to_string(i);
    doc += "  - name: t" + n + "\n    columns:\n      - { name: id, type: integer, primary_key: true }\n"
           "      - { name: a, type: text }\n      - { name: b, type: integer, nullable: true, check: \"b > 0\" }\n"
           "    indexes: [{ columns: [a] }]\n";
  }
  for (int i = 0; i < extra; ++i)
    doc += "  - { name: extra" + std::to_string(i) + ", columns: [{ name: id, type: integer, primary_key: true }] }\n";
  return doc;
}

std::vector<std::string> temporaries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) out.push_back(name);
  }
  return out;
}

}  // namespace

TEST_CASE("revision killed at random moments leaves each migration file absent or complete", "[hostile][kill]") {
  TempDir dir;
  const std::vector<std::string> flags = {"--url", "sqlite:///app.db", "--schema", "schema.yaml", "--migrations-dir", "migrations"};
  auto revision_args = [&](int step) {
    std::vector<std::string> args = {"revision", "-m", "step " + std::to_string(step)};
    args.insert(args.end(), flags.begin(), flags.end());
    return args;
  };
  const std::string flag_text = "--url sqlite:///app.db --schema schema.yaml --migrations-dir migrations";
  dir.write("schema.yaml", big_schema(0));
  REQUIRE(run_strata("revision -m baseline " + flag_text, dir.path()).exit_code == 0);

  std::mt19937 random(20261121);  // seeded: a failure comes back on the next run
  double last_ms = 50;             // how long an uninterrupted revision took last
  int killed = 0, completed = 0, sum_repaired = 0, leftovers_seen = 0;
  const int kKills = 30;
  for (int step = 1; step <= kKills; ++step) {
    INFO("step " << step);
    dir.write("schema.yaml", big_schema(step));
    // Mostly late in the run, where the files are written, but anywhere from the start.
    std::uniform_real_distribution<double> when(0.3 * last_ms, 1.15 * last_ms);
    const pid_t pid = spawn_strata(revision_args(step), dir.path());
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long long>(when(random) * 1000)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
      ++killed;
    } else {
      ++completed;
      CHECK(WEXITSTATUS(status) == 0);
    }

    // Every migration file strata sees is whole: it parses, with both sections.
    strata::Diagnostics diagnostics;
    const auto directory = strata::migrate::load_directory(dir.file("migrations"), diagnostics);
    for (const strata::Diagnostic& d : diagnostics.sorted()) FAIL_CHECK(d.str());
    for (const auto& m : directory.migrations) {
      CHECK(fs::path(m.file).extension() == ".sql");
      const std::string content = read_file(m.file);
      CHECK(content.size() > 2);
      CHECK(content.compare(content.size() - 2, 2, ";\n") == 0);  // the last statement of the down section
    }
    CHECK(directory.migrations.size() >= static_cast<std::size_t>(step));
    if (fs::exists(dir.file("migrations/strata.sum")))
      CHECK(strata::migrate::parse_sum(read_file(dir.file("migrations/strata.sum"))).unreadable_lines.empty());
    if (!temporaries(dir.file("migrations")).empty()) ++leftovers_seen;

    // check finds at most a file missing from strata.sum (killed between the
    // two writes), which hash repairs, and the change not written yet.
    auto check = run_strata("check " + flag_text, dir.path());
    INFO(check.err);
    CHECK((check.exit_code == 0 || check.exit_code == 1));
    bool sum_problem = false;
    std::size_t pos = 0;
    while ((pos = check.err.find("sum: ", pos)) != std::string::npos) {
      const std::string line = check.err.substr(pos, check.err.find('\n', pos) - pos);
      CHECK(contains(line, "is not in strata.sum"));
      sum_problem = true;
      pos += 5;
    }
    if (sum_problem) {
      REQUIRE(run_strata("hash " + flag_text, dir.path()).exit_code == 0);
      ++sum_repaired;
    }

    // The next revision finishes the step and removes what the killed one left.
    const auto start = std::chrono::steady_clock::now();
    auto again = run_strata("revision -m 'step " + std::to_string(step) + "' " + flag_text, dir.path());
    last_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK(temporaries(dir.file("migrations")).empty());
    auto clean = run_strata("check " + flag_text, dir.path());
    INFO(clean.err);
    CHECK(clean.exit_code == 0);
  }
  CHECK(killed + completed == kKills);
  CHECK(killed >= kKills / 2);  // most kills land while the revision runs
  // The migrations apply, and build what the schema file says.
  auto apply = run_strata("apply " + flag_text, dir.path());
  INFO(apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(run_strata("plan --exit-code " + flag_text, dir.path()).exit_code == 0);
  UNSCOPED_INFO("kills: " << killed << " during the run, " << completed << " after it; " << sum_repaired
                          << " left strata.sum behind, " << leftovers_seen << " left a temporary file");
}

TEST_CASE("a revision removes the temporary files an interrupted write left, and only those", "[hostile][kill]") {
  TempDir dir;
  dir.write("schema.yaml", "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }] }\n");
  dir.write("migrations/.20990101000000_half_written.sql.tmp", "-- strata:up\nCREATE TABLE half (");
  dir.write("migrations/.strata.sum.tmp", "# strata.sum: the SHA-256");
  dir.write("migrations/.notes.txt.tmp", "someone else's");
  dir.write("migrations/.20990101000000_half_written.sql.tmp.keep", "not a temporary of strata's");
  auto r = run_strata("revision -m first --url sqlite:///app.db", dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(fs::exists(dir.file("migrations/.20990101000000_half_written.sql.tmp")));
  CHECK_FALSE(fs::exists(dir.file("migrations/.strata.sum.tmp")));
  CHECK(fs::exists(dir.file("migrations/.notes.txt.tmp")));
  CHECK(fs::exists(dir.file("migrations/.20990101000000_half_written.sql.tmp.keep")));
  CHECK(run_strata("check --url sqlite:///app.db", dir.path()).exit_code == 0);
}

namespace {

const std::string kPassword = "Sup3rS3cretPw";

std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct VerbRun {
  std::string verb;
  CommandResult result;
};

// Every verb that takes a URL, in an order that gives each something to do
// when the database is there, ending with a migration that fails. settings is
// how the URL is given: flags, or "" with the URL in env or strata.toml.
std::vector<VerbRun> every_verb(const TempDir& dir, const std::string& settings, const std::string& env = "") {
  dir.write("schema.yaml", "tables:\n  - { name: t, columns: [{ name: id, type: integer, primary_key: true }] }\n");
  std::vector<VerbRun> runs;
  for (const char* verb : {"plan", "plan --format json", "inspect", "revision -m first", "check", "apply --dry-run", "apply",
                           "status", "status --format json", "history --format json", "rollback", "stamp head"})
    runs.push_back({verb, run_strata(std::string(verb) + " " + settings, dir.path(), env)});
  dir.write("migrations/99990101000000_boom.sql", "-- strata:up\nSELECT 1/0;\n-- strata:down\n");
  run_strata("hash", dir.path());
  runs.push_back({"apply (failing)", run_strata("apply " + settings, dir.path(), env)});
  return runs;
}

// The password appears nowhere in what any verb printed, and no verb crashed.
int check_no_password(const std::vector<VerbRun>& runs, const std::string& what) {
  for (const VerbRun& r : runs) {
    INFO(what << ", strata " << r.verb << " exited " << r.result.exit_code << "\nstdout: " << r.result.out
              << "\nstderr: " << r.result.err);
    CHECK_FALSE(contains(r.result.out, kPassword));
    CHECK_FALSE(contains(r.result.err, kPassword));
    CHECK(r.result.exit_code != 70);
  }
  return static_cast<int>(runs.size());
}

}  // namespace

TEST_CASE("a password in a URL that cannot be used is never printed", "[hostile][passwords]") {
  // None of these reaches a server: unreachable, or not a URL libpq can read.
  const std::vector<std::string> urls = {
      "postgresql://strata_password_user:" + kPassword + "@127.0.0.1:1/db",
      "host=127.0.0.1 port=1 dbname=db user=strata_password_user password=" + kPassword,
      "postgresql://u:" + kPassword + "%zz@127.0.0.1:1/db",           // a broken percent escape in the password
      "postgresql://u:" + kPassword + "@[::1/db",                      // an IPv6 address left open
      "postgresql://u:" + kPassword + "@127.0.0.1:1/db?no_such_option=1",
      "postgresql://u:" + kPassword + "@127.0.0.1:notaport/db",
      "postgresql://u:" + kPassword + "@127.0.0.1:1/db?sslmode=bogus",
      "postgresql://u@127.0.0.1:1/db?password=" + kPassword,
      "postgresql://u@127.0.0.1:1/db?sslpassword=" + kPassword + "&password=" + kPassword,
      "host=127.0.0.1 password=" + kPassword + " no_equals_sign",
      "host=127.0.0.1 password='" + kPassword,                       // a quote left open
      "host=127.0.0.1 port=1 password = '" + kPassword + " with spaces'",
      "mysql://u:" + kPassword + "@127.0.0.1/db",
      "sqlite://u:" + kPassword + "@host/app.db",
      "postgresql+psycopg://u:" + kPassword + "@127.0.0.1:1/db",
  };
  int runs = 0;
  for (const std::string& url : urls) {
    INFO(url);
    {
      TempDir dir;
      runs += check_no_password(every_verb(dir, "--url " + shell_quoted(url)), "--url");
    }
    {
      TempDir dir;
      runs += check_no_password(every_verb(dir, "", "DATABASE_URL=" + shell_quoted(url)), "DATABASE_URL");
    }
    {
      TempDir dir;
      dir.write("strata.toml", "[database]\nurl = " + quoted(url) + "\n");
      runs += check_no_password(every_verb(dir, ""), "strata.toml");
    }
    {
      TempDir dir;
      runs += check_no_password(every_verb(dir, "--url sqlite:///app.db --dev-url " + shell_quoted(url)), "--dev-url");
    }
  }
  // A URL given where a flag's value was expected is repeated by the usage error.
  TempDir dir;
  for (const std::string& url : {urls[0], urls[1]}) {
    auto misplaced = run_strata("plan " + shell_quoted(url), dir.path());
    INFO(misplaced.err);
    CHECK(misplaced.exit_code == 2);
    CHECK_FALSE(contains(misplaced.err, kPassword));
    ++runs;
  }
  CHECK(runs == 15 * 4 * 13 + 2);
}

TEST_CASE("a password in a URL of a live server is never printed, right or wrong", "[hostile][passwords][postgresql]") {
  PgDatabase by_url("strata_hostile");
  REQUIRE_PG_SERVER(by_url);
  PgDatabase by_keywords("strata_hostile"), by_env("strata_hostile"), by_config("strata_hostile"), with_dev_url("strata_hostile"),
      scram("strata_hostile");
  const std::string host = "127.0.0.1:" + by_url.port();
  auto url_of = [&](const PgDatabase& db) { return "postgresql://postgres:" + kPassword + "@" + host + "/" + db.name(); };
  int runs = 0;

  // The server trusts postgres whatever the password, so every verb gets as far as it can.
  const std::vector<int> expected = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
  auto check_ran = [&](const std::vector<VerbRun>& r, const std::string& what) {
    runs += check_no_password(r, what);
    for (std::size_t i = 0; i < r.size() && i < expected.size(); ++i) {
      INFO(what << ", strata " << r[i].verb << ": " << r[i].result.err);
      CHECK(r[i].result.exit_code == expected[i]);
    }
  };
  {
    TempDir dir;
    check_ran(every_verb(dir, "--url " + shell_quoted(url_of(by_url))), "--url");
  }
  {
    TempDir dir;
    const std::string keywords = "host=127.0.0.1 port=" + by_url.port() + " dbname=" + by_keywords.name() +
                                 " user=postgres password=" + kPassword;
    check_ran(every_verb(dir, "--url " + shell_quoted(keywords)), "keywords");
  }
  {
    TempDir dir;
    check_ran(every_verb(dir, "", "DATABASE_URL=" + shell_quoted(url_of(by_env))), "DATABASE_URL");
  }
  {
    TempDir dir;
    dir.write("strata.toml", "[database]\nurl = " + quoted(url_of(by_config)) + "\n");
    check_ran(every_verb(dir, ""), "strata.toml");
  }
  {
    TempDir dir;
    const std::string dev = "postgresql://postgres:" + kPassword + "-dev@" + host + "/postgres";
    check_ran(every_verb(dir, "--url " + shell_quoted(url_of(with_dev_url)) + " --dev-url " + shell_quoted(dev)), "--dev-url");
  }

  // scram-sha-256 for strata_password_user (tests/pg-server.sh): a wrong
  // password, and the right one, set here. Another test may drop and create
  // the role meanwhile; the password is set again when it was.
  auto set_password = [&] {
    for (int attempt = 0; attempt < 5; ++attempt) {
      try {
        strata::dialect::postgresql::Connection(by_url.server())
            .exec("DO $$ BEGIN CREATE ROLE strata_password_user LOGIN; EXCEPTION WHEN OTHERS THEN NULL; END $$;"
                  "ALTER ROLE strata_password_user PASSWORD " + literal(kPassword));
        return;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  };
  set_password();
  // The role owns nothing here (no CREATEDB, no CREATE on public), so that it
  // can still be dropped by the test that creates it.
  scram.exec("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
  const std::string right = "postgresql://strata_password_user:" + kPassword + "@" + host + "/" + scram.name();
  CommandResult inspect;
  for (int attempt = 0; attempt < 5; ++attempt) {
    inspect = run_strata("inspect --url " + shell_quoted(right), fs::temp_directory_path());
    if (inspect.exit_code == 0 || !contains(inspect.err, "password authentication failed")) break;
    set_password();
  }
  INFO(inspect.err);
  CHECK(inspect.exit_code == 0);
  CHECK_FALSE(contains(inspect.out + inspect.err, kPassword));
  {
    TempDir dir;
    runs += check_no_password(every_verb(dir, "--url " + shell_quoted(right)), "scram, right password");
  }
  {
    TempDir dir;
    const std::string wrong = "postgresql://strata_password_user:" + kPassword + "-wrong@" + host + "/" + scram.name();
    auto r = every_verb(dir, "--url " + shell_quoted(wrong));
    runs += check_no_password(r, "scram, wrong password");
    CHECK(contains(r[0].result.err, "password authentication failed"));
  }
  CHECK(runs == 7 * 13);
}
