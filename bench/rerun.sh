#!/usr/bin/env bash
# Incremental re-run against the first run (issue 6): `pybatch analyze` on a
# tree into a fresh database, then again on the unchanged tree, several times.
#
#   bash bench/rerun.sh [TREE]   # default: the local stdlib with site-packages
#
# The default command (a progress display on stderr, here plain lines).
# Prints each run's wall and CPU time (bench/measure, without RSS sampling, so
# that the sampler does not compete with a 0.15 s run) and the ratio
# of the first run to the median re-run. ROUNDS (default 3) repeats it all,
# each round from a new database; RERUNS (default 5) re-runs per round.
set -euo pipefail
cd "$(dirname "$0")/.."

TREE="${1:-/root/.pyenv/versions/3.11.7/lib/python3.11}"
ROUNDS="${ROUNDS:-3}"
RERUNS="${RERUNS:-5}"
TMP="$(mktemp -d /tmp/pybatch-rerun.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure
echo "tree: $TREE ($(find "$TREE" -name '*.py' | wc -l) .py files); $(nproc) CPUs"

# wall seconds of one run, from measure's line.
run() {
  "$TMP/measure" -interval 0 -name "$1" -- "$TMP/pybatch" analyze -o "$TMP/r.db" "$TREE" 2>&1 >/dev/null |
    tee -a "$TMP/log" | awk '/^MEASURE/ { for (i = 1; i <= NF; i++) if ($i == "wall") { sub("s", "", $(i+1)); print $(i+1) } }'
}

for round in $(seq "$ROUNDS"); do
  rm -f "$TMP"/r.db*
  first=$(run first)
  re=()
  for _ in $(seq "$RERUNS"); do re+=("$(run rerun)"); done
  median=$(printf '%s\n' "${re[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  echo "round $round: first ${first} s; re-runs ${re[*]} s; first / median re-run = $(awk -v f="$first" -v m="$median" 'BEGIN { printf "%.1f", f / m }')x"
done
grep -c "unchanged since the last run" "$TMP/log" >/dev/null || { echo "no re-run skipped anything"; cat "$TMP/log"; exit 1; }
