#!/usr/bin/env python3
"""Times Alembic's autogenerate comparison for bench/run.py.

    alembic_compare.py --description DIR/description.json --url URL --dialect sqlite|postgresql

Before the clock starts: imports, the SQLAlchemy MetaData of the mutated schema
(built from description.json) and an open connection.  Timed:

    compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)

compare_type is on (the default of Alembic 1.12 and later; Debian's 1.8 has it
off), compare_server_default is off (Alembic's default).  Prints one JSON line:
{"seconds": ..., "diffs": ..., "alembic": version, "sqlalchemy": version}.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import alembic  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402

from sa_metadata import build_metadata  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--description", required=True)
    ap.add_argument("--url", required=True, help="SQLAlchemy URL of the database holding the current schema")
    ap.add_argument("--dialect", required=True, choices=["sqlite", "postgresql"])
    ap.add_argument("--which", default="mutated", choices=["current", "mutated"])
    args = ap.parse_args()
    with open(args.description, encoding="utf-8") as f:
        description = json.load(f)
    metadata = build_metadata(description, args.which, args.dialect)
    engine = sa.create_engine(args.url)
    with engine.connect() as conn:
        start = time.perf_counter()
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, metadata)
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "diffs": len(diffs), "alembic": alembic.__version__,
                      "sqlalchemy": sa.__version__}))


if __name__ == "__main__":
    main()
