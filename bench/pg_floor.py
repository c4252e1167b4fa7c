#!/usr/bin/env python3
"""Times strata's PostgreSQL introspection queries on the server, for bench/run.py.

    pg_floor.py --source src/dialect/postgresql/introspector.cpp --url URL [--url URL2] --runs K

The queries are read from the C++ source (every `constexpr const char* k...Query`),
so the floor follows the introspector as it changes.  Each query runs on a warm
connection (one warm-up pass first) with every row fetched: a round trip, as
psql -c shows it without the connection.  JIT compilation is off, as strata
turns it off for these queries.  Planning plus execution time from
EXPLAIN (ANALYZE, TIMING OFF) is measured too.

With --scratch-ddl FILE, each run also times what building a schema in a scratch
database costs the server: CREATE DATABASE ... TEMPLATE template0 on a warm
maintenance connection, a new connection to it, the whole DDL file sent as one
query, and DROP DATABASE.

Prints one JSON object: {"queries": [names], "runs": [{url: {name: [round trip s,
explain s]}}], "scratch": [[create s, connect s, ddl s, drop s], ...]}.
"""

import argparse
import json
import re
import sys
import time

import psycopg2


def introspection_queries(path):
    text = open(path, encoding="utf-8").read()
    queries = []
    pattern = r'constexpr\s+const\s+char\s*\*\s*(k\w+)\s*=\s*(R"SQL\((.*?)\)SQL"|"((?:[^"\\]|\\.)*)")\s*;'
    for m in re.finditer(pattern, text, re.S):
        sql = m.group(3) if m.group(3) is not None else m.group(4)
        queries.append((m.group(1), sql.strip()))
    return queries


def once(conn, queries):
    out = {}
    cur = conn.cursor()
    for name, sql in queries:
        text = sql.replace("%", "%%").replace("$1::text[]", "%s::text[]")
        params = (["public"],) if "%s" in text else None
        start = time.perf_counter()
        cur.execute(text, params)
        cur.fetchall()
        trip = time.perf_counter() - start
        cur.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + text, params)
        plan = cur.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        out[name] = [trip, (plan[0]["Planning Time"] + plan[0]["Execution Time"]) / 1000.0]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--url", action="append", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scratch-ddl", help="DDL file to build in a scratch database")
    ap.add_argument("--maintenance-url", help="where to create the scratch database (default: the first --url)")
    args = ap.parse_args()
    queries = introspection_queries(args.source)
    if not queries:
        print("pg_floor.py: no catalog query found in %s" % args.source, file=sys.stderr)
        return 1
    conns = {}
    for url in args.url:
        conns[url] = psycopg2.connect(url)
        conns[url].autocommit = True
        conns[url].cursor().execute("SET jit = off")  # as strata runs them
        once(conns[url], queries)  # warm the backend's catalog caches
    runs = []
    for _ in range(args.runs):
        runs.append({url: once(c, queries) for url, c in conns.items()})
    for c in conns.values():
        c.close()
    scratch = []
    if args.scratch_ddl:
        ddl = open(args.scratch_ddl, encoding="utf-8").read()
        maint = psycopg2.connect(args.maintenance_url or args.url[0])
        maint.autocommit = True
        cur = maint.cursor()
        name = "bench_scratch_floor"
        cur.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        base = psycopg2.extensions.parse_dsn(args.maintenance_url or args.url[0])
        for _ in range(args.runs):
            t0 = time.perf_counter()
            cur.execute("CREATE DATABASE %s TEMPLATE template0" % name)
            t1 = time.perf_counter()
            conn = psycopg2.connect(**dict(base, dbname=name))
            conn.autocommit = True
            t2 = time.perf_counter()
            conn.cursor().execute(ddl)
            t3 = time.perf_counter()
            conn.close()
            cur.execute("DROP DATABASE %s WITH (FORCE)" % name)
            t4 = time.perf_counter()
            scratch.append([t1 - t0, t2 - t1, t3 - t2, t4 - t3])
        maint.close()
    print(json.dumps({"queries": [q for q, _ in queries], "runs": runs, "scratch": scratch}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
