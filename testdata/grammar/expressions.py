a or b or c
a and b and c
a and b or c and not d
not not x
a < b <= c > d >= e == f != g
a is b; a is not b; a in b; a not in b
a | b ^ c & d
a << b >> c
a + b - c
a * b / c // d % e @ f
-a; +a; ~a; - - a
a ** b ** c
-a ** -b
await_ = 1
x if y else z
lambda: 0
lambda x, /, y=1, *a, z, **k: x
lambda *, k: k
(x := 10)
f(y := 1)
[y := 1, y ** 2]
a[b]; a[b, c]; a[b:c]; a[b:c:d]; a[::]; a[:, 1]; a[1:2, ::3]; a[*b]; a[*b, c]
a.b.c
f(); f(a); f(a, b); f(a, *b, c=1, **d); f(*a, *b, **c, **d); f(a for a in b)
f(x, y=1,)
f(**{'a': 1})
(1); (1,); (); (1, 2); 1, 2
[]; [1]; [1, 2,]; [*a, *b]
{}; {1: 2}; {**a, 'b': 1, **c}; {1, 2}; {*a}
[x for x in y]
[x for x in y if x if not x for z in x]
{x for x in y}
{k: v for k, v in d.items()}
(x for x in y)
[(yield_) for x in y]
...
None; True; False
__debug__
x = *a, *b
print(*a)
a if b else c if d else e
f(a)(b)(c)
a[b][c].d(e)
(a.b)
(lambda: (yield))
