// PostgreSQL objects beyond tables, through the strata binary against the real
// test server (STRATA_TEST_PG_URL): views and materialized views, functions and
// procedures, triggers, row-level security and policies, grants, partitioned
// tables and exclusion constraints.
//
// 1. A large schema of every kind, built with plain SQL, inspects to a document
//    that plans to nothing against its own database, builds a second, empty
//    database (revision + apply) and a third (plan piped to psql), each of which
//    inspects back to the same text and holds the same catalog objects.
// 2. Bad documents exit 3 with the object's name at its file:line:col, and leave
//    the target database as it was.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.hpp"

using strata::testing::CommandResult;
using strata::testing::PgDatabase;
using strata::testing::run_strata;
using strata::testing::TempDir;

namespace {

// Sizes of the generated parts of the large schema.
constexpr int kCatalogTables = 22;   // public.catalog_N
constexpr int kRateTables = 21;      // billing.rate_N
constexpr int kHeavyViews = 8;       // public.catalog_N_heavy, views on the catalog_N_active views
constexpr int kScoreFunctions = 6;   // public.score_N (sql) and public.clamp_N (plpgsql)
constexpr int kTouchTriggers = 14;   // catalog_N_touch
constexpr int kGrantedCatalogs = 12; // SELECT on catalog_N to the reader
constexpr int kGrantedViews = 8;     // SELECT on catalog_N_active to the reader

// The counts the SQL below builds (checked against pg_catalog before anything else).
constexpr int kTables = 11 + kCatalogTables + 6 + kRateTables;  // partitioned parents included, partitions not
constexpr int kPartitions = 6;
constexpr int kViews = kCatalogTables + kHeavyViews + 8;
constexpr int kMaterializedViews = 3;
constexpr int kFunctions = 18 + 2 * kScoreFunctions;  // one of them a procedure
constexpr int kTriggers = kTouchTriggers + 11;
constexpr int kPolicies = 21;
constexpr int kRlsTables = 8;
constexpr int kForcedRlsTables = 2;
constexpr int kExclusions = 2;

const char* const kRoles = R"SQL(
DO $$ BEGIN CREATE ROLE strata_rt_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE strata_rt_writer; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE strata_rt_admin; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
)SQL";

std::string n(int i) { return std::to_string(i); }

// The large schema, in the order a person would build it: types, functions that
// defaults and checks call, tables, functions that read tables, views, triggers,
// row-level security, grants.
std::string large_schema_sql() {
  std::string sql = R"SQL(
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE SCHEMA billing;
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE TYPE priority_level AS ENUM ('low', 'normal', 'high', 'urgent');
CREATE TYPE billing.currency AS ENUM ('eur', 'usd', 'gbp');
CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN billing.money_amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE SEQUENCE ticket_number START 1000;
CREATE SEQUENCE billing.invoice_number START 5000 INCREMENT 10;

CREATE FUNCTION current_tenant() RETURNS integer LANGUAGE sql STABLE
  AS $$ SELECT coalesce(nullif(current_setting('app.tenant', true), ''), '0')::integer $$;
CREATE FUNCTION next_ticket_code() RETURNS text LANGUAGE sql
  AS $$ SELECT 'T-' || nextval('ticket_number')::text $$;
CREATE FUNCTION status_rank(s order_status) RETURNS integer LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE s WHEN 'new' THEN 0 WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE -1 END $$;
CREATE FUNCTION is_valid_email(e email_address) RETURNS boolean LANGUAGE sql IMMUTABLE
  AS $$ SELECT position('@' in e) > 1 $$;
CREATE FUNCTION billing.format_money(amount billing.money_amount, cur billing.currency) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT upper(cur::text) || ' ' || to_char(amount, 'FM999999990.00') $$;
CREATE FUNCTION normalize_name(n text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(n)) $$;
CREATE FUNCTION normalize_name(n text, max_len integer) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT left(lower(trim(n)), max_len) $$;
CREATE FUNCTION billing.tax(amount numeric, rate numeric DEFAULT 0.2) RETURNS numeric LANGUAGE sql IMMUTABLE
  AS $$ SELECT round(amount * rate, 2) $$;
CREATE FUNCTION priority_weight(p priority_level) RETURNS integer LANGUAGE sql IMMUTABLE
  AS $$ SELECT array_position(enum_range(NULL::priority_level), p) $$;
CREATE FUNCTION ticket_sla_hours(p priority_level) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN CASE p WHEN 'urgent' THEN 4 WHEN 'high' THEN 24 ELSE 72 END;
END
$$;
CREATE PROCEDURE billing.close_period(p_period date) LANGUAGE plpgsql AS $$
BEGIN
  UPDATE billing.invoice SET closed = true WHERE issued_on < p_period;
END
$$;
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.audit_log (table_name, op) VALUES (TG_TABLE_NAME, TG_OP);
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;
CREATE FUNCTION reject_shipped_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'shipped' THEN
    RAISE EXCEPTION 'order % is shipped and cannot be deleted', OLD.id;
  END IF;
  RETURN OLD;
END
$$;
CREATE FUNCTION billing.recalc_invoice_total() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE billing.invoice
     SET total = (SELECT coalesce(sum(l.qty * l.unit_price), 0) FROM billing.invoice_line l WHERE l.invoice_id = NEW.invoice_id)
   WHERE id = NEW.invoice_id;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION normalize_name(text) IS 'lower case, no surrounding blanks';
)SQL";
  for (int i = 1; i <= kScoreFunctions; ++i) {
    sql += "CREATE FUNCTION score_" + n(i) + "(x integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT x * " + n(i) +
           " + " + n(i) + " $$;\n";
    sql += "CREATE FUNCTION clamp_" + n(i) + "(v numeric) RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$\nBEGIN\n"
           "  RETURN least(greatest(v, 0), " + n(i * 100) + ");\nEND\n$$;\n";
  }

  sql += R"SQL(
CREATE TABLE tenant (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE tenant_member (
  tenant_id integer NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
  role_name text NOT NULL,
  PRIMARY KEY (tenant_id, role_name));
CREATE TABLE customer (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id integer NOT NULL DEFAULT current_tenant() REFERENCES tenant (id),
  email email_address NOT NULL,
  name text NOT NULL,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customer_email_valid CHECK (is_valid_email(email)));
CREATE INDEX customer_tenant_name ON customer (tenant_id, lower(name));
COMMENT ON TABLE customer IS 'one row per customer of a tenant';
CREATE TABLE product (
  id serial PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  price numeric(10,2) NOT NULL CHECK (price >= 0),
  updated_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  tenant_id integer NOT NULL DEFAULT current_tenant() REFERENCES tenant (id),
  customer_id bigint NOT NULL REFERENCES customer (id),
  code text NOT NULL DEFAULT next_ticket_code() UNIQUE,
  status order_status NOT NULL DEFAULT 'new',
  placed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_status_known CHECK (status_rank(status) >= 0 OR status = 'cancelled'));
CREATE INDEX orders_open ON orders (tenant_id, placed_at DESC) WHERE status <> 'shipped';
CREATE TABLE order_item (
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id integer NOT NULL REFERENCES product (id),
  qty integer NOT NULL CHECK (qty > 0),
  PRIMARY KEY (order_id, product_id));
CREATE TABLE ticket (
  id integer PRIMARY KEY DEFAULT nextval('ticket_number'),
  title text NOT NULL,
  priority priority_level NOT NULL DEFAULT 'normal',
  tenant_id integer NOT NULL DEFAULT current_tenant(),
  opened_at timestamptz);
CREATE TABLE audit_log (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  table_name text NOT NULL,
  op text NOT NULL,
  at timestamptz NOT NULL DEFAULT now());
CREATE TABLE room (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE booking (
  id serial PRIMARY KEY,
  room_id integer NOT NULL REFERENCES room (id),
  during tstzrange NOT NULL,
  CONSTRAINT booking_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&));
CREATE TABLE event_log (
  id bigint NOT NULL,
  region text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE event_log_eu PARTITION OF event_log FOR VALUES IN ('eu');
CREATE TABLE event_log_us PARTITION OF event_log FOR VALUES IN ('us', 'ca');
CREATE TABLE event_log_other PARTITION OF event_log DEFAULT;
)SQL";
  for (int i = 1; i <= kCatalogTables; ++i) {
    const std::string t = "catalog_" + n(i);
    sql += "CREATE TABLE " + t + " (id integer PRIMARY KEY, parent_id integer" +
           (i > 1 ? " REFERENCES catalog_" + n(i - 1) + " (id) ON DELETE SET NULL" : std::string()) +
           ", name text NOT NULL, weight integer NOT NULL DEFAULT score_" + n((i - 1) % kScoreFunctions + 1) + "(" + n(i) +
           ") CHECK (weight >= 0), updated_at timestamptz NOT NULL DEFAULT now());\n"
           "CREATE INDEX " + t + "_name ON " + t + " (name);\n";
  }
  sql += R"SQL(
CREATE TABLE billing.account (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES public.customer (id),
  currency billing.currency NOT NULL DEFAULT 'eur',
  owner_role text NOT NULL DEFAULT CURRENT_USER);
CREATE TABLE billing.invoice (
  id bigint PRIMARY KEY DEFAULT nextval('billing.invoice_number'),
  account_id bigint NOT NULL REFERENCES billing.account (id),
  issued_on date NOT NULL DEFAULT CURRENT_DATE,
  total billing.money_amount NOT NULL DEFAULT 0,
  closed boolean NOT NULL DEFAULT false,
  tenant_id integer NOT NULL DEFAULT current_tenant());
CREATE INDEX invoice_open ON billing.invoice (account_id) WHERE NOT closed;
CREATE TABLE billing.invoice_line (
  invoice_id bigint NOT NULL REFERENCES billing.invoice (id) ON DELETE CASCADE,
  line_no integer NOT NULL,
  product_id integer NOT NULL REFERENCES public.product (id),
  qty integer NOT NULL CHECK (qty > 0),
  unit_price billing.money_amount NOT NULL,
  PRIMARY KEY (invoice_id, line_no));
CREATE TABLE billing.payment (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES billing.invoice (id),
  amount billing.money_amount NOT NULL,
  currency billing.currency NOT NULL,
  paid_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE billing.price_period (
  product_id integer NOT NULL REFERENCES public.product (id),
  valid daterange NOT NULL,
  price numeric(10,2) NOT NULL,
  CONSTRAINT price_period_no_overlap EXCLUDE USING gist (product_id WITH =, valid WITH &&) WHERE (price > 0));
CREATE TABLE billing.ledger (
  id bigint NOT NULL,
  account_id bigint NOT NULL REFERENCES billing.account (id),
  booked_on date NOT NULL,
  amount numeric(12,2) NOT NULL,
  PRIMARY KEY (id, booked_on)) PARTITION BY RANGE (booked_on);
CREATE TABLE billing.ledger_2023 PARTITION OF billing.ledger FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE billing.ledger_2024 PARTITION OF billing.ledger FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE billing.ledger_2025 PARTITION OF billing.ledger FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX ledger_account ON billing.ledger (account_id, booked_on);
)SQL";
  for (int i = 1; i <= kRateTables; ++i) {
    sql += "CREATE TABLE billing.rate_" + n(i) +
           " (id integer PRIMARY KEY, account_id bigint REFERENCES billing.account (id), code text NOT NULL UNIQUE,"
           " amount billing.money_amount NOT NULL DEFAULT 0, currency billing.currency NOT NULL DEFAULT 'eur',"
           " updated_at timestamptz NOT NULL DEFAULT now());\n";
  }

  // Functions that read tables: created after them here; strata has to create
  // them before the tables (defaults call functions) without failing on that.
  sql += R"SQL(
CREATE FUNCTION is_tenant_member(tenant integer) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$ SELECT EXISTS (SELECT 1 FROM tenant_member m WHERE m.tenant_id = tenant AND m.role_name = current_user) $$;
CREATE FUNCTION billing.account_balance_of(acc bigint) RETURNS numeric LANGUAGE sql STABLE
  AS $$ SELECT coalesce(sum(total), 0) FROM billing.invoice WHERE account_id = acc AND NOT closed $$;
CREATE FUNCTION billing.invoice_totals_for(acc bigint) RETURNS TABLE (invoice_id bigint, total numeric) LANGUAGE sql STABLE
  AS $$ SELECT i.id, sum(l.qty * l.unit_price) FROM billing.invoice i JOIN billing.invoice_line l ON l.invoice_id = i.id
         WHERE i.account_id = acc GROUP BY i.id $$;
)SQL";

  for (int i = 1; i <= kCatalogTables; ++i)
    sql += "CREATE VIEW catalog_" + n(i) + "_active AS SELECT id, parent_id, name, weight FROM catalog_" + n(i) +
           " WHERE weight > 0;\n";
  for (int i = 1; i <= kHeavyViews; ++i)
    sql += "CREATE VIEW catalog_" + n(i) + "_heavy AS SELECT id, name FROM catalog_" + n(i) + "_active WHERE weight > 10;\n";
  sql += R"SQL(
CREATE VIEW customer_emails AS SELECT id, email, normalize_name(name) AS name FROM customer WHERE deleted_at IS NULL;
CREATE VIEW order_summary AS
  SELECT o.id, o.code, o.status, status_rank(o.status) AS rank, count(i.product_id) AS items
    FROM orders o LEFT JOIN order_item i ON i.order_id = o.id
   GROUP BY o.id;
CREATE VIEW open_tickets (ticket_id, title, weight) AS
  SELECT id, title, priority_weight(priority) FROM ticket WHERE opened_at IS NOT NULL;
CREATE VIEW billing.ledger_by_year AS
  SELECT date_part('year', booked_on) AS year, sum(amount) AS total FROM billing.ledger GROUP BY 1;
CREATE VIEW billing.invoice_totals AS
  SELECT invoice_id, sum(qty * unit_price) AS total FROM billing.invoice_line GROUP BY invoice_id;
CREATE VIEW billing.open_invoices AS
  SELECT i.id, i.account_id, t.total FROM billing.invoice i JOIN billing.invoice_totals t ON t.invoice_id = i.id WHERE NOT i.closed;
CREATE VIEW billing.account_balance AS
  SELECT a.id AS account_id, coalesce(sum(o.total), 0) AS balance
    FROM billing.account a LEFT JOIN billing.open_invoices o ON o.account_id = a.id
   GROUP BY a.id;
CREATE VIEW customer_overview AS
  SELECT c.id, c.email, b.balance, billing.format_money(b.balance::billing.money_amount, a.currency) AS shown
    FROM customer c JOIN billing.account a ON a.customer_id = c.id JOIN billing.account_balance b ON b.account_id = a.id;
COMMENT ON VIEW customer_overview IS 'customers with what they owe';
CREATE MATERIALIZED VIEW billing.monthly_revenue AS
  SELECT date_trunc('month', paid_at) AS month, currency, sum(amount) AS revenue FROM billing.payment GROUP BY 1, 2;
COMMENT ON MATERIALIZED VIEW billing.monthly_revenue IS 'refreshed nightly';
CREATE MATERIALIZED VIEW product_stats AS
  SELECT p.id, count(i.order_id) AS times_ordered FROM product p LEFT JOIN order_item i ON i.product_id = p.id GROUP BY p.id;
CREATE MATERIALIZED VIEW catalog_rollup AS SELECT count(*) AS heavy FROM catalog_1_heavy WITH NO DATA;
)SQL";

  for (int i = 1; i <= kTouchTriggers; ++i)
    sql += "CREATE TRIGGER catalog_" + n(i) + "_touch BEFORE UPDATE ON catalog_" + n(i) +
           " FOR EACH ROW EXECUTE FUNCTION touch_updated_at();\n";
  for (int i = 1; i <= 3; ++i)
    sql += "CREATE TRIGGER rate_" + n(i) + "_touch BEFORE UPDATE OF amount, currency ON billing.rate_" + n(i) +
           " FOR EACH ROW EXECUTE FUNCTION touch_updated_at();\n";
  sql += R"SQL(
CREATE TRIGGER product_touch BEFORE UPDATE ON product
  FOR EACH ROW WHEN (OLD.price IS DISTINCT FROM NEW.price) EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER orders_audit AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER customer_audit AFTER INSERT OR DELETE ON customer FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER orders_no_delete_shipped BEFORE DELETE ON orders FOR EACH ROW EXECUTE FUNCTION reject_shipped_delete();
CREATE TRIGGER invoice_line_recalc AFTER INSERT OR UPDATE ON billing.invoice_line
  FOR EACH ROW EXECUTE FUNCTION billing.recalc_invoice_total();
CREATE TRIGGER ledger_audit AFTER INSERT ON billing.ledger FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER payment_audit AFTER INSERT ON billing.payment FOR EACH STATEMENT EXECUTE FUNCTION audit_row();
CREATE CONSTRAINT TRIGGER orders_deferred_audit AFTER UPDATE ON orders
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_row();

ALTER TABLE customer ENABLE ROW LEVEL SECURITY;
CREATE POLICY customer_tenant ON customer USING (tenant_id = current_tenant()) WITH CHECK (tenant_id = current_tenant());
CREATE POLICY customer_reader ON customer FOR SELECT TO strata_rt_reader USING (true);
CREATE POLICY customer_live ON customer AS RESTRICTIVE USING (deleted_at IS NULL);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
CREATE POLICY orders_member ON orders USING (is_tenant_member(tenant_id));
CREATE POLICY orders_insert ON orders FOR INSERT TO strata_rt_writer WITH CHECK (status = 'new');
CREATE POLICY orders_update ON orders FOR UPDATE TO strata_rt_writer USING (status <> 'shipped') WITH CHECK (status_rank(status) >= 0);
CREATE POLICY orders_delete ON orders FOR DELETE TO strata_rt_admin USING (status = 'cancelled');
CREATE POLICY orders_not_cancelled ON orders AS RESTRICTIVE FOR SELECT TO strata_rt_reader, strata_rt_writer
  USING (status <> 'cancelled');
ALTER TABLE ticket ENABLE ROW LEVEL SECURITY;
CREATE POLICY ticket_tenant ON ticket USING (tenant_id = current_tenant());
CREATE POLICY ticket_urgent_admin ON ticket FOR SELECT TO strata_rt_admin USING (priority = 'urgent');
ALTER TABLE tenant_member ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_self ON tenant_member FOR SELECT USING (role_name = current_user);
ALTER TABLE billing.account ENABLE ROW LEVEL SECURITY;
CREATE POLICY account_owner ON billing.account USING (owner_role = current_user);
CREATE POLICY account_admin ON billing.account TO strata_rt_admin USING (true) WITH CHECK (true);
ALTER TABLE billing.invoice ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing.invoice FORCE ROW LEVEL SECURITY;
CREATE POLICY invoice_tenant ON billing.invoice USING (tenant_id = current_tenant());
CREATE POLICY invoice_reader ON billing.invoice FOR SELECT TO strata_rt_reader USING (NOT closed);
CREATE POLICY invoice_insert ON billing.invoice FOR INSERT TO strata_rt_writer WITH CHECK (total >= 0);
CREATE POLICY invoice_open_only ON billing.invoice AS RESTRICTIVE FOR UPDATE USING (NOT closed);
ALTER TABLE billing.payment ENABLE ROW LEVEL SECURITY;
CREATE POLICY payment_account ON billing.payment USING (invoice_id IN (SELECT id FROM billing.invoice));
CREATE POLICY payment_writer ON billing.payment FOR INSERT TO strata_rt_writer WITH CHECK (amount > 0);
ALTER TABLE billing.ledger ENABLE ROW LEVEL SECURITY;
CREATE POLICY ledger_reader ON billing.ledger FOR SELECT TO strata_rt_reader USING (billing.account_balance_of(account_id) >= 0);
CREATE POLICY ledger_keep ON billing.ledger AS RESTRICTIVE FOR DELETE USING (false);

GRANT USAGE ON SCHEMA billing TO strata_rt_reader, strata_rt_writer;
GRANT USAGE, CREATE ON SCHEMA billing TO strata_rt_admin;
GRANT USAGE ON SCHEMA public TO strata_rt_reader;
GRANT SELECT, INSERT, UPDATE ON orders TO strata_rt_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO strata_rt_admin;
GRANT SELECT ON customer TO strata_rt_reader, strata_rt_writer;
GRANT SELECT, REFERENCES, TRIGGER ON product TO strata_rt_writer;
GRANT TRUNCATE ON audit_log TO strata_rt_admin;
GRANT ALL ON billing.invoice TO strata_rt_admin WITH GRANT OPTION;
GRANT SELECT, INSERT ON billing.payment TO strata_rt_writer;
GRANT SELECT ON billing.ledger TO strata_rt_reader;
GRANT SELECT ON billing.account_balance TO strata_rt_reader;
GRANT SELECT ON customer_overview TO strata_rt_reader, strata_rt_admin;
GRANT SELECT ON billing.monthly_revenue TO strata_rt_reader;
GRANT USAGE, SELECT ON SEQUENCE ticket_number TO strata_rt_writer;
GRANT USAGE, SELECT ON SEQUENCE orders_id_seq TO strata_rt_writer;
GRANT USAGE ON SEQUENCE billing.invoice_number TO strata_rt_writer;
GRANT SELECT, UPDATE ON SEQUENCE billing.invoice_number TO strata_rt_admin;
GRANT EXECUTE ON FUNCTION billing.format_money(billing.money_amount, billing.currency) TO strata_rt_reader;
GRANT EXECUTE ON FUNCTION normalize_name(text, integer) TO strata_rt_writer;
GRANT EXECUTE ON PROCEDURE billing.close_period(date) TO strata_rt_admin;
GRANT EXECUTE ON FUNCTION is_tenant_member(integer) TO strata_rt_reader, strata_rt_writer;
)SQL";
  for (int i = 1; i <= kGrantedCatalogs; ++i) sql += "GRANT SELECT ON catalog_" + n(i) + " TO strata_rt_reader;\n";
  for (int i = 1; i <= kGrantedViews; ++i) sql += "GRANT SELECT ON catalog_" + n(i) + "_active TO strata_rt_reader;\n";
  return sql;
}

// Every catalog object of the managed schemas that the document describes, one
// sorted line each, by kind: two databases built from one document must agree
// on each kind. Objects that extensions own are left out.
const char* const kNotFromExtension =
    " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = %s AND e.deptype = 'e')";

std::string managed(const std::string& nsp_column) {
  return nsp_column + " IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'billing'))";
}

std::string not_from_extension(const std::string& oid) {
  std::string s = kNotFromExtension;
  return s.replace(s.find("%s"), 2, oid);
}

// strata's own version table, which a database built by apply has.
std::string not_version_table(const std::string& oid) {
  // IS DISTINCT FROM: without a version table the comparison must not drop rows whose oid is 0 (domain checks).
  return " AND " + oid + " IS DISTINCT FROM to_regclass('public.strata_schema_versions')::oid";
}

struct CatalogQuery {
  const char* kind;
  std::string items;  // a SELECT of one text column "item"
};

std::vector<CatalogQuery> catalog_queries() {
  return {
      {"relations",
       "SELECT c.relkind::text || ' ' || c.oid::regclass::text || CASE WHEN c.relrowsecurity THEN ' rls' ELSE '' END"
       " || CASE WHEN c.relforcerowsecurity THEN ' forced' ELSE '' END"
       " || CASE WHEN c.relkind = 'm' AND NOT c.relispopulated THEN ' unpopulated' ELSE '' END"
       " || coalesce(' ' || pg_get_partkeydef(c.oid), '') || coalesce(' ' || pg_get_expr(c.relpartbound, c.oid), '')"
       " || coalesce(' comment: ' || obj_description(c.oid, 'pg_class'), '') AS item"
       " FROM pg_class c WHERE " + managed("c.relnamespace") + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S')" +
           not_from_extension("c.oid") + not_version_table("c.oid")},
      {"columns",
       "SELECT c.oid::regclass::text || '.' || a.attname || ' ' || a.attnum || ' ' || format_type(a.atttypid, a.atttypmod)"
       " || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')"
       " || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END AS item"
       " FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
       " LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum"
       " WHERE " + managed("c.relnamespace") + " AND c.relkind IN ('r', 'p', 'v', 'm')" + not_from_extension("c.oid") +
           not_version_table("c.oid")},
      {"constraints",
       "SELECT CASE WHEN con.conrelid <> 0 THEN con.conrelid::regclass::text ELSE con.contypid::regtype::text END"
       " || ' ' || con.conname || ' ' ||"
       " pg_get_constraintdef(con.oid) AS item FROM pg_constraint con WHERE " + managed("con.connamespace") +
           not_version_table("con.conrelid")},
      {"indexes",
       "SELECT pg_get_indexdef(i.indexrelid) AS item FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
       " WHERE " + managed("t.relnamespace") + " AND NOT t.relispartition" + not_from_extension("t.oid") +
           not_version_table("t.oid")},
      {"types",
       "SELECT t.typtype::text || ' ' || t.oid::regtype::text || ' ' || coalesce(format_type(t.typbasetype, t.typtypmod), '')"
       " || coalesce(' ' || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e"
       " WHERE e.enumtypid = t.oid), '') AS item FROM pg_type t WHERE " + managed("t.typnamespace") +
           " AND t.typtype IN ('e', 'd')" + not_from_extension("t.oid")},
      {"functions",
       "SELECT p.prokind::text || ' ' || pg_get_functiondef(p.oid) || coalesce(' comment: ' || obj_description(p.oid, 'pg_proc'), '')"
       " AS item FROM pg_proc p WHERE " + managed("p.pronamespace") + not_from_extension("p.oid")},
      {"triggers",
       "SELECT t.tgrelid::regclass::text || ': ' || pg_get_triggerdef(t.oid) AS item FROM pg_trigger t"
       " JOIN pg_class c ON c.oid = t.tgrelid WHERE " + managed("c.relnamespace") + " AND NOT t.tgisinternal"},
      {"policies",
       "SELECT p.polrelid::regclass::text || ' ' || p.polname || ' ' || p.polcmd::text || ' ' ||"
       " CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END || ' ' ||"
       " ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE r::regrole::text END FROM unnest(p.polroles) r ORDER BY 1)::text"
       " || ' using ' || coalesce(pg_get_expr(p.polqual, p.polrelid), '-')"
       " || ' check ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '-') AS item"
       " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE " + managed("c.relnamespace")},
      {"grants",
       "SELECT 'relation ' || c.oid::regclass::text || ' ' || a.grantee::regrole::text || ' ' || a.privilege_type ||"
       " CASE WHEN a.is_grantable THEN ' grantable' ELSE '' END AS item"
       " FROM pg_class c, aclexplode(c.relacl) a WHERE " + managed("c.relnamespace") + " AND a.grantee <> c.relowner" +
           not_version_table("c.oid") +
       " UNION ALL SELECT 'schema ' || n.nspname || ' ' || a.grantee::regrole::text || ' ' || a.privilege_type ||"
       " CASE WHEN a.is_grantable THEN ' grantable' ELSE '' END"
       " FROM pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname IN ('public', 'billing') AND a.grantee <> n.nspowner"
       " UNION ALL SELECT 'function ' || p.oid::regprocedure::text || ' ' || a.grantee::regrole::text || ' ' ||"
       " a.privilege_type || CASE WHEN a.is_grantable THEN ' grantable' ELSE '' END"
       " FROM pg_proc p, aclexplode(p.proacl) a WHERE " + managed("p.pronamespace") + " AND a.grantee <> p.proowner"},
      {"extensions", "SELECT extname::text AS item FROM pg_extension"},
  };
}

std::string catalog(const PgDatabase& db, const CatalogQuery& q) {
  return db.value("SELECT coalesce(string_agg(item, E'\\n' ORDER BY item), '') FROM (" + q.items + ") s");
}

int count(const PgDatabase& db, const std::string& query) { return std::stoi(db.value(query)); }

std::string schemas_env() { return "STRATA_SCHEMAS=public,billing"; }

}  // namespace

TEST_CASE("a large PostgreSQL schema of every kind of object inspects, builds empty databases and inspects back the same",
          "[postgresql][objects]") {
  PgDatabase source("strata_objects"), migrated("strata_objects"), piped("strata_objects");
  REQUIRE_PG_SERVER(source);
  source.exec(kRoles);
  source.exec(large_schema_sql());

  // The source database holds what this test says it holds.
  const std::string in_schemas = managed("c.relnamespace");
  CHECK(count(source, "SELECT count(*) FROM pg_class c WHERE " + in_schemas +
                          " AND c.relkind IN ('r', 'p') AND NOT c.relispartition") == kTables);
  CHECK(count(source, "SELECT count(*) FROM pg_class c WHERE " + in_schemas + " AND c.relkind IN ('r', 'p') AND c.relispartition") ==
        kPartitions);
  CHECK(count(source, "SELECT count(*) FROM pg_class c WHERE " + in_schemas + " AND c.relkind = 'v'") == kViews);
  CHECK(count(source, "SELECT count(*) FROM pg_class c WHERE " + in_schemas + " AND c.relkind = 'm'") == kMaterializedViews);
  CHECK(count(source, "SELECT count(*) FROM pg_proc p WHERE " + managed("p.pronamespace") + not_from_extension("p.oid")) ==
        kFunctions);
  CHECK(count(source, "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE " + in_schemas +
                          " AND NOT t.tgisinternal AND t.tgparentid = 0") == kTriggers);
  CHECK(count(source, "SELECT count(*) FROM pg_policy") == kPolicies);
  CHECK(count(source, "SELECT count(*) FROM pg_class c WHERE " + in_schemas + " AND c.relrowsecurity") == kRlsTables);
  CHECK(count(source, "SELECT count(*) FROM pg_class c WHERE " + in_schemas + " AND c.relforcerowsecurity") ==
        kForcedRlsTables);
  CHECK(count(source, "SELECT count(*) FROM pg_constraint WHERE contype = 'x'") == kExclusions);
  const int grants = count(source, "SELECT count(*) FROM (" + catalog_queries()[8].items + ") g");
  CHECK(grants >= 40);

  // inspect writes it all.
  TempDir dir;
  auto inspected = run_strata("inspect -o schema.yaml --url " + source.url(), dir.path(), schemas_env());
  INFO(inspected.err);
  REQUIRE(inspected.exit_code == 0);
  const std::string document = strata::testing::read_file(dir.file("schema.yaml"));
  CHECK(inspected.err.find("(" + n(kTables) + " tables, " + n(kViews + kMaterializedViews) + " views, " + n(kTriggers) +
                           " triggers") != std::string::npos);
  for (const char* key : {"functions:", "grants:", "policies:", "row_level_security: true", "force_row_level_security: true",
                          "restrictive: true", "materialized: true", "with_data: false", "partition_by:", "partitions:",
                          "exclusions:", "close_period", "event_log_other", "ledger_2025", "btree_gist"})
    CHECK(document.find(key) != std::string::npos);
  // Partitions are listed once, under their table (not as tables, nor with
  // triggers and indexes of their own), and what btree_gist installs is not
  // the document's.
  auto occurrences = [&document](const std::string& word) {
    int found = 0;
    for (std::size_t at = document.find(word); at != std::string::npos; at = document.find(word, at + 1)) ++found;
    return found;
  };
  CHECK(occurrences("ledger_2024") == 1);
  CHECK(occurrences("event_log_eu") == 1);
  CHECK(document.find("gbtreekey") == std::string::npos);
  CHECK(document.find("gbt_") == std::string::npos);

  // The document plans to nothing against the database it came from.
  auto same = run_strata("plan --exit-code --url " + source.url(), dir.path(), schemas_env());
  {
    INFO(same.out);
    INFO(same.err);
    CHECK(same.exit_code == 0);
    CHECK(same.out.empty());
  }

  // revision + apply build an empty database from it, which inspects back the
  // same and plans to nothing.
  std::vector<const PgDatabase*> built;
  {
    TempDir project;
    project.write("strata.toml", "[database]\nurl = \"" + migrated.url() + "\"\nschemas = [\"public\", \"billing\"]\n");
    project.write("schema.yaml", document);
    auto revision = run_strata("revision -m baseline", project.path());
    auto apply = revision.exit_code == 0 ? run_strata("apply", project.path()) : CommandResult{};
    INFO(revision.err);
    INFO(apply.err);
    CHECK(revision.exit_code == 0);
    CHECK(apply.exit_code == 0);
    if (apply.exit_code == 0) {
      built.push_back(&migrated);
      auto again = run_strata("inspect -o inspected.yaml", project.path());
      INFO(again.err);
      REQUIRE(again.exit_code == 0);
      CHECK(strata::testing::read_file(project.file("inspected.yaml")) == document);
      auto nothing = run_strata("plan --exit-code", project.path());
      INFO(nothing.out);
      INFO(nothing.err);
      CHECK(nothing.exit_code == 0);
      CHECK(nothing.out.empty());
      CHECK(nothing.err.find("nothing to do") != std::string::npos);
    }
  }

  // plan, run by psql, builds another one.
  {
    auto plan = run_strata("plan --url " + piped.url(), dir.path(), schemas_env());
    INFO(plan.err);
    CHECK(plan.exit_code == 0);
    int ran = -1;
    if (plan.exit_code == 0) {
      dir.write("plan.sql", plan.out);
      const std::string psql = "psql -X -q -v ON_ERROR_STOP=1 -d '" + piped.url() + "' -f '" + dir.file("plan.sql") +
                               "' > '" + dir.file("psql.log") + "' 2>&1";
      ran = std::system(psql.c_str());
      INFO(strata::testing::read_file(dir.file("psql.log")));
      CHECK(ran == 0);
    }
    if (ran == 0) {
      built.push_back(&piped);
      auto again = run_strata("inspect --url " + piped.url(), dir.path(), schemas_env());
      INFO(again.err);
      REQUIRE(again.exit_code == 0);
      CHECK(again.out == document);
      auto nothing = run_strata("plan --exit-code --url " + piped.url(), dir.path(), schemas_env());
      INFO(nothing.out);
      INFO(nothing.err);
      CHECK(nothing.exit_code == 0);
      CHECK(nothing.out.empty());
    }
  }

  // What was built holds what the source holds, object by object.
  for (const CatalogQuery& q : catalog_queries()) {
    INFO("catalog: " << q.kind);
    const std::string expected = catalog(source, q);
    for (const PgDatabase* db : built) {
      INFO("database built by " << (db == &migrated ? "revision + apply" : "plan | psql"));
      CHECK(catalog(*db, q) == expected);
    }
  }
}

namespace {

// The target of the bad-input cases and the document that matches it; each case
// adds its bad object to one of the sections, which then comes last.
const char* const kBaselineSql = R"SQL(
CREATE TABLE account (id integer PRIMARY KEY, owner text NOT NULL);
CREATE FUNCTION owner_of(account_id integer) RETURNS text LANGUAGE sql STABLE AS $$ SELECT owner FROM account WHERE id = account_id $$;
CREATE VIEW account_owners AS SELECT id, owner FROM account;
CREATE TRIGGER account_touch BEFORE UPDATE ON account FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
GRANT SELECT ON account TO strata_rt_reader;
)SQL";

struct Section {
  std::string key;
  std::string items;
};

std::vector<Section> baseline_sections() {
  return {
      {"tables",
       "  - name: account\n"
       "    columns:\n"
       "      - { name: id, type: integer, primary_key: true }\n"
       "      - { name: owner, type: text }\n"},
      {"functions",
       "  - name: owner_of\n"
       "    sql: CREATE FUNCTION owner_of(account_id integer) RETURNS text LANGUAGE sql STABLE AS $$ SELECT owner FROM account"
       " WHERE id = account_id $$\n"},
      {"views",
       "  - name: account_owners\n"
       "    sql: SELECT id, owner FROM account\n"},
      {"triggers",
       "  - name: account_touch\n"
       "    table: account\n"
       "    sql: CREATE TRIGGER account_touch BEFORE UPDATE ON account FOR EACH ROW EXECUTE FUNCTION "
       "suppress_redundant_updates_trigger()\n"},
      {"grants", "  - { table: account, to: strata_rt_reader, privileges: [select] }\n"},
  };
}

// The baseline document with extra list items appended to some sections; the
// sections that get extras come last, in the order given.
std::string document_with(const std::vector<Section>& extras) {
  std::string head, tail;
  const auto sections = baseline_sections();
  for (const Section& s : sections) {
    bool extended = false;
    for (const Section& e : extras) extended = extended || e.key == s.key;
    if (!extended) head += s.key + ":\n" + s.items;
  }
  for (const Section& e : extras) {
    std::string items;
    for (const Section& s : sections)
      if (s.key == e.key) items = s.items;
    tail += e.key + ":\n" + items + e.items;
  }
  return head + tail;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines (1-based, inclusive) of the list item that holds the first line
// containing marker: up to the next item at the same or a lower indentation.
std::pair<int, int> item_lines(const std::string& document, const std::string& marker) {
  const auto lines = lines_of(document);
  int first = 0;
  for (std::size_t i = 0; i < lines.size() && !first; ++i)
    if (lines[i].find(marker) != std::string::npos) first = static_cast<int>(i) + 1;
  REQUIRE(first > 0);
  const std::string& start = lines[static_cast<std::size_t>(first - 1)];
  const std::size_t indent = start.find_first_not_of(' ');
  int last = first;
  for (std::size_t i = static_cast<std::size_t>(first); i < lines.size(); ++i) {
    const std::size_t ind = lines[i].find_first_not_of(' ');
    if (ind != std::string::npos && ind <= indent && (lines[i][ind] == '-' || ind < indent)) break;
    last = static_cast<int>(i) + 1;
  }
  return {first, last};
}

// Whether stderr holds "FILE:LINE:COL: error: ..." with LINE inside the item that
// holds marker and every needle in the message.
bool reported_at(const CommandResult& r, const std::string& file, const std::string& document, const std::string& marker,
                 const std::vector<std::string>& needles) {
  const auto [first, last] = item_lines(document, marker);
  const std::regex located("^" + file + ":([0-9]+):([0-9]+): error: (.*)$");
  for (const std::string& line : lines_of(r.err)) {
    std::smatch m;
    if (!std::regex_match(line, m, located)) continue;
    const int at = std::stoi(m[1].str()), col = std::stoi(m[2].str());
    if (at < first || at > last || col < 1) continue;
    bool all = true;
    for (const std::string& needle : needles) all = all && m[3].str().find(needle) != std::string::npos;
    if (all) return true;
  }
  return false;
}

struct BadCase {
  const char* what;
  std::vector<Section> extras;
  std::string marker;                // a text on the first line of the bad item
  std::vector<std::string> needles;  // what the error message must hold
};

}  // namespace

TEST_CASE("PostgreSQL objects: bad input exits 3 at the object's line and leaves the database alone",
          "[postgresql][objects][errors]") {
  PgDatabase db("strata_objects");
  REQUIRE_PG_SERVER(db);
  db.exec(kRoles);
  db.exec("DROP ROLE IF EXISTS strata_rt_ghost_role");
  db.exec(kBaselineSql);
  auto snapshot = [&db] {
    std::string s;
    for (const CatalogQuery& q : catalog_queries()) s += std::string(q.kind) + ":\n" + catalog(db, q) + "\n";
    return s;
  };
  const std::string before = snapshot();
  REQUIRE(before.find("owner_of") != std::string::npos);
  REQUIRE(before.find("account_touch") != std::string::npos);

  TempDir dir;
  {
    dir.write("baseline.yaml", document_with({}));
    auto baseline = run_strata("plan --exit-code --schema baseline.yaml --url " + db.url(), dir.path());
    INFO("the baseline document matches the database");
    INFO(baseline.out);
    INFO(baseline.err);
    CHECK(baseline.exit_code == 0);
  }

  const std::vector<BadCase> cases = {
      {"a plpgsql body with a syntax error",
       {{"functions",
         "  - name: broken_total\n"
         "    args: n integer\n"
         "    returns: integer\n"
         "    language: plpgsql\n"
         "    body: |\n"
         "      BEGIN\n"
         "        RETURN n +;\n"
         "      END\n"}},
       "name: broken_total",
       {"broken_total", "syntax error"}},
      {"an sql function reading a table that does not exist",
       {{"functions",
         "  - name: count_ghosts\n"
         "    returns: bigint\n"
         "    body: SELECT count(*) FROM ghost_rows\n"}},
       "name: count_ghosts",
       {"count_ghosts", "\"ghost_rows\" does not exist"}},
      {"a view on a table that does not exist",
       {{"views",
         "  - name: ghost_view\n"
         "    sql: SELECT id, owner FROM ghost_rows\n"}},
       "name: ghost_view",
       {"ghost_view", "\"ghost_rows\" does not exist"}},
      {"a policy for a role the server does not have",
       {{"tables",
         "  - name: secret\n"
         "    row_level_security: true\n"
         "    columns:\n"
         "      - { name: id, type: integer, primary_key: true }\n"
         "      - { name: owner, type: text }\n"
         "    policies:\n"
         "      - name: secret_owner\n"
         "        roles: [strata_rt_ghost_role]\n"
         "        using: owner = current_user\n"}},
       "name: secret_owner",
       {"secret_owner", "strata_rt_ghost_role"}},
      {"a grant to a role the server does not have",
       {{"grants", "  - { table: account, to: strata_rt_ghost_role, privileges: [select, update] }\n"}},
       "strata_rt_ghost_role",
       {"account", "strata_rt_ghost_role"}},
      {"a trigger whose function does not exist",
       {{"triggers",
         "  - name: account_ghost\n"
         "    table: account\n"
         "    sql: CREATE TRIGGER account_ghost BEFORE INSERT ON account FOR EACH ROW EXECUTE FUNCTION ghost_function()\n"}},
       "name: account_ghost",
       {"account_ghost", "ghost_function"}},
      {"a function with both sql and body",
       {{"functions",
         "  - name: both_ways\n"
         "    returns: integer\n"
         "    body: SELECT 1\n"
         "    sql: CREATE FUNCTION both_ways() RETURNS integer LANGUAGE sql AS $$ SELECT 1 $$\n"}},
       "name: both_ways",
       {"both_ways", "body"}},
      {"a grant with no object",
       {{"grants", "  - { to: strata_rt_reader, privileges: [select] }\n"}},
       "- { to: strata_rt_reader, privileges: [select] }",
       {"grant"}},
      {"a partition bound that does not parse",
       {{"tables",
         "  - name: measurement\n"
         "    partition_by: range (taken_on)\n"
         "    columns:\n"
         "      - { name: id, type: integer }\n"
         "      - { name: taken_on, type: date }\n"
         "    partitions:\n"
         "      - { name: measurement_2024, bound: \"FOR VALUES BETWEEN ('2024-01-01') AND ('2025-01-01')\" }\n"}},
       "name: measurement_2024",
       {"measurement_2024"}},
  };

  for (const BadCase& c : cases) {
    INFO(c.what);
    const std::string document = document_with(c.extras);
    INFO(document);
    dir.write("bad.yaml", document);
    auto r = run_strata("plan --schema bad.yaml --url " + db.url(), dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(reported_at(r, "bad\\.yaml", document, c.marker, c.needles));
    CHECK(snapshot() == before);
  }

  // Several bad objects in one document: each is reported.
  {
    const std::string document = document_with(
        {{"views", "  - name: ghost_view\n    sql: SELECT id FROM ghost_rows\n"},
         {"triggers",
          "  - name: account_ghost\n    table: account\n"
          "    sql: CREATE TRIGGER account_ghost AFTER DELETE ON account FOR EACH ROW EXECUTE FUNCTION ghost_function()\n"},
         {"grants", "  - { view: account_owners, to: strata_rt_ghost_role, privileges: [select] }\n"}});
    INFO(document);
    dir.write("all.yaml", document);
    auto r = run_strata("plan --schema all.yaml --url " + db.url(), dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(reported_at(r, "all\\.yaml", document, "name: ghost_view", {"ghost_view", "ghost_rows"}));
    CHECK(reported_at(r, "all\\.yaml", document, "name: account_ghost", {"account_ghost", "ghost_function"}));
    CHECK(reported_at(r, "all\\.yaml", document, "strata_rt_ghost_role", {"account_owners", "strata_rt_ghost_role"}));
    CHECK(r.err.find("3 errors") != std::string::npos);
    CHECK(snapshot() == before);
  }

  // revision refuses the same way and writes no migration.
  {
    TempDir project;
    project.write("strata.toml", "[database]\nurl = \"" + db.url() + "\"\n");
    project.write("schema.yaml", document_with({{"views", "  - name: ghost_view\n    sql: SELECT id FROM ghost_rows\n"}}));
    auto r = run_strata("revision -m ghost", project.path());
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err.find("schema.yaml:") != std::string::npos);
    CHECK(r.err.find("ghost_view") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(project.file("migrations/strata.sum")));
    CHECK(snapshot() == before);
  }
}
