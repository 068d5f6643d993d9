#!/usr/bin/env python3
"""Measure the ETA error of the real `pybatch analyze` (issue 5).

    python3 bench/eta.py [--pybatch BIN] [PATH...]   # default PATH: the local stdlib + site-packages

Runs `pybatch analyze --progress json` into a fresh temp database, keeps every
progress event, and for the first event at or past 10%, 25% and 50% of the
bytes compares the ETA it printed with the time that actually remained until
the final event (events every 50 ms). Prints one line per checkpoint and the peak and average
memory from the run's statistics. Run it on a quiet machine: the ETA cannot
foresee other load.
"""
import argparse, json, os, subprocess, sys, sysconfig, tempfile
from datetime import datetime

ap = argparse.ArgumentParser()
ap.add_argument("--pybatch", default=None, help="binary (default: go build ./cmd/pybatch)")
ap.add_argument("paths", nargs="*", default=[sysconfig.get_paths()["stdlib"]])
args, extra = ap.parse_known_args()

with tempfile.TemporaryDirectory() as tmp:
    exe = args.pybatch
    if exe is None:
        exe = os.path.join(tmp, "pybatch")
        subprocess.run(["go", "build", "-o", exe, "./cmd/pybatch"], check=True,
                       cwd=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    cmd = [exe, "analyze", "--progress", "json", "--progress-interval", "50ms", "-o", os.path.join(tmp, "eta.db")] + extra + args.paths
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    events = [json.loads(l) for l in p.stderr.splitlines() if l.startswith("{")]
    if p.returncode not in (0, 1) or not events or events[-1]["event"] != "done":
        sys.exit("pybatch failed (exit %d):\n%s" % (p.returncode, p.stderr[-2000:]))

t = lambda e: datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()
end = events[-1]
total = end["bytes_total"]
print("run: %d files, %.1f MB, %.2f s" % (end["files_done"], total / 1e6, end["elapsed_s"]))
for frac in (0.10, 0.25, 0.50):
    e = next((e for e in events if e["bytes_done"] >= frac * total), None)
    if e is None:
        print("%3d%%: no event" % (frac * 100))
        continue
    actual = t(end) - t(e)
    if e["eta_s"] is None:
        print("%3d%%: at %.2f s the ETA was still estimating; %.2f s remained" % (frac * 100, e["elapsed_s"], actual))
        continue
    err = (e["eta_s"] - actual) / actual * 100 if actual > 0 else float("nan")
    print("%3d%%: at %.2f s (%.1f%% of bytes, total %s) ETA %.2f s, actual %.2f s, error %+.1f%%" % (
        frac * 100, e["elapsed_s"], 100 * e["bytes_done"] / total,
        "final" if e["total_final"] else "counted" if e.get("total_counted") else "growing",
        e["eta_s"], actual, err))
mem = (end.get("stats") or {}).get("memory") or {}
if mem:
    print("memory: " + ", ".join("%s %s" % (k, v) for k, v in mem.items() if not isinstance(v, (list, dict))))
