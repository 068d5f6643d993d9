package parser

// LowestSnippet is a small file and its lowest version, with the feature
// that forces it and where (line 0: not checked).
type LowestSnippet struct {
	Src       string
	Version   Version
	Feature   string
	Line, Col int32
}

// LowestSnippets are the per-feature cases of TestLowest, exported for
// internal/oracle, which proves those of 3.10 and later against CPython
// (accepted by their version, rejected by the one before) and checks that
// CPython 3.10 accepts the others.
var LowestSnippets = []LowestSnippet{
	{"x = 1\n", 0, "", 0, 0},
	{"with a as b, c as d:\n    pass\n", 1, FeatMultipleWith, 1, 0},
	{"with (a, b):\n    pass\n", 0, "", 0, 0},
	{"with (a) as b:\n    pass\n", 0, "", 0, 0},
	{"from __future__ import barry_as_FLUFL\n", 1, FeatFutureBarryAsFLUFL, 1, 0},
	{"def g():\n    yield from x\n", 3, FeatYieldFrom, 2, 4},
	{"x = u'a'\n", 3, FeatUPrefix, 1, 4},
	{"x = ('a'\n     U'b')\n", 3, FeatUPrefix, 2, 5},
	{"x = rb'a' Rb'b'\n", 3, FeatRBPrefix, 1, 4},
	{"x = br'a'\n", 0, "", 0, 0},
	{"x = '''u'''  # u'x'\n", 0, "", 0, 0},
	{"x = 'a\\'u\"b' \"u'\"\n", 0, "", 0, 0},
	{"async def f():\n    await x\n    async for a in b:\n        pass\n    async with a:\n        pass\n", 5, FeatAsyncDef, 1, 0},
	{"x = a @ b\n", 5, FeatMatMul, 1, 4},
	{"a @= b\n", 5, FeatMatMul, 1, 0},
	{"f(*a, *b)\n", 5, FeatUnpacking, 1, 6},
	{"f(*a, b)\n", 5, FeatUnpacking, 1, 6},
	{"f(*a, b=1, **c)\n", 0, "", 0, 0},
	{"f(**a, **b)\n", 5, FeatUnpacking, 1, 7},
	{"f(**a, b=1)\n", 5, FeatUnpacking, 1, 7},
	{"x = [*a, 1]\n", 5, FeatUnpacking, 1, 5},
	{"x = *a, 1\n", 5, FeatUnpacking, 1, 4},
	{"x = {**a}\n", 5, FeatUnpacking, 1, 7},
	{"a, *b = c\n", 0, "", 0, 0},
	{"class A(*b): pass\n", 0, "", 0, 0},
	{"class A(*b, c): pass\n", 5, FeatUnpacking, 1, 12},
	{"from __future__ import generator_stop\n", 5, FeatFutureStop, 1, 0},
	{"x = f'{a}'\n", 6, FeatFString, 1, 4},
	{"x: int = 1\n", 6, FeatAnnAssign, 1, 0},
	{"x = 1_000\n", 6, FeatUnderscores, 1, 4},
	{"x = 0x_ff + .5_5j\n", 6, FeatUnderscores, 1, 4},
	{"x = 1e5 + 0x1f + 1.5j\n", 0, "", 0, 0},
	{"async def f():\n    yield 1\n", 6, FeatAsyncGen, 2, 4},
	{"async def f():\n    return [x async for x in y]\n", 6, FeatAsyncComp, 2, 11},
	{"async def f():\n    return [await x for x in y]\n", 6, FeatAwaitComp, 2, 12},
	{"async def f():\n    return [x for x in await y]\n", 5, FeatAsyncDef, 1, 0},
	{"def f():\n    return (x async for x in y)\n", 7, FeatAsyncOutside, 2, 11},
	{"async def f():\n    def g():\n        await x\n", 7, FeatAsyncOutside, 3, 8},
	{"from __future__ import annotations\n", 7, FeatFutureAnnotations, 1, 0},
	{"if (n := 10) > 5:\n    pass\n", 8, FeatWalrus, 1, 4},
	{"def f(a, /, b):\n    pass\n", 8, FeatPosOnly, 1, 6},
	{"f = lambda a, /: a\n", 8, FeatPosOnly, 1, 11},
	{"x = f'{a=}'\n", 8, FeatFStringEq, 1, 7},
	{"x = f'{a = !r:>{w}}'\n", 8, FeatFStringEq, 1, 7},
	{"x = f'{a!=b}'\n", 6, FeatFString, 1, 4},
	{"x = f'{a:=^10}'\n", 6, FeatFString, 1, 4},
	{"x = f'{(a:=1)}'\n", 8, FeatWalrus, 1, 8},
	{"def f():\n    return 1, *a\n", 8, FeatStarReturn, 2, 14},
	{"def f():\n    yield *a, 1\n", 8, FeatStarReturn, 2, 10},
	{"def f():\n    return (1, *a)\n", 5, FeatUnpacking, 2, 15},
	{"for x in y:\n    try:\n        pass\n    finally:\n        continue\n", 8, FeatContinueFinally, 5, 8},
	{"try:\n    pass\nfinally:\n    for x in y:\n        continue\n", 0, "", 0, 0},
	{"@a.b.c(d)\ndef f(): pass\n", 0, "", 0, 0},
	{"@a[0].b\ndef f(): pass\n", 9, FeatDecorator, 1, 1},
	{"@(a)\nclass A: pass\n", 9, FeatDecorator, 1, 2},
	{"@a(b)(c)\ndef f(): pass\n", 9, FeatDecorator, 1, 1},
	{"with (a as b, c as d):\n    pass\n", 9, FeatParenWith, 1, 0},
	{"with (\n    a as b,\n    c,\n):\n    pass\n", 9, FeatParenWith, 1, 0},
	{"match x:\n    case 1:\n        pass\n", 10, FeatMatch, 1, 0},
	{"match = 1\ncase = match\n", 0, "", 0, 0},
	{"x = {y := 1, 2}\n", 10, FeatWalrusUnparen, 1, 5},
	{"x = a[y := 1]\n", 10, FeatWalrusUnparen, 1, 6},
	{"x = a[(y := 1)]\n", 8, FeatWalrus, 1, 7},
	{"try:\n    pass\nexcept* E:\n    pass\n", 11, "except* (PEP 654)", 3, 0},
	{"x = a[*b]\n", 11, "starred expression in a subscript (PEP 646)", 1, 6},
	{"x = f'{a[*b]}'\n", 11, "starred expression in a subscript (PEP 646)", 1, 9},
	{"type X = int\n", 12, "type statement (PEP 695)", 1, 0},
	{"x = f'{'a'}'\n", 12, "f-string syntax of PEP 701", 1, 4},
	{"def f[T=int](): pass\n", 13, "type parameter defaults (PEP 696)", 1, 6},
	{"try:\n    pass\nexcept A, B:\n    pass\n", 14, "except without parentheses (PEP 758)", 3, 0},
	{"x = t'{a}'\n", 14, "t-string (PEP 750)", 1, 4},
}
