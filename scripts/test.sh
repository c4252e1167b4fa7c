#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (what CI runs): once from the
# normal build, then again under ASan + UBSan from a clang build, followed by a
# short libFuzzer run of every parser (scripts/sanitize.sh; SANITIZE=0 skips
# it). A throwaway PostgreSQL server is started for the PostgreSQL tests and
# stopped at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/install-deps.sh
bash scripts/build.sh
eval "$(bash "$ROOT/tests/pg-server.sh" start)"
trap 'bash "$ROOT/tests/pg-server.sh" stop "$STRATA_TEST_PG_DIR"' EXIT
echo "PostgreSQL test server: $STRATA_TEST_PG_URL"
(cd "$ROOT/${BUILD_DIR:-build}" && ctest --output-on-failure -j "$(nproc)")
if [ "${SANITIZE:-1}" != 0 ]; then
  BUILD_DIR=build-sanitize bash scripts/sanitize.sh "${FUZZ_SECONDS:-20}"
fi
