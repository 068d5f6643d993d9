#!/usr/bin/env bash
# Front-end speed, in one run on the same files: pybatch's tokenizer, parser, and
# whole front end (python.ParseFile: decode + tokenize + parse, from raw bytes)
# as Go benchmarks on one core, against CPython's ast.parse (local python3), with
# the ratio. cpuMB/s is per CPU-second of the process (GC included), steadier than
# MB/s on a shared machine; B/srcbyte is heap allocated per source byte.
#   bash bench/parse.sh [DIR]     (default: the local Python stdlib without site-packages)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}
export PYBATCH_BENCH_DIR=$dir
out=$(mktemp)
GOMAXPROCS=1 go test -run '^$' -bench 'BenchmarkTokenize$' -benchtime 5x ./python/tokenizer/ | tee -a "$out"
GOMAXPROCS=1 go test -run '^$' -bench 'BenchmarkParse$' -benchtime 5x -benchmem ./python/parser/ | tee -a "$out"
GOMAXPROCS=1 go test -run '^$' -bench 'BenchmarkParseFile$' -benchtime 5x -benchmem ./python/ | tee -a "$out"
py=$(python3 bench/parse_baseline.py "$dir" 3)
echo "$py"
go_mbs=$(awk '/BenchmarkParse\/Copy/ {for (i=1;i<=NF;i++) if ($(i+1)=="MB/s") print $i}' "$out" | head -1)
py_mbs=$(echo "$py" | awk '{for (i=1;i<=NF;i++) if ($(i+1)=="MB/s" && $(i+2)=="wall") print $i}')
awk -v g="$go_mbs" -v p="$py_mbs" 'BEGIN { if (g && p) printf "parse speed ratio pybatch/CPython (wall, one core): %.1fx\n", g / p }'
rm -f "$out"
