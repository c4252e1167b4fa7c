#!/usr/bin/env python3
"""Deterministic generator of realistic schemas for the benchmarks.

    generate.py --tables N --seed S --out DIR

writes

    DIR/description.json        the generated schema, current and mutated, as data
    DIR/current/schema.yaml     the current schema in strata's format
    DIR/mutated/schema.yaml     the same schema after a change to about 5% of the tables
    DIR/current.sqlite.sql      plain DDL that creates the current schema in SQLite
    DIR/current.postgresql.sql  the same for PostgreSQL
    DIR/mutated.sqlite.sql      plain DDL that creates the mutated schema (SQLite)
    DIR/mutated.postgresql.sql  the same for PostgreSQL (migra compares two live databases)

Every table has 4 to 20 columns of common types (integer, bigint, text,
varchar(n), boolean, numeric(p,s), timestamp, date, real, double), NOT NULL
unless said otherwise, literal and SQL defaults, a primary key, about one
foreign key to an earlier table, one or two secondary indexes (unique and
composite among them) and, for some tables, checks.

The mutation touches about 5% of the tables: columns added, columns dropped,
a column type widened, an index added, an index dropped, a foreign key dropped,
and new tables.

The SQLAlchemy MetaData of either schema is built from description.json by
bench/sa_metadata.py, so that no large Python source has to be generated.
The same description drives every output, and a given seed always gives the
same bytes.
"""

import argparse
import copy
import json
import os
import random
import sys

NOUNS = [
    "account", "address", "asset", "audit", "batch", "booking", "branch", "campaign",
    "carrier", "catalog", "category", "contact", "contract", "coupon", "customer",
    "delivery", "department", "device", "discount", "document", "employee", "event",
    "invoice", "item", "journal", "ledger", "license", "location", "member", "message",
    "note", "order", "package", "partner", "payment", "period", "plan", "policy",
    "price", "product", "project", "purchase", "quote", "receipt", "refund", "region",
    "report", "request", "reservation", "review", "route", "schedule", "session",
    "shipment", "shop", "site", "stock", "subscription", "supplier", "task", "team",
    "ticket", "transfer", "unit", "user", "vehicle", "vendor", "visit", "warehouse",
]

# Column names by type.  A name may come back with a number when a table
# draws it twice.
NAMES = {
    "integer": ["quantity", "position", "retries", "rank", "level", "capacity", "sort_order", "attempts"],
    "bigint": ["external_id", "size_bytes", "sequence_no", "views", "checksum"],
    "text": ["description", "notes", "body", "summary", "details", "remarks"],
    "varchar": ["name", "code", "title", "email", "status", "label", "reference", "city", "country", "phone"],
    "boolean": ["active", "archived", "verified", "enabled", "locked", "visible", "paid"],
    "numeric": ["amount", "price", "balance", "total", "tax", "weight", "discount_rate"],
    "timestamp": ["created_at", "updated_at", "processed_at", "sent_at", "expires_at", "closed_at"],
    "date": ["due_on", "starts_on", "ends_on", "birth_date", "valid_from"],
    "real": ["score", "ratio", "confidence"],
    "double": ["latitude", "longitude", "elevation", "measurement"],
}

# How often each type is drawn for an ordinary column.
TYPE_WEIGHTS = [
    ("varchar", 24), ("integer", 14), ("text", 9), ("boolean", 10), ("timestamp", 13),
    ("numeric", 10), ("date", 6), ("bigint", 5), ("real", 4), ("double", 5),
]

VARCHAR_LENGTHS = [16, 32, 40, 64, 80, 120, 255]
NUMERIC_SHAPES = [(10, 2), (12, 2), (8, 3), (14, 4)]
FK_ACTIONS = [None, None, "cascade", "restrict", "set null"]
BATCH = 200  # tables per transaction in the DDL files


# ---------------------------------------------------------------- description

def type_name(col):
    """The portable type as strata's document and both DDLs write it."""
    k = col["type"]
    if k == "varchar":
        return "varchar(%d)" % col["length"]
    if k == "numeric":
        return "numeric(%d,%d)" % (col["precision"], col["scale"])
    return k


def pick_type(rng):
    total = sum(w for _, w in TYPE_WEIGHTS)
    r = rng.uniform(0, total)
    for name, weight in TYPE_WEIGHTS:
        r -= weight
        if r <= 0:
            return name
    return TYPE_WEIGHTS[-1][0]


def unique_name(base, taken):
    name, n = base, 2
    while name in taken:
        name = "%s%d" % (base, n)
        n += 1
    taken.add(name)
    return name


def make_column(rng, kind, taken):
    col = {"name": unique_name(rng.choice(NAMES[kind]), taken), "type": kind, "nullable": False}
    if kind == "varchar":
        col["length"] = rng.choice(VARCHAR_LENGTHS)
    elif kind == "numeric":
        col["precision"], col["scale"] = rng.choice(NUMERIC_SHAPES)
    r = rng.random()
    if kind in ("integer", "bigint", "numeric"):
        if r < 0.4:
            col["default"] = 0
        elif r < 0.55:
            col["nullable"] = True
    elif kind in ("real", "double"):
        if r < 0.3:
            col["default"] = 0
        elif r < 0.6:
            col["nullable"] = True
    elif kind == "boolean":
        if r < 0.85:
            col["default"] = rng.random() < 0.6
    elif kind == "varchar":
        if r < 0.2:
            col["default"] = "new"
        elif r < 0.45:
            col["nullable"] = True
    elif kind == "text":
        if r < 0.55:
            col["nullable"] = True
        elif r < 0.7:
            col["default"] = ""
    elif kind == "timestamp":
        if r < 0.5:
            col["default_sql"] = "CURRENT_TIMESTAMP"
        elif r < 0.8:
            col["nullable"] = True
    elif kind == "date":
        if r < 0.2:
            col["default_sql"] = "CURRENT_DATE"
        elif r < 0.6:
            col["nullable"] = True
    return col


def make_table(rng, name, earlier):
    """One table; earlier holds the tables it may reference."""
    taken = set()
    pk_type = "bigint" if rng.random() < 0.2 else "integer"
    cols = [{"name": unique_name("id", taken), "type": pk_type, "nullable": False}]
    fks = []
    if earlier:
        r = rng.random()
        nfk = 0 if r < 0.1 else (1 if r < 0.87 else 2)
        for _ in range(nfk):
            parent = rng.choice(earlier)
            noun = parent["name"].rsplit("_", 1)[0]
            col = {"name": unique_name(noun + "_id", taken), "type": parent["columns"][0]["type"],
                   "nullable": rng.random() < 0.3}
            action = rng.choice(FK_ACTIONS)
            if action == "set null" and not col["nullable"]:
                action = "cascade"
            cols.append(col)
            fk = {"column": col["name"], "table": parent["name"], "ref_column": "id"}
            if action:
                fk["on_delete"] = action
            fks.append(fk)
    ncols = rng.randint(4, 20)
    while len(cols) < ncols:
        cols.append(make_column(rng, pick_type(rng), taken))
    # A code column for a unique index in about half of the tables.
    has_code = rng.random() < 0.5
    code = None
    if has_code:
        code = unique_name("code", taken)
        cols.append({"name": code, "type": "varchar", "length": 32, "nullable": False})
        if len(cols) > 20:
            del cols[-2]

    by_name = {c["name"]: c for c in cols}
    indexes = []
    candidates = []
    ts = [c["name"] for c in cols if c["type"] == "timestamp"]
    if fks:
        fk_col = fks[0]["column"]
        if ts and rng.random() < 0.5:
            candidates.append(([fk_col, ts[0]], False))
        else:
            candidates.append(([fk_col], False))
    if code:
        candidates.append(([code], True))
    plain = [c["name"] for c in cols[1:] if c["type"] in ("varchar", "date", "timestamp", "integer", "bigint")
             and c["name"] not in {f["column"] for f in fks}]
    if plain:
        first = rng.choice(plain)
        others = [p for p in plain if p != first]
        if others and rng.random() < 0.4:
            candidates.append(([first, rng.choice(others)], rng.random() < 0.3))
        else:
            candidates.append(([first], False))
    rng.shuffle(candidates)
    want = 1 if rng.random() < 0.5 else 2
    for columns, unique in candidates[:want]:
        indexes.append({"name": index_name(name, columns, unique, indexes), "columns": columns, "unique": unique})

    checks = []
    numbers = [c for c in cols[1:] if c["type"] in ("integer", "numeric", "bigint", "real", "double")
               and c["name"] not in {f["column"] for f in fks}]
    if numbers and rng.random() < 0.35:
        c = rng.choice(numbers)
        checks.append({"name": "ck_%s_%s" % (name, c["name"])[:63], "expr": "%s >= 0" % c["name"]})
    words = [c for c in cols[1:] if c["type"] == "varchar" and not c["nullable"] and c.get("default") != ""]
    if words and rng.random() < 0.15:
        # An unnamed check: PostgreSQL names it <table>_<column>_check.
        checks.append({"name": None, "expr": "length(%s) > 0" % rng.choice(words)["name"]})
    del by_name
    return {"name": name, "columns": cols, "primary_key": ["id"], "foreign_keys": fks,
            "indexes": indexes, "checks": checks}


def index_name(table, columns, unique, existing):
    base = ("ux_" if unique else "ix_") + table + "_" + "_".join(columns)
    if len(base) > 63:
        base = ("ux_" if unique else "ix_") + table + "_%d" % (len(existing) + 1)
    return base


def generate(n, seed):
    rng = random.Random(seed)
    tables = []
    for i in range(n):
        name = "%s_%05d" % (rng.choice(NOUNS), i + 1)
        tables.append(make_table(rng, name, tables))
    mutated, changes = mutate(rng, tables)
    return {"seed": seed, "tables": n, "current": tables, "mutated": mutated, "changes": changes}


# ---------------------------------------------------------------- mutation

def used_columns(t):
    used = set(t["primary_key"])
    used.update(f["column"] for f in t["foreign_keys"])
    for ix in t["indexes"]:
        used.update(ix["columns"])
    for ck in t["checks"]:
        for c in t["columns"]:
            if c["name"] in ck["expr"].replace("(", " ").replace(")", " ").split():
                used.add(c["name"])
    return used


def mutate(rng, current):
    """A copy of the tables with about 5% of them changed; the list of changes."""
    tables = copy.deepcopy(current)
    n = len(tables)
    count = max(6, round(n * 0.05))
    chosen = sorted(rng.sample(range(n), min(count, n)))
    ops = ["add_column", "drop_column", "change_type", "add_index", "drop_index", "drop_fk"]
    changes = []
    for k, i in enumerate(chosen):
        t = tables[i]
        op = ops[k % len(ops)]
        free = [c for c in t["columns"] if c["name"] not in used_columns(t)]
        if op == "drop_column" and not free:
            op = "add_column"
        if op == "change_type":
            widen = [c for c in free if c["type"] in ("varchar", "integer")]
            if not widen:
                op = "add_column"
        if op == "drop_index" and not t["indexes"]:
            op = "add_index"
        if op == "drop_fk" and not t["foreign_keys"]:
            op = "add_column"
        if op == "add_index":
            cand = [c for c in free if c["type"] in ("varchar", "date", "timestamp", "integer", "bigint", "boolean")]
            if not cand:
                op = "add_column"

        if op == "add_column":
            taken = {c["name"] for c in t["columns"]}
            if k % 2 == 0:
                col = {"name": unique_name("added_note", taken), "type": "text", "nullable": True}
            else:
                col = {"name": unique_name("added_count", taken), "type": "integer", "nullable": False, "default": 0}
            t["columns"].append(col)
            changes.append({"op": op, "table": t["name"], "column": col["name"]})
        elif op == "drop_column":
            col = rng.choice(free)
            t["columns"].remove(col)
            changes.append({"op": op, "table": t["name"], "column": col["name"]})
        elif op == "change_type":
            col = rng.choice(widen)
            before = type_name(col)
            if col["type"] == "varchar":
                col["length"] = col["length"] * 2
            else:
                col["type"] = "bigint"
            changes.append({"op": op, "table": t["name"], "column": col["name"], "from": before, "to": type_name(col)})
        elif op == "add_index":
            col = rng.choice(cand)
            ix = {"name": index_name(t["name"], [col["name"]], False, t["indexes"]), "columns": [col["name"]],
                  "unique": False}
            if any(x["name"] == ix["name"] for x in t["indexes"]):
                ix["name"] = index_name(t["name"], ["added"], False, t["indexes"])
            t["indexes"].append(ix)
            changes.append({"op": op, "table": t["name"], "index": ix["name"]})
        elif op == "drop_index":
            ix = rng.choice(t["indexes"])
            t["indexes"].remove(ix)
            changes.append({"op": op, "table": t["name"], "index": ix["name"]})
        elif op == "drop_fk":
            fk = rng.choice(t["foreign_keys"])
            t["foreign_keys"].remove(fk)
            changes.append({"op": op, "table": t["name"], "column": fk["column"], "references": fk["table"]})

    new_tables = max(1, count // 6)
    for k in range(new_tables):
        name = "%s_n%04d" % (rng.choice(NOUNS), k + 1)
        t = make_table(rng, name, tables)
        tables.append(t)
        changes.append({"op": "add_table", "table": name})
    return tables, changes


# ---------------------------------------------------------------- strata document

def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(v)  # a JSON string is a valid YAML double-quoted scalar


def yaml_map(pairs):
    return "{ " + ", ".join("%s: %s" % (k, v) for k, v in pairs) + " }"


def document(tables):
    out = ["# generated by bench/generate.py", "tables:"]
    for t in tables:
        fk_of = {f["column"]: f for f in t["foreign_keys"]}
        out.append("  - name: %s" % t["name"])
        out.append("    columns:")
        for c in t["columns"]:
            pairs = [("name", yaml_scalar(c["name"])), ("type", yaml_scalar(type_name(c)))]
            if c["name"] in t["primary_key"]:
                pairs.append(("primary_key", "true"))
            if c["nullable"]:
                pairs.append(("nullable", "true"))
            if "default" in c:
                pairs.append(("default", yaml_scalar(c["default"])))
            if "default_sql" in c:
                pairs.append(("default_sql", yaml_scalar(c["default_sql"])))
            fk = fk_of.get(c["name"])
            if fk:
                ref = [("table", fk["table"]), ("column", fk["ref_column"])]
                if fk.get("on_delete"):
                    ref.append(("on_delete", yaml_scalar(fk["on_delete"])))
                pairs.append(("references", yaml_map(ref)))
            out.append("      - " + yaml_map(pairs))
        if t["indexes"]:
            out.append("    indexes:")
            for ix in t["indexes"]:
                pairs = [("name", ix["name"]), ("columns", "[" + ", ".join(ix["columns"]) + "]")]
                if ix["unique"]:
                    pairs.append(("unique", "true"))
                out.append("      - " + yaml_map(pairs))
        if t["checks"]:
            out.append("    checks:")
            for ck in t["checks"]:
                pairs = []
                if ck["name"]:
                    pairs.append(("name", ck["name"]))
                pairs.append(("expr", yaml_scalar(ck["expr"])))
                out.append("      - " + yaml_map(pairs))
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- DDL

def sql_literal(v, dialect):
    if isinstance(v, bool):
        if dialect == "sqlite":
            return "TRUE" if v else "FALSE"
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return "'" + v.replace("'", "''") + "'"


def column_sql(c, dialect):
    ty = type_name(c)
    if dialect == "postgresql" and ty == "double":
        ty = "double precision"
    parts = [c["name"], ty]
    if not c["nullable"]:
        parts.append("NOT NULL")
    if "default" in c:
        parts.append("DEFAULT " + sql_literal(c["default"], dialect))
    elif "default_sql" in c:
        parts.append("DEFAULT " + c["default_sql"])
    return " ".join(parts)


def create_table_sql(t, dialect):
    lines = ["  " + column_sql(c, dialect) for c in t["columns"]]
    lines.append("  PRIMARY KEY (%s)" % ", ".join(t["primary_key"]))
    for ck in t["checks"]:
        if ck["name"]:
            lines.append("  CONSTRAINT %s CHECK (%s)" % (ck["name"], ck["expr"]))
        else:
            lines.append("  CHECK (%s)" % ck["expr"])
    for fk in t["foreign_keys"]:
        s = "  FOREIGN KEY (%s) REFERENCES %s (%s)" % (fk["column"], fk["table"], fk["ref_column"])
        if fk.get("on_delete"):
            s += " ON DELETE " + fk["on_delete"].upper()
        lines.append(s)
    stmts = ["CREATE TABLE %s (\n%s\n);" % (t["name"], ",\n".join(lines))]
    for ix in t["indexes"]:
        stmts.append("CREATE %sINDEX %s ON %s (%s);" % ("UNIQUE " if ix["unique"] else "", ix["name"], t["name"],
                                                      ", ".join(ix["columns"])))
    return "\n".join(stmts)


def ddl(tables, dialect):
    out = ["-- generated by bench/generate.py (%s)" % dialect]
    for start in range(0, len(tables), BATCH):
        out.append("BEGIN;")
        for t in tables[start:start + BATCH]:
            out.append(create_table_sql(t, dialect))
        out.append("COMMIT;")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_all(desc, out):
    """Writes every output file of a description into the folder out; returns a summary."""
    write(os.path.join(out, "description.json"), json.dumps(desc, indent=None, separators=(",", ":")) + "\n")
    write(os.path.join(out, "current", "schema.yaml"), document(desc["current"]))
    write(os.path.join(out, "mutated", "schema.yaml"), document(desc["mutated"]))
    for dialect in ("sqlite", "postgresql"):
        write(os.path.join(out, "current.%s.sql" % dialect), ddl(desc["current"], dialect))
        write(os.path.join(out, "mutated.%s.sql" % dialect), ddl(desc["mutated"], dialect))
    return {
        "tables": len(desc["current"]),
        "mutated_tables": len(desc["mutated"]),
        "columns": sum(len(t["columns"]) for t in desc["current"]),
        "foreign_keys": sum(len(t["foreign_keys"]) for t in desc["current"]),
        "indexes": sum(len(t["indexes"]) for t in desc["current"]),
        "checks": sum(len(t["checks"]) for t in desc["current"]),
        "changes": len(desc["changes"]),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tables", type=int, required=True, help="number of tables of the current schema")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="output folder")
    args = ap.parse_args(argv)
    if args.tables < 1:
        ap.error("--tables must be at least 1")
    print(json.dumps(write_all(generate(args.tables, args.seed), args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
