#!/usr/bin/env bash
# pybatch report on big databases (issue 14): the time to write the page, its
# size, and the time until Chromium fires `load`, for the stdlib with
# site-packages (about 11,600 files) and for COPIES hard-linked copies of it
# (default 9: about 105,000 files).
#
#   bash bench/report.sh [TREE]     # default: the local Python 3.11 stdlib
#   COPIES=9 ROUNDS=3 bash bench/report.sh
#
# Everything lives under $WORK (default /tmp/pybatch-report-bench, never in
# the repository): the trees are `cp -al` copies (hard links, no disk cost),
# the databases are made once by `pybatch analyze` and kept for the next
# invocation (delete $WORK to start again). Each report is timed ROUNDS times
# with bench/measure (wall and CPU: on a shared machine the CPU time is the
# fairer figure). With TABLES=1, the large database is also copied with its
# definitions and imports views materialised as tables, the shape issue 18
# gives them, to show what the report costs once the views are cheap.
# Screenshots (1280x800, 390x844) are written beside the pages.
set -euo pipefail
cd "$(dirname "$0")/.."

TREE="${1:-/root/.pyenv/versions/3.11.7/lib/python3.11}"
COPIES="${COPIES:-9}"
ROUNDS="${ROUNDS:-3}"
WORK="${WORK:-/tmp/pybatch-report-bench}"
mkdir -p "$WORK"

go build -o "$WORK/pybatch" ./cmd/pybatch
go build -o "$WORK/measure" ./bench/measure
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# A tree of COPIES hard-linked copies of TREE.
big="$WORK/tree-$COPIES"
if [ ! -d "$big" ]; then
  mkdir -p "$big.tmp"
  for i in $(seq 1 "$COPIES"); do cp -al "$TREE" "$big.tmp/copy$i"; done
  mv "$big.tmp" "$big"
fi

db_for() { # TREE DB: analyse once
  if [ ! -f "$2" ]; then
    "$WORK/pybatch" analyze --progress none -o "$2.tmp" "$1" >/dev/null 2>&1 || true
    mv "$2.tmp" "$2"
    rm -f "$2.tmp.lock"
  fi
}
db_for "$TREE" "$WORK/one.db"
db_for "$big" "$WORK/big.db"

if [ "${TABLES:-0}" = 1 ] && [ ! -f "$WORK/big-tables.db" ]; then
  cp "$WORK/big.db" "$WORK/big-tables.db.tmp"
  sqlite3 "$WORK/big-tables.db.tmp" "
    CREATE TABLE d2 AS SELECT * FROM definitions; DROP VIEW definitions;
    ALTER TABLE d2 RENAME TO definitions; CREATE INDEX definitions_file ON definitions(file_id, seq);
    CREATE TABLE i2 AS SELECT * FROM imports; DROP VIEW imports;
    ALTER TABLE i2 RENAME TO imports; CREATE INDEX imports_file ON imports(file_id, seq);"
  mv "$WORK/big-tables.db.tmp" "$WORK/big-tables.db"
fi

chromium_load() { # PAGE: ms from navigation to load, as the page records it
  local prof
  prof="$(mktemp -d)"
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --user-data-dir="$prof" --dump-dom "file://$1" 2>/dev/null |
    grep -o 'data-load-ms="[0-9]*"' | grep -o '[0-9]*' || echo "?"
  rm -rf "$prof"
}

shot() { # PAGE PNG W H
  local prof
  prof="$(mktemp -d)"
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --hide-scrollbars --user-data-dir="$prof" --window-size="$3,$4" --screenshot="$2" "file://$1" >/dev/null 2>&1
  rm -rf "$prof"
}

for name in one big big-tables; do
  db="$WORK/$name.db"
  [ -f "$db" ] || continue
  files=$(sqlite3 "$db" "SELECT count(*) FROM file_results")
  echo "== $name: $files files, database $(du -h "$db" | cut -f1)"
  for r in $(seq 1 "$ROUNDS"); do
    "$WORK/measure" -name "report $name #$r" -- "$WORK/pybatch" report -q --html "$WORK/$name.html" "$db" 2>&1 | grep '^MEASURE'
  done
  echo "page: $WORK/$name.html, $(stat -c %s "$WORK/$name.html") bytes"
  if command -v chromium >/dev/null; then
    echo "chromium load event: $(chromium_load "$WORK/$name.html") ms after navigation"
    shot "$WORK/$name.html" "$WORK/$name-1280x800.png" 1280 800
    shot "$WORK/$name.html" "$WORK/$name-390x844.png" 390 844
    echo "screenshots: $WORK/$name-1280x800.png $WORK/$name-390x844.png"
  fi
done
