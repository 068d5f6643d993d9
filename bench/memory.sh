#!/usr/bin/env bash
# Memory of the real `pybatch analyze` on a large tree (issue 5):
#
#   bash bench/memory.sh [TREE] [N]
#
# TREE defaults to a temp dir filled by bench/gentree.py with N (default
# 100000) hard-linked stdlib files plus two large files and three 100 MB
# files. The tree is analysed twice into fresh SQLite databases, with
# --max-memory 200MB and with the default cap, --max-size 0 so that the
# memory manager (not the scanner's size limit) decides about the 100 MB
# files. Each run prints bench/measure's line (peak RSS of the process) and
# the run's own statistics: peak and average RSS sampled while it ran.
set -euo pipefail
cd "$(dirname "$0")/.."
TMP="$(mktemp -d /tmp/pybatch-mem.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
TREE="${1:-}"
if [[ -z $TREE ]]; then
  TREE="$TMP/tree"
  python3 bench/gentree.py "$TREE" "${2:-100000}"
fi
go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure
for cap in 200MB default; do
  rm -f "$TMP/mem.db"*
  args=()
  [[ $cap != default ]] && args=(--max-memory "$cap")
  "$TMP/measure" -name "pybatch --max-memory $cap" -- "$TMP/pybatch" analyze --progress json --max-size 0 "${args[@]}" \
    -o "$TMP/mem.db" "$TREE" 2>"$TMP/events" >/dev/null || true
  grep MEASURE "$TMP/events"
  grep '"event":"done"' "$TMP/events" | python3 -c '
import json, sys
e = json.loads(sys.stdin.read()); st = e["stats"]; m = st["memory"]
print("  %d files: %d analysed, skipped %s; run stats: peak RSS %.1f MB, average RSS %.1f MB, peak Go heap %.1f MB" % (
    e["files_done"], e["analyzed"], st.get("skipped_by_reason"), m["peak_rss_bytes"] / 1e6, m["avg_rss_bytes"] / 1e6, m["peak_heap_bytes"] / 1e6))'
done
