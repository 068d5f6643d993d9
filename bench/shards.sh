#!/usr/bin/env bash
# Shards and merge (issue 16), on one machine.
#
#   bash bench/shards.sh [balance|tree|all]
#
# balance: the real tree (the Python install: stdlib + site-packages) in
#   N shards (default 8): bytes analyzed per shard, min/mean/max and the
#   largest deviation from the mean, from each part's statistics.
# tree: a FILES-file tree (default 100000; bench/gentree.py) analyzed once
#   whole and in N shards run PAR at a time (default 2), then merged: the
#   merge is compared with the single run (the dump of internal/storetest:
#   every file's result, definition and import), with per-shard bytes, the
#   merge's wall/CPU time and peak RSS (bench/measure).
# Environment: N, PAR, FILES, JOBS (workers per run, default all CPUs),
# KEEP=1 keeps the temp dir, SHARDS_TMP (default a new dir under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-all}"
N="${N:-8}"
PAR="${PAR:-2}"
FILES="${FILES:-100000}"
JOBS="${JOBS:-$(nproc)}"
TMP="${SHARDS_TMP:-$(mktemp -d /tmp/pybatch-shards.XXXXXX)}"
mkdir -p "$TMP"
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$TMP"' EXIT; fi
command -v sqlite3 >/dev/null || { echo "shards.sh needs the sqlite3 shell" >&2; exit 2; }
go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure
PB="$TMP/pybatch"
echo "pybatch shards: N=$N, $JOBS workers per run, $(nproc) CPUs, $(date -u +%FT%TZ)"

# bytes DIR: per-shard bytes, min/mean/max and the worst deviation.
bytes() {
  python3 - "$1" <<'PY'
import json, glob, sys
st = [json.load(open(f)) for f in sorted(glob.glob(sys.argv[1] + "/part-*-of-*.json"))]
b = [s["bytes"] for s in st]
f = [s["files"] for s in st]
m = sum(b) / len(b)
print("  files per shard:", f)
print("  bytes per shard:", b)
print("  bytes min/mean/max: %d / %.0f / %d  (%.1f%% .. %+.1f%% of the mean)" % (min(b), m, max(b), 100 * (min(b) / m - 1), 100 * (max(b) / m - 1)))
print("  placed by size: %d files over %d bytes (plan %s)" % (sum(len(s.get("placed") or []) for s in st), st[0].get("threshold", 0), st[0].get("plan")))
PY
}

# dump DB: internal/storetest's dump, with the sqlite3 shell.
dump() {
  sqlite3 -readonly "$1" \
    "SELECT source || '|' || path || '|' || size || '|' || mtime_ns || '|' || coalesce(sha256, '') || '|' || status || '|' || coalesce(loc, '') FROM file_results ORDER BY source, path;" \
    "SELECT '--';" \
    "SELECT f.path || '|' || d.seq || '|' || d.qualname || '|' || d.line FROM definitions d JOIN files f ON f.id = d.file_id ORDER BY f.path, d.seq;" \
    "SELECT '--';" \
    "SELECT f.path || '|' || i.seq || '|' || i.module || '|' || coalesce(i.names, '') FROM imports i JOIN files f ON f.id = i.file_id ORDER BY f.path, i.seq;"
}

# field NAME FILE: the number after NAME in the MEASURE line of FILE.
field() { awk -v k="$1" '/^MEASURE/ { for (i = 1; i <= NF; i++) if ($i == k) { v = $(i + 1); sub(/s$/, "", v); print v; exit } }' "$2"; }

if [[ $WHAT == balance || $WHAT == all ]]; then
  REAL="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
  echo
  echo "balance: $REAL in $N shards"
  rm -rf "$TMP/real"
  for ((k = 0; k < N; k++)); do
    "$PB" analyze -q --progress none -j "$JOBS" --shard "$k/$N" -o "$TMP/real" "$REAL" || true
  done
  bytes "$TMP/real"
  # What hashing alone would have given (the same files, by ShardOf).
  python3 - "$REAL" "$N" "$TMP/real" <<'PY'
import hashlib, glob, sqlite3, sys
n = int(sys.argv[2]); b = [0] * n
for part in glob.glob(sys.argv[3] + "/part-*-of-*.db"):
    for path, size in sqlite3.connect("file:%s?mode=ro" % part, uri=True).execute("SELECT path, size FROM file_results WHERE status = 'analyzed'"):
        b[int.from_bytes(hashlib.sha256(path.encode()).digest()[:8], "big") % n] += size
m = sum(b) / n
print("  by hash alone it would be: %d / %.0f / %d  (%.1f%% .. %+.1f%%)" % (min(b), m, max(b), 100 * (min(b) / m - 1), 100 * (max(b) / m - 1)))
PY
fi

if [[ $WHAT == tree || $WHAT == all ]]; then
  echo
  [[ -d $TMP/tree ]] || python3 bench/gentree.py "$TMP/tree" "$FILES" >/dev/null
  rm -rf "$TMP/parts" "$TMP"/single.db* "$TMP"/merged.db*
  echo "tree: $FILES files (bench/gentree.py) in $N shards, $PAR at a time"
  "$TMP/measure" -name "single run" -- "$PB" analyze -q --progress none -j "$JOBS" -o "$TMP/single.db" "$TMP/tree" 2>"$TMP/m.single" || true
  grep MEASURE "$TMP/m.single"
  start=$(date +%s.%N)
  seq 0 $((N - 1)) | xargs -P "$PAR" -I K "$TMP/measure" -name "shard K/$N" -- "$PB" analyze -q --progress none -j "$JOBS" --shard "K/$N" -o "$TMP/parts" "$TMP/tree" 2>&1 | grep MEASURE || true
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "  %d shards, %d at a time: %.1f s wall\n", '"$N"', '"$PAR"', b - a }'
  bytes "$TMP/parts"
  "$TMP/measure" -name "merge" -- "$PB" merge -q -o "$TMP/merged.db" "$TMP/parts" 2>"$TMP/m.merge"
  grep MEASURE "$TMP/m.merge"
  echo "  merge: $(field wall "$TMP/m.merge") s wall, $(field cpu "$TMP/m.merge") s CPU; single run: $(field wall "$TMP/m.single") s wall"
  dump "$TMP/single.db" >"$TMP/single.dump"
  dump "$TMP/merged.db" >"$TMP/merged.dump"
  if cmp -s "$TMP/single.dump" "$TMP/merged.dump"; then
    echo "  merged == single run: identical ($(wc -l <"$TMP/single.dump") dump lines)"
  else
    echo "  merged != single run:"; diff "$TMP/single.dump" "$TMP/merged.dump" | head -5; exit 1
  fi
fi
