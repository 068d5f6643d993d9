def f() -> None: ...
x = a @ b; x @= b; x = ~a; x = a != b; x = a ** -b
x = [*a]; x = {**a}; x = a if b else c
x = a[...]; x = ...
x = a.b; x = a(b)(c); x = not a
x = a < b > c <= d >= e == f
x = a >> b << c | d & e ^ f
x = a // b % c
x = (y := 1)
