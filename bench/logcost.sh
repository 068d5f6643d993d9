#!/usr/bin/env bash
# The cost of `-v --log FILE` (issue 13): `pybatch analyze` of a tree into a
# fresh database with and without them, PAIRS interleaved pairs (default 3),
# the order inside each pair alternating. Prints bench/measure's line for each
# run, then the mean wall and CPU of each kind and their ratio. The log holds a
# JSON line per file; -v prints each skipped or failed file.
#
#   bash bench/logcost.sh [TREE]   # default: the local stdlib with site-packages
set -euo pipefail
cd "$(dirname "$0")/.."

TREE="${1:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}"
PAIRS="${PAIRS:-3}"
TMP="$(mktemp -d /tmp/pybatch-logcost.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure
echo "tree: $TREE; $(nproc) CPUs; $PAIRS pairs"

run() { # NAME ARGS...
  local name=$1
  shift
  rm -f "$TMP"/r.db* "$TMP/log.jsonl"
  "$TMP/measure" -interval 0 -name "$name" -- "$TMP/pybatch" analyze --progress none -o "$TMP/r.db" "$@" "$TREE" 2>&1 >/dev/null |
    grep '^MEASURE' | tee -a "$TMP/all"
  [ ! -f "$TMP/log.jsonl" ] || wc -l < "$TMP/log.jsonl" > "$TMP/loglines"
}
for i in $(seq "$PAIRS"); do
  if [ $((i % 2)) -eq 1 ]; then
    run plain; run logged -v --log "$TMP/log.jsonl"
  else
    run logged -v --log "$TMP/log.jsonl"; run plain
  fi
done
echo "log lines of a logged run: $(cat "$TMP/loglines")"
awk '{ n[$2]++; w[$2] += $4 + 0; c[$2] += $6 + 0 }
  END { for (k in n) printf "%-7s mean wall %.3f s, cpu %.3f s\n", k, w[k] / n[k], c[k] / n[k]
        printf "logged / plain: wall %.3f, cpu %.3f\n", (w["logged"] / n["logged"]) / (w["plain"] / n["plain"]), (c["logged"] / n["logged"]) / (c["plain"] / n["plain"]) }' "$TMP/all"
