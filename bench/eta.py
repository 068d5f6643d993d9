#!/usr/bin/env python3
"""Measure the ETA error of the real `pybatch analyze` (issue 5).

    python3 bench/eta.py [--pybatch BIN] [--runs N] [PATH...]   # default PATH: the local stdlib + site-packages

Runs `pybatch analyze --progress json` into a fresh temp database, keeps every
progress event, and for the first event at or past 10%, 25% and 50% of the
bytes compares the ETA it printed with the time that actually remained until
the final event (events every 20 ms), and until the process exited (after
the final event the run's outcome is recorded and the output closed). Where
the output's end took work (the index built again after a large first run:
"finishing" events), it also prints the ETA of the last event before them and
the time that remained. Prints one line per checkpoint and the peak
and average memory from the run's statistics; with --runs N, N runs one after
the other, then how many of them were within 20% at each checkpoint and the
range of the errors. Run it on a quiet machine: the ETA cannot foresee other
load. The tree (its metadata, and each distinct file) is read once before
the runs (--cold: not), so that each run finds it cached alike.
"""
import argparse, json, os, subprocess, sys, sysconfig, tempfile, time
from datetime import datetime

ap = argparse.ArgumentParser()
ap.add_argument("--pybatch", default=None, help="binary (default: go build ./cmd/pybatch)")
ap.add_argument("--runs", type=int, default=1, help="how many runs (default 1)")
ap.add_argument("--cold", action="store_true",
                help="do not read the tree (its metadata and each distinct file) into the cache first: the first run then reads from disk")
ap.add_argument("paths", nargs="*", default=[sysconfig.get_paths()["stdlib"]])
args, extra = ap.parse_known_args()

FRACS = (0.10, 0.25, 0.50)
t = lambda e: datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()


def one(exe, tmp, n):
    db = os.path.join(tmp, "eta%d.db" % n)
    cmd = [exe, "analyze", "--progress", "json", "--progress-interval", "20ms", "-o", db] + extra + args.paths
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    exited = time.time()
    # progress events and the final done event (the summary and messages
    # that follow carry no progress)
    events = [e for e in (json.loads(l) for l in p.stderr.splitlines() if l.startswith("{")) if e["event"] in ("progress", "done")]
    if p.returncode not in (0, 1) or not events or events[-1]["event"] != "done":
        sys.exit("pybatch failed (exit %d):\n%s" % (p.returncode, p.stderr[-2000:]))
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    end = events[-1]
    total = end["bytes_total"]
    counted = next((e for e in events if e.get("total_counted") or e["total_final"]), end)
    tail = exited - t(end)
    print("run %d: %d files, %.1f MB, %.2f s; the total was known at %.2f s; the process exited %.2f s after the final event" % (
        n + 1, end["files_done"], total / 1e6, end["elapsed_s"], counted["elapsed_s"], tail))
    fin = next((i for i, e in enumerate(events) if e.get("finishing")), None)
    if fin is not None and fin > 0 and events[fin - 1]["eta_s"] is not None:
        last = events[fin - 1]  # the last event before the finishing phase
        print("  finishing: the last event before it, at %.2f s with %d files left, said %.2f s; %.2f s remained" % (
            last["elapsed_s"], last["files_total"] - last["files_done"], last["eta_s"], t(end) - t(last)))
    errs, exits = [], []
    for frac in FRACS:
        e = next((e for e in events if e["bytes_done"] >= frac * total), None)
        if e is None:
            print("  %3d%%: no event" % (frac * 100))
            errs.append(None)
            exits.append(None)
            continue
        actual = t(end) - t(e)
        if e["eta_s"] is None:
            print("  %3d%%: at %.2f s the ETA was still estimating; %.2f s remained" % (frac * 100, e["elapsed_s"], actual))
            errs.append(None)
            exits.append(None)
            continue
        err = (e["eta_s"] - actual) / actual * 100 if actual > 0 else float("nan")
        errs.append(err)
        exits.append((e["eta_s"] - actual - tail) / (actual + tail) * 100)
        print("  %3d%%: at %.2f s (%.1f%% of bytes, total %s) ETA %.2f s, actual %.2f s, error %+.1f%% (%+.1f%% to the exit)" % (
            frac * 100, e["elapsed_s"], 100 * e["bytes_done"] / total,
            "final" if e["total_final"] else "counted" if e.get("total_counted") else "growing",
            e["eta_s"], actual, err, exits[-1]))
    mem = (end.get("stats") or {}).get("memory") or {}
    if mem:
        print("  memory: " + ", ".join("%s %s" % (k, v) for k, v in mem.items() if not isinstance(v, (list, dict))))
    return errs, exits


def warm(paths):
    """Reads the tree's metadata and each distinct file once, so that every
    run finds them cached alike: a tree whose inodes are not cached takes the
    counting walk 30-45 s instead of 5 (2,000,118 files), and files read from
    disk make the first seconds of the first run the slowest."""
    seen, stack = set(), list(paths)
    while stack:
        p = stack.pop()
        try:
            it = os.scandir(p)
        except OSError:
            continue
        with it:
            for e in it:
                try:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    elif e.is_file(follow_symlinks=False):
                        st = e.stat(follow_symlinks=False)
                        if (st.st_dev, st.st_ino) not in seen:
                            seen.add((st.st_dev, st.st_ino))
                            with open(e.path, "rb") as f:
                                while f.read(1 << 20):
                                    pass
                except OSError:
                    pass


with tempfile.TemporaryDirectory() as tmp:
    exe = args.pybatch
    if exe is None:
        exe = os.path.join(tmp, "pybatch")
        subprocess.run(["go", "build", "-o", exe, "./cmd/pybatch"], check=True,
                       cwd=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    if not args.cold:
        warm(args.paths)
    runs = [one(exe, tmp, n) for n in range(args.runs)]

if args.runs > 1:
    print("over %d runs:" % args.runs)
    for label, k in (("to the final event", 0), ("to the exit", 1)):
        print(" " + label + ":")
        for i, frac in enumerate(FRACS):
            errs = [r[k][i] for r in runs]
            ok = sum(1 for e in errs if e is not None and abs(e) <= 20)
            known = sorted(e for e in errs if e is not None)
            print("  %3d%%: within 20%% in %d of %d; errors %s" % (
                frac * 100, ok, len(errs), " ".join("%+.0f" % e for e in known) or "none"))
        known = [e for r in runs for e in r[k] if e is not None]
        if known:
            print("  mean %+.1f%% over %d checkpoints" % (sum(known) / len(known), len(known)))
