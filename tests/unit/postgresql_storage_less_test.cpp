// Tables built without storage in the scratch database (storage_less_build.hpp):
// which tables are, and that what is read back from them is what the same
// tables read back as when built for real.
#include <catch2/catch.hpp>

#include "dialect/postgresql/storage_less_build.hpp"
#include "strata/config/url.hpp"
#include "strata/dialect/dialect.hpp"
#include "strata/emit/document_writer.hpp"
#include "strata/load/loader.hpp"
#include "strata/reconcile.hpp"
#include "test_support.hpp"

using namespace strata;
using strata::dialect::postgresql::plan_storage_less_build;
using strata::testing::PgDatabase;
using strata::testing::TempDir;

namespace {

// Every shape the choice of a partition key has to handle, and tables that
// must be built with storage.
constexpr const char* kDocument = R"YAML(
tables:
  - name: accounts            # an unnamed unique constraint without the key, which a foreign key refers to
    columns:
      - { name: id, type: bigint, primary_key: true, identity: always }
      - { name: email, type: text, unique: true }
  - name: products            # unique index and named unique constraint widened; an unnamed unique holding the key
    columns:
      - { name: id, type: serial, primary_key: true }
      - { name: code, type: varchar(20), nullable: true }
      - { name: sku, type: text }
      - { name: name, type: text, collation: C }
      - { name: price, type: "numeric(10,2)", default: 0, check: price >= 0 }
      - { name: doubled, type: numeric, generated: { expr: price * 2, stored: true } }
    uniques:
      - { name: products_sku_unique, columns: [sku] }
      - { columns: [id, name] }
    indexes:
      - { name: ux_products_code, columns: [code], unique: true }
      - { name: ux_products_lower_name, columns: [{ expr: lower(name) }], unique: true, where: code IS NOT NULL }
      - { name: ux_products_id_desc, columns: [{ column: id, desc: true }, sku], unique: true }
      - { name: ix_products_name, columns: [name] }
  - name: events              # no key at all
    columns:
      - { name: at, type: timestamptz, default_sql: now() }
      - { name: payload, type: jsonb, nullable: true }
      - { name: kind, type: text, default: "" }
    checks:
      - { expr: "at > '2000-01-01'" }
    indexes:
      - { name: ix_events_payload, method: gin, columns: [payload] }
      - { name: ux_events_kind_at, columns: [kind, at], unique: true }
  - name: pairs               # a composite key whose first column is generated
    columns:
      - { name: g, type: integer, generated: { expr: b + 1, stored: true } }
      - { name: a, type: integer }
      - { name: b, type: integer }
    primary_key: [g, a]
  - name: orders              # foreign keys to a unique column and to primary keys
    columns:
      - { name: id, type: bigint, primary_key: true }
      - { name: account_email, type: text, references: { table: accounts, column: email, on_delete: cascade } }
      - { name: product_id, type: integer, nullable: true, references: { table: products, on_delete: set null } }
      - { name: pair_g, type: integer, nullable: true }
      - { name: pair_a, type: integer, nullable: true }
    foreign_keys:
      - { columns: [pair_g, pair_a], references: { table: pairs, columns: [g, a] }, deferrable: true }
)YAML";

model::Table table_named(const model::Schema& schema, const std::string& name) {
  for (const model::Table& t : schema.tables)
    if (t.name == name) return t;
  FAIL("no table " << name);
  return {};
}

}  // namespace

TEST_CASE("which tables are built without storage, on which key", "[postgresql][storage-less]") {
  TempDir dir;
  dir.write("schema.yaml", kDocument);
  const load::LoadResult loaded = load::load_schema_path(dir.file("schema.yaml"));
  REQUIRE_FALSE(loaded.diagnostics.has_errors());
  const model::Schema& s = loaded.schema;

  // A foreign key refers to accounts.email, which has no unique key with id in it.
  CHECK_FALSE(plan_storage_less_build(table_named(s, "accounts"), {{"email"}}));
  // Without that foreign key, the unnamed unique constraint would still be named after columns it does not have.
  CHECK_FALSE(plan_storage_less_build(table_named(s, "accounts"), {}));

  const auto products = plan_storage_less_build(table_named(s, "products"), {{}});
  REQUIRE(products);
  CHECK(products->key == "id");
  CHECK_FALSE(products->key_added);
  CHECK(products->widened == std::set<std::string>{"products_sku_unique", "ux_products_code", "ux_products_lower_name"});

  const auto events = plan_storage_less_build(table_named(s, "events"), {});
  REQUIRE(events);
  CHECK(events->key_added);
  CHECK(events->widened == std::set<std::string>{"ux_events_kind_at"});
  // A foreign key cannot refer to a table keyed on a column added for the build.
  CHECK_FALSE(plan_storage_less_build(table_named(s, "events"), {{"kind", "at"}}));

  const auto pairs = plan_storage_less_build(table_named(s, "pairs"), {{"g", "a"}});
  REQUIRE(pairs);
  CHECK(pairs->key == "a");

  model::Table orders = table_named(s, "orders");
  CHECK(plan_storage_less_build(orders, {}));
  orders.foreign_keys.front().not_valid = true;
  CHECK_FALSE(plan_storage_less_build(orders, {}));
  orders = table_named(s, "orders");
  orders.partition_by = "RANGE (id)";
  CHECK_FALSE(plan_storage_less_build(orders, {}));
  orders = table_named(s, "orders");
  orders.exclusions.push_back({});
  CHECK_FALSE(plan_storage_less_build(orders, {}));
}

TEST_CASE("tables built without storage read back as the same tables built for real", "[postgresql][storage-less]") {
  PgDatabase db("strata_test");
  REQUIRE_PG_SERVER(db);
  TempDir dir;
  dir.write("schema.yaml", kDocument);
  const auto url = config::parse_database_url(db.url());
  const dialect::Dialect& d = dialect::dialect_for(url);
  Diagnostics warnings;
  const model::Schema desired = load_desired(dir.file("schema.yaml"), d, url, warnings);
  for (const model::Table& t : desired.tables) {
    INFO(t.name);
    CHECK_FALSE(t.partition_by);
  }
  auto target = d.open(url, dialect::OpenMode::ReadWrite);
  target->execute(reconcile(d, target->introspect(), desired).statements);
  const model::Schema live = target->introspect();
  CHECK(live.tables.size() == 5);
  for (const model::Table& t : live.tables) {
    INFO(t.name);
    CHECK_FALSE(t.partition_by);  // built for real, with storage
  }
  // What the scratch database read back is what the real tables read back as.
  CHECK(to_sql_script(reconcile(d, live, desired).statements).empty());
  CHECK(emit::write_document(desired, load::Format::Yaml) == emit::write_document(live, load::Format::Yaml));
}
