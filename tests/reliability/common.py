"""Shared helpers for the reliability scripts (crash.py, concurrency.py, faults.py).

Python 3 standard library only. Databases are read through the engines' own
command-line clients (sqlite3, psql) or through strata itself, never through a
driver, so what the scripts see is what any other client would see.

Exit codes follow ctest's conventions: 0 passed, 1 failed, 77 skipped (a
PostgreSQL script without STRATA_TEST_PG_URL).
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SKIP = 77


def log(*parts):
    print(*parts, flush=True)


def default_strata():
    return os.environ.get("STRATA_BIN") or str(REPO / "build" / "strata")


def skip(message):
    log("SKIP: " + message)
    sys.exit(SKIP)


class Result:
    """One finished strata run: exit code, output and wall time."""

    def __init__(self, args, code, out, err, seconds):
        self.args, self.code, self.out, self.err, self.seconds = args, code, out, err, seconds

    def describe(self):
        return "strata %s -> exit %s in %.2f s\n%s" % (" ".join(self.args), self.code, self.seconds, self.err.strip())


class Strata:
    """Runs the strata binary in a project folder (strata.toml, migrations/)."""

    def __init__(self, binary, project):
        self.binary = str(binary)
        self.project = str(project)

    def start(self, *args, **popen):
        return subprocess.Popen([self.binary, *args], cwd=self.project, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **popen)

    def run(self, *args, timeout=300, check=False):
        started = time.monotonic()
        try:
            p = subprocess.run([self.binary, *args], cwd=self.project, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise AssertionError("strata %s did not finish within %d s (hang)" % (" ".join(args), timeout)) from e
        r = Result(list(args), p.returncode, p.stdout, p.stderr, time.monotonic() - started)
        if check and r.code != 0:
            raise AssertionError(r.describe())
        return r

    def inspect(self):
        r = self.run("inspect", "--format", "yaml", check=True)
        return r.out

    def status(self):
        return json.loads(self.run("status", "--format", "json", check=True).out)


def write_project(folder, url):
    """A project folder whose strata.toml points at url; returns its migrations dir."""
    folder = Path(folder)
    (folder / "migrations").mkdir(parents=True, exist_ok=True)
    (folder / "strata.toml").write_text('[database]\nurl = "%s"\n\n[schema]\npath = "schema.yaml"\n\n'
                                        '[migrations]\ndir = "migrations"\n' % url)
    return folder / "migrations"


def migration_files(migrations_dir):
    """Migration file names in the order strata runs them (shorter versions first)."""
    names = [p.name for p in Path(migrations_dir).glob("*.sql")]
    def key(name):
        version = name.split("_", 1)[0]
        return (len(version), version)
    return sorted(names, key=key)


def version_of(file_name):
    return file_name.split("_", 1)[0]


# ---------------------------------------------------------------- databases


class SqliteDb:
    """An SQLite database file, read through the sqlite3 shell."""

    dialect = "sqlite"

    def __init__(self, path):
        self.path = str(path)
        self.url = "sqlite:///" + self.path  # an absolute path gives sqlite:////...

    def query(self, sql, timeout=120):
        # .timeout: wait for a strata process's lock instead of failing.
        p = subprocess.run(["sqlite3", "-bail", "-batch", "-noheader", "-separator", "|", "-cmd", ".timeout 60000",
                            self.path, sql], capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise AssertionError("sqlite3 %s: %s" % (self.path, p.stderr.strip()))
        return [line.split("|") for line in p.stdout.splitlines()]

    def value(self, sql):
        rows = self.query(sql)
        return rows[0][0] if rows else None

    def tables(self):
        return [r[0] for r in self.query("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%' ORDER BY name")]

    def versions(self):
        if "strata_schema_versions" not in self.tables():
            return []
        return [r[0] for r in self.query("SELECT version FROM strata_schema_versions ORDER BY length(version), version")]

    def row_counts(self):
        """{table: rows} for every table."""
        tables = self.tables()
        if not tables:
            return {}
        return {r[0]: int(r[1]) for r in self.query(" UNION ALL ".join("SELECT '%s', count(*) FROM \"%s\"" % (t, t)
                                                                     for t in tables))}

    def remove(self):
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.remove(self.path + suffix)
            except FileNotFoundError:
                pass

    def copy_to(self, path):
        """A copy of a quiescent database (no writer, no hot journal)."""
        shutil.copyfile(self.path, path)
        return SqliteDb(path)

    def hot_journal(self):
        """True when a rollback journal with content is left: a write transaction was open."""
        try:
            return os.path.getsize(self.path + "-journal") > 0
        except FileNotFoundError:
            return False

    def exists(self):
        return os.path.exists(self.path)


def psql(url, sql, timeout=120):
    p = subprocess.run(["psql", "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-F", "|", "-d", url, "-c", sql],
                       capture_output=True, text=True, timeout=timeout,
                       env=dict(os.environ, PGAPPNAME="strata-reliability-check", PGCONNECT_TIMEOUT="10"))
    if p.returncode != 0:
        raise AssertionError("psql: %s\n  %s" % (p.stderr.strip(), sql))
    return [line.split("|") for line in p.stdout.splitlines() if line != ""]


def with_database(server_url, name):
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def unique_name(prefix):
    return "%s_%d_%06d" % (prefix, os.getpid(), random.SystemRandom().randrange(10 ** 6))


class PgDb:
    """A database on a PostgreSQL server, created by this script and dropped by it."""

    dialect = "postgresql"

    def __init__(self, server_url, name):
        self.server_url = server_url
        self.name = name
        self.url = with_database(server_url, name)

    @classmethod
    def create(cls, server_url, prefix="strata_rel", template="template0"):
        db = cls(server_url, unique_name(prefix))
        psql(server_url, "CREATE DATABASE %s TEMPLATE %s" % (db.name, template))
        return db

    def clone(self, prefix="strata_rel"):
        """A copy of this database (nobody may be connected to it)."""
        return PgDb.create(self.server_url, prefix, template=self.name)

    def drop(self):
        try:
            psql(self.server_url, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.name)
        except Exception as e:  # best effort at the end of a run
            log("warning: could not drop database %s: %s" % (self.name, e))

    def query(self, sql, timeout=120):
        return psql(self.url, sql, timeout)

    def value(self, sql):
        rows = self.query(sql)
        return rows[0][0] if rows else None

    def tables(self):
        return [r[0] for r in self.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]

    def versions(self):
        try:
            return [r[0] for r in self.query("SELECT version FROM public.strata_schema_versions "
                                             "ORDER BY length(version), version")]
        except AssertionError as e:
            if "does not exist" in str(e):
                return []
            raise

    def row_counts(self):
        """{table: rows} for every table of schema public, in one round trip."""
        rows = self.query("SELECT table_name, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', "
                          "table_name), false, true, '')))[1]::text FROM information_schema.tables "
                          "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
        return {t: int(n) for t, n in rows}

    def strata_backends(self, in_transaction=False):
        """pids of strata's sessions on this database (strata names itself "strata" to the server)."""
        sql = ("SELECT pid FROM pg_stat_activity WHERE datname = '%s' AND application_name = 'strata'" % self.name)
        if in_transaction:
            sql += " AND xact_start IS NOT NULL"
        return [int(r[0]) for r in psql(self.server_url, sql)]

    def wait_no_strata(self, limit):
        """Waits until no strata session is left on the database; returns the seconds it took or None."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if not self.strata_backends():
                return time.monotonic() - started
            time.sleep(0.05)
        return None


def pg_server_from_env():
    url = os.environ.get("STRATA_TEST_PG_URL")
    if not url:
        skip("STRATA_TEST_PG_URL is not set (eval \"$(bash tests/pg-server.sh start)\" starts a server)")
    return url


def make_tempdir(prefix):
    return Path(tempfile.mkdtemp(prefix=prefix))


def schema_document(tables):
    """A schema file from a list of table dicts; JSON is valid YAML, so no YAML writer is needed."""
    return json.dumps({"tables": tables}, indent=1) + "\n"


def normalized_inspect(text):
    """inspect output without the header comment line, which may carry the URL."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip() + "\n"


def first_difference(a, b):
    al, bl = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(al, bl)):
        if x != y:
            return "line %d: expected %r, found %r" % (i + 1, x, y)
    return "expected %d lines, found %d" % (len(al), len(bl))
