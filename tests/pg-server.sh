#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for the tests.
#   eval "$(tests/pg-server.sh start)"   # exports STRATA_TEST_PG_URL and STRATA_TEST_PG_DIR
#   tests/pg-server.sh stop "$STRATA_TEST_PG_DIR"
# The server lives in a temporary folder, listens on a free port on 127.0.0.1
# with trust authentication, and runs as the postgres user when started by
# root (initdb refuses to run as root).
set -euo pipefail
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$BIN" ]; then
  echo "pg-server.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 2
fi
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "${1:-}" in
  start)
    DIR=$(mktemp -d /tmp/strata-pg.XXXXXX)
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR"; fi
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_server_user "$BIN/initdb" -D "$DIR/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    # One role must give a password, so that a wrong one can be tested; all else is trusted.
    { echo "host all strata_password_user 127.0.0.1/32 scram-sha-256"; cat "$DIR/data/pg_hba.conf"; } > "$DIR/pg_hba.conf"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR/pg_hba.conf"; fi
    as_server_user cp "$DIR/pg_hba.conf" "$DIR/data/pg_hba.conf"
    as_server_user "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }
    echo "export STRATA_TEST_PG_URL=postgresql://postgres@127.0.0.1:$PORT/postgres"
    echo "export STRATA_TEST_PG_DIR=$DIR"
    ;;
  stop)
    DIR=${2:?usage: pg-server.sh stop DIR}
    as_server_user "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: pg-server.sh start | stop DIR" >&2
    exit 2
    ;;
esac
