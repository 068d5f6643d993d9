"""The definitions and imports CPython itself sees in Python files.

Usage: python3 defs_oracle.py LISTFILE   (one path per line)

Prints one JSON object per file: {"path", "defs", "imports"} or
{"path", "error"} when ast.parse rejects the file. Each definition is
[qualname, kind, lineno, end_lineno, docstring, decorators, returns, bases,
params]; the qualname is the real
__qualname__, read from the code objects CPython's compiler makes for the
module (co_qualname), matched to the ast node by (name, first line); it is
null when the compiler made no code object (dead code such as `if 0:`) or
the module does not compile. kind is class, function, method,
async_function or async_method (a method is a function whose enclosing scope
is a class body). docstring is ast.get_docstring(node) on Python >= 3.13
(whose inspect.cleandoc pybatch follows), else the string "<skip>".
decorators, returns and bases (base classes, then class keywords) are
ast.get_source_segment texts; params are [name, kind, has_default,
has_annotation]. "doc" is the module's docstring likewise. Each import is [module, [[name, asname], ...], level,
is_from, lineno], with one entry per name for a plain `import a, b`.

Run by analysis/defs_test.go with the local python3 (3.11) and with CPython
3.14 under pyodide. Works on both.
"""
import ast
import importlib.util
import json
import sys

NEW_CLEANDOC = sys.version_info >= (3, 13)

# ast.get_source_segment splits the whole source into lines on every call
# in 3.11 (quadratic on big files): remember the last split.
_split_orig = ast._splitlines_no_ff
_split_last = [None, None]


def _split_cached(source, *args, **kwargs):
    if args or kwargs:
        return _split_orig(source, *args, **kwargs)
    if _split_last[0] is not source:
        _split_last[0], _split_last[1] = source, _split_orig(source)
    return _split_last[1]


ast._splitlines_no_ff = _split_cached


def params(a):
    out = []
    pos = a.posonlyargs + a.args
    first_default = len(pos) - len(a.defaults)
    for i, p in enumerate(pos):
        kind = "positional_only" if i < len(a.posonlyargs) else "positional"
        out.append([p.arg, kind, i >= first_default, p.annotation is not None])
    if a.vararg:
        out.append([a.vararg.arg, "var_positional", False, a.vararg.annotation is not None])
    for p, d in zip(a.kwonlyargs, a.kw_defaults):
        out.append([p.arg, "keyword_only", d is not None, p.annotation is not None])
    if a.kwarg:
        out.append([a.kwarg.arg, "var_keyword", False, a.kwarg.annotation is not None])
    return out


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
    try:
        text = importlib.util.decode_source(src)
    except Exception:
        text = None

    def seg(n):
        return ast.get_source_segment(text, n) if text is not None else "<skip>"

    def doc(n):
        return ast.get_docstring(n) if NEW_CLEANDOC else "<skip>"

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
                if isinstance(child, ast.ClassDef):
                    returns, bases, ps = "", [seg(b) for b in child.bases] + [seg(k) for k in child.keywords], []
                else:
                    returns, bases, ps = seg(child.returns) if child.returns else "", [], params(child.args)
                defs.append([qs.pop(0) if qs else None, kind, child.lineno, child.end_lineno,
                             doc(child), [seg(d) for d in child.decorator_list], returns, bases, ps])
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
    return {"path": path, "doc": doc(tree), "defs": defs, "imports": imports}


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
