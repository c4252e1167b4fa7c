#!/usr/bin/env bash
# Installs, builds and runs the whole test suite (what CI runs). A throwaway
# PostgreSQL server is started for the PostgreSQL tests and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
eval "$(bash tests/pg-server.sh start)"
trap 'bash tests/pg-server.sh stop "$STRATA_TEST_PG_DIR"' EXIT
echo "PostgreSQL test server: $STRATA_TEST_PG_URL"
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j "$(nproc)"
