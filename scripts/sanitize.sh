#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer,
# then a bounded libFuzzer run of every input parser, from one clang build
# (build-sanitize; BUILD_DIR overrides). Expects what install-deps.sh installs
# and, for the PostgreSQL tests, STRATA_TEST_PG_URL (scripts/test.sh sets it).
#
#   bash scripts/sanitize.sh [FUZZ_SECONDS_PER_TARGET]   (default 20; 0 skips fuzzing)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
FUZZ_SECONDS=${1:-20}
BUILD_DIR=${BUILD_DIR:-build-sanitize}

if ! command -v clang++ >/dev/null || ! dpkg -s libclang-rt-dev >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends clang libclang-rt-dev >/dev/null
fi

# -O1 without debug information: quick to build, fast enough under the
# sanitizers, and still precise in their reports (frame pointers are kept).
# NDEBUG as in a release build: toml++ 3.3 has a debug-only assert on a path
# whose release build reports a clean parse error ("[{a]"), and the release
# behaviour is the one users get and the one to check.
CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  -DSTRATA_SANITIZE=ON -DSTRATA_FUZZ=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"

# Leaks are reported too; a report of any kind fails the test that caused it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/sanitizers/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "== the test suite under ASan + UBSan"
(cd "$BUILD_DIR" && ctest --output-on-failure -j "$(nproc)")

if [ "$FUZZ_SECONDS" != 0 ]; then
  echo "== fuzzing every parser for ${FUZZ_SECONDS} s"
  FUZZ_JOBS=$(nproc) bash scripts/fuzz.sh "$FUZZ_SECONDS" "$BUILD_DIR"
fi
