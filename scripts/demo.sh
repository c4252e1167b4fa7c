#!/usr/bin/env bash
# The main job on the embedded default (SQLite): the heroes story from
# examples/heroes, planned step by step into a new database file, each plan
# run with the sqlite3 shell, then the result inspected.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
STRATA=$PWD/build/strata
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="sqlite:///$WORK/heroes.db"
for step in 1 2 3; do
  echo "== step $step: strata plan --schema examples/heroes/step$step.yaml"
  "$STRATA" plan --url "$DB" --schema "examples/heroes/step$step.yaml" | tee "$WORK/step$step.sql"
  sqlite3 -bail "$WORK/heroes.db" < "$WORK/step$step.sql"
  sqlite3 "$WORK/heroes.db" "INSERT INTO team (name, headquarters) VALUES ('Team $step', 'City $step');"
done
echo "== a second plan has nothing to do:"
"$STRATA" plan --url "$DB" --schema examples/heroes/step3.toml --exit-code && echo "(empty plan, exit 0)"
echo "== strata inspect:"
"$STRATA" inspect --url "$DB"
echo "== rows kept: $(sqlite3 "$WORK/heroes.db" 'SELECT count(*) FROM team') teams"
