"""CPython's own ast.parse speed on the files pybatch's parser benchmark uses.

Same selection as python/parser's benchCorpus: every .py file under DIR except
site-packages that CPython accepts, read and decoded beforehand so that only
parsing is timed, on one core (one process). Prints MB/s of wall time and of
process CPU time, like the Go benchmark.
"""
import ast
import os
import sys
import time
import warnings

warnings.simplefilter("ignore")
root = sys.argv[1] if len(sys.argv) > 1 else "/root/.pyenv/versions/3.11.7/lib/python3.11"
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
srcs = []
for d, dirs, files in os.walk(root):
    dirs[:] = [x for x in dirs if x != "site-packages"]
    for f in files:
        if not f.endswith(".py"):
            continue
        try:
            raw = open(os.path.join(d, f), "rb").read()
            ast.parse(raw)
        except Exception:
            continue
        srcs.append(raw)
# pybatch's benchmark counts decoded UTF-8 bytes; for these files they equal the raw bytes
# but for a handful of latin-1 files, so count the same thing.
total = 0
for raw in srcs:
    try:
        total += len(raw.decode("utf-8").encode())
    except UnicodeDecodeError:
        total += len(raw)
best_wall = best_cpu = float("inf")
for _ in range(reps):
    w0, c0 = time.perf_counter(), time.process_time()
    for raw in srcs:
        ast.parse(raw)
    best_wall = min(best_wall, time.perf_counter() - w0)
    best_cpu = min(best_cpu, time.process_time() - c0)
mb = total / 1e6
print(f"cpython {sys.version.split()[0]} ast.parse: {len(srcs)} files {mb:.1f} MB  "
      f"{mb / best_wall:.2f} MB/s wall  {mb / best_cpu:.2f} MB/s cpu")
