"""The definitions and imports CPython itself sees in Python files.

Usage: python3 defs_oracle.py LISTFILE   (one path per line)

Prints one JSON object per file: {"path", "defs", "imports"} or
{"path", "error"} when ast.parse rejects the file. Each definition is
[qualname, kind, lineno, end_lineno]; the qualname is the real
__qualname__, read from the code objects CPython's compiler makes for the
module (co_qualname), matched to the ast node by (name, first line); it is
null when the compiler made no code object (dead code such as `if 0:`) or
the module does not compile. kind is class, function, method,
async_function or async_method (a method is a function whose enclosing scope
is a class body). Each import is [module, [[name, asname], ...], level,
is_from, lineno], with one entry per name for a plain `import a, b`.

Run by analysis/defs_test.go with the local python3 (3.11) and with CPython
3.14 under pyodide. Works on both.
"""
import ast
import json
import sys


def code_qualnames(code, out):
    for c in code.co_consts:
        if hasattr(c, "co_qualname"):
            out.setdefault((c.co_name, c.co_firstlineno), []).append(c.co_qualname)
            code_qualnames(c, out)


def analyze(path):
    with open(path, "rb") as f:
        src = f.read()
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError) as e:
        return {"path": path, "error": "%s: %s" % (type(e).__name__, e)}
    quals = {}
    try:
        code_qualnames(compile(tree, path, "exec", dont_inherit=True), quals)
    except Exception:
        pass
    defs = []

    def visit(node, in_class):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if isinstance(child, ast.ClassDef):
                    kind = "class"
                else:
                    kind = "method" if in_class else "function"
                    if isinstance(child, ast.AsyncFunctionDef):
                        kind = "async_" + kind
                first = child.decorator_list[0].lineno if child.decorator_list else child.lineno
                qs = quals.get((child.name, first))
                defs.append([qs.pop(0) if qs else None, kind, child.lineno, child.end_lineno])
                visit(child, isinstance(child, ast.ClassDef))
            else:
                visit(child, in_class)

    visit(tree, False)
    imports = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                imports.append([a.name, [[a.name, a.asname or ""]], 0, False, node.lineno])
        elif isinstance(node, ast.ImportFrom):
            imports.append([node.module or "", [[a.name, a.asname or ""] for a in node.names],
                            node.level, True, node.lineno])
    return {"path": path, "defs": defs, "imports": imports}


def main():
    sys.setrecursionlimit(10000)
    with open(sys.argv[1], encoding="utf-8") as f:
        paths = [l.rstrip("\n") for l in f if l.strip()]
    out = sys.stdout
    for p in paths:
        try:
            res = analyze(p)
        except RecursionError as e:
            res = {"path": p, "error": "RecursionError: %s" % e}
        out.write(json.dumps(res) + "\n")


main()
