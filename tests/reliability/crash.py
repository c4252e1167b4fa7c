#!/usr/bin/env python3
"""Crash consistency of strata apply: SIGKILL at random moments, then check.

    crash.py --dialect sqlite|postgresql --kills N --seed S [--strata PATH] [--url PG_URL]

What it builds:
  * a chain of 33 migrations, written with `strata revision` from schema steps
    (table creations, index creations, column type changes and added checks,
    which SQLite carries out as table rebuilds and PostgreSQL as ALTER TABLE
    rewrites) and by hand (rows inserted by migrations, large UPDATEs over the
    seeded rows), then `strata hash`;
  * a database at the baseline (version 1) holding two tables of rows written
    before the run by the sqlite3/psql client: `seeded` (a few thousand rows,
    later rebuilt, retyped and checked by the chain) and `bulk` (many rows, so
    that the migrations that touch it take long enough to be killed in);
  * for every version v, the expected schema (`strata inspect` after
    `strata apply --to v` on a fresh copy) and the expected row count of every
    table.

Each kill point: `strata apply` starts from wherever the database is (the
chain is walked forward; at head a fresh copy of the baseline is taken), and
is killed with SIGKILL after a delay drawn from a random generator seeded with
--seed. Then:
  * the versions recorded in strata_schema_versions are a prefix of the chain;
  * `strata inspect` equals the expected schema at that version exactly, and
    every table has the expected number of rows (no half-applied migration);
  * every seeded row is still there: count and a SHA-256 of (id, name, amount)
    read through the client (amount cast to an integer, since the chain changes
    its type), and count and sums of `bulk`;
  * `strata status` reports that version, the rest of the chain as pending, no
    drift and no other problem. It runs first, before any other client opens the
    database, so it meets whatever the killed process left (an SQLite hot
    journal, a PostgreSQL session still aborting).
The `strata apply` of the next kill point is the rerun of this one: it starts on
exactly the state checked here. When a kill left the version where it was, an
uninterrupted `strata apply --to <next version>` must first complete the
interrupted migration (so the walk also gets past migrations slower than any
delay). An apply that ends before its kill must exit 0 at head and pass the
same checks, and a final uninterrupted apply completes the A kill lands mid-migration when a migration's transaction was open at that
moment (SQLite: a rollback journal is left; PostgreSQL: strata's session is
seen still inside a transaction right after the kill; a session that was idle
between two statements may end before it is seen, so on PostgreSQL the count is
a lower bound).

Same seed and options: same chain and same delays. Exit 0 when every check
passed, 1 otherwise, 77 (skipped) for PostgreSQL without a server URL.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import log  # noqa: E402


# ------------------------------------------------------------------ the chain


def col(name, type_, **extra):
    c = {"name": name, "type": type_}
    c.update(extra)
    return c


def series(n):
    """SQL for the numbers 1..n, the same on both engines."""
    return "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)" % n


def slow_pause(dialect, seconds, sqlite_sql):
    """A statement that takes a while on the crash database and no time on an
    empty one (strata status replays the chain into a scratch database, where
    bulk has no rows)."""
    if dialect == "postgresql":
        return "SELECT pg_sleep(%s) WHERE EXISTS (SELECT 1 FROM bulk)" % seconds
    return sqlite_sql


def chain_steps(dialect):
    """The chain as steps: ("schema", message, {table: definition}) for
    strata revision, or ("sql", message, up statements, down statements)."""
    t = {
        "seeded": {"name": "seeded", "columns": [col("id", "integer", primary_key=True), col("name", "text"),
                                                 col("amount", "integer"), col("note", "text", nullable=True)]},
        "bulk": {"name": "bulk", "columns": [col("id", "integer", primary_key=True), col("k", "integer"),
                                             col("payload", "text")]},
    }
    steps = []

    def schema(message, change=None):
        if change:
            change(t)
        steps.append(("schema", message, {k: json_copy(v) for k, v in t.items()}))

    def sql(message, up, down):
        steps.append(("sql", message, up, down))

    def add(table, definition):
        t[table] = definition

    def column(table, name):
        return next(c for c in t[table]["columns"] if c["name"] == name)

    def index(table, columns, **extra):
        d = {"columns": columns}
        d.update(extra)
        t[table].setdefault("indexes", []).append(d)

    def check(table, expr):
        t[table].setdefault("checks", []).append({"expr": expr})

    schema("baseline seeded and bulk")                                                          # 1
    schema("category table", lambda t: add("category", {"name": "category", "columns": [
        col("id", "integer", primary_key=True), col("label", "text")]}))                        # 2
    sql("category rows", [series(40) + " INSERT INTO category (id, label) SELECT i, 'category ' || i FROM n"],
        ["DELETE FROM category"])                                                               # 3
    schema("index seeded name", lambda t: index("seeded", ["name"]))                            # 4
    schema("seeded flag", lambda t: t["seeded"]["columns"].append(col("flag", "boolean", default=False)))  # 5
    schema("index bulk k", lambda t: index("bulk", ["k"]))                                      # 6 (slow)
    sql("bulk payload update", ["UPDATE bulk SET payload = payload || '-' || k"],
        ["SELECT 1"])                                                                           # 7 (slow)
    schema("seeded amount bigint", lambda t: column("seeded", "amount").update(type="bigint"))  # 8 (rebuild/rewrite)
    schema("audit table", lambda t: add("audit", {"name": "audit", "columns": [
        col("id", "integer", primary_key=True), col("what", "text"), col("seq", "integer")]}))  # 9
    sql("audit rows", [series(200) + " INSERT INTO audit (id, what, seq) SELECT i, 'event ' || (i % 17), i FROM n"],
        ["DELETE FROM audit"])                                                                  # 10
    schema("bulk k bigint", lambda t: column("bulk", "k").update(type="bigint"))                # 11 (slow rebuild/rewrite)
    schema("seeded amount check", lambda t: check("seeded", "amount >= 0"))                     # 12 (rebuild)
    sql("pause one", [slow_pause(dialect, "0.4", "UPDATE bulk SET k = k")], ["SELECT 1"])       # 13 (slow)
    schema("tag table", lambda t: add("tag", {"name": "tag", "columns": [
        col("id", "integer", primary_key=True), col("label", "text", unique=True)]}))           # 14
    sql("tag rows", [series(25) + " INSERT INTO tag (id, label) SELECT i, 'tag ' || i FROM n"],
        ["DELETE FROM tag"])                                                                    # 15
    schema("index audit what", lambda t: index("audit", ["what"]))                              # 16
    sql("seeded notes", ["UPDATE seeded SET note = 'note ' || id WHERE id % 3 = 0"],
        ["UPDATE seeded SET note = NULL"])                                                      # 17
    schema("bulk extra", lambda t: t["bulk"]["columns"].append(col("extra", "text", nullable=True)))  # 18
    sql("bulk extra backfill", ["UPDATE bulk SET extra = 'x' || (k % 1000)"],
        ["UPDATE bulk SET extra = NULL"])                                                       # 19 (slow)
    schema("orders table", lambda t: add("orders", {"name": "orders", "columns": [
        col("id", "integer", primary_key=True),
        col("category_id", "integer", references={"table": "category", "column": "id"}),
        col("qty", "integer")]}))                                                               # 20
    sql("orders rows", [series(300) + " INSERT INTO orders (id, category_id, qty) SELECT i, 1 + i % 40, i % 9 FROM n"],
        ["DELETE FROM orders"])                                                                 # 21
    schema("bulk k check", lambda t: check("bulk", "k >= 0"))                                   # 22 (slow rebuild/scan)
    schema("seeded name varchar", lambda t: column("seeded", "name").update(type="varchar(200)"))  # 23
    schema("category label unique", lambda t: column("category", "label").update(unique=True))  # 24
    schema("summary table", lambda t: add("summary", {"name": "summary", "columns": [
        col("bucket", "integer", primary_key=True), col("n", "integer")]}))                     # 25
    sql("summary rows", ["INSERT INTO summary (bucket, n) SELECT k % 100, count(*) FROM bulk GROUP BY k % 100"],
        ["DELETE FROM summary"])                                                                # 26 (slow-ish)
    schema("index seeded amount", lambda t: index("seeded", ["amount"]))                        # 27
    schema("seeded score", lambda t: t["seeded"]["columns"].append(col("score", "integer", default=0)))  # 28
    sql("seeded score values", ["UPDATE seeded SET score = amount % 7"], ["UPDATE seeded SET score = 0"])  # 29
    schema("index bulk payload", lambda t: index("bulk", ["payload"]))                          # 30 (slow)
    sql("pause two", [slow_pause(dialect, "0.3", "UPDATE bulk SET extra = upper(extra)")], ["SELECT 1"])  # 31 (slow)
    schema("marker table", lambda t: add("marker", {"name": "marker", "columns": [
        col("id", "integer", primary_key=True), col("note", "text")]}))                         # 32
    sql("marker row", ["INSERT INTO marker (id, note) VALUES (1, 'chain complete')"], ["DELETE FROM marker"])  # 33
    return steps


def json_copy(value):
    return json.loads(json.dumps(value))


def write_chain(strata, project, dialect):
    """Writes the migrations into project/migrations with fixed versions 1001..,
    so that the same options always give the same files."""
    migrations = project / "migrations"
    for i, step in enumerate(chain_steps(dialect), start=1):
        before = set(common.migration_files(migrations))
        if step[0] == "schema":
            _, message, tables = step
            (project / "schema.yaml").write_text(common.schema_document(list(tables.values())))
            # --ignore-sum: the files are renamed to fixed versions after each step.
            r = strata.run("revision", "-m", message, "--allow-hazard", "all", "--ignore-sum")
            if r.code != 0:
                raise AssertionError("writing the chain: " + r.describe())
        else:
            _, message, up, down = step
            body = "-- %s\n\n-- strata:up\n%s\n\n-- strata:down\n%s\n" % (
                message, "\n".join(s + ";" for s in up), "\n".join(s + ";" for s in down))
            (migrations / ("%d_hand.sql" % (9000 + i))).write_text(body)
        new = sorted(set(common.migration_files(migrations)) - before)
        if len(new) != 1:
            raise AssertionError("step %d (%s) wrote %d files: %s" % (i, step[1], len(new), new))
        slug = re.sub(r"[^a-z0-9]+", "_", step[1].lower()).strip("_")
        (migrations / new[0]).rename(migrations / ("%d_%s.sql" % (1000 + i, slug)))
    strata.run("hash", check=True)
    return common.migration_files(migrations)


# ------------------------------------------------------------------ the data


class Engine:
    """What differs between the engines: seeding, fingerprints, fresh copies."""

    def __init__(self, dialect, workdir, server_url, seeded_rows, bulk_rows):
        self.dialect = dialect
        self.workdir = workdir
        self.server_url = server_url
        self.seeded_rows = seeded_rows
        self.bulk_rows = bulk_rows
        self.created = []  # PostgreSQL databases to drop at the end

    def new_database(self, label):
        if self.dialect == "sqlite":
            db = common.SqliteDb(self.workdir / (label + ".db"))
            db.remove()
            return db
        db = common.PgDb.create(self.server_url, "strata_crash")
        self.created.append(db)
        return db

    def copy(self, source, label):
        if self.dialect == "sqlite":
            target = common.SqliteDb(self.workdir / (label + ".db"))
            target.remove()
            return source.copy_to(target.path)
        db = source.clone("strata_crash")
        self.created.append(db)
        return db

    def discard(self, db):
        if self.dialect == "sqlite":
            db.remove()
        else:
            db.drop()
            self.created.remove(db)

    def seed(self, db):
        """Rows written before the run, by the client, not by strata."""
        seeded = ("INSERT INTO seeded (id, name, amount, note) SELECT i, 'name ' || i || ' ' || "
                  "substr('abcdefghijklmnopqrstuvwxyz0123456789', 1, 1 + i % 30), (i * 37) % 1000, NULL FROM {src}")
        bulk = "INSERT INTO bulk (id, k, payload) SELECT i, i % 5000, 'payload ' || i FROM {src}"
        if self.dialect == "sqlite":
            db.query(series(self.seeded_rows) + " " + seeded.format(src="n") + ";" +
                     series(self.bulk_rows) + " " + bulk.format(src="n") + ";")
        else:
            db.query("BEGIN; " + seeded.format(src="generate_series(1, %d) AS g(i)" % self.seeded_rows) + "; " +
                     bulk.format(src="generate_series(1, %d) AS g(i)" % self.bulk_rows) + "; COMMIT; ANALYZE")

    def seeded_fingerprint(self, db):
        """Count and SHA-256 of the seeded rows' original contents, plus count and
        sums of bulk; the same at every version of the chain."""
        rows = db.query("SELECT id, name, CAST(amount AS BIGINT) FROM seeded ORDER BY id")
        digest = hashlib.sha256("\n".join("|".join(r) for r in rows).encode()).hexdigest()
        bulk = db.query("SELECT count(*), sum(id), sum(CAST(k AS BIGINT)) FROM bulk")[0]
        return {"seeded_rows": len(rows), "seeded_sha256": digest[:16], "bulk": "|".join(bulk)}

    def row_counts(self, db):
        counts = db.row_counts()
        counts.pop("strata_schema_versions", None)
        return counts

    def cleanup(self):
        for db in list(self.created):
            db.drop()
        self.created.clear()


# ------------------------------------------------------------------ the run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dialect", choices=["sqlite", "postgresql"], required=True)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--strata", default=common.default_strata(), help="the strata binary (default: build/strata)")
    ap.add_argument("--url", help="PostgreSQL server URL (default: STRATA_TEST_PG_URL)")
    ap.add_argument("--seeded-rows", type=int, default=3000)
    ap.add_argument("--bulk-rows", type=int, default=None,
                    help="rows of the big table the slow migrations work on (default: 200000 SQLite, 100000 PostgreSQL)")
    ap.add_argument("--max-delay", type=float, default=None,
                    help="kill delays are drawn from [0.02, MAX] seconds (default: 0.6 SQLite, 1.2 PostgreSQL)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()

    server_url = None
    if args.dialect == "postgresql":
        server_url = args.url or common.pg_server_from_env()
    bulk_rows = args.bulk_rows or (200000 if args.dialect == "sqlite" else 100000)
    max_delay = args.max_delay or (0.6 if args.dialect == "sqlite" else 1.2)

    rng = random.Random(args.seed)
    delays = [round(rng.uniform(0.02, max_delay), 3) for _ in range(args.kills)]
    args.max_delay = max_delay

    started = time.monotonic()
    workdir = common.make_tempdir("strata-crash-")
    engine = Engine(args.dialect, workdir, server_url, args.seeded_rows, bulk_rows)
    failures = []
    try:
        failures = run(args, engine, workdir, delays, started)
    except AssertionError as e:
        failures.append("setup: %s" % e)
        log("FAIL setup: %s" % e)
    finally:
        engine.cleanup()
        if args.keep:
            log("kept %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log("wall time: %.1f s" % (time.monotonic() - started))
    return 1 if failures else 0


def run(args, engine, workdir, delays, started):
    dialect = args.dialect
    log("crash consistency: dialect %s, %d kills, seed %d, delays in [0.02, %.2f] s, %d seeded rows, %d bulk rows"
        % (dialect, args.kills, args.seed, args.max_delay, args.seeded_rows, engine.bulk_rows))

    # The chain, written in a project whose database is a throwaway one.
    project = workdir / "project"
    first = engine.new_database("writer")
    common.write_project(project, first.url)
    strata = common.Strata(args.strata, project)
    chain = write_chain(strata, project, dialect)
    versions = [common.version_of(f) for f in chain]
    log("chain: %d migrations (%s .. %s), written in %.1f s" % (len(chain), chain[0], chain[-1], time.monotonic() - started))

    # The baseline: version 1 applied by strata, then the rows written by the client.
    pristine = first
    strata.run("apply", "--to", versions[0], check=True)
    engine.seed(pristine)
    seeded_expected = engine.seeded_fingerprint(pristine)

    # Expected schema and row counts at every version, on a copy of the baseline;
    # how long each migration takes there scales the report.
    expected_db = engine.copy(pristine, "expected")
    common.write_project(project, expected_db.url)
    expected = {}
    durations = {}
    for i, v in enumerate(versions):
        if i > 0:
            r = strata.run("apply", "--to", v, check=True)
            m = re.search(r"applied (\S+) in (\d+) ms", r.err)
            durations[v] = int(m.group(2)) if m else 0
        expected[v] = (common.normalized_inspect(strata.inspect()), engine.row_counts(expected_db))
    if engine.seeded_fingerprint(expected_db) != seeded_expected:
        raise AssertionError("the chain itself changes the seeded rows")
    engine.discard(expected_db)
    chain_ms = sum(durations.values())
    slow = sorted(durations.items(), key=lambda kv: -kv[1])[:5]
    log("expected schemas: %d versions, ready at %.1f s; the chain takes %.2f s on the baseline (slowest: %s)"
        % (len(versions), time.monotonic() - started, chain_ms / 1000.0, ", ".join("%s %d ms" % kv for kv in slow)))

    def check_state(db):
        """Every check of a stopped database; returns (version, problems)."""
        problems = []
        # status first: it meets the database as the killed process left it.
        st = strata.run("status", "--format", "json")
        if st.code != 0:
            problems.append("strata status exited %d: %s" % (st.code, st.err.strip()))
            status = None
        else:
            status = json.loads(st.out)
        found = db.versions()
        version = found[-1] if found else None
        if found != versions[:len(found)]:
            problems.append("version table is not a prefix of the chain: %s" % found)
            return version, problems
        if version is None:
            problems.append("no version recorded (the baseline was)")
            return version, problems
        ins = strata.run("inspect", "--format", "yaml")
        if ins.code != 0:
            problems.append("strata inspect exited %d: %s" % (ins.code, ins.err.strip()))
        else:
            schema = common.normalized_inspect(ins.out)
            if schema != expected[version][0]:
                problems.append("schema differs from the expected one at %s: %s"
                                % (version, common.first_difference(expected[version][0], schema)))
        counts = engine.row_counts(db)
        if counts != expected[version][1]:
            diff = {t: (expected[version][1].get(t), counts.get(t))
                    for t in set(counts) | set(expected[version][1]) if counts.get(t) != expected[version][1].get(t)}
            problems.append("row counts differ from the expected ones at %s (expected, found): %s" % (version, diff))
        fp = engine.seeded_fingerprint(db)
        if fp != seeded_expected:
            problems.append("seeded rows changed: expected %s, found %s" % (seeded_expected, fp))
        if status is not None:
            pending = [common.version_of(f) for f in status["pending"]]
            if status["current"] != version:
                problems.append("status says current %s, the version table %s" % (status["current"], version))
            if pending != versions[len(found):]:
                problems.append("status pending %s, expected %s" % (status["pending"], versions[len(found):]))
            if status["drift"] is None:
                problems.append("status cannot tell the drift")
            for key in ("drift", "edited", "missing", "out_of_order", "sum_problems"):
                if status[key]:
                    problems.append("status %s: %s" % (key, status[key]))
        return version, problems

    work = None
    passes = 0
    kills_done = mid = moved = finished_early = reruns = 0
    failures = []
    for n, delay in enumerate(delays, start=1):
        if work is None or (work.versions() or [None])[-1] == versions[-1]:
            if work is not None:
                engine.discard(work)
            work = engine.copy(pristine, "work")
            common.write_project(project, work.url)
            passes += 1
        before = (work.versions() or [None])[-1]
        p = strata.start("apply")
        try:
            p.wait(timeout=delay)
            ended = True
        except subprocess.TimeoutExpired:
            ended = False
        landed_mid = False
        waited = None
        if not ended:
            p.send_signal(signal.SIGKILL)
            p.wait()
            if dialect == "sqlite":
                landed_mid = work.hot_journal()
            else:
                landed_mid = bool(work.strata_backends(in_transaction=True))
                # The server notices the dead client and rolls its transaction
                # back; until then it still holds its locks.
                waited = work.wait_no_strata(30)
        out, err = p.communicate()
        problems = []
        if ended:
            finished_early += 1
            if p.returncode != 0:
                problems.append("apply ended by itself with exit %d: %s" % (p.returncode, err.strip()))
        else:
            kills_done += 1
            if waited is None and dialect == "postgresql":
                problems.append("strata's session was still on the server 30 s after the kill")
        version, found_problems = check_state(work)
        problems += found_problems
        if ended and p.returncode == 0 and version != versions[-1]:
            problems.append("apply exited 0 but the database is at %s, not at head" % version)
        if not ended:
            mid += landed_mid
            moved += version != before
        rerun = ""
        if not ended and not problems and version == before and version != versions[-1]:
            # The kill came before the interrupted migration could finish; its
            # rerun, uninterrupted, must complete it (and the walk along the
            # chain goes on even past migrations slower than any delay).
            following = versions[versions.index(version) + 1]
            r = strata.run("apply", "--to", following)
            found_after = (work.versions() or [None])[-1]
            if r.code != 0 or found_after != following:
                problems.append("the rerun (apply --to %s) exited %d at %s: %s"
                                % (following, r.code, found_after, r.err.strip()))
            else:
                reruns += 1
                rerun = "  rerun -> %s ok" % following
        what = ("apply finished before the kill" if ended else
                ("mid-migration" if landed_mid else
                 "between migrations" if dialect == "sqlite" else "no open transaction seen")
                + (", version moved" if version != before else ""))
        log("kill %3d  delay %.3f s  %s -> %s  %s  %s%s%s" % (
            n, delay, before, version, what, "FAIL" if problems else "ok", rerun,
            "" if waited is None else "  (server session gone after %.2f s)" % waited))
        for problem in problems:
            log("    " + problem)
            failures.append("kill %d: %s" % (n, problem))
        if problems and version is None:
            work = None  # start over from the baseline

    # The last rerun completes the chain.
    if work is not None:
        r = strata.run("apply")
        version, problems = check_state(work)
        if r.code != 0:
            problems.insert(0, "the final apply exited %d: %s" % (r.code, r.err.strip()))
        if version != versions[-1]:
            problems.append("the final apply left the database at %s, not at head" % version)
        log("final apply: %s -> exit %d, %s" % (version, r.code, "FAIL" if problems else "ok, at head"))
        for problem in problems:
            log("    " + problem)
            failures.append("final: " + problem)

    log("summary: dialect %s, seed %d: %d kill points, %d kills (%d landed mid-migration, %d moved the version), "
        "%d applies finished before their kill, %d uninterrupted reruns, %d passes over the chain, %d failures"
        % (dialect, args.seed, len(delays), kills_done, mid, moved, finished_early, reruns, passes, len(failures)))
    return failures


if __name__ == "__main__":
    sys.exit(main())
