#!/usr/bin/env python3
"""Generate the memory test tree of issue 5 in a temp folder (never commit it):
N files hard-linked round-robin from the Python standard library (real files,
no disk cost), a few large files, and a few 100 MB files.

    python3 bench/gentree.py /tmp/memtree 100000
    bash bench/memory.sh /tmp/memtree
"""
import os, sys

STDLIB = "/root/.pyenv/versions/3.11.7/lib/python3.11"
dest, n = sys.argv[1], int(sys.argv[2])
src = []
for root, dirs, files in os.walk(STDLIB):
    dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
    src += [os.path.join(root, f) for f in files if f.endswith(".py")]
src.sort()
for i in range(n):
    d = os.path.join(dest, "d%03d" % (i // 1000))
    os.makedirs(d, exist_ok=True)
    os.link(src[i % len(src)], os.path.join(d, "m%06d.py" % i))
# large files: concatenated real modules (what generated code looks like)
body = b"".join(open(p, "rb").read() for p in src[:400])
os.makedirs(os.path.join(dest, "big"), exist_ok=True)
for name, size in [("big_3mb.py", 3 << 20), ("big_5mb.py", 5 << 20), ("huge_100mb_a.py", 100 << 20),
                   ("huge_100mb_b.py", 100 << 20), ("huge_100mb_c.py", 100 << 20)]:
    with open(os.path.join(dest, "big", name), "wb") as f:
        left = size
        while left > 0:
            chunk = body[:left]
            f.write(chunk)
            left -= len(chunk)
print("generated", n, "files +5 large in", dest)
