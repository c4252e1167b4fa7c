#!/usr/bin/env python3
"""Concurrent appliers: many strata processes on one database at once.

    concurrency.py --dialect sqlite|postgresql [--rounds 20] [--procs 8] [--seed S] [--strata PATH] [--url PG_URL]

Every round starts from a fresh database and starts --procs strata processes at
the same moment. Most rounds are all `strata apply`; every third round (and
others chosen by the seeded generator) starts from a version part-way along the
chain and mixes `strata apply`, `strata rollback --steps 1` and `strata status`.
After each round:
  * every process exited 0 (a lock error, a timeout or an internal error is a
    failure: waiting is the job, failing is not);
  * the version table holds each version at most once and is a prefix of the
    chain, the schema (`strata inspect`) equals the expected one at that version,
    and the table that every migration adds one row to holds exactly one row
    per applied version (no migration ran twice, none ran half);
  * all-apply rounds end at head; mixed rounds are then brought to head by one
    more `strata apply` and checked again.
Each process's wall time is measured from the common start; the longest is the
longest wait for the lock. The lines strata prints while it waits for another
process are counted, and one is shown.

Then the lock holder dies: `strata apply` is killed with SIGKILL in the middle
of a slow migration (SQLite: a long UPDATE holding the write lock; PostgreSQL:
a pg_sleep of 60 s holding the advisory lock), and the next `strata apply` must
complete the chain within --bound seconds (default 30).

Exit 0 when all checks passed, 1 otherwise, 77 (skipped) for PostgreSQL without
a server URL.
"""

import argparse
import os
import random
import re
import shutil
import signal
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import log  # noqa: E402

CHAIN_LENGTH = 8
# What apply says when another process rolled back under it (it plans again),
# and what a rollback says when an apply got a newer migration in first.
REPLANNED = "the recorded versions changed while this apply ran"
RACED_ROLLBACK = "another strata process changed the recorded versions since this rollback read them"
# Everything else strata may print on stderr in a successful run.
EXPECTED_LINE = re.compile(r"(applied |skipped |rolled back |waiting for |up to date at |nothing to roll back|"
                           r"\d+ migrations? (applied|rolled back), now at |" + re.escape(REPLANNED) + ")")


def write_chain(migrations, dialect):
    """Eight migrations; each adds its own row to `runs` (and takes it away in
    its down section), two of them take a while so that the others queue."""
    slow_pg = "SELECT pg_sleep(0.3);\n" if dialect == "postgresql" else ""
    for n in range(1, CHAIN_LENGTH + 1):
        up, down = [], []
        if n == 1:
            up.append("CREATE TABLE runs (version integer NOT NULL)")
        up.append("INSERT INTO runs (version) VALUES (%d)" % n)
        up.append("CREATE TABLE t%d (id integer PRIMARY KEY, v text)" % n)
        if n == 3:  # rows to work on
            up.append("CREATE TABLE filler (id integer PRIMARY KEY, v text NOT NULL)")
            up.append("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 150000) "
                      "INSERT INTO filler (id, v) SELECT i, 'v' || i FROM s")
            down.append("DROP TABLE filler")
        if n == 6:  # a slow one
            up.append("UPDATE filler SET v = v || '-' || id")
            up.append("CREATE INDEX ix_filler_v ON filler (v)")
            down.append("DROP INDEX ix_filler_v")
        down.append("DROP TABLE t%d" % n)
        down.append("DELETE FROM runs WHERE version = %d" % n)
        if n == 1:
            down.append("DROP TABLE runs")
        body = "-- migration %d\n\n-- strata:up\n%s%s\n\n-- strata:down\n%s\n" % (
            n, slow_pg if n in (3, 6) else "", "\n".join(s + ";" for s in up), "\n".join(s + ";" for s in down))
        (migrations / ("%d_m%d.sql" % (n, n))).write_text(body)


class Databases:
    """Fresh databases for the rounds; PostgreSQL ones are dropped at the end."""

    def __init__(self, dialect, workdir, server_url):
        self.dialect, self.workdir, self.server_url = dialect, workdir, server_url
        self.live = []

    def fresh(self, label):
        if self.dialect == "sqlite":
            db = common.SqliteDb(self.workdir / (label + ".db"))
            db.remove()
            # An empty database file, so that rollback and status find one.
            db.query("CREATE TABLE scratch (x integer); DROP TABLE scratch;")
            return db
        db = common.PgDb.create(self.server_url, "strata_conc")
        self.live.append(db)
        return db

    def discard(self, db):
        if self.dialect == "sqlite":
            db.remove()
        else:
            db.drop()
            self.live.remove(db)

    def cleanup(self):
        for db in list(self.live):
            db.drop()
        self.live.clear()


def check_consistent(db, strata, versions, expected):
    """The version table, the schema and the runs table agree; returns (version, problems)."""
    problems = []
    found = db.versions()
    if len(found) != len(set(found)):
        problems.append("a version is recorded twice: %s" % found)
    if found != versions[:len(found)]:
        problems.append("version table is not a prefix of the chain: %s" % found)
        return (found[-1] if found else None), problems
    version = found[-1] if found else None
    r = strata.run("inspect", "--format", "yaml")
    if r.code != 0:
        problems.append("strata inspect exited %d: %s" % (r.code, r.err.strip()))
    elif common.normalized_inspect(r.out) != expected[version]:
        problems.append("schema differs from the expected one at %s: %s"
                        % (version, common.first_difference(expected[version], common.normalized_inspect(r.out))))
    if found:
        runs = db.query("SELECT version, count(*) FROM runs GROUP BY version ORDER BY version")
        got = {int(v): int(c) for v, c in runs}
        want = {int(v): 1 for v in found}
        if got != want:
            problems.append("runs table (version: rows) is %s, expected one row for each of %s" % (got, found))
    return version, problems


def run_round(n, mixed, rng, dbs, project, strata, args, versions, expected):
    db = dbs.fresh("round")
    common.write_project(project, db.url)
    start_at = None
    if mixed:
        start_at = rng.randrange(1, len(versions))  # 1..len-1 migrations applied first
        strata.run("apply", "--to", versions[start_at - 1], check=True)
        roles = ["apply"] * (args.procs - 3) + ["rollback", "rollback", "status"]
        rng.shuffle(roles)
    else:
        roles = ["apply"] * args.procs
    commands = {"apply": ["apply"], "rollback": ["rollback", "--steps", "1"], "status": ["status"]}
    t0 = time.monotonic()
    procs = [(role, strata.start(*commands[role])) for role in roles]
    results = []
    for role, p in procs:
        try:
            out, err = p.communicate(timeout=args.timeout)
        except Exception:
            p.kill()
            out, err = p.communicate()
            results.append((role, None, time.monotonic() - t0, err))
            continue
        results.append((role, p.returncode, time.monotonic() - t0, err))
    problems = []
    waits = []
    refused = 0
    for i, (role, code, seconds, err) in enumerate(results):
        waits.append(seconds)
        if code is None:
            problems.append("process %d (%s) did not finish within %d s (hang)" % (i, role, args.timeout))
        elif role == "rollback" and code == 5 and RACED_ROLLBACK in err and err.count("error:") == 1:
            # A rollback that raced an apply: what it meant to undo is no
            # longer the newest migration, so it stops without running anything.
            refused += 1
        elif code != 0:
            problems.append("process %d (%s) exited %d: %s" % (i, role, code, err.strip()))
        else:
            unexpected = [line for line in err.splitlines() if not EXPECTED_LINE.match(line)]
            if unexpected:
                problems.append("process %d (%s) exited 0 but said: %s" % (i, role, "\n".join(unexpected)))
    wait_lines = [line for _, _, _, err in results for line in err.splitlines() if line.startswith("waiting for")]
    version, found = check_consistent(db, strata, versions, expected)
    problems += found
    ended = "ended at %s" % version
    if mixed:
        # Rollbacks may have had the last word; one more apply brings it to head.
        r = strata.run("apply")
        if r.code != 0:
            problems.append("the apply after the mixed round exited %d: %s" % (r.code, r.err.strip()))
        version, found = check_consistent(db, strata, versions, expected)
        problems += found
        ended += ", then apply -> %s" % version
    if version != versions[-1]:
        problems.append("the round ended at %s, not at head" % version)
    applied = sum(1 for _, _, _, err in results for line in err.splitlines() if line.startswith("applied "))
    rolled = sum(1 for _, _, _, err in results for line in err.splitlines() if line.startswith("rolled back "))
    replanned = sum(err.count(REPLANNED) for _, _, _, err in results)
    mix = ("from %s: %s" % (versions[start_at - 1], "".join(role[0] for role, _, _, _ in results))) if mixed else "all apply"
    raced = (", %d re-planned, %d rollbacks refused" % (replanned, refused)) if mixed else ""
    log("round %2d  %-16s  ran %2d up, %d down%s  wait max %5.2f s, median %5.2f s  wait notices %2d  %s  %s"
        % (n, mix, applied, rolled, raced, max(waits), sorted(waits)[len(waits) // 2], len(wait_lines), ended,
           "FAIL" if problems else "ok"))
    log("          wall times: " + "  ".join("%s %.2f" % (role, seconds) for role, _, seconds, _ in results))
    for p in problems:
        log("    " + p)
    dbs.discard(db)
    return problems, max(waits), wait_lines, replanned, refused


def kill_holder(dialect, dbs, workdir, strata_bin, bound):
    """SIGKILL the applier that holds the lock; the next apply must finish within bound seconds."""
    project = workdir / "holder"
    if project.exists():
        shutil.rmtree(project)
    db = dbs.fresh("holder")
    migrations = common.write_project(project, db.url)
    if dialect == "postgresql":
        # The killed run sleeps 60 s on the server; the rerun reads 0 from knob.
        (migrations / "1_knob.sql").write_text(
            "-- strata:up\nCREATE TABLE knob (seconds integer NOT NULL);\nINSERT INTO knob VALUES (0);\n"
            "-- strata:down\nDROP TABLE knob;\n")
        (migrations / "2_slow.sql").write_text(
            "-- strata:up\nCREATE TABLE slow (id integer);\nSELECT pg_sleep((SELECT seconds FROM knob));\n"
            "-- strata:down\nDROP TABLE slow;\n")
    else:
        (migrations / "1_knob.sql").write_text(
            "-- strata:up\nCREATE TABLE filler (id integer PRIMARY KEY, v text NOT NULL);\n"
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300000) "
            "INSERT INTO filler (id, v) SELECT i, printf('%040d', i) FROM s;\n"
            "-- strata:down\nDROP TABLE filler;\n")
        (migrations / "2_slow.sql").write_text(
            "-- strata:up\nCREATE TABLE slow (id integer);\n" +
            "".join("UPDATE filler SET v = %s(v) || '%d';\n" % ("upper" if i % 2 else "lower", i) for i in range(12)) +
            "-- strata:down\nDROP TABLE slow;\n")
    strata = common.Strata(strata_bin, project)
    strata.run("hash", check=True)
    strata.run("apply", "--to", "1", check=True)
    if dialect == "postgresql":
        db.query("UPDATE knob SET seconds = 60")
    p = strata.start("apply")
    # Wait until it is inside the slow migration, holding the lock.
    deadline = time.monotonic() + 30
    inside = False
    while time.monotonic() < deadline and p.poll() is None:
        if dialect == "postgresql":
            inside = bool(db.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND application_name = 'strata' AND query LIKE '%pg_sleep%'"))
        else:
            inside = db.hot_journal()
        if inside:
            break
        time.sleep(0.05)
    problems = []
    if not inside:
        p.kill()
        p.communicate()
        dbs.discard(db)
        return ["the applier never reached the slow migration"], None
    time.sleep(0.5)
    p.send_signal(signal.SIGKILL)
    p.communicate()
    if dialect == "postgresql":
        db.query("UPDATE knob SET seconds = 0")
    r = strata.run("apply", timeout=max(bound * 4, 120))
    if r.code != 0:
        problems.append("the apply after the kill exited %d: %s" % (r.code, r.err.strip()))
    if r.seconds > bound:
        problems.append("the apply after the kill took %.1f s, more than %d s" % (r.seconds, bound))
    if db.versions() != ["1", "2"]:
        problems.append("after the kill and the rerun the versions are %s" % db.versions())
    log("kill the lock holder: SIGKILL in the slow migration, the next apply finished in %.2f s (bound %d s), "
        "exit %d  %s" % (r.seconds, bound, r.code, "FAIL" if problems else "ok"))
    for line in r.err.splitlines():
        log("    | " + line)
    for pr in problems:
        log("    " + pr)
    dbs.discard(db)
    return problems, r.seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dialect", choices=["sqlite", "postgresql"], required=True)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--procs", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--strata", default=common.default_strata())
    ap.add_argument("--url", help="PostgreSQL server URL (default: STRATA_TEST_PG_URL)")
    ap.add_argument("--timeout", type=int, default=180, help="seconds before a process counts as hung")
    ap.add_argument("--bound", type=int, default=30, help="seconds the apply after a killed lock holder may take")
    args = ap.parse_args()
    server_url = (args.url or common.pg_server_from_env()) if args.dialect == "postgresql" else None
    started = time.monotonic()
    rng = random.Random(args.seed)
    workdir = common.make_tempdir("strata-concurrency-")
    dbs = Databases(args.dialect, workdir, server_url)
    failures = []
    max_wait = 0.0
    notices = []
    holder_seconds = None
    replans = refusals = 0
    try:
        project = workdir / "project"
        migrations = common.write_project(project, "sqlite:///unused.db")
        write_chain(migrations, args.dialect)
        strata = common.Strata(args.strata, project)
        strata.run("hash", check=True)
        versions = [common.version_of(f) for f in common.migration_files(migrations)]
        # Expected schema at every version (None: nothing applied).
        db = dbs.fresh("expected")
        common.write_project(project, db.url)
        expected = {None: common.normalized_inspect(strata.inspect())}
        for v in versions:
            strata.run("apply", "--to", v, check=True)
            expected[v] = common.normalized_inspect(strata.inspect())
        dbs.discard(db)
        log("concurrency: dialect %s, %d rounds of %d processes, seed %d, chain of %d migrations"
            % (args.dialect, args.rounds, args.procs, args.seed, len(versions)))
        for n in range(1, args.rounds + 1):
            mixed = n % 3 == 0 or rng.random() < 0.15
            problems, wait, lines, replanned, refused = run_round(n, mixed, rng, dbs, project, strata, args,
                                                                 versions, expected)
            replans += replanned
            refusals += refused
            failures += ["round %d: %s" % (n, p) for p in problems]
            max_wait = max(max_wait, wait)
            notices += lines
        problems, holder_seconds = kill_holder(args.dialect, dbs, workdir, args.strata, args.bound)
        failures += problems
    except AssertionError as e:
        failures.append("setup: %s" % e)
        log("FAIL setup: %s" % e)
    finally:
        dbs.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    if notices:
        log("what a waiting process prints (%d such lines in all), e.g.:\n    %s" % (len(notices), notices[0]))
    log("summary: dialect %s: %d rounds x %d processes, longest process wall time (max wait) %.2f s, "
        "%d applies re-planned after a concurrent rollback, %d rollbacks refused after a concurrent apply, "
        "apply after a killed lock holder %s, %d failures, wall time %.1f s"
        % (args.dialect, args.rounds, args.procs, max_wait, replans, refusals,
           "%.2f s" % holder_seconds if holder_seconds is not None else "n/a", len(failures),
           time.monotonic() - started))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
