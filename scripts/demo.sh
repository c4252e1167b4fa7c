#!/usr/bin/env bash
# The main job on the embedded default (SQLite): the heroes story from
# examples/heroes in a new project. For each step: the schema file changes,
# strata plan previews the SQL, strata revision writes a versioned migration,
# strata apply runs it. Rows inserted along the way are still there at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
STRATA=$PWD/build/strata
EXAMPLES=$PWD/examples/heroes
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
echo "== strata init (in $WORK)"
"$STRATA" init
for step in 1 2 3; do
  cp "$EXAMPLES/step$step.yaml" schema.yaml
  echo
  echo "== step $step: strata plan"
  "$STRATA" plan
  echo "== step $step: strata revision"
  "$STRATA" revision -m "heroes step $step" >/dev/null
  echo "== step $step: strata apply"
  "$STRATA" apply
  sqlite3 strata.db "INSERT INTO team (name, headquarters) VALUES ('Team $step', 'City $step');"
done
echo
echo "== the migration written for step 2:"
cat migrations/*_heroes_step_2.sql
echo
echo "== strata rollback, then strata apply again"
"$STRATA" rollback
"$STRATA" apply
echo
echo "== strata history"
"$STRATA" history
echo "== strata status"
"$STRATA" status
echo "== strata check"
"$STRATA" check
echo "== strata inspect"
"$STRATA" inspect
echo "== rows kept: $(sqlite3 strata.db 'SELECT count(*) FROM team') teams"
