#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz and runs each for a while.
#
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [BUILD_DIR]     (defaults: 60, build-fuzz)
#
# BUILD_DIR is configured with clang, ASan+UBSan and STRATA_FUZZ=ON unless it
# already is; a clang sanitizer build directory (the one the test suite runs
# from) is reused and only gains the fuzz targets. Each target starts from a
# corpus assembled from committed files (never committed itself) and runs with
# a fixed seed. One summary line per target; exit status 1 when any target
# crashed, its input left under BUILD_DIR/fuzz-artifacts/<target>/.
# FUZZ_TARGETS="yaml url" limits the run to some targets; FUZZ_JOBS=2 runs two
# targets at a time.
set -euo pipefail

SECONDS_PER_TARGET=${1:-60}
BUILD_DIR=${2:-build-fuzz}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
case $BUILD_DIR in /*) ;; *) BUILD_DIR=$ROOT/$BUILD_DIR ;; esac
TARGETS=${FUZZ_TARGETS:-yaml toml migration splitter url sum}
JOBS=${FUZZ_JOBS:-1}
SEED=${FUZZ_SEED:-1337}
LOCK=/tmp/strata-build.lock

log() { echo "fuzz: $*" >&2; }

# clang and libFuzzer's runtime (Debian 12: libclang-rt-dev, which pulls in
# libclang-rt-14-dev with libclang_rt.fuzzer-x86_64.a).
if ! command -v clang++ >/dev/null || ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' |
    clang++ -x c++ -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
  log "installing clang and libFuzzer"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq clang libclang-rt-dev >/dev/null
fi

cache=$BUILD_DIR/CMakeCache.txt
if [[ -f $cache ]]; then
  compiler=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$cache")
  if ! "$compiler" --version 2>/dev/null | grep -qi clang; then
    log "$BUILD_DIR is configured with $compiler, not clang; pass another build directory"
    exit 2
  fi
  if ! grep -q '^STRATA_FUZZ:BOOL=ON' "$cache"; then
    log "adding STRATA_FUZZ=ON to $BUILD_DIR"
    cmake -S . -B "$BUILD_DIR" -DSTRATA_FUZZ=ON >/dev/null
  fi
else
  log "configuring $BUILD_DIR (clang, ASan+UBSan, STRATA_FUZZ)"
  CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -DSTRATA_SANITIZE=ON -DSTRATA_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
executables=()
for t in $TARGETS; do executables+=("fuzz_$t"); done
log "building ${executables[*]}"
if ! flock "$LOCK" cmake --build "$BUILD_DIR" -j2 --target "${executables[@]}" >"$BUILD_DIR/fuzz-build.log" 2>&1; then
  tail -n 40 "$BUILD_DIR/fuzz-build.log" >&2
  exit 2
fi

# The starting corpus: committed seeds, regression inputs, and repository
# files each target reads. Copies are named by content, so reruns add nothing.
add_seeds() {  # add_seeds DIR FILE...
  local dir=$1 f
  shift
  for f in "$@"; do
    [[ -f $f ]] || continue
    cp "$f" "$dir/seed-$(sha1sum <"$f" | cut -c1-16)"
  done
}
# The block scalars under KEY ("desired: |", "current: |") of the case files:
# schema documents and SQL scripts in their own right.
add_case_blocks() {  # add_case_blocks DIR KEY FILE...
  local dir=$1 key=$2 f
  shift 2
  local tmp
  tmp=$(mktemp -d)
  for f in "$@"; do
    awk -v key="$key" -v out="$tmp/$(basename "$f")" '
      function flush() { if (text != "") { n++; printf "%s", text > (out "." n); close(out "." n) } text = "" }
      inblock && (/^[[:space:]]*$/ || match($0, /^ */) && RLENGTH > indent) {
        if (body < 0 && $0 !~ /^[[:space:]]*$/) { match($0, /^ */); body = RLENGTH }
        line = $0; for (k = 0; k < body && substr(line, 1, 1) == " "; k++) line = substr(line, 2)
        text = text line "\n"; next }
      inblock { flush(); inblock = 0 }
      match($0, "^ *(- )?" key ": *[|]") { match($0, /^ */); indent = RLENGTH; body = -1; inblock = 1 }
      END { flush() }' "$f"
  done
  add_seeds "$dir" "$tmp"/*
  rm -rf "$tmp"
}

shopt -s nullglob globstar
corpus_root=$BUILD_DIR/fuzz-corpus
for t in $TARGETS; do
  dir=$corpus_root/$t
  mkdir -p "$dir"
  add_seeds "$dir" tests/fuzz/seeds/"$t"/* tests/fuzz/regressions/"$t"/*
  case $t in
    yaml)
      add_seeds "$dir" examples/**/*.yaml examples/**/*.yml tests/cases/**/*.yaml tests/errors/*.yaml tests/errors/*.yml
      add_case_blocks "$dir" desired tests/cases/**/*.yaml ;;
    toml) add_seeds "$dir" examples/**/*.toml tests/errors/*.toml ;;
    migration | splitter)
      add_seeds "$dir" tests/fixtures/*.sql tests/fuzz/seeds/migration/* tests/fuzz/seeds/splitter/*
      add_case_blocks "$dir" current tests/cases/**/*.yaml ;;
  esac
done

# Runs one target; writes its summary line to $BUILD_DIR/fuzz-logs/<t>.summary.
run_target() {
  local t=$1 exe=$BUILD_DIR/tests/fuzz/fuzz_$1 artifacts=$BUILD_DIR/fuzz-artifacts/$1
  local log=$BUILD_DIR/fuzz-logs/$t.log dict=tests/fuzz/dicts/$t.dict
  mkdir -p "$artifacts"
  local args=(-max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -seed="$SEED"
              -print_final_stats=1 -artifact_prefix="$artifacts/" -close_fd_mask=1)
  [[ -f $dict ]] && args+=(-dict="$dict")
  local start=$SECONDS status=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    nice -n 10 "$exe" "${args[@]}" "$corpus_root/$t" >"$log" 2>&1 || status=$?
  local execs corpus result
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus=$(find "$corpus_root/$t" -type f | wc -l)
  if [[ $status -eq 0 ]]; then
    result=ok
  else
    local crash
    crash=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
    result="CRASH (exit $status) ${crash:-see $log}"
  fi
  printf '%-15s %5ss %12s execs %6s corpus  %s\n' "fuzz_$t" "$((SECONDS - start))" "${execs:-?}" "$corpus" "$result" \
    >"$BUILD_DIR/fuzz-logs/$t.summary"
  [[ $status -eq 0 ]]
}

mkdir -p "$BUILD_DIR/fuzz-logs"
rm -f "$BUILD_DIR"/fuzz-logs/*.summary
log "running ${TARGETS// /, } for ${SECONDS_PER_TARGET}s each, seed $SEED, $JOBS at a time"
failed=0
running=0
for t in $TARGETS; do
  run_target "$t" &
  running=$((running + 1))
  if ((running >= JOBS)); then
    wait -n || failed=1
    running=$((running - 1))
  fi
done
while ((running > 0)); do
  wait -n || failed=1
  running=$((running - 1))
done

printf '%-15s %6s %12s %13s  %s\n' target time executions corpus result
for t in $TARGETS; do cat "$BUILD_DIR/fuzz-logs/$t.summary"; done
if ((failed)); then
  echo "fuzz: crashes found; logs in $BUILD_DIR/fuzz-logs/, replay one with $BUILD_DIR/tests/fuzz/fuzz_<target> <input>" >&2
  exit 1
fi
