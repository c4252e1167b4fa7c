#!/usr/bin/env python3
"""PostgreSQL server faults during strata apply.

    faults.py [--url PG_URL] [--strata PATH] [--only terminate,restart,unreachable]

The chain has five migrations; the third creates a table and then runs
`SELECT pg_sleep(n)`, with n read from a table (60 while a fault is injected,
0 for the rerun), so that the fault always lands inside that migration.

  terminate    the connection is cut mid-migration: pg_terminate_backend on
               strata's session (found in pg_stat_activity by its
               application_name, "strata", and its query);
  restart      the server restarts mid-migration (pg_ctl restart -m fast);
  unreachable  the server is not there at all (a closed port).

For terminate and restart: strata exits 4 or 5 within a few seconds, its
message names the migration's file, the database records version 2 with
exactly the schema `strata apply --to 2` gives (the third migration left
nothing behind), `strata status` reports no drift, and a rerun completes the
chain. For unreachable: exit 4 within 5 seconds, with a message naming host and
port and saying what to check.

The restart test restarts a server of its own (tests/pg-server.sh start, stop
at the end), never the shared one of STRATA_TEST_PG_URL: other tests' sessions
on the shared server would not survive a restart. Every other test works in a
database created for it and dropped at the end.

Exit 0 when all checks passed, 1 otherwise, 77 (skipped) without
STRATA_TEST_PG_URL (or --url).
"""

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import log  # noqa: E402

SLOW_FILE = "3_slow.sql"


def write_chain(migrations):
    files = {
        "1_knob.sql": "CREATE TABLE knob (seconds integer NOT NULL);\nINSERT INTO knob VALUES (0);",
        "2_team.sql": "CREATE TABLE team (id integer PRIMARY KEY, name text NOT NULL);\n"
                      "INSERT INTO team VALUES (1, 'one'), (2, 'two');",
        SLOW_FILE: "CREATE TABLE half (id integer PRIMARY KEY);\nINSERT INTO half VALUES (1);\n"
                   "ALTER TABLE team ADD COLUMN motto text;\nSELECT pg_sleep((SELECT seconds FROM knob));",
        "4_index.sql": "CREATE INDEX ix_team_name ON team (name);",
        "5_last.sql": "CREATE TABLE last (id integer);",
    }
    downs = {
        "1_knob.sql": "DROP TABLE knob;",
        "2_team.sql": "DROP TABLE team;",
        SLOW_FILE: "ALTER TABLE team DROP COLUMN motto;\nDROP TABLE half;",
        "4_index.sql": "DROP INDEX ix_team_name;",
        "5_last.sql": "DROP TABLE last;",
    }
    for name, up in files.items():
        (migrations / name).write_text("-- strata:up\n%s\n-- strata:down\n%s\n" % (up, downs[name]))


class Project:
    def __init__(self, workdir, strata_bin, db, label):
        self.db = db
        self.dir = workdir / label
        migrations = common.write_project(self.dir, db.url)
        write_chain(migrations)
        self.strata = common.Strata(strata_bin, self.dir)
        self.strata.run("hash", check=True)


def expected_schema_at_2(workdir, strata_bin, server_url):
    db = common.PgDb.create(server_url, "strata_faults")
    try:
        p = Project(workdir, strata_bin, db, "expected")
        p.strata.run("apply", "--to", "2", check=True)
        return common.normalized_inspect(p.strata.inspect())
    finally:
        db.drop()


def wait_in_slow_migration(db, proc, limit=30):
    """The server pid of strata's session once it sleeps in the third migration."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        rows = db.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND application_name = 'strata' AND query LIKE '%pg_sleep%'")
        if rows:
            return int(rows[0][0])
        time.sleep(0.05)
    return None


def fault_run(name, workdir, strata_bin, server_url, expected2, inject):
    """One fault during the third migration, then every check; returns problems."""
    db = common.PgDb.create(server_url, "strata_faults")
    problems = []
    try:
        p = Project(workdir, strata_bin, db, name)
        p.strata.run("apply", "--to", "1", check=True)
        db.query("UPDATE knob SET seconds = 60")
        proc = p.strata.start("apply")
        pid = wait_in_slow_migration(db, proc)
        if pid is None:
            proc.kill()
            proc.communicate()
            return ["strata never reached the slow migration"]
        injected = time.monotonic()
        inject(db, pid)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            problems.append("strata did not exit within 30 s of the fault (hang)")
        seconds = time.monotonic() - injected
        code = proc.returncode
        log("%-11s strata exited %s %.2f s after the fault; stderr:" % (name, code, seconds))
        for line in err.strip().splitlines():
            log("    | " + line)
        if code not in (4, 5):
            problems.append("exit code %s, expected 4 or 5" % code)
        if SLOW_FILE not in err:
            problems.append("the message does not name %s" % SLOW_FILE)
        db.query("UPDATE knob SET seconds = 0")
        versions = db.versions()
        if versions != ["1", "2"]:
            problems.append("versions recorded after the fault: %s, expected ['1', '2']" % versions)
        schema = common.normalized_inspect(p.strata.inspect())
        if schema != expected2:
            problems.append("schema after the fault differs from the one at version 2: %s"
                            % common.first_difference(expected2, schema))
        status = p.strata.status()
        if status["current"] != "2" or status["drift"]:
            problems.append("status after the fault: current %s, drift %s" % (status["current"], status["drift"]))
        rerun = p.strata.run("apply")
        if rerun.code != 0 or db.versions() != ["1", "2", "3", "4", "5"]:
            problems.append("the rerun: %s; versions %s" % (rerun.describe(), db.versions()))
        log("%-11s database at %s after the fault (schema %s), rerun exit %d -> %s  %s"
            % (name, versions[-1] if versions else "base", "as expected" if schema == expected2 else "DIFFERENT",
               rerun.code, db.versions()[-1] if db.versions() else "base", "FAIL" if problems else "ok"))
    finally:
        db.drop()
    for pr in problems:
        log("    " + pr)
    return problems


def terminate(workdir, strata_bin, server_url, expected2):
    def inject(db, pid):
        db.query("SELECT pg_terminate_backend(%d)" % pid)
    return fault_run("terminate", workdir, strata_bin, server_url, expected2, inject)


def pg_ctl():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return found[-1] if found else shutil.which("pg_ctl")


def as_server_user(argv):
    return (["runuser", "-u", "postgres", "--"] + argv) if os.geteuid() == 0 else argv


def restart(workdir, strata_bin):
    """On a server of its own: a restart of the shared one would cut every other test's sessions."""
    script = str(common.REPO / "tests" / "pg-server.sh")
    started = subprocess.run(["bash", script, "start"], capture_output=True, text=True)
    if started.returncode != 0:
        return ["could not start a server of its own: %s" % started.stderr.strip()]
    env = dict(line.replace("export ", "", 1).split("=", 1) for line in started.stdout.splitlines()
               if line.startswith("export "))
    url, data = env["STRATA_TEST_PG_URL"], env["STRATA_TEST_PG_DIR"]
    try:
        expected2 = expected_schema_at_2(workdir, strata_bin, url)

        def inject(db, pid):
            # The restarted server must not inherit a pipe of ours: it would
            # hold it open for as long as it runs. Its log goes where
            # pg-server.sh put it.
            r = subprocess.run(as_server_user([pg_ctl(), "-D", data + "/data", "-l", data + "/server.log", "-m", "fast",
                                               "-w", "-t", "60", "restart"]),
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode != 0:
                raise AssertionError("pg_ctl restart failed (exit %d); see %s/server.log" % (r.returncode, data))
        return fault_run("restart", workdir, strata_bin, url, expected2, inject)
    finally:
        subprocess.run(["bash", script, "stop", data], capture_output=True)


def unreachable(workdir, strata_bin):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    project = workdir / "unreachable"
    migrations = common.write_project(project, "postgresql://postgres@127.0.0.1:%d/app" % port)
    write_chain(migrations)
    strata = common.Strata(strata_bin, project)
    strata.run("hash", check=True)
    problems = []
    r = strata.run("apply", timeout=60)
    log("unreachable strata apply exited %d in %.2f s; stderr:" % (r.code, r.seconds))
    for line in r.err.strip().splitlines():
        log("    | " + line)
    if r.code != 4:
        problems.append("exit code %d, expected 4" % r.code)
    if r.seconds > 5:
        problems.append("took %.1f s, more than 5 s" % r.seconds)
    if "127.0.0.1" not in r.err or str(port) not in r.err:
        problems.append("the message does not name host and port")
    if "Is the server running" not in r.err and "check" not in r.err:
        problems.append("the message does not say what to check")
    log("unreachable %s" % ("FAIL" if problems else "ok"))
    for pr in problems:
        log("    " + pr)
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="PostgreSQL server URL (default: STRATA_TEST_PG_URL)")
    ap.add_argument("--strata", default=common.default_strata())
    ap.add_argument("--only", default="terminate,restart,unreachable")
    args = ap.parse_args()
    server_url = args.url or common.pg_server_from_env()
    which = args.only.split(",")
    started = time.monotonic()
    workdir = common.make_tempdir("strata-faults-")
    failures = []
    try:
        if "terminate" in which:
            expected2 = expected_schema_at_2(workdir, args.strata, server_url)
            failures += ["terminate: " + p for p in terminate(workdir, args.strata, server_url, expected2)]
        if "restart" in which:
            failures += ["restart: " + p for p in restart(workdir, args.strata)]
        if "unreachable" in which:
            failures += ["unreachable: " + p for p in unreachable(workdir, args.strata)]
    except AssertionError as e:
        failures.append(str(e))
        log("FAIL: %s" % e)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    log("summary: faults %s: %d failures, wall time %.1f s" % (",".join(which), len(failures),
                                                               time.monotonic() - started))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
