#!/usr/bin/env bash
# Benchmark pybatch against a Python baseline (bench/baseline.py:
# multiprocessing.Pool + ast) and universal-ctags, on the same files, in one go.
#
#   bash bench/run.sh [CORPUS]          # default: the local Python 3.11 stdlib
#   bash bench/run.sh --scale [CORPUS]  # peak RSS of pybatch at ~10k/50k/100k files
#
# The corpus is copied to a temp dir without site-packages (and outside any git
# work tree, so that no .gitignore applies), then each tool runs on that copy.
# Figures come from bench/measure: wall time, CPU (user+sys, all processes),
# peak RSS summed over the process tree, and the largest single process.
# Environment: JOBS (workers, default: CPUs available), KEEP=1 keeps the temp dir,
# MAXMEM passes --max-memory to pybatch in --scale runs (default: pybatch's 500MB).
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=0
if [[ "${1:-}" == "--scale" ]]; then SCALE=1; shift; fi
CORPUS="${1:-/root/.pyenv/versions/3.11.7/lib/python3.11}"
JOBS="${JOBS:-$(nproc)}"
TMP="$(mktemp -d /tmp/pybatch-bench.XXXXXX)"
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$TMP"' EXIT; fi

go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure
M="$TMP/measure"

# The same files for every tool: the corpus minus site-packages and caches.
mkdir -p "$TMP/src"
(cd "$CORPUS" && find . -name site-packages -prune -o -name __pycache__ -prune -o -type f -name '*.py' -print0) |
  (cd "$CORPUS" && xargs -0 cp --parents -t "$TMP/src")
NFILES=$(find "$TMP/src" -name '*.py' | wc -l)
MB=$(du -sm "$TMP/src" | cut -f1)
echo "corpus: $CORPUS without site-packages -> $NFILES .py files, ${MB} MB; $JOBS workers; $(nproc) CPUs"

# Warm the page cache so that every tool reads from memory.
cat $(find "$TMP/src" -name '*.py') >/dev/null

if [[ $SCALE == 1 ]]; then
  # Replicate the corpus into copy001..copyNNN and analyse the first k copies.
  mkdir -p "$TMP/tree"
  for k in 10000 50000 100000; do
    copies=$(( (k + NFILES - 1) / NFILES ))
    for ((i = 1; i <= copies; i++)); do
      d=$(printf '%s/tree/copy%03d' "$TMP" "$i")
      [[ -d $d ]] || cp -r "$TMP/src" "$d"
    done
    roots=$(for ((i = 1; i <= copies; i++)); do printf '%s/tree/copy%03d ' "$TMP" "$i"; done)
    rm -f "$TMP/scale.db"*
    # shellcheck disable=SC2086
    "$M" -name "pybatch $((copies * NFILES)) files" -- "$TMP/pybatch" analyze -j "$JOBS" --progress none \
      ${MAXMEM:+--max-memory "$MAXMEM"} -o "$TMP/scale.db" $roots
  done
  exit 0
fi

run() { # name, command...: prints the MEASURE line, keeps it for the ratios
  local name="$1"; shift
  "$M" -name "$name" -- "$@" >/dev/null 2>"$TMP/err.$name" || true
  grep -v MEASURE "$TMP/err.$name" | tail -n 3 >&2 || true
  grep MEASURE "$TMP/err.$name" | tee "$TMP/m.$name"
}
run pybatch-jsonl   "$TMP/pybatch" analyze -j "$JOBS" --progress none -o "$TMP/out.jsonl" "$TMP/src"
run pybatch-sqlite  "$TMP/pybatch" analyze -j "$JOBS" --progress none -o "$TMP/out.db" "$TMP/src"
run pybatch-isolate "$TMP/pybatch" analyze -j "$JOBS" --progress none --isolate -o "$TMP/iso.jsonl" "$TMP/src"
run python-baseline python3 bench/baseline.py -j "$JOBS" -o "$TMP/baseline.jsonl" "$TMP/src"
run ctags           ctags -R --languages=Python -f "$TMP/tags" "$TMP/src"

echo
echo "records: pybatch $(wc -l <"$TMP/out.jsonl"), baseline $(wc -l <"$TMP/baseline.jsonl"), ctags tags $(grep -vc '^!' "$TMP/tags")"
field() { sed -E "s/.*$2 +([0-9.]+).*/\1/" "$TMP/m.$1"; }
ratio() { awk -v a="$(field "$1" "$3")" -v b="$(field "$2" "$3")" 'BEGIN { if (a > 0) printf "%.1fx", b / a; else print "n/a" }'; }
for base in python-baseline ctags; do
  printf 'pybatch-jsonl vs %-16s wall %s  cpu %s  peak tree RSS %s (how many times pybatch is smaller)\n' "$base" \
    "$(ratio pybatch-jsonl "$base" wall)" "$(ratio pybatch-jsonl "$base" cpu)" "$(ratio pybatch-jsonl "$base" 'tree RSS')"
done
