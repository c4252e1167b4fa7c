#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (what CI runs). A throwaway
# PostgreSQL server is started for the PostgreSQL tests and stopped at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/install-deps.sh
bash scripts/build.sh
eval "$(bash "$ROOT/tests/pg-server.sh" start)"
trap 'bash "$ROOT/tests/pg-server.sh" stop "$STRATA_TEST_PG_DIR"' EXIT
echo "PostgreSQL test server: $STRATA_TEST_PG_URL"
cd "$ROOT/${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)"
