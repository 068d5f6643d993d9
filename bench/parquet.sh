#!/usr/bin/env bash
# Parquet against SQLite (issue 16): the same tree analyzed into each,
# interleaved, ROUNDS times; then the README's example queries
# (internal/duckdb/readme_queries.sql) timed with the sqlite3 shell over
# the database and with DuckDB (@duckdb/node-api under Node.js, as the
# tests run it) over the Parquet directory.
#
#   bash bench/parquet.sh [ROOT...]     (default: the stdlib and site-packages)
#
# Prints per format and round: wall and CPU time (user+sys), peak RSS
# (bench/measure), bytes on disk; per query the engines' in-process times
# (sqlite3's ".timer on" real time, DuckDB's around runAndReadAll), median
# of QREPS runs, and the row counts (which must agree). Environment:
# ROUNDS (default 3), QREPS (default 10), JOBS (workers, default all CPUs),
# KEEP=1 keeps the temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

if (($# == 0)); then
  mapfile -t ROOTS < <(python3 -c '
import sysconfig
p = sysconfig.get_paths()
roots = [p["stdlib"]]
for k in ("purelib", "platlib"):
    if not any(p[k] == r or p[k].startswith(r + "/") for r in roots):
        roots.append(p[k])
print("\n".join(roots))')
else
  ROOTS=("$@")
fi
ROUNDS="${ROUNDS:-3}"
QREPS="${QREPS:-10}"
export QREPS
JOBS="${JOBS:-$(nproc)}"
TMP=$(mktemp -d /tmp/pybatch-parquet.XXXXXX)
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$TMP"' EXIT; fi
command -v sqlite3 >/dev/null || { echo "parquet.sh needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }
[[ -f node_modules/@duckdb/node-api/package.json ]] || { echo "parquet.sh needs npm ci (@duckdb/node-api)" >&2; exit 2; }

go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure
echo "roots: ${ROOTS[*]}; $JOBS workers; $(nproc) CPUs; $ROUNDS rounds; $(date -u +%FT%TZ)"

field() { awk -v k="$1" '/^MEASURE/ { for (i = 1; i <= NF; i++) if ($i == k) { v = $(i + 1); sub(/s$/, "", v); print v; exit } }' "$2"; }
rss() { awk '/^MEASURE/ { for (i = 1; i <= NF; i++) if ($i == "tree" && $(i+1) == "RSS") { print $(i+2); exit } }' "$1"; }

printf '\n%-8s %5s %9s %9s %9s %12s\n' format round wall_s cpu_s rss_MB bytes
for ((r = 1; r <= ROUNDS; r++)); do
  for format in sqlite parquet; do
    out="$TMP/out.db"; [[ $format == parquet ]] && out="$TMP/out.parquet"
    rm -rf "$out" "$out"-* "$out".*
    "$TMP/measure" -name "$format $r" -- "$TMP/pybatch" analyze -q -j "$JOBS" --progress none --format "$format" -o "$out" "${ROOTS[@]}" \
      >/dev/null 2>"$TMP/m" || true
    bytes=$(shopt -s nullglob; du -scb "$out" "$out"-* | awk 'END { print $1 }')
    printf '%-8s %5s %9s %9s %9s %12s\n' "$format" "$r" "$(field wall "$TMP/m")" "$(field cpu "$TMP/m")" "$(rss "$TMP/m")" "$bytes"
  done
done
echo "parquet parts: $(find "$TMP/out.parquet" -name '*.parquet' | wc -l) files; $(du -sb "$TMP/out.parquet"/* | awk '{ printf "%s %s; ", $2, $1 }' | sed "s#$TMP/out.parquet/##g")"

# The queries: sqlite3 with .timer on, each QREPS times in a row in one
# session.
mapfile -t QUERIES < <(grep -v '^--' internal/duckdb/readme_queries.sql | grep -v '^$')
{
  echo ".timer on"
  for q in "${QUERIES[@]}"; do
    for ((r = 1; r <= QREPS; r++)); do echo "$q;"; done
  done
} | sqlite3 -readonly "$TMP/out.db" >"$TMP/sqlite.out" 2>&1
# DuckDB: the same queries, each FROM naming the Parquet table
# (internal/duckdb.ForParquet), QREPS runs each.
python3 - "$TMP/out.parquet" "${QUERIES[@]}" >"$TMP/duck.json" <<'PY'
import json, re, sys
d = sys.argv[1]
def table(m):
    t = m.group(1)
    t = "files" if t == "file_results" else t
    return "FROM read_parquet('%s/%s/*.parquet')" % (d, t)
qs = [re.sub(r"\bFROM (file_results|files|definitions|imports|syntax_errors|runs)\b", table, q) for q in sys.argv[2:]]
print(json.dumps({"queries": qs, "repeat": int(__import__("os").environ["QREPS"])}))
PY
(cd internal/duckdb && node query.mjs <"$TMP/duck.json" >"$TMP/duck.out")
python3 - "$TMP/sqlite.out" "$TMP/duck.out" "$QREPS" "${QUERIES[@]}" <<'PY'
import json, re, statistics, sys
sq, dk, reps, qs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
lines = open(sq).read().splitlines()
# Each statement prints its rows, then "Run Time: real R user U sys S".
times, rows, cur = [], [], 0
for l in lines:
    m = re.match(r"Run Time: real ([0-9.]+)", l)
    if m:
        times.append(float(m.group(1)) * 1000); rows.append(cur); cur = 0
    else:
        cur += 1
duck = json.load(open(dk))
print("\n(medians of %d runs; sqlite3 times have 1 ms steps)" % reps)
print("%-4s %12s %12s %12s %7s  %s" % ("q", "sqlite3_ms", "duckdb_ms", "duck_first", "rows", "query"))
tot_s = tot_d = 0
for i, q in enumerate(qs):
    s = statistics.median(times[i * reps:(i + 1) * reps])
    d = statistics.median(duck[i]["ms"])
    tot_s, tot_d = tot_s + s, tot_d + d
    n_s, n_d = rows[i * reps], len(duck[i]["rows"])
    print("%-4d %12.1f %12.1f %12.1f %3d/%-3d  %s" % (i + 1, s, d, duck[i]["ms"][0], n_s, n_d, q[:70]))
print("all  %12.1f %12.1f   duckdb/sqlite3 = %.2f" % (tot_s, tot_d, tot_d / tot_s if tot_s else float("nan")))
PY
