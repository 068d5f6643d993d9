#!/usr/bin/env python3
"""Build a mixed tree for the ETA's measurements (issue 13) in a temp folder
(never commit it): several different packages, some replicated many times.

    python3 bench/mixtree.py DEST [FILES] [SEED]    # FILES default 1,500,000
    python3 bench/eta.py --runs 5 DEST

The packages: the local standard library (without site-packages), each
top-level package of site-packages (the single-file modules as one), and the
standard libraries of CPython 3.10-3.14 from the pyodide npm packages
(node_modules/pyodide*/python_stdlib.zip, those installed). Each is kept once
as DEST/NAME/c0 (its .py files copied), and replicated as DEST/NAME/c1... by
hard links (inodes, no bytes): how many times is drawn from a Pareto
distribution (seeded: the same tree for the same FILES and SEED), scaled so
that the tree holds about FILES files. A few packages come hundreds of times,
most a few times, each with its own cost per byte.
"""
import os, random, shutil, sys, sysconfig, zipfile

dest = sys.argv[1]
target = int(sys.argv[2]) if len(sys.argv) > 2 else 1_500_000
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 13
if os.path.exists(dest) and os.listdir(dest):
    sys.exit("mixtree: %s exists and is not empty" % dest)
here = os.path.dirname(os.path.abspath(__file__))
stdlib = sysconfig.get_paths()["stdlib"]
site = sysconfig.get_paths()["purelib"]


def pyfiles(top, skip=()):
    """The .py files under top, relative to it, sorted."""
    out = []
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and os.path.join(root, d) not in skip)
        out += [os.path.relpath(os.path.join(root, f), top) for f in sorted(files) if f.endswith(".py")]
    return out


# name -> (list of relative paths, function writing copy 0 into a folder)
packages = {}


def from_dir(top, rels):
    def write(to):
        for r in rels:
            os.makedirs(os.path.dirname(os.path.join(to, r)), exist_ok=True)
            shutil.copyfile(os.path.join(top, r), os.path.join(to, r))
    return write


rels = pyfiles(stdlib, skip={site})
packages["stdlib-local"] = (rels, from_dir(stdlib, rels))
singles = []
for name in sorted(os.listdir(site)):
    p = os.path.join(site, name)
    if os.path.isdir(p) and not name.endswith((".dist-info", ".egg-info")) and name != "__pycache__":
        rels = pyfiles(p)
        if rels:
            packages["site-" + name] = (rels, from_dir(p, rels))
    elif name.endswith(".py"):
        singles.append(name)
if singles:
    packages["site-modules"] = (singles, from_dir(site, singles))
for mod in sorted(os.listdir(os.path.join(here, "..", "node_modules"))):
    z = os.path.join(here, "..", "node_modules", mod, "python_stdlib.zip")
    if mod.startswith("pyodide") and os.path.exists(z):
        zf = zipfile.ZipFile(z)
        names = sorted(n for n in zf.namelist() if n.endswith(".py") and "__pycache__" not in n)

        def write(to, zf=zf, names=names):
            for n in names:
                os.makedirs(os.path.dirname(os.path.join(to, n)), exist_ok=True)
                with zf.open(n) as src, open(os.path.join(to, n), "wb") as out:
                    shutil.copyfileobj(src, out)
        packages["stdlib-" + mod] = (names, write)

rnd = random.Random(seed)
weight = {name: rnd.paretovariate(1.1) for name in sorted(packages)}


def copies(scale):
    return {n: max(1, round(scale * w)) for n, w in weight.items()}


def size(scale):
    return sum(c * len(packages[n][0]) for n, c in copies(scale).items())


lo, hi = 0.0, 1.0
while size(hi) < target:
    hi *= 2
for _ in range(60):
    mid = (lo + hi) / 2
    lo, hi = (mid, hi) if size(mid) < target else (lo, mid)
plan = copies(hi)

os.makedirs(dest, exist_ok=True)
total = 0
for name in sorted(plan):
    rels, write = packages[name]
    first = os.path.join(dest, name, "c0")
    write(first)
    for i in range(1, plan[name]):
        to = os.path.join(dest, name, "c%d" % i)
        for r in rels:
            os.makedirs(os.path.dirname(os.path.join(to, r)), exist_ok=True)
            os.link(os.path.join(first, r), os.path.join(to, r))
    total += plan[name] * len(rels)
many = sorted(plan.items(), key=lambda kv: -kv[1] * len(packages[kv[0]][0]))
print("%s: %d files in %d packages (seed %d); most files: %s" % (
    dest, total, len(plan), seed,
    ", ".join("%s %d x %d" % (n, c, len(packages[n][0])) for n, c in many[:6])))
