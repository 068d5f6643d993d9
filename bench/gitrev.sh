#!/usr/bin/env bash
# Git revisions (issue 15): a repository of 20 commits that each change a few
# files of a real package; `pybatch analyze --rev` over all 20 against one
# revision (CPU time, bench/measure), and each revision's records against
# those of a checkout of it (`git worktree add`), compared by path, status,
# skip reason, size and the whole report (content hash included).
#
#   bash bench/gitrev.sh [PACKAGE_DIR]   # default: site-packages/networkx
#
# The git binary builds the repository and the checkouts; pybatch reads the
# revisions from the repository's objects. ROUNDS (default 3) repeats the
# timed pair, one after the other, each into a fresh database; the ratio is
# of the medians.
set -euo pipefail
cd "$(dirname "$0")/.."

SP="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
PKG="${1:-$SP/networkx}"
ROUNDS="${ROUNDS:-3}"
TMP="$(mktemp -d /tmp/pybatch-gitrev.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT

go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure

REPO="$TMP/repo"
mkdir -p "$REPO"
export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP" GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
g() { git -C "$REPO" "$@"; }
g init -q -b main
cp -r "$PKG" "$REPO/$(basename "$PKG")"
find "$REPO" -name __pycache__ -prune -exec rm -rf {} +
printf '*.log\nbuild/\n' >"$REPO/.gitignore"
g add -A
GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" g commit -qm "import $(basename "$PKG")"
mapfile -t PYS < <(cd "$REPO" && git ls-files '*.py' | sort)
# 19 commits, each changing 3 files (a new function appended, chosen by a
# fixed stride through the sorted list) and adding one.
for i in $(seq 1 19); do
  for k in 0 1 2; do
    f="${PYS[$(((i * 37 + k * 101) % ${#PYS[@]}))]}"
    printf '\n\ndef _bench_added_%d_%d(x):\n    if x:\n        return %d\n    return None\n' "$i" "$k" "$i" >>"$REPO/$f"
  done
  printf 'VALUE = %d\n' "$i" >"$REPO/added_$i.py"
  g add -A
  GIT_COMMITTER_DATE="2026-01-01T00:$(printf %02d "$i"):00Z" g commit -qm "change $i"
done
FIRST="$(g rev-list --max-parents=0 HEAD)"
echo "package: $PKG (${#PYS[@]} .py files, $(du -sh --apparent-size "$REPO/$(basename "$PKG")" | cut -f1)); 20 commits; $(nproc) CPUs"

cpu() { awk '/^MEASURE/ { for (i = 1; i <= NF; i++) if ($i == "cpu") { sub("s", "", $(i+1)); print $(i+1) } }'; }
med() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# timed LABEL: the pair of runs, ROUNDS times, and the ratio of the medians.
timed() {
  local one=() all=() o a
  for round in $(seq "$ROUNDS"); do
    rm -f "$TMP"/one.db* "$TMP"/all.db*
    o=$("$TMP/measure" -name "one revision ($1)" -- "$TMP/pybatch" analyze --progress none -o "$TMP/one.db" --rev HEAD "$REPO" 2>&1 >/dev/null | tee -a "$TMP/log" | cpu)
    a=$("$TMP/measure" -name "20 revisions ($1)" -- "$TMP/pybatch" analyze --progress none -o "$TMP/all.db" --rev "$FIRST" --rev "$FIRST..HEAD" "$REPO" 2>&1 >/dev/null | tee -a "$TMP/log" | cpu)
    one+=("$o") all+=("$a")
  done
  local mo ma
  mo=$(med "${one[@]}") ma=$(med "${all[@]}")
  echo "$1: median CPU of $ROUNDS: one revision ${mo}s, 20 revisions ${ma}s: $(awk -v a="$ma" -v o="$mo" 'BEGIN { printf "%.2f", a / o }')x (target: at most 2x)"
}
timed "loose objects"
g gc -q
timed "packed, after git gc"
grep MEASURE "$TMP/log"

# Each revision against a checkout of it.
"$TMP/pybatch" analyze --progress none -q -o "$TMP/revs.jsonl" --rev "$FIRST" --rev "$FIRST..HEAD" "$REPO"
n=0
for c in $(g rev-list --reverse HEAD); do
  g worktree add -q --detach "$TMP/co-$c" "$c"
  "$TMP/pybatch" analyze --progress none -q -o "$TMP/co-$c.jsonl" "$TMP/co-$c"
  n=$((n + 1))
done
python3 - "$TMP" "$(cd "$REPO" && pwd -P)" <<'EOF'
import json, os, sys, glob
tmp, repo = sys.argv[1], sys.argv[2]
def load(path):
    out = {}
    for line in open(path):
        r = json.loads(line)
        out.setdefault(r["source"], {})[r["path"]] = (r["status"], r.get("skip_reason"), r["size"], r.get("report"))
    return out
revs = load(os.path.join(tmp, "revs.jsonl"))
bad = 0
files = 0
for co in sorted(glob.glob(os.path.join(tmp, "co-*.jsonl"))):
    commit = os.path.basename(co)[3:-6]
    (src, want), = load(co).items()
    got = revs.get(repo + "@" + commit, {})
    files += len(want)
    for p in sorted(set(want) | set(got)):
        if want.get(p) != got.get(p):
            bad += 1
            if bad <= 10:
                print("differs:", commit[:12], p, "checkout:", str(want.get(p))[:120], "rev:", str(got.get(p))[:120])
print(f"{len(revs)} revisions, {files} records: {bad} differ from the checkouts'")
sys.exit(1 if bad or len(revs) != 20 else 0)
EOF
