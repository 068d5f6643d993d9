#!/usr/bin/env bash
# A million files on one machine (issue 18): trees of 100k, 250k, 500k and
# 1M files made of hard-linked copies of a corpus (no copy of the bytes),
# analyzed into SQLite and into JSON Lines, a first run and an unchanged
# re-run of each, side by side.
#
#   bash bench/scale.sh [CORPUS]
#
# Prints per size and format: files, wall and CPU time, peak RSS of the
# process (total and anonymous, sampled from /proc by bench/measure), the
# output's bytes per source byte, and for SQLite the five questions of the
# README timed with the sqlite3 shell. Environment: SIZES (default
# "100000 250000 500000 1000000"), FORMATS ("sqlite jsonl"), RERUN (the
# formats that also get a re-run, default FORMATS: a complete JSON Lines
# output is replaced by a re-run, which then costs a first run), JOBS (workers,
# default all CPUs), KEEP=1 keeps the temp dir, SCALE_TMP (where to build
# the trees; default a new dir under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."

CORPUS="${1:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}"
SIZES="${SIZES:-100000 250000 500000 1000000}"
FORMATS="${FORMATS:-sqlite jsonl}"
RERUN="${RERUN:-$FORMATS}"
JOBS="${JOBS:-$(nproc)}"
TMP="${SCALE_TMP:-$(mktemp -d /tmp/pybatch-scale.XXXXXX)}"
mkdir -p "$TMP"
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$TMP"' EXIT; fi
command -v sqlite3 >/dev/null || { echo "scale.sh needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }

go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure

# The corpus's .py files once (copied: the copies below are hard links of
# these, on the same file system).
if [[ ! -d $TMP/src ]]; then
  mkdir -p "$TMP/src"
  (cd "$CORPUS" && find . -name __pycache__ -prune -o -type f -name '*.py' -print0) |
    (cd "$CORPUS" && xargs -0 cp --parents -t "$TMP/src")
fi
NFILES=$(find "$TMP/src" -type f | wc -l)
SRCBYTES=$(find "$TMP/src" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
echo "corpus: $CORPUS -> $NFILES .py files, $SRCBYTES bytes; $JOBS workers; $(nproc) CPUs; $(date -u +%FT%TZ)"

# field NAME FILE: the number after NAME in the MEASURE line of FILE.
field() { awk -v k="$1" '/^MEASURE/ { for (i = 1; i <= NF; i++) if ($i == k) { v = $(i + 1); sub(/s$/, "", v); print v; exit } }' "$2"; }
rss() { awk '/^MEASURE/ { for (i = 1; i <= NF; i++) { if ($i == "tree" && $(i+1) == "RSS") t = $(i+2); if ($i == "anon" && $(i+1) == "RSS") a = $(i+2) } print t " " a; exit }' "$1"; }

# Five of the README's questions, as the README writes them.
QUERIES=(
  "most complex functions|SELECT path, line, qualname, complexity, rank FROM definitions ORDER BY complexity DESC, path, line, qualname LIMIT 20"
  "files with syntax errors|SELECT path, line, msg FROM syntax_errors ORDER BY path"
  "who imports json|SELECT DISTINCT path FROM imports WHERE module = 'json' ORDER BY path"
  "largest files|SELECT path, size FROM file_results ORDER BY size DESC, path LIMIT 10"
  "definitions per file|SELECT path, definitions FROM file_results ORDER BY definitions DESC, path LIMIT 10"
)

printf '\n%-9s %-7s %-7s %9s %9s %10s %10s %9s\n' files format run wall_s cpu_s rss_MB anon_MB out/src
for size in $SIZES; do
  copies=$(( (size + NFILES - 1) / NFILES ))
  roots=()
  for ((i = 1; i <= copies; i++)); do
    d=$(printf '%s/tree/copy%04d' "$TMP" "$i")
    [[ -d $d ]] || { mkdir -p "$TMP/tree"; cp -al "$TMP/src" "$d"; }
    roots+=("$d")
  done
  files=$((copies * NFILES))
  bytes=$((copies * SRCBYTES))
  for format in $FORMATS; do
    out="$TMP/out.$format"; [[ $format == jsonl ]] && out="$TMP/out.jsonl"
    rm -f "$out" "$out"-* "$out".*
    runs=(first); [[ " $RERUN " == *" $format "* ]] && runs+=(rerun)
    for run in "${runs[@]}"; do
      "$TMP/measure" -name "$format $run $files" -- "$TMP/pybatch" analyze -q -j "$JOBS" --progress none -o "$out" "${roots[@]}" \
        >/dev/null 2>"$TMP/m" || true
      read -r t a < <(rss "$TMP/m")
      size_b=$(stat -c %s "$out")
      printf '%-9s %-7s %-7s %9s %9s %10s %10s %9.3f\n' "$files" "$format" "$run" "$(field wall "$TMP/m")" "$(field cpu "$TMP/m")" \
        "$t" "$a" "$(awk -v o="$size_b" -v s="$bytes" 'BEGIN { print o / s }')"
      grep -v '^MEASURE' "$TMP/m" | tail -n 2 | sed 's/^/    /' || true
    done
    if [[ $format == sqlite ]]; then
      for q in "${QUERIES[@]}"; do
        name=${q%%|*}; sql=${q#*|}
        start=$(date +%s.%N)
        n=$(sqlite3 -readonly "$out" "$sql" | wc -l)
        end=$(date +%s.%N)
        printf '    query %-26s %8.3f s  (%d rows)\n' "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$n"
      done
    fi
  done
done
