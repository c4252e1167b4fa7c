// Loading schema documents: YAML and TOML give the same model, and every
// problem in a document is reported with its position and a hint.
#include <catch2/catch.hpp>

#include "strata/emit/document_writer.hpp"
#include "strata/load/loader.hpp"
#include "strata/model/types.hpp"
#include "test_support.hpp"

using namespace strata;

namespace {

std::string errors_of(const std::string& text, load::Format format = load::Format::Yaml) {
  load::LoadResult r = load::load_schema_text(text, "schema.yaml", format);
  std::string out;
  for (const Diagnostic& d : r.diagnostics.sorted())
    if (d.severity == Severity::Error) out += d.str() + "\n";
  return out;
}

const char* const kYaml = R"DOC(tables:
  - name: team
    columns:
      - { name: id, type: integer, primary_key: true }
      - { name: name, type: varchar(40), unique: true }
  - name: hero
    columns:
      - { name: id, type: integer, primary_key: true, autoincrement: true }
      - { name: name, type: text, collation: NOCASE }
      - { name: age, type: INT, nullable: true, default: 18 }
      - { name: note, type: "bigint AUTO_RANDOM(5)", nullable: true }
      - { name: label, type: text, default: "0" }
      - { name: created_at, type: timestamp, default_sql: CURRENT_TIMESTAMP }
      - { name: double_age, type: integer, nullable: true, generated: { expr: "age * 2", stored: true } }
      - name: team_id
        type: integer
        nullable: true
        references: { table: team, column: id, on_delete: set null, deferrable: true, initially_deferred: true }
    indexes:
      - { columns: [name] }
      - { name: ix_adult, columns: [{ column: age, desc: true }], where: "age >= 18" }
      - { name: ix_lower, columns: [{ expr: "lower(name)" }], unique: true }
    checks:
      - { name: age_ok, expr: "age >= 0" }
views:
  - { name: adults, sql: "SELECT id, name FROM hero WHERE age >= 18" }
triggers:
  - name: hero_touch
    table: hero
    sql: "CREATE TRIGGER hero_touch AFTER UPDATE ON hero BEGIN SELECT 1; END"
)DOC";

const char* const kToml = R"DOC([[tables]]
name = "team"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "name", type = "varchar(40)", unique = true },
]

[[tables]]
name = "hero"
columns = [
  { name = "id", type = "integer", primary_key = true, autoincrement = true },
  { name = "name", type = "text", collation = "NOCASE" },
  { name = "age", type = "INT", nullable = true, default = 18 },
  { name = "note", type = "bigint AUTO_RANDOM(5)", nullable = true },
  { name = "label", type = "text", default = "0" },
  { name = "created_at", type = "timestamp", default_sql = "CURRENT_TIMESTAMP" },
  { name = "double_age", type = "integer", nullable = true, generated = { expr = "age * 2", stored = true } },
  { name = "team_id", type = "integer", nullable = true, references = { table = "team", column = "id", on_delete = "set null", deferrable = true, initially_deferred = true } },
]
indexes = [
  { columns = ["name"] },
  { name = "ix_adult", columns = [{ column = "age", desc = true }], where = "age >= 18" },
  { name = "ix_lower", columns = [{ expr = "lower(name)" }], unique = true },
]
checks = [{ name = "age_ok", expr = "age >= 0" }]

[[views]]
name = "adults"
sql = "SELECT id, name FROM hero WHERE age >= 18"

[[triggers]]
name = "hero_touch"
table = "hero"
sql = "CREATE TRIGGER hero_touch AFTER UPDATE ON hero BEGIN SELECT 1; END"
)DOC";

}  // namespace

TEST_CASE("YAML and TOML spellings load into the same model, in the same order", "[load]") {
  load::LoadResult y = load::load_schema_text(kYaml, "s.yaml", load::Format::Yaml);
  load::LoadResult t = load::load_schema_text(kToml, "s.toml", load::Format::Toml);
  INFO(errors_of(kYaml) << errors_of(kToml, load::Format::Toml));
  REQUIRE_FALSE(y.diagnostics.has_errors());
  REQUIRE_FALSE(t.diagnostics.has_errors());
  CHECK(emit::write_document(y.schema, load::Format::Yaml) == emit::write_document(t.schema, load::Format::Yaml));

  const model::Table* hero = y.schema.find_table("hero");
  REQUIRE(hero);
  REQUIRE(hero->columns.size() == 8);
  CHECK(hero->columns[2].type == "INT");
  CHECK(hero->columns[3].type == "bigint AUTO_RANDOM(5)");
  CHECK(hero->columns[2].default_value->literal.kind == model::Literal::Kind::Number);
  CHECK(hero->columns[4].default_value->literal.kind == model::Literal::Kind::String);
  CHECK(hero->columns[5].default_value->kind == model::Default::Kind::Expression);
  CHECK(hero->columns[6].generated->stored);
  CHECK(hero->columns[1].where.line == 9);
  CHECK(hero->indexes[0].name == "ix_hero_name");
  CHECK(hero->indexes[0].name_generated);
  CHECK(hero->indexes[1].keys[0].descending);
  CHECK(hero->indexes[2].keys[0].is_expression());
  REQUIRE(hero->foreign_keys.size() == 1);
  CHECK(hero->foreign_keys[0].on_delete == model::ReferentialAction::SetNull);
  CHECK(hero->foreign_keys[0].initially_deferred);
  CHECK(t.schema.tables[1].columns[1].where.line == 12);
}

TEST_CASE("every example in YAML matches its TOML twin", "[load][examples]") {
  namespace fs = std::filesystem;
  int pairs = 0;
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_path("examples"))) {
    if (entry.path().extension() != ".yaml") continue;
    fs::path toml = entry.path();
    toml.replace_extension(".toml");
    if (!fs::exists(toml)) continue;
    load::LoadResult y = load::load_schema_path(entry.path().string());
    load::LoadResult t = load::load_schema_path(toml.string());
    INFO(entry.path().string());
    for (const auto& d : y.diagnostics.all()) INFO(d.str());
    for (const auto& d : t.diagnostics.all()) INFO(d.str());
    REQUIRE_FALSE(y.diagnostics.has_errors());
    REQUIRE_FALSE(t.diagnostics.has_errors());
    CHECK(emit::write_document(y.schema, load::Format::Yaml) == emit::write_document(t.schema, load::Format::Yaml));
    ++pairs;
  }
  CHECK(pairs >= 4);
}

TEST_CASE("a directory of schema files loads as one schema, files in name order", "[load]") {
  testing::TempDir dir;
  dir.write("schema/b.yaml", "tables:\n  - { name: b, columns: [{ name: id, type: integer }] }\n");
  dir.write("schema/a.toml", "[[tables]]\nname = \"a\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n");
  dir.write("schema/notes.txt", "ignored");
  load::LoadResult r = load::load_schema_path(dir.file("schema"));
  REQUIRE_FALSE(r.diagnostics.has_errors());
  REQUIRE(r.schema.tables.size() == 2);
  CHECK(r.schema.tables[0].name == "a");
  CHECK(r.schema.tables[1].name == "b");
}

struct BadDocument {
  const char* what;
  const char* text;
  const char* expected;  // "line:col: error: ..." substring
};

TEST_CASE("bad documents: each problem reported with position and what to do", "[load][errors]") {
  const BadDocument cases[] = {
      {"unknown key", "tables:\n  - name: t\n    columns:\n      - { name: a, type: text, nulable: true }\n",
       "schema.yaml:4:32: error: unknown key \"nulable\" in column \"a\" (did you mean \"nullable\"?)"},
      {"unknown type", "tables:\n  - name: t\n    columns:\n      - { name: a, type: varchr(20) }\n",
       "schema.yaml:4:26: error: column \"t.a\": unknown type \"varchr(20)\" (did you mean \"varchar\"?)"},
      {"duplicate table", "tables:\n  - { name: t, columns: [{ name: a, type: text }] }\n  - { name: T, columns: [{ name: a, type: text }] }\n",
       "schema.yaml:3:5: error: table \"T\" is defined twice"},
      {"duplicate column", "tables:\n  - name: t\n    columns:\n      - { name: a, type: text }\n      - { name: a, type: integer }\n",
       "schema.yaml:5:9: error: table \"t\" has two columns named \"a\""},
      {"missing table", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer, references: { table: teams, column: id } }\n  - { name: team, columns: [{ name: id, type: integer, primary_key: true }] }\n",
       "references table \"teams\", which the schema does not define (did you mean \"team\"?)"},
      {"missing column", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer, references: { table: team, column: idd } }\n  - { name: team, columns: [{ name: id, type: integer, primary_key: true }] }\n",
       "references column \"idd\" of table \"team\", which does not exist (did you mean \"id\"?)"},
      {"index on missing column", "tables:\n  - name: t\n    columns: [{ name: a, type: text }]\n    indexes:\n      - { columns: [b] }\n",
       "schema.yaml:5:9: error: index \"ix_t_b\" names column \"b\", which table \"t\" does not have"},
      {"nullable primary key", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer, primary_key: true, nullable: true }\n",
       "schema.yaml:4:9: error: column \"t.a\" is part of the primary key and cannot be nullable"},
      {"bad default", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer, default: many }\n",
       "schema.yaml:4:44: error: default of column \"t.a\" must be a whole number"},
      {"two defaults", "tables:\n  - name: t\n    columns:\n      - { name: a, type: integer, default: 1, default_sql: \"2\" }\n",
       "has both \"default\" and \"default_sql\""},
      {"missing type", "tables:\n  - name: t\n    columns:\n      - { name: a }\n",
       "schema.yaml:4:9: error: column \"a\" is missing \"type\""},
      {"foreign key to non-key columns", "tables:\n  - name: p\n    columns: [{ name: id, type: integer, primary_key: true }, { name: x, type: integer }]\n  - name: c\n    columns: [{ name: x, type: integer, references: { table: p, column: x } }]\n",
       "that are neither its primary key nor unique"},
      {"unknown action", "tables:\n  - name: p\n    columns: [{ name: id, type: integer, primary_key: true }]\n  - name: c\n    columns: [{ name: x, type: integer, references: { table: p, on_delete: cascde } }]\n",
       "unknown referential action \"cascde\" (did you mean \"cascade\"?)"},
      {"YAML syntax", "tables:\n  - name: t\n    columns: [{ name: a, type: text }\n",
       "schema.yaml:4:1: error: invalid YAML"},
      {"wrong kind", "tables:\n  - name: t\n    columns: { name: a }\n", "\"columns\" in table \"t\" must be a list, not a map"},
      {"top-level key", "tabels: []\n", "unknown key \"tabels\" in the schema document (did you mean \"tables\"?)"},
      {"bad identity", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, identity: sometimes }\n",
       "\"identity\" of column \"id\" must be \"always\" or \"by default\""},
      {"identity option", "tables:\n  - name: t\n    columns:\n      - { name: id, type: integer, identity: { start: one } }\n",
       "\"start\" of the identity of column \"id\" must be a whole number"},
      {"sequence option", "sequences:\n  - { name: s, increment: 1.5 }\n", "\"increment\" of sequence \"s\" must be a whole number"},
      {"enum label without value", "enums:\n  - { name: mood, values: [{ renamed_from: ok }] }\n", "a label of enum \"mood\" is missing \"value\""},
      {"bad match", "tables:\n  - name: p\n    columns: [{ name: id, type: integer, primary_key: true }]\n  - name: c\n"
                    "    columns: [{ name: x, type: integer, references: { table: p, match: partial } }]\n",
       "\"match\" must be \"full\" or \"simple\""},
      {"bad nulls", "tables:\n  - name: t\n    columns: [{ name: a, type: text }]\n    indexes: [{ columns: [{ column: a, nulls: middle }] }]\n",
       "\"nulls\" of an index key must be \"first\" or \"last\""},
  };
  for (const BadDocument& c : cases) {
    INFO(c.what);
    const std::string errors = errors_of(c.text);
    INFO(errors);
    CHECK(errors.find(c.expected) != std::string::npos);
  }
}

TEST_CASE("YAML structure problems: unknown aliases, deep nesting, duplicate and non-scalar keys", "[load][errors]") {
  CHECK(errors_of("tables:\n  - name: t\n    columns: *cols\n").find(
            "schema.yaml:3:14: error: invalid YAML: alias *cols names no anchor defined before it") != std::string::npos);
  std::string deep = "tables: ";
  for (int i = 0; i < 300; ++i) deep += "[";
  for (int i = 0; i < 300; ++i) deep += "]";
  CHECK(errors_of(deep + "\n").find("invalid YAML: nesting is too deep") != std::string::npos);
  CHECK(errors_of("tables:\n  - name: t\n    name: u\n    columns: [{ name: a, type: text }]\n")
            .find("schema.yaml:3:5: error: duplicate key \"name\"; remove one of them") != std::string::npos);
  CHECK(errors_of("tables:\n  - ? [a, b]\n    : t\n").find("map keys must be plain names") != std::string::npos);
}

TEST_CASE("YAML tables read one by one give what the whole tree gives", "[load]") {
  // An entry that is not a map is reported where it stands, among good ones.
  const std::string not_a_map = errors_of(
      "tables:\n  - name: a\n    columns: [{ name: id, type: integer }]\n  - just a name\n"
      "  - name: b\n    columns: [{ name: id, type: integer }]\n");
  CHECK(not_a_map == "schema.yaml:4:5: error: each entry of \"tables\" must be a map describing a table, not a string\n");
  // A syntax error after a table with problems reports the syntax error alone.
  CHECK(errors_of("tables:\n  - name: a\n    colums: []\n  - name: b\n    columns: [{ name: id\n") ==
        "schema.yaml:6:1: error: invalid YAML: while parsing a flow mapping, did not find expected ',' or '}'\n");
  // An anchored list of tables can still be aliased.
  load::LoadResult anchored = load::load_schema_text(
      "x-all: &all\n  - { name: a, columns: [{ name: id, type: integer }] }\ntables: *all\n", "schema.yaml",
      load::Format::Yaml);
  CHECK(anchored.diagnostics.sorted().size() == 1);  // the unknown key x-all, and nothing else
  REQUIRE(anchored.schema.tables.size() == 1);
  // Tables keep the document's order, whichever reader built them, and come
  // after those of files read before.
  load::LoadResult r = load::load_schema_text(
      "enums: [{ name: mood, values: [ok] }]\ntables:\n  - { name: b, columns: [{ name: id, type: integer }] }\n"
      "  - { name: a, columns: [{ name: id, type: integer }] }\nviews: [{ name: v, sql: SELECT 1 }]\n",
      "schema.yaml", load::Format::Yaml);
  INFO((r.diagnostics.sorted().empty() ? std::string() : r.diagnostics.sorted()[0].str()));
  CHECK_FALSE(r.diagnostics.has_errors());
  REQUIRE(r.schema.tables.size() == 2);
  CHECK(r.schema.tables[0].name == "b");
  CHECK(r.schema.tables[1].name == "a");
  CHECK(r.schema.tables[0].where.str() == "schema.yaml:3:5");
  CHECK(r.schema.views.size() == 1);
  CHECK(r.schema.enums.size() == 1);
}

TEST_CASE("YAML anchors, aliases and !!str are read as YAML defines them", "[load]") {
  load::LoadResult r = load::load_schema_text(
      "tables:\n  - name: a\n    columns: &cols\n      - { name: id, type: integer, primary_key: true }\n"
      "      - { name: code, type: text, default: !!str 123 }\n  - name: b\n    columns: *cols\n",
      "schema.yaml", load::Format::Yaml);
  INFO((r.diagnostics.all().empty() ? std::string() : r.diagnostics.all().front().str()));
  REQUIRE_FALSE(r.diagnostics.has_errors());
  REQUIRE(r.schema.tables.size() == 2);
  CHECK(r.schema.tables[1].columns.size() == 2);
  REQUIRE(r.schema.tables[0].columns[1].default_value);
  CHECK(r.schema.tables[0].columns[1].default_value->literal.kind == model::Literal::Kind::String);
  CHECK(r.schema.tables[0].columns[1].default_value->literal.text == "123");
}

TEST_CASE("TOML syntax errors carry their position", "[load][errors]") {
  const std::string errors = errors_of("[[tables]]\nname = \"t\"\ncolumns = [ { name = \"a\", type = } ]\n", load::Format::Toml);
  CHECK(errors.find("schema.yaml:3:") != std::string::npos);
  CHECK(errors.find("error: invalid TOML") != std::string::npos);
}

TEST_CASE("non-ASCII text in TOML loads inside strings and is refused with its position elsewhere", "[load][errors]") {
  // In strings, in inline tables written without blanks, and in arrays.
  const std::string valid =
      "[[tables]]\nname = \"t\"\ncomment = \"\u00c9lan\"\n"
      "columns = [\n  {name=\"a\",type=\"text\",default=\"\u00e9t\u00e9\"},\n  { name = 'b', type = \"integer\", default = 0 },\n]\n";
  CHECK(errors_of(valid, load::Format::Toml).empty());
  // A bare value (a number, date or boolean) runs to a blank, ",", "]", "}"
  // or "#", quotes included, so a character in it is outside any string.
  for (const char* value : {"0\u03bf", "0\"\"\"\u03bf", "0[[\"\u03bf\"", "tru\u00e9", "1979-05-27 \u03bf"}) {
    INFO(value);
    const std::string errors = errors_of(std::string("[[tables]]\nname = \"t\"\ncomment = ") + value + "\n", load::Format::Toml);
    CHECK(errors.find("schema.yaml:3:") != std::string::npos);
    CHECK(errors.find("invalid TOML: unexpected non-ASCII character") != std::string::npos);
  }
  const std::string in_array = errors_of("[[tables]]\nname = \"t\"\ncolumns = [ 1, 2\u00e9 ]\n", load::Format::Toml);
  CHECK(in_array.find("schema.yaml:3:17: error: invalid TOML: unexpected non-ASCII character") != std::string::npos);
}

TEST_CASE("every problem in a document is reported at once", "[load][errors]") {
  const std::string errors = errors_of(
      "tables:\n  - name: t\n    columns:\n      - { name: a, type: intgr }\n      - { name: b, type: text, nulable: true }\n"
      "    indexes:\n      - { columns: [c] }\n");
  CHECK(std::count(errors.begin(), errors.end(), '\n') == 3);
}

TEST_CASE("portable types are recognized; verbatim types pass through", "[types]") {
  CHECK(model::parse_portable_type("varchar(40)")->args == std::vector<long>{40});
  CHECK(model::parse_portable_type("Numeric(10, 2)")->args == std::vector<long>{10, 2});
  CHECK_FALSE(model::parse_portable_type("INT"));
  CHECK_FALSE(model::parse_portable_type("bigint AUTO_RANDOM(5)"));
  CHECK_FALSE(model::suggest_type_name("INT"));
  CHECK_FALSE(model::suggest_type_name("jsonb"));
  CHECK_FALSE(model::suggest_type_name("DATETIME"));
  CHECK(model::suggest_type_name("varchr(20)") == std::string("varchar"));
  CHECK(model::suggest_type_name("intger") == std::string("integer"));
  CHECK_FALSE(model::suggest_type_name("geometry(Point, 4326)"));
}
