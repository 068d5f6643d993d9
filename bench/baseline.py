#!/usr/bin/env python3
"""The Python baseline for pybatch's benchmark: the same job done the way a
Python user would do it, with the standard library only.

Walk the roots for *.py files (skipping hidden directories, __pycache__ and
virtualenv-like directories, as pybatch does by default), then on a
multiprocessing.Pool of one process per CPU: read each file, hash it
(sha256), decode it as Python does (tokenize.detect_encoding), ast.parse it,
walk the tree for classes, functions and methods (qualified names,
positions, decorators, parameters, docstrings) and for imports, count lines,
and write one JSON object per file to the output (JSON Lines), including
files with a syntax error or that cannot be read.

usage: baseline.py [-o OUT] [-j N] ROOT...
"""

import argparse
import ast
import hashlib
import io
import json
import multiprocessing
import os
import sys
import tokenize

SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".tox", ".nox",
             ".mypy_cache", ".pytest_cache", ".ruff_cache"}


def walk(roots):
    for root in roots:
        if os.path.isfile(root):
            yield root
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames
                           if not d.startswith(".") and d not in SKIP_DIRS
                           and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg"))]
            for f in filenames:
                if f.endswith(".py"):
                    yield os.path.join(dirpath, f)


def definitions(tree):
    out = []

    def visit(node, prefix, in_class):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qual = prefix + child.name
                if isinstance(child, ast.ClassDef):
                    kind = "class"
                else:
                    kind = ("async_" if isinstance(child, ast.AsyncFunctionDef) else "") + \
                        ("method" if in_class else "function")
                d = {
                    "qualname": qual, "name": child.name, "kind": kind,
                    "line": child.lineno, "col": child.col_offset,
                    "end_line": child.end_lineno, "end_col": child.end_col_offset,
                    "decorators": [ast.unparse(x) for x in child.decorator_list],
                    "docstring": ast.get_docstring(child),
                }
                if kind != "class":
                    a = child.args
                    d["params"] = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
                    d["returns"] = ast.unparse(child.returns) if child.returns else ""
                else:
                    d["bases"] = [ast.unparse(b) for b in child.bases]
                out.append(d)
                if isinstance(child, ast.ClassDef):
                    visit(child, qual + ".", True)
                else:
                    visit(child, qual + ".<locals>.", False)
            else:
                visit(child, prefix, in_class)

    visit(tree, "", False)
    return out


def imports(tree):
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out.append({"module": a.name, "names": [{"name": a.name, "as": a.asname}],
                            "level": 0, "is_from": False, "line": node.lineno})
        elif isinstance(node, ast.ImportFrom):
            out.append({"module": node.module or "", "level": node.level, "is_from": True,
                        "names": [{"name": a.name, "as": a.asname} for a in node.names],
                        "line": node.lineno})
    return out


def analyze(path):
    rec = {"path": path}
    try:
        with open(path, "rb") as f:
            src = f.read()
    except OSError as e:
        rec.update(status="failed", error=str(e))
        return json.dumps(rec)
    rec["size"] = len(src)
    rec["sha256"] = hashlib.sha256(src).hexdigest()
    rec["lines"] = src.count(b"\n")
    try:
        rec["encoding"], _ = tokenize.detect_encoding(io.BytesIO(src).readline)
        tree = ast.parse(src, filename=path)
    except (SyntaxError, ValueError) as e:
        rec.update(status="analyzed", syntax_error={"msg": str(e), "line": getattr(e, "lineno", None)})
        return json.dumps(rec)
    rec["status"] = "analyzed"
    rec["docstring"] = ast.get_docstring(tree)
    rec["definitions"] = definitions(tree)
    rec["imports"] = imports(tree)
    return json.dumps(rec)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("-j", "--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("roots", nargs="+")
    args = ap.parse_args()
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    n = 0
    with multiprocessing.Pool(args.workers) as pool:
        for line in pool.imap_unordered(analyze, walk(args.roots), chunksize=16):
            out.write(line)
            out.write("\n")
            n += 1
    out.flush()
    print(f"baseline: {n} files", file=sys.stderr)


if __name__ == "__main__":
    main()
