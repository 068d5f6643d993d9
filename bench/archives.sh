#!/usr/bin/env bash
# Archives as sources (issue 15): the same records from archives as from
# the extracted tree, the time of each format against the directory run,
# and the memory of a 1 GB archive and of thousands of small ones.
#
#   bash bench/archives.sh [SITE_PACKAGES]
#
# corpus: every top-level package of SITE_PACKAGES (default: python3's
#   purelib) packed as .tar.gz (tar czf), .zip (zip -ry) and .whl (the same
#   zip, named as a wheel); the .tar.gz are extracted into a tree. Each is
#   analyzed into JSON Lines; the records (path inside the archive or below
#   the tree, status, skip reason, and the whole report: content hash,
#   definitions, imports, metrics, syntax error) are compared, and wall,
#   CPU time and peak RSS printed side by side (bench/measure).
# big: one tar.gz of about BIG_MB (default 1024) MB made of copies of the
#   stdlib, analyzed under --max-memory MAXMEM (default 500MB).
# many: MANY (default 3000) small tar.gz of a few stdlib files each, in
#   one directory, analyzed with --archives under --max-memory MAXMEM.
#
# PARTS (default "corpus big many") chooses; KEEP=1 keeps the temp dir;
# JOBS sets the workers (default all CPUs).
set -euo pipefail
cd "$(dirname "$0")/.."

SITE="${1:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')}"
STDLIB="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
PARTS="${PARTS:-corpus big many}"
BIG_MB="${BIG_MB:-1024}"
MANY="${MANY:-3000}"
MAXMEM="${MAXMEM:-500MB}"
JOBS="${JOBS:-$(nproc)}"
TMP="$(mktemp -d /tmp/pybatch-archives.XXXXXX)"
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$TMP"' EXIT; fi
for c in tar zip python3; do command -v $c >/dev/null || { echo "archives.sh needs $c" >&2; exit 2; }; done

go build -o "$TMP/pybatch" ./cmd/pybatch
go build -o "$TMP/measure" ./bench/measure
echo "$(date -u +%FT%TZ); $(nproc) CPUs; $JOBS workers; parts: $PARTS"

# run NAME ARGS...: pybatch analyze under measure; prints the MEASURE line.
run() {
  local name=$1; shift
  "$TMP/measure" -name "$name" -- "$TMP/pybatch" analyze -j "$JOBS" --progress none "$@" 2>"$TMP/$name.err" | tee -a "$TMP/measures"
  tail -n 4 "$TMP/$name.err" | sed 's/^/    /'
}

if [[ " $PARTS " == *" corpus "* ]]; then
  echo "== corpus: the top-level packages of $SITE"
  mkdir -p "$TMP/tgz" "$TMP/zip" "$TMP/whl" "$TMP/tree"
  n=0
  for d in "$SITE"/*/; do
    name=$(basename "$d")
    case $name in *.dist-info|*.egg-info|__pycache__|.*) continue ;; esac
    find "$d" -name '*.py' -print -quit | grep -q . || continue
    (cd "$SITE" && tar czf "$TMP/tgz/$name.tar.gz" --exclude=__pycache__ "$name")
    (cd "$SITE" && zip -qry "$TMP/zip/$name.zip" "$name" -x '*/__pycache__/*')
    cp "$TMP/zip/$name.zip" "$TMP/whl/$name-0-py3-none-any.whl"
    tar xzf "$TMP/tgz/$name.tar.gz" -C "$TMP/tree"
    n=$((n + 1))
  done
  echo "$n packages; $(find "$TMP/tree" -name '*.py' | wc -l) .py files in the tree;" \
    "tar.gz $(du -sm "$TMP/tgz" | cut -f1) MB, zip $(du -sm "$TMP/zip" | cut -f1) MB, tree $(du -sm "$TMP/tree" | cut -f1) MB"
  run tree -o "$TMP/tree.jsonl" "$TMP/tree"
  run tar.gz -o "$TMP/tgz.jsonl" "$TMP"/tgz/*.tar.gz
  run zip -o "$TMP/zip.jsonl" "$TMP"/zip/*.zip
  run whl -o "$TMP/whl.jsonl" "$TMP"/whl/*.whl
  run tar.gz-walk -o "$TMP/tgzwalk.jsonl" --archives "$TMP/tgz"
  python3 - "$TMP" <<'EOF'
import json, os, sys
tmp = sys.argv[1]
def load(name, tree):
    recs = {}
    for line in open(os.path.join(tmp, name)):
        r = json.loads(line)
        if r.get("event"):
            continue
        if tree:
            key = r["path"]                        # pkg/mod.py below the tree
        else:
            key = r["path"]                        # pkg/mod.py inside pkg.tar.gz
        rep = r.get("report") or {}
        recs[key] = (r["status"], r.get("skip_reason"), r.get("error_class"), json.dumps(rep, sort_keys=True))
    return recs
want = load("tree.jsonl", True)
for name in ("tgz.jsonl", "zip.jsonl", "whl.jsonl", "tgzwalk.jsonl"):
    got = load(name, False)
    same = sum(1 for k, v in want.items() if got.get(k) == v)
    missing = [k for k in want if k not in got]
    extra = [k for k in got if k not in want]
    diff = [k for k in want if k in got and got[k] != want[k]]
    print(f"{name:14s} records {len(got):6d}, tree {len(want):6d}: equal {same}, missing {len(missing)}, extra {len(extra)}, different {len(diff)}",
          ("e.g. " + repr((missing + extra + diff)[:3])) if missing or extra or diff else "")
EOF
fi

if [[ " $PARTS " == *" big "* ]]; then
  echo "== big: one tar.gz of about $BIG_MB MB of stdlib copies"
  python3 - "$STDLIB" "$TMP/big.tar.gz" "$BIG_MB" <<'EOF'
import os, sys, tarfile, io
stdlib, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = []
for root, dirs, names in os.walk(stdlib):
    dirs[:] = [d for d in dirs if d not in ("site-packages", "__pycache__")]
    for n in names:
        if n.endswith(".py"):
            p = os.path.join(root, n)
            files.append((os.path.relpath(p, stdlib), open(p, "rb").read()))
copy = 0
with open(out, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tf:
    while raw.tell() < mb << 20:
        for rel, data in files:
            ti = tarfile.TarInfo(f"copy{copy:04d}/{rel}")
            ti.size, ti.mtime = len(data), 1700000000
            tf.addfile(ti, io.BytesIO(data))
        copy += 1
print(f"{copy} copies of {len(files)} files: {copy * len(files)} members")
EOF
  ls -l "$TMP/big.tar.gz" | awk '{ printf "big.tar.gz: %.0f MB\n", $5 / 1048576 }'
  run big --max-memory "$MAXMEM" -o "$TMP/big.db" "$TMP/big.tar.gz"
  rm -f "$TMP/big.tar.gz" "$TMP"/big.db*
fi

if [[ " $PARTS " == *" many "* ]]; then
  echo "== many: $MANY small tar.gz"
  python3 - "$STDLIB" "$TMP/many" "$MANY" <<'EOF'
import os, sys, tarfile, io
stdlib, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(out)
files = []
for root, dirs, names in os.walk(stdlib):
    dirs[:] = [d for d in dirs if d not in ("site-packages", "__pycache__")]
    for name in sorted(names):
        if name.endswith(".py"):
            p = os.path.join(root, name)
            files.append((os.path.relpath(p, stdlib), open(p, "rb").read()))
files.sort()
for i in range(n):
    with tarfile.open(os.path.join(out, f"pkg{i:05d}-1.0.tar.gz"), "w:gz") as tf:
        for j in range(5):
            rel, data = files[(i * 5 + j) % len(files)]
            ti = tarfile.TarInfo(f"pkg{i:05d}-1.0/{rel}")
            ti.size, ti.mtime = len(data), 1700000000
            tf.addfile(ti, io.BytesIO(data))
EOF
  echo "$(ls "$TMP/many" | wc -l) archives, $(du -sm "$TMP/many" | cut -f1) MB"
  run many --max-memory "$MAXMEM" -o "$TMP/many.db" --archives "$TMP/many"
  run many-rerun --max-memory "$MAXMEM" -o "$TMP/many.db" --archives "$TMP/many"
fi
