#!/usr/bin/env python3
"""Times strata's PostgreSQL introspection queries on the server, for bench/run.py.

    pg_floor.py --source src/dialect/postgresql/introspector.cpp --url URL [--url URL2] --runs K

The queries are read from the C++ source (every `constexpr const char* k...Query`),
so the floor follows the introspector as it changes.  Each query runs on a warm
connection (one warm-up pass first) with every row fetched: a round trip, as
psql -c shows it without the connection.  Planning plus execution time from
EXPLAIN (ANALYZE, TIMING OFF) is measured too.  Prints one JSON object:
{"queries": [names], "runs": [{url: {name: [round trip s, explain s]}}]}.
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
    args = ap.parse_args()
    queries = introspection_queries(args.source)
    if not queries:
        print("pg_floor.py: no catalog query found in %s" % args.source, file=sys.stderr)
        return 1
    conns = {}
    for url in args.url:
        conns[url] = psycopg2.connect(url)
        conns[url].autocommit = True
        once(conns[url], queries)  # warm the backend's catalog caches
    runs = []
    for _ in range(args.runs):
        runs.append({url: once(c, queries) for url, c in conns.items()})
    for c in conns.values():
        c.close()
    print(json.dumps({"queries": [q for q, _ in queries], "runs": runs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
