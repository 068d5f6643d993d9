#!/usr/bin/env bash
# Each content analyzed once (issue 15): COPIES hard-linked copies of a tree
# under one root, analyzed with dedup (the default) and with --no-dedup,
# into SQLite and into JSON Lines, interleaved, ROUNDS times. Then a second
# root of the same copies into the first run's database: answered from the
# stored reports. Prints bench/measure's wall, CPU and peak RSS, and the
# files answered from an identical file's analysis (the summary's count).
#
#   bash bench/dedup.sh [TREE]   # default: the local stdlib with site-packages
#
# COPIES (default 10), ROUNDS (default 2), DEDUP_TMP (default /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."

TREE="${1:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}"
COPIES="${COPIES:-10}"
ROUNDS="${ROUNDS:-2}"
TMP="$(mktemp -d "${DEDUP_TMP:-/tmp}/pybatch-dedup.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure
for i in $(seq "$COPIES"); do mkdir -p "$TMP/a" "$TMP/b"; cp -al "$TREE" "$TMP/a/copy$i"; cp -al "$TREE" "$TMP/b/copy$i"; done
echo "tree: $TREE x $COPIES copies = $(find "$TMP/a" -name '*.py' | wc -l) .py files; $(nproc) CPUs"

# run NAME OUT ROOT ARGS...: one measured run; prints measure's line and the
# summary's count of files answered from another file's analysis.
run() {
  local name=$1 out=$2 root=$3
  shift 3
  "$TMP/measure" -name "$name" -- "$TMP/pybatch" analyze --progress none -o "$out" "$@" "$root" 2>"$TMP/err" >/dev/null || true
  grep '^MEASURE' "$TMP/err" | sed 's/^MEASURE //' | tr '\n' ' '
  { grep -o '[0-9]* answered from an identical file' "$TMP/err" || true; } | awk '{ printf "reused %s", $1 }'
  echo
}

for round in $(seq "$ROUNDS"); do
  rm -rf "$TMP"/*.db* "$TMP"/*.jsonl*
  run "round$round sqlite dedup" "$TMP/d.db" "$TMP/a"
  run "round$round sqlite no-dedup" "$TMP/n.db" "$TMP/a" --no-dedup
  run "round$round jsonl dedup" "$TMP/d.jsonl" "$TMP/a"
  run "round$round jsonl no-dedup" "$TMP/n.jsonl" "$TMP/a" --no-dedup
  # The same bytes under another root, into the databases of the first runs.
  run "round$round sqlite 2nd-root dedup" "$TMP/d.db" "$TMP/b"
  run "round$round sqlite 2nd-root no-dedup" "$TMP/n.db" "$TMP/b" --no-dedup
done
