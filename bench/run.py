#!/usr/bin/env python3
"""strata's benchmark suite.

    bench/run.py [--sizes 100,1000] [--dialects sqlite,postgresql] [--runs K]
                 [--peers | --no-peers] [--slow-peers] [--scenarios plan,inspect,...]
                 [--tools strata,alembic,...] [--full] [--strata PATH] [--pg-url URL]
                 [--out results.json]

Scenarios (all timed end to end, process start to exit, unless said otherwise):

  plan      the database holds the current schema, the schema files the mutated
            one; strata plan.  Peers: Alembic's autogenerate comparison (in-process
            time of compare_metadata, see alembic_compare.py) and migra (two live
            PostgreSQL databases, current and mutated).
  inspect   strata inspect of the whole current database.
  revision  strata revision of the same change; the migrations directory holds a
            baseline that builds the current schema.
  apply     1,000 small versioned migrations applied to an empty database, by
            strata apply and by dbmate.
  startup   strata --version (and /bin/true, the cost of starting any process here),
            per call, from a shell loop of 50 calls.
  rebuild   SQLite: a table of 1,000,000 rows gets a CHECK, which forces a table
            rebuild: strata apply of the migration strata revision wrote, strata plan
            piped into the sqlite3 shell, and the same rebuild written by hand and run
            by the sqlite3 shell.
  floor     PostgreSQL: the catalog queries of strata's introspector (read from
            src/dialect/postgresql/introspector.cpp) timed alone on a warm
            connection, every row fetched (pg_floor.py); strata plan and inspect
            are reported as multiples of it.

Every figure is the median of --runs runs (default 5 up to 1,000 tables, 3 above);
max RSS is the largest of the runs, from GNU time's %M (the process's
ru_maxrss, taken without Python's own memory, see measure()).  Ratios
are computed within the run, pair by pair.

Correctness checks run on the way and stop the run when they fail: the current
schema plans empty against the current database, the mutated one does not, inspect
lists every table, revision writes a file, every applier records all migrations,
and the rebuild keeps every row and adds the check.
"""

import argparse
import datetime
import glob
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import generate  # noqa: E402

ALL_SCENARIOS = ["plan", "inspect", "revision", "apply", "startup", "rebuild", "floor"]
ALL_TOOLS = ["strata", "alembic", "migra", "dbmate", "sqlite3"]
PEER_TOOLS = {"alembic", "migra", "dbmate"}
QUICK_SIZES = [100]
FULL_SIZES = [100, 1000, 5000, 10000]
ALEMBIC_LIMIT = {"sqlite": 5000, "postgresql": 1000}


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes

def strata_env():
    env = dict(os.environ)
    for k in list(env):
        if k in ("DATABASE_URL",) or k.startswith("STRATA_") or k.startswith("PG"):
            del env[k]
    return env


TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(cmd, stdout=None, stdin=None, cwd=None, env=None, check=True):
    """Runs cmd; returns (seconds, max RSS in MB, exit code, stderr).  stdout and
    stdin are file paths (stdout defaults to /dev/null).

    The wall time is taken here, from the start of the process to its exit.  The
    max RSS comes from GNU time (-f %M), which runs the command as its child: a
    child forked straight from Python would report Python's own RSS, since Linux
    counts the memory a process had before exec in its ru_maxrss.  Without GNU
    time, os.wait4's ru_maxrss is used, and small figures are then Python's."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL
    inp = open(stdin, "rb") if stdin else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    rssfile = tempfile.NamedTemporaryFile(prefix="bench-rss-", delete=False) if TIME else None
    full = [TIME, "-f", "%M", "-o", rssfile.name] + list(cmd) if TIME else list(cmd)
    try:
        start = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stdin=inp, stderr=err, cwd=cwd, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()
        if stdin:
            inp.close()
    rss = usage.ru_maxrss / 1024.0
    if rssfile:
        lines = open(rssfile.name).read().split()
        rssfile.close()
        os.unlink(rssfile.name)
        if lines and lines[-1].isdigit():
            rss = int(lines[-1]) / 1024.0
    err.seek(0)
    errtext = err.read().decode("utf-8", "replace")
    err.close()
    if check and p.returncode != 0:
        raise BenchError("command failed (exit %d): %s\n%s" % (p.returncode, " ".join(cmd), errtext[-3000:]))
    return seconds, rss, p.returncode, errtext


def run(cmd, **kw):
    """Runs a setup command, not timed; returns its stdout."""
    kw.setdefault("check", True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    return r.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------- results

class Results:
    def __init__(self):
        self.rows = []
        self.comparisons = []
        self.notes = []

    def add(self, scenario, dialect, n, tool, times, rss, **extra):
        row = {"scenario": scenario, "dialect": dialect, "n": n, "tool": tool,
               "runs": [round(t, 6) for t in times], "median_s": statistics.median(times),
               "max_rss_mb": round(max(rss), 1) if rss else None}
        row.update(extra)
        self.rows.append(row)
        log("  %-9s %-10s %-7s %-28s median %.4f s%s" % (
            scenario, dialect, "" if n is None else n, tool, row["median_s"],
            "" if row["max_rss_mb"] is None else "  max RSS %.1f MB" % row["max_rss_mb"]))
        return row

    def find(self, scenario, dialect, n, tool):
        for r in self.rows:
            if (r["scenario"], r["dialect"], r["n"], r["tool"]) == (scenario, dialect, n, tool):
                return r
        return None

    def compare(self, what, num_row, den_row, note, attach=None):
        """Records num / den; shows the ratio on num_row (or attach) in the table."""
        if not num_row or not den_row or not den_row["median_s"]:
            return
        ratio = num_row["median_s"] / den_row["median_s"]
        self.comparisons.append({"what": what, "ratio": ratio, "numerator": num_row["tool"],
                                 "denominator": den_row["tool"], "scenario": num_row["scenario"],
                                 "dialect": num_row["dialect"], "n": num_row["n"], "note": note})
        row = num_row if attach is None else attach
        row.setdefault("ratio", ratio)
        row.setdefault("ratio_note", note)

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)
            log("note: " + text)


# ---------------------------------------------------------------- PostgreSQL helpers

class Pg:
    def __init__(self, url):
        self.url = url
        self.parts = urllib.parse.urlsplit(url)

    def db_url(self, db, scheme=None, query=None):
        p = self.parts
        return urllib.parse.urlunsplit((scheme or p.scheme, p.netloc, "/" + db,
                                        query if query is not None else p.query, ""))

    def psql(self, db, *args, **kw):
        return run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.db_url(db)] + list(args), **kw)

    def scalar(self, db, sql):
        return run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", self.db_url(db), "-c", sql]).strip()

    def recreate(self, db):
        self.psql("postgres", "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db, "-c", "CREATE DATABASE %s" % db)

    def exists(self, db):
        return self.scalar("postgres", "SELECT count(*) FROM pg_database WHERE datname = '%s'" % db) == "1"

    def version(self):
        return self.scalar("postgres", "SHOW server_version")


# ---------------------------------------------------------------- the suite

class Bench:
    def __init__(self, args):
        self.args = args
        self.results = Results()
        self.work = os.path.abspath(args.work)
        self.reset_work(args.fresh)
        self.strata = os.path.abspath(args.strata)
        self.env = strata_env()
        self.scratch = os.path.join(self.work, "cwd")  # no strata.toml here
        os.makedirs(self.scratch, exist_ok=True)
        self.pg = Pg(args.pg_url) if args.pg_url else None
        self.pg_ready = set()
        self.versions = {}
        self.peers_dir = os.path.abspath(args.peers_dir)

    # -- helpers

    def reset_work(self, fresh):
        """The working folder keeps generated schemas and databases between runs;
        it is emptied when the bench scripts change or with --fresh."""
        h = hashlib.sha256()
        for name in ("generate.py", "run.py"):
            with open(os.path.join(HERE, name), "rb") as f:
                h.update(f.read())
        stamp = os.path.join(self.work, "scripts.key")
        if fresh or not os.path.exists(stamp) or open(stamp).read() != h.hexdigest():
            shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work, exist_ok=True)
        with open(stamp, "w") as f:
            f.write(h.hexdigest())

    def runs_for(self, n):
        if self.args.runs:
            return self.args.runs
        return 5 if (n is None or n <= 1000) else 3

    def want(self, tool):
        if tool not in self.args.tools:
            return False
        if tool in PEER_TOOLS and not self.args.peers:
            return False
        return True

    def strata_cmd(self, *args):
        return [self.strata] + list(args)

    def url(self, dialect, n, which="current"):
        if dialect == "sqlite":
            return "sqlite:///" + self.sqlite_db(n, which)
        return self.pg.db_url(self.pg_db(n, which))

    def pg_db(self, n, which):
        return "bench_n%d_%s" % (n, which)

    def sqlite_db(self, n, which):
        return os.path.join(self.gen_dir(n), "%s.sqlite" % which)

    def gen_dir(self, n):
        return os.path.join(self.work, "n%d" % n)

    def migra_bin(self):
        p = os.path.join(self.peers_dir, "node_modules", ".bin", "migra")
        return p if os.path.exists(p) else None

    def dbmate_bin(self):
        found = sorted(glob.glob(os.path.join(self.peers_dir, "node_modules", "@dbmate", "*", "bin", "dbmate")))
        return found[0] if found else None

    # -- setup

    def generate(self, n):
        """The schema files and DDL of n tables (kept between runs with the same inputs)."""
        d = self.gen_dir(n)
        with open(os.path.join(HERE, "generate.py"), "rb") as f:
            key = hashlib.sha256(f.read() + b"%d/%d" % (n, self.args.seed)).hexdigest()
        stamp = os.path.join(d, "generated.key")
        if os.path.exists(stamp) and open(stamp).read() == key:
            return d
        shutil.rmtree(d, ignore_errors=True)
        log("generating %d tables (seed %d) in %s" % (n, self.args.seed, d))
        summary = generate.write_all(generate.generate(n, self.args.seed), d)
        log("generated: " + json.dumps(summary))
        with open(stamp, "w") as f:
            f.write(key)
        return d

    def create_sqlite(self, n, which):
        db = self.sqlite_db(n, which)
        if os.path.exists(db):
            return db
        log("creating SQLite database of the %s schema, %d tables" % (which, n))
        tmp = db + ".tmp"
        if os.path.exists(tmp):
            os.remove(tmp)
        run(["sqlite3", "-bail", tmp], stdin=open(os.path.join(self.gen_dir(n), "%s.sqlite.sql" % which)))
        os.rename(tmp, db)
        return db

    def create_pg(self, n, which):
        db = self.pg_db(n, which)
        if (n, which) in self.pg_ready:
            return db
        log("creating PostgreSQL database %s (%d tables)" % (db, n))
        self.pg.recreate(db)
        self.pg.psql(db, "-f", os.path.join(self.gen_dir(n), "%s.postgresql.sql" % which))
        self.pg_ready.add((n, which))
        if which == "mutated":
            self.check_mutated_db("postgresql", n)
        return db

    def prepare(self, dialect, n, which="current"):
        if dialect == "sqlite":
            return self.create_sqlite(n, which)
        return self.create_pg(n, which)

    # -- correctness

    def plan_exit(self, url, schema, out):
        """strata plan --exit-code; returns (exit code, plan text, stderr)."""
        _, _, rc, err = measure(self.strata_cmd("plan", "--exit-code", "--url", url, "--schema", schema),
                                stdout=out, cwd=self.scratch, env=self.env, check=False)
        return rc, open(out).read(), err

    def check_plans(self, dialect, n):
        """The current document plans empty against the database its DDL built;
        the mutated one does not; and once the plan has run, the mutated
        document plans empty (on a copy of the database)."""
        d = self.gen_dir(n)
        url = self.url(dialect, n)
        out = os.path.join(d, "check-plan-%s.sql" % dialect)
        current = os.path.join(d, "current", "schema.yaml")
        mutated = os.path.join(d, "mutated", "schema.yaml")
        rc, text, err = self.plan_exit(url, current, out)
        if rc != 0 or text.strip():
            raise BenchError("strata plan of the current schema against the database built from the generated "
                             "%s DDL is not empty (exit %d, %d bytes, %s):\n%s\n%s"
                             % (dialect, rc, len(text), out, text[:2000], err[-2000:]))
        plan = os.path.join(d, "check-plan-mutated-%s.sql" % dialect)
        rc, text, err = self.plan_exit(url, mutated, plan)
        if rc != 1 or not text.strip():
            raise BenchError("strata plan of the mutated schema is empty or failed (exit %d): %s" % (rc, err[-2000:]))
        statements = len(re.findall(r"^-- ", text, re.M))
        # Run the plan on a copy and plan again: nothing may be left to do.
        if dialect == "sqlite":
            copy = os.path.join(d, "converge.sqlite")
            shutil.copyfile(self.sqlite_db(n, "current"), copy)
            run(["sqlite3", "-bail", copy], stdin=open(plan))
            copy_url = "sqlite:///" + copy
        else:
            copy = "bench_n%d_converge" % n
            self.pg.psql("postgres", "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % copy,
                         "-c", "CREATE DATABASE %s TEMPLATE %s" % (copy, self.pg_db(n, "current")))
            self.pg.psql(copy, "-f", plan)
            copy_url = self.pg.db_url(copy)
        rc, text, err = self.plan_exit(copy_url, mutated, out)
        if rc != 0 or text.strip():
            raise BenchError("after running strata's plan (%s), strata plan of the mutated schema is still not empty "
                             "(exit %d):\n%s\n%s" % (plan, rc, text[:2000], err[-2000:]))
        if dialect == "sqlite":
            os.remove(copy)
        else:
            self.pg.psql("postgres", "-c", "DROP DATABASE %s WITH (FORCE)" % copy)
        log("check: %s, %d tables: the current schema plans empty; the mutated one plans %d statements, "
            "and empty once they ran" % (dialect, n, statements))

    def check_mutated_db(self, dialect, n):
        """The database built from the mutated DDL (for migra and the floor) matches the mutated document."""
        d = self.gen_dir(n)
        rc, text, err = self.plan_exit(self.url(dialect, n, "mutated"), os.path.join(d, "mutated", "schema.yaml"),
                                       os.path.join(d, "check-plan-mutated-db.sql"))
        if rc != 0 or text.strip():
            raise BenchError("strata plan of the mutated schema against the database built from the mutated DDL "
                             "is not empty (exit %d):\n%s\n%s" % (rc, text[:2000], err[-2000:]))

    # -- scenarios

    def scenario_plan(self, dialect, n):
        d = self.gen_dir(n)
        self.prepare(dialect, n)
        self.check_plans(dialect, n)
        runs = self.runs_for(n)
        strata_row = None
        if self.want("strata"):
            times, rss = [], []
            out = os.path.join(d, "plan-%s.sql" % dialect)
            for _ in range(runs):
                t, r, _, _ = measure(self.strata_cmd("plan", "--url", self.url(dialect, n), "--schema",
                                                     os.path.join(d, "mutated", "schema.yaml")),
                                     stdout=out, cwd=self.scratch, env=self.env)
                if not open(out).read().strip():
                    raise BenchError("strata plan printed an empty plan for the mutated schema")
                times.append(t)
                rss.append(r)
            strata_row = self.results.add("plan", dialect, n, "strata", times, rss,
                                          plan_bytes=os.path.getsize(out))
        if self.want("alembic"):
            if n > ALEMBIC_LIMIT[dialect] and not self.args.slow_peers:
                self.results.note("Alembic skipped for %s above %d tables (it takes minutes there); "
                                  "--slow-peers runs it" % (dialect, ALEMBIC_LIMIT[dialect]))
            else:
                self.plan_alembic(dialect, n, runs, strata_row)
        if dialect == "postgresql" and self.want("migra"):
            self.plan_migra(n, runs, strata_row)

    def plan_alembic(self, dialect, n, runs, strata_row):
        d = self.gen_dir(n)
        if dialect == "sqlite":
            url = "sqlite:///" + self.sqlite_db(n, "current")
        else:
            url = self.pg.db_url(self.pg_db(n, "current"), scheme="postgresql+psycopg2")
        cmd = [self.args.peer_python, os.path.join(HERE, "alembic_compare.py"), "--description",
               os.path.join(d, "description.json"), "--url", url, "--dialect", dialect]
        times, rss, diffs = [], [], None
        out = os.path.join(d, "alembic-%s.json" % dialect)
        for _ in range(runs):
            _, r, _, _ = measure(cmd, stdout=out, cwd=self.scratch)
            res = json.loads(open(out).read())
            if res["diffs"] == 0:
                raise BenchError("Alembic found no difference between the mutated MetaData and the database")
            times.append(res["seconds"])
            rss.append(r)
            diffs = res["diffs"]
            self.versions["alembic"] = "%s (SQLAlchemy %s)" % (res["alembic"], res["sqlalchemy"])
        self.results.note("Alembic: the time of compare_metadata(MigrationContext.configure(conn, "
                          "opts={'compare_type': True}), metadata) inside one Python process; the MetaData "
                          "of the mutated schema is built and the connection opened before the clock starts "
                          "(interpreter start and imports are not counted). strata is timed from process "
                          "start to exit.")
        row = self.results.add("plan", dialect, n, "alembic compare_metadata", times, rss, diffs=diffs)
        self.results.compare("plan %s %d: Alembic / strata" % (dialect, n), row, strata_row,
                             "alembic ÷ strata")

    def plan_migra(self, n, runs, strata_row):
        migra = self.migra_bin()
        if not migra:
            self.results.note("migra skipped: not installed under %s (bench/run.sh installs it)" % self.peers_dir)
            return
        self.prepare("postgresql", n, "mutated")
        d = self.gen_dir(n)
        out = os.path.join(d, "migra.sql")
        cmd = [migra, self.url("postgresql", n, "current"), self.url("postgresql", n, "mutated"), "--unsafe"]
        times, rss = [], []
        for _ in range(runs):
            t, r, _, _ = measure(cmd, stdout=out, cwd=self.scratch)
            if not re.search(r"^\s*(alter|create|drop)\b", open(out).read(), re.M | re.I):
                raise BenchError("migra printed no statement for the mutated schema")
            times.append(t)
            rss.append(r)
        row = self.results.add("plan", "postgresql", n, "migra", times, rss)
        self.results.compare("plan postgresql %d: migra / strata" % n, row, strata_row, "migra ÷ strata")

    def scenario_inspect(self, dialect, n):
        if not self.want("strata"):
            return
        self.prepare(dialect, n)
        out = os.path.join(self.gen_dir(n), "inspect-%s.yaml" % dialect)
        times, rss = [], []
        for _ in range(self.runs_for(n)):
            t, r, _, _ = measure(self.strata_cmd("inspect", "--url", self.url(dialect, n)), stdout=out,
                                 cwd=self.scratch, env=self.env)
            tables = len(re.findall(r"^  - name: ", open(out).read(), re.M))
            if tables != n:
                raise BenchError("strata inspect listed %d tables, the database has %d (%s)" % (tables, n, out))
            times.append(t)
            rss.append(r)
        self.results.add("inspect", dialect, n, "strata", times, rss)

    def baseline_migrations(self, dialect, n):
        """A migrations directory whose files build the current schema (200 tables a file)."""
        d = os.path.join(self.gen_dir(n), "revision-%s" % dialect, "migrations")
        if os.path.exists(os.path.join(d, "strata.sum")):
            return d
        os.makedirs(d, exist_ok=True)
        desc = json.load(open(os.path.join(self.gen_dir(n), "description.json")))
        tables = desc["current"]
        for k, start in enumerate(range(0, len(tables), generate.BATCH)):
            body = "\n".join(generate.create_table_sql(t, dialect) for t in tables[start:start + generate.BATCH])
            with open(os.path.join(d, "%d_baseline_%d.sql" % (20200101000000 + k, k + 1)), "w") as f:
                f.write("-- baseline part %d\n\n-- strata:up\n%s\n\n-- strata:down\n" % (k + 1, body))
        run(self.strata_cmd("hash", "--migrations-dir", d), cwd=self.scratch, env=self.env)
        return d

    def scenario_revision(self, dialect, n):
        if not self.want("strata"):
            return
        base = self.baseline_migrations(dialect, n)
        work = os.path.join(os.path.dirname(base), "run")
        if dialect == "sqlite":
            url = "sqlite:///" + os.path.join(os.path.dirname(base), "unused.sqlite")
        else:
            url = self.pg.db_url("postgres")
        schema = os.path.join(self.gen_dir(n), "mutated", "schema.yaml")
        out = os.path.join(os.path.dirname(base), "revision.out")
        times, rss = [], []
        for _ in range(self.runs_for(n)):
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(base, work)
            t, r, _, _ = measure(self.strata_cmd("revision", "-m", "bench change", "--allow-hazard", "all",
                                                 "--url", url, "--schema", schema, "--migrations-dir", work),
                                 stdout=out, cwd=self.scratch, env=self.env)
            written = [line.strip() for line in open(out) if line.strip()]
            body = open(written[-1]).read() if written and os.path.exists(written[-1]) else ""
            if "-- strata:up" not in body or len(body) < 200:
                raise BenchError("strata revision wrote no migration for the change (%s)" % out)
            times.append(t)
            rss.append(r)
        self.results.add("revision", dialect, n, "strata", times, rss)

    # -- apply: 1,000 small migrations

    def migrations(self):
        d = os.path.join(self.work, "apply-migrations-%d" % self.args.migrations)
        if os.path.exists(os.path.join(d, "strata", "strata.sum")):
            return os.path.join(d, "strata"), os.path.join(d, "dbmate")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "strata"))
        os.makedirs(os.path.join(d, "dbmate"))
        for i in range(1, self.args.migrations + 1):
            k, j = (i - 1) // 10, (i - 1) % 10
            t = "m_%04d" % k
            if j == 0:
                up = ("CREATE TABLE %s (id integer NOT NULL PRIMARY KEY, name varchar(80) NOT NULL, "
                      "created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);" % t)
                down, name = "DROP TABLE %s;" % t, "create_" + t
            elif j % 3 == 1:
                up = "ALTER TABLE %s ADD COLUMN c%d integer NOT NULL DEFAULT 0;" % (t, j)
                down, name = "ALTER TABLE %s DROP COLUMN c%d;" % (t, j), "add_%s_c%d" % (t, j)
            elif j % 3 == 2:
                up = "CREATE INDEX ix_%s_c%d ON %s (c%d);" % (t, j - 1, t, j - 1)
                down, name = "DROP INDEX ix_%s_c%d;" % (t, j - 1), "index_%s_c%d" % (t, j - 1)
            else:
                up = "INSERT INTO %s (id, name) VALUES (%d, 'row %d');" % (t, j, j)
                down, name = "DELETE FROM %s WHERE id = %d;" % (t, j), "insert_%s_%d" % (t, j)
            fname = "%d_%s.sql" % (20240101000000 + i, name)
            with open(os.path.join(d, "strata", fname), "w") as f:
                f.write("-- %s\n\n-- strata:up\n%s\n\n-- strata:down\n%s\n" % (name, up, down))
            with open(os.path.join(d, "dbmate", fname), "w") as f:
                f.write("-- migrate:up\n%s\n\n-- migrate:down\n%s\n" % (up, down))
        run(self.strata_cmd("hash", "--migrations-dir", os.path.join(d, "strata")), cwd=self.scratch, env=self.env)
        return os.path.join(d, "strata"), os.path.join(d, "dbmate")

    def scenario_apply(self, dialect):
        strata_dir, dbmate_dir = self.migrations()
        count = self.args.migrations
        runs = self.runs_for(None)
        dbfile = os.path.join(self.work, "apply.sqlite")

        def fresh():
            if dialect == "sqlite":
                for suffix in ("", "-journal", "-wal", "-shm"):
                    if os.path.exists(dbfile + suffix):
                        os.remove(dbfile + suffix)
            else:
                self.pg.recreate("bench_apply")

        def recorded(table):
            sql = "SELECT count(*) FROM %s" % table
            if dialect == "sqlite":
                return int(run(["sqlite3", dbfile, sql]).strip())
            return int(self.pg.scalar("bench_apply", sql))

        strata_row = None
        if self.want("strata"):
            url = "sqlite:///" + dbfile if dialect == "sqlite" else self.pg.db_url("bench_apply")
            times, rss = [], []
            for _ in range(runs):
                fresh()
                t, r, _, _ = measure(self.strata_cmd("apply", "--url", url, "--migrations-dir", strata_dir),
                                     cwd=self.scratch, env=self.env)
                if recorded("strata_schema_versions") != count:
                    raise BenchError("strata apply did not record %d migrations" % count)
                times.append(t)
                rss.append(r)
            strata_row = self.results.add("apply", dialect, count, "strata", times, rss)
        if self.want("dbmate"):
            dbmate = self.dbmate_bin()
            if not dbmate:
                self.results.note("dbmate skipped: not installed under %s (bench/run.sh installs it)"
                                  % self.peers_dir)
                return
            if dialect == "sqlite":
                url = "sqlite:" + dbfile
            else:
                url = self.pg.db_url("bench_apply", scheme="postgres", query="sslmode=disable")
            times, rss = [], []
            for _ in range(runs):
                fresh()
                t, r, _, _ = measure([dbmate, "--url", url, "--migrations-dir", dbmate_dir, "--no-dump-schema",
                                      "migrate"], cwd=self.scratch)
                if recorded("schema_migrations") != count:
                    raise BenchError("dbmate did not record %d migrations" % count)
                times.append(t)
                rss.append(r)
            row = self.results.add("apply", dialect, count, "dbmate", times, rss)
            self.results.compare("apply %s %d migrations: dbmate / strata" % (dialect, count), row, strata_row,
                                 "dbmate ÷ strata")

    def scenario_startup(self):
        """strata --version, and /bin/true for the cost of starting any process:
        each figure is one loop of STARTUP_LOOP calls in sh, divided by the calls,
        so that Python's own fork does not weigh on a few milliseconds."""
        runs = max(self.runs_for(None), 5)
        loop = self.STARTUP_LOOP

        def per_call(cmd):
            script = 'i=0; while [ $i -lt %d ]; do "$@" >/dev/null || exit 1; i=$((i+1)); done' % loop
            times = []
            for _ in range(runs):
                t, _, _, _ = measure(["/bin/sh", "-c", script, "sh"] + cmd, cwd=self.scratch, env=self.env)
                times.append(t / loop)
            _, r, _, _ = measure(cmd, cwd=self.scratch, env=self.env)
            return times, [r]

        times, rss = per_call(["/bin/true"])
        base = self.results.add("startup", "-", None, "/bin/true (per call)", times, rss)
        if not self.want("strata"):
            return
        self.versions["strata"] = run(self.strata_cmd("--version"), env=self.env).strip().replace("strata ", "", 1)
        times, rss = per_call(self.strata_cmd("--version"))
        row = self.results.add("startup", "-", None, "strata --version (per call)", times, rss)
        self.results.compare("startup: strata --version / /bin/true", row, base, "÷ /bin/true")

    STARTUP_LOOP = 50

    # -- rebuild of a large SQLite table

    REBUILD_BEFORE = """tables:
  - name: big
    columns:
      - { name: id, type: integer, primary_key: true }
      - { name: account_id, type: integer }
      - { name: name, type: "varchar(80)" }
      - { name: amount, type: "numeric(12,2)", default: 0 }
      - { name: status, type: "varchar(16)", default: new }
      - { name: created_at, type: timestamp, default_sql: CURRENT_TIMESTAMP }
      - { name: note, type: text, nullable: true }
    indexes:
      - { name: ix_big_account_id, columns: [account_id] }
      - { name: ix_big_created_at, columns: [created_at] }
"""
    REBUILD_CHECK = """    checks:
      - { name: ck_big_amount, expr: amount >= 0 }
"""
    REBUILD_HAND = """PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE big_new (
  id integer NOT NULL PRIMARY KEY,
  account_id integer NOT NULL,
  name varchar(80) NOT NULL,
  amount numeric(12,2) NOT NULL DEFAULT 0,
  status varchar(16) NOT NULL DEFAULT 'new',
  created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  note text,
  CONSTRAINT ck_big_amount CHECK (amount >= 0)
);
INSERT INTO big_new (id, account_id, name, amount, status, created_at, note)
  SELECT id, account_id, name, amount, status, created_at, note FROM big;
DROP TABLE big;
ALTER TABLE big_new RENAME TO big;
CREATE INDEX ix_big_account_id ON big (account_id);
CREATE INDEX ix_big_created_at ON big (created_at);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
"""

    def rebuild_setup(self):
        rows = self.args.rebuild_rows
        d = os.path.join(self.work, "rebuild-%d" % rows)
        template = os.path.join(d, "template.sqlite")
        if os.path.exists(template):
            return d
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "migrations"))
        with open(os.path.join(d, "before.yaml"), "w") as f:
            f.write(self.REBUILD_BEFORE)
        with open(os.path.join(d, "after.yaml"), "w") as f:
            f.write(self.REBUILD_BEFORE + self.REBUILD_CHECK)
        with open(os.path.join(d, "hand.sql"), "w") as f:
            f.write(self.REBUILD_HAND)
        mig = os.path.join(d, "migrations")
        url = "sqlite:///" + template + ".tmp"
        run(self.strata_cmd("revision", "-m", "big table", "--url", url, "--schema", os.path.join(d, "before.yaml"),
                            "--migrations-dir", mig), cwd=self.scratch, env=self.env)
        run(self.strata_cmd("apply", "--url", url, "--migrations-dir", mig), cwd=self.scratch, env=self.env)
        run(self.strata_cmd("revision", "-m", "amount check", "--url", url, "--schema", os.path.join(d, "after.yaml"),
                            "--migrations-dir", mig), cwd=self.scratch, env=self.env)
        log("filling a table of %d rows for the rebuild" % rows)
        run(["sqlite3", "-bail", template + ".tmp",
             "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) "
             "INSERT INTO big (id, account_id, name, amount, status, created_at, note) "
             "SELECT i, i %% 5000, 'customer ' || i, (i %% 100000) / 100.0, "
             "CASE i %% 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE 'shipped' END, "
             "datetime(1700000000 + i * 7, 'unixepoch'), CASE WHEN i %% 4 = 0 THEN 'note ' || i END FROM s" % rows])
        os.rename(template + ".tmp", template)
        return d

    def scenario_rebuild(self):
        d = self.rebuild_setup()
        rows = self.args.rebuild_rows
        template = os.path.join(d, "template.sqlite")
        db = os.path.join(d, "run.sqlite")
        url = "sqlite:///" + db
        runs = self.runs_for(None)

        def fresh():
            for suffix in ("-journal", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            shutil.copyfile(template, db)

        def verify(tool):
            count = int(run(["sqlite3", db, "SELECT count(*) FROM big"]).strip())
            sql = run(["sqlite3", db, "SELECT sql FROM sqlite_schema WHERE name = 'big'"])
            idx = int(run(["sqlite3", db, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' "
                           "AND tbl_name = 'big' AND sql IS NOT NULL"]).strip())
            if count != rows or "ck_big_amount" not in sql or idx != 2:
                raise BenchError("%s: the rebuilt table has %d rows (want %d), %d indexes, sql %s"
                                 % (tool, count, rows, idx, sql))

        strata_row = None
        if self.want("strata"):
            times, rss = [], []
            for _ in range(runs):
                fresh()
                t, r, _, _ = measure(self.strata_cmd("apply", "--url", url, "--migrations-dir",
                                                     os.path.join(d, "migrations")), cwd=self.scratch, env=self.env)
                verify("strata apply")
                times.append(t)
                rss.append(r)
            strata_row = self.results.add("rebuild", "sqlite", rows, "strata apply", times, rss)
            times, rss, plan_times = [], [], []
            plan = os.path.join(d, "plan.sql")
            for _ in range(runs):
                fresh()
                t1, r1, _, _ = measure(self.strata_cmd("plan", "--url", url, "--schema", os.path.join(d, "after.yaml")),
                                       stdout=plan, cwd=self.scratch, env=self.env)
                t2, r2, _, _ = measure(["sqlite3", "-bail", db], stdin=plan, stdout=os.devnull)
                verify("strata plan | sqlite3")
                times.append(t1 + t2)
                plan_times.append(t1)
                rss.append(max(r1, r2))
            plan_row = self.results.add("rebuild", "sqlite", rows, "strata plan + sqlite3 -bail", times, rss,
                                        plan_s=statistics.median(plan_times))
        if self.want("sqlite3"):
            times, rss = [], []
            for _ in range(runs):
                fresh()
                t, r, _, _ = measure(["sqlite3", "-bail", db], stdin=os.path.join(d, "hand.sql"), stdout=os.devnull)
                verify("hand-written SQL")
                times.append(t)
                rss.append(r)
            hand = self.results.add("rebuild", "sqlite", rows, "hand-written SQL, sqlite3", times, rss)
            if strata_row:
                self.results.compare("rebuild %d rows: strata apply / hand-written sqlite3" % rows, strata_row, hand,
                                     "÷ hand-written")
                self.results.compare("rebuild %d rows: strata plan + sqlite3 / hand-written sqlite3" % rows,
                                     plan_row, hand, "÷ hand-written")

    # -- PostgreSQL introspection floor

    def scenario_floor(self, n):
        self.prepare("postgresql", n, "current")
        self.prepare("postgresql", n, "mutated")
        cur_url, mut_url = self.url("postgresql", n, "current"), self.url("postgresql", n, "mutated")
        out = os.path.join(self.gen_dir(n), "floor.json")
        source = os.path.join(ROOT, "src", "dialect", "postgresql", "introspector.cpp")
        measure([self.args.peer_python, os.path.join(HERE, "pg_floor.py"), "--source", source, "--url", cur_url,
                 "--url", mut_url, "--runs", str(self.runs_for(n)), "--maintenance-url", self.pg.db_url("postgres"),
                 "--scratch-ddl", os.path.join(self.gen_dir(n), "mutated.postgresql.sql")],
                stdout=out, cwd=self.scratch)
        res = json.load(open(out))
        names, samples = res["queries"], res["runs"]
        cur_t = [sum(v[0] for v in s[cur_url].values()) for s in samples]
        both_t = [a + sum(v[0] for v in s[mut_url].values()) for a, s in zip(cur_t, samples)]
        per_query = {q: statistics.median(s[cur_url][q][0] for s in samples) for q in names}
        explain = {q: statistics.median(s[cur_url][q][1] for s in samples) for q in names}
        self.results.note("floor: the %d catalog queries of src/dialect/postgresql/introspector.cpp, each run on a "
                          "warm connection with every row fetched (a round trip, as psql -c shows it without the "
                          "connection); plan reads two databases (the target and the scratch copy of the schema "
                          "files), so its floor is the sum over the current and the mutated database. "
                          "EXPLAIN (ANALYZE, TIMING OFF) figures are in the JSON (explain_s). The scratch db row "
                          "is CREATE DATABASE from template0, a connection, the whole mutated DDL sent as one query "
                          "and DROP DATABASE, timed from a client on warm connections: what a plan costs the server "
                          "when it builds every table of the files in its scratch database (a plan that builds "
                          "only the tables that changed can go below it)." % len(names))
        f1 = self.results.add("floor", "postgresql", n, "catalog queries, current db", cur_t, [],
                              per_query_s=per_query,
                              explain_s=statistics.median(sum(v[1] for v in s[cur_url].values()) for s in samples),
                              explain_per_query_s=explain)
        f2 = self.results.add("floor", "postgresql", n, "catalog queries, current + mutated", both_t, [])
        # What building the whole mutated schema in a scratch database costs the
        # server: the cost a plan pays when it normalizes every table of the files.
        scratch = [sum(x) for x in res["scratch"]]
        self.results.add("floor", "postgresql", n, "scratch db of the whole mutated schema", scratch, [],
                         parts_s={k: statistics.median(x[i] for x in res["scratch"])
                                  for i, k in enumerate(("create", "connect", "ddl", "drop"))})
        f4 = self.results.add("floor", "postgresql", n, "current + mutated + whole scratch db",
                              [a + b for a, b in zip(sorted(both_t), sorted(scratch))], [])
        self.results.note("floor at %d tables, per query (current db, median s): %s" % (
            n, ", ".join("%s %.4f" % (q, per_query[q]) for q in names)))
        plan = self.results.find("plan", "postgresql", n, "strata")
        inspect = self.results.find("inspect", "postgresql", n, "strata")
        if inspect:
            self.results.compare("inspect postgresql %d: strata inspect / catalog queries (current db)" % n, inspect,
                                 f1, "strata inspect ÷ this", attach=f1)
        if plan:
            self.results.compare("plan postgresql %d: strata plan / catalog queries (current db)" % n, plan, f1,
                                 "strata plan ÷ this", attach={})
            self.results.compare("plan postgresql %d: strata plan / catalog queries (current + mutated db)" % n, plan,
                                 f2, "strata plan ÷ this", attach=f2)
            self.results.compare("plan postgresql %d: strata plan / (catalog queries on both + a scratch db of the "
                                 "whole mutated schema)" % n, plan, f4, "strata plan ÷ this", attach=f4)

    # -- driver

    def collect_versions(self):
        try:
            self.versions["sqlite3"] = run(["sqlite3", "--version"]).split()[0]
        except Exception:  # noqa: BLE001
            pass
        if self.pg:
            self.versions["postgresql"] = self.pg.version()
        if self.args.peers:
            if self.dbmate_bin():
                self.versions["dbmate"] = run([self.dbmate_bin(), "--version"]).strip().replace("dbmate version ", "")
            pkg = os.path.join(self.peers_dir, "node_modules", "@pgkit", "migra", "package.json")
            if os.path.exists(pkg):
                self.versions["migra"] = "@pgkit/migra " + json.load(open(pkg))["version"]
            if "alembic" in self.args.tools:
                try:
                    self.versions.setdefault("alembic", run([self.args.peer_python, "-c",
                        "import alembic, sqlalchemy; print(alembic.__version__, '(SQLAlchemy %s)' % "
                        "sqlalchemy.__version__)"]).strip())
                except Exception:  # noqa: BLE001
                    self.results.note("Alembic is not importable by %s" % self.args.peer_python)

    def main(self):
        a = self.args
        self.collect_versions()
        scen = a.scenarios
        if "startup" in scen:
            log("== startup")
            self.scenario_startup()
        for n in a.sizes:
            self.generate(n)
            for dialect in a.dialects:
                for s in ("plan", "inspect", "revision"):
                    if s in scen:
                        log("== %s %s %d" % (s, dialect, n))
                        getattr(self, "scenario_" + s)(dialect, n)
                if dialect == "postgresql" and "floor" in scen:
                    log("== floor postgresql %d" % n)
                    self.scenario_floor(n)
        for dialect in a.dialects:
            if "apply" in scen:
                log("== apply %s" % dialect)
                self.scenario_apply(dialect)
        if "rebuild" in scen and "sqlite" in a.dialects:
            log("== rebuild sqlite")
            self.scenario_rebuild()
        # growth of strata plan
        for dialect in a.dialects:
            lo = self.results.find("plan", dialect, 1000, "strata")
            hi = self.results.find("plan", dialect, 10000, "strata")
            if lo and hi:
                self.results.comparisons.append({"what": "plan %s growth: 10,000 tables / 1,000 tables" % dialect,
                                                 "ratio": hi["median_s"] / lo["median_s"], "scenario": "plan",
                                                 "dialect": dialect, "n": 10000, "numerator": "strata",
                                                 "denominator": "strata", "note": "time at 10,000 ÷ time at 1,000"})
                hi.setdefault("ratio", hi["median_s"] / lo["median_s"])
                hi.setdefault("ratio_note", "growth ÷ 1,000 tables")
        return self.report()

    def targets(self):
        """The performance goals, checked against the figures of this run.
        off_by is how far a missed goal is: the factor by which the measured figure
        must improve (1.00 when met)."""
        r = self.results
        out = []

        def faster(what, peer, strata, want):
            if peer and strata:
                ratio = peer["median_s"] / strata["median_s"]
                out.append({"target": what, "measured": "%.2f×" % ratio, "met": ratio >= want,
                            "off_by": "%.2f×" % max(1.0, want / ratio)})

        def below(what, value, limit, unit, fmt="%.3f"):
            if value is not None:
                out.append({"target": what, "measured": (fmt % value) + (" " + unit if unit else ""),
                            "met": value < limit,
                            "off_by": "%.2f×" % max(1.0, value / limit)})

        for dialect in ("sqlite", "postgresql"):
            s = r.find("plan", dialect, 1000, "strata")
            faster("plan 1,000 tables %s: ≥ 50× faster than Alembic" % dialect,
                   r.find("plan", dialect, 1000, "alembic compare_metadata"), s, 50)
        faster("plan 1,000 tables postgresql: ≥ 25× faster than migra", r.find("plan", "postgresql", 1000, "migra"),
               r.find("plan", "postgresql", 1000, "strata"), 25)
        row = r.find("plan", "postgresql", 5000, "strata")
        below("plan 5,000 tables postgresql < 1.5 s", row and row["median_s"], 1.5, "s")
        row = r.find("plan", "sqlite", 10000, "strata")
        below("plan 10,000 tables sqlite < 1.5 s", row and row["median_s"], 1.5, "s")
        faster("apply 1,000 migrations sqlite: no slower than dbmate",
               r.find("apply", "sqlite", self.args.migrations, "dbmate"),
               r.find("apply", "sqlite", self.args.migrations, "strata"), 1.0)
        faster("apply 1,000 migrations postgresql: ≥ 2× faster than dbmate",
               r.find("apply", "postgresql", self.args.migrations, "dbmate"),
               r.find("apply", "postgresql", self.args.migrations, "strata"), 2.0)
        row = r.find("startup", "-", None, "strata --version (per call)")
        below("start-up < 10 ms", row and row["median_s"] * 1000, 10, "ms", "%.1f")
        for dialect in ("sqlite", "postgresql"):
            row = r.find("plan", dialect, 5000, "strata")
            below("plan 5,000 tables %s: max RSS < 100 MB" % dialect, row and row["max_rss_mb"], 100, "MB", "%.1f")
        hand = r.find("rebuild", "sqlite", self.args.rebuild_rows, "hand-written SQL, sqlite3")
        for tool in ("strata apply", "strata plan + sqlite3 -bail"):
            row = r.find("rebuild", "sqlite", self.args.rebuild_rows, tool)
            if row and hand:
                below("rebuild %s rows (%s) within 1.2× of hand-written SQL" % ("{:,}".format(self.args.rebuild_rows),
                                                                            tool),
                      row["median_s"] / hand["median_s"], 1.2, "", "%.2f×")
        return out

    def report(self):
        a = self.args
        r = self.results
        meta = {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "host": platform.node(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "strata": self.strata, "versions": self.versions, "sizes": a.sizes, "dialects": a.dialects,
            "scenarios": a.scenarios, "tools": a.tools, "peers": a.peers, "runs": a.runs or "5 (≤1,000 tables), 3",
            "seed": a.seed, "migrations": a.migrations, "rebuild_rows": a.rebuild_rows,
        }
        doc = {"meta": meta, "results": r.rows, "comparisons": r.comparisons, "notes": r.notes}
        if a.out:
            with open(a.out, "w") as f:
                json.dump(doc, f, indent=2)
            log("wrote " + a.out)
        lines = ["| scenario | dialect | N | tool | median s | max RSS MB | ratio |",
                 "|---|---|---:|---|---:|---:|---|"]
        for row in r.rows:
            ratio = ""
            if "ratio" in row:
                ratio = "%.2f× (%s)" % (row["ratio"], row.get("ratio_note", ""))
            n = "" if row["n"] is None else ("{:,}".format(row["n"]))
            if row["scenario"] == "apply":
                n += " migrations"
            elif row["scenario"] == "rebuild":
                n += " rows"
            lines.append("| %s | %s | %s | %s | %.4f | %s | %s |" % (
                row["scenario"], row["dialect"], n, row["tool"], row["median_s"],
                "" if row["max_rss_mb"] is None else "%.1f" % row["max_rss_mb"], ratio))
        print("\n".join(lines))
        if r.comparisons:
            print("\nComparisons (same run, medians):\n")
            for c in r.comparisons:
                print("- %s: %.2f×" % (c["what"], c["ratio"]))
        targets = self.targets()
        if targets:
            print("\nTargets (what this run can tell):\n")
            print("| target | measured | met | off by |")
            print("|---|---:|---|---:|")
            for t in targets:
                print("| %s | %s | %s | %s |" % (t["target"], t["measured"], "yes" if t["met"] else "no", t["off_by"]))
            doc["targets"] = targets
            if a.out:
                with open(a.out, "w") as f:
                    json.dump(doc, f, indent=2)
        if self.versions:
            print("\nVersions: " + "; ".join("%s %s" % (k, v) for k, v in sorted(self.versions.items())))
        if r.notes:
            print("\nNotes:\n")
            for n in r.notes:
                print("- " + n)
        print("- times are medians of the runs, from process start to exit (fork and exec from Python included); "
              "max RSS is the largest over the runs (GNU time %M); ratios are computed within this run.")
        return 0


def parse_list(text, allowed=None, conv=str):
    try:
        items = [conv(x.strip()) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("not a list of numbers: %s" % text)
    if allowed:
        bad = [x for x in items if x not in allowed]
        if bad:
            raise argparse.ArgumentTypeError("unknown: %s (choose from %s)" % (", ".join(bad), ", ".join(allowed)))
    return items


def main(argv=None):
    ap = argparse.ArgumentParser(description="strata's benchmark suite", epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=lambda s: parse_list(s, conv=int), help="table counts (default 100; --full: "
                    "100,1000,5000,10000)")
    ap.add_argument("--full", action="store_true", help="sizes 100,1000,5000,10000")
    ap.add_argument("--dialects", type=lambda s: parse_list(s, ["sqlite", "postgresql"]),
                    default=["sqlite", "postgresql"])
    ap.add_argument("--runs", type=int, help="runs per figure (default 5 up to 1,000 tables, 3 above)")
    ap.add_argument("--peers", dest="peers", action="store_true", default=True, help="time Alembic, migra, dbmate "
                    "(default)")
    ap.add_argument("--no-peers", dest="peers", action="store_false")
    ap.add_argument("--slow-peers", action="store_true", help="run Alembic above 5,000 tables on SQLite and "
                    "1,000 on PostgreSQL too")
    ap.add_argument("--scenarios", type=lambda s: parse_list(s, ALL_SCENARIOS), default=ALL_SCENARIOS)
    ap.add_argument("--tools", type=lambda s: parse_list(s, ALL_TOOLS), default=ALL_TOOLS,
                    help="which tools to time (strata,alembic,migra,dbmate,sqlite3)")
    ap.add_argument("--strata", default=os.path.join(ROOT, "build", "strata"), help="the strata binary")
    ap.add_argument("--pg-url", default=os.environ.get("STRATA_BENCH_PG_URL") or os.environ.get("STRATA_TEST_PG_URL"),
                    help="a PostgreSQL server URL whose role may create databases (default: $STRATA_BENCH_PG_URL, "
                    "$STRATA_TEST_PG_URL; without one, a throwaway server is started with tests/pg-server.sh)")
    ap.add_argument("--out", help="write the results as JSON here")
    ap.add_argument("--work", default=os.path.join(HERE, ".work"), help="working folder (generated schemas and "
                    "databases are kept and reused)")
    ap.add_argument("--fresh", action="store_true", help="empty the working folder first")
    ap.add_argument("--peers-dir", default=os.path.join(HERE, ".peers"), help="npm prefix holding @pgkit/migra "
                    "and dbmate")
    ap.add_argument("--peer-python", default="/usr/bin/python3", help="the Python that has Debian's Alembic")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--migrations", type=int, default=1000, help="migrations in the apply scenario")
    ap.add_argument("--rebuild-rows", type=int, default=1000000, help="rows of the rebuilt table")
    args = ap.parse_args(argv)
    if args.sizes is None:
        args.sizes = FULL_SIZES if args.full else QUICK_SIZES
    if not os.access(args.strata, os.X_OK):
        ap.error("no strata binary at %s (build it, or pass --strata)" % args.strata)
    server_dir = None
    if "postgresql" in args.dialects and not args.pg_url:
        log("starting a throwaway PostgreSQL server (tests/pg-server.sh)")
        out = run(["bash", os.path.join(ROOT, "tests", "pg-server.sh"), "start"])
        env = dict(re.findall(r"export (\w+)=(\S+)", out))
        args.pg_url, server_dir = env["STRATA_TEST_PG_URL"], env["STRATA_TEST_PG_DIR"]
    try:
        return Bench(args).main()
    except BenchError as e:
        log("bench: error: %s" % e)
        return 1
    finally:
        if server_dir:
            run(["bash", os.path.join(ROOT, "tests", "pg-server.sh"), "stop", server_dir], check=False)


if __name__ == "__main__":
    sys.exit(main())
