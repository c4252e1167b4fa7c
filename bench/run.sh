#!/usr/bin/env bash
# Installs what the benchmarks need, builds strata, starts a throwaway PostgreSQL
# server, runs bench/run.py with the arguments given, and stops the server.
#   bash bench/run.sh                      # quick profile: 100 tables, peers on
#   bash bench/run.sh --full               # 100, 1,000, 5,000 and 10,000 tables
#   bash bench/run.sh --sizes 1000 --out results.json
#   bash bench/run.sh --strata /path/to/strata ...   # use that binary, build nothing
# Environment: BENCH_SKIP_INSTALL=1 skips apt-get and npm.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")

STRATA=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    --strata) STRATA=${args[$((i + 1))]:-} ;;
    --strata=*) STRATA=${args[$i]#--strata=} ;;
  esac
done

if [ "${BENCH_SKIP_INSTALL:-}" != 1 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
  need=()
  for p in python3-alembic python3-psycopg2 python3-sqlalchemy postgresql sqlite3 time; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  # npm may come with a nodejs package of its own; Debian's npm only when there is none.
  command -v npm >/dev/null 2>&1 || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  if [ ! -x "$HERE/.peers/node_modules/.bin/migra" ] || ! ls "$HERE"/.peers/node_modules/@dbmate/*/bin/dbmate >/dev/null 2>&1; then
    mkdir -p "$HERE/.peers"
    npm install --prefix "$HERE/.peers" --no-audit --no-fund --loglevel=error @pgkit/migra dbmate >/dev/null
  fi
fi

COPY=""
PG_DIR=""
cleanup() {
  if [ -n "$PG_DIR" ]; then bash "$ROOT/tests/pg-server.sh" stop "$PG_DIR"; fi
  if [ -n "$COPY" ]; then rm -f "$COPY"; fi
}
trap cleanup EXIT

if [ -z "$STRATA" ]; then
  # Others may build in build/ at the same time: build under the lock and run a copy.
  flock /tmp/strata-build.lock bash "$ROOT/scripts/build.sh" >&2
  COPY=$(mktemp /tmp/bench-strata.XXXXXX)
  flock /tmp/strata-build.lock cp "$ROOT/build/strata" "$COPY"
  chmod +x "$COPY"  # mktemp made it 0600, and cp onto it keeps that
  set -- --strata "$COPY" "$@"
fi

eval "$(bash "$ROOT/tests/pg-server.sh" start)"
PG_DIR=$STRATA_TEST_PG_DIR
export STRATA_BENCH_PG_URL=$STRATA_TEST_PG_URL
unset STRATA_TEST_PG_URL STRATA_TEST_PG_DIR

/usr/bin/python3 "$HERE/run.py" "$@"
