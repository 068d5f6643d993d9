# Simple statements: assignment forms, augmented, annotated, del, pass, etc.
x = 1
x = y = z = 2
a, b = b, a
[a, *b] = c
(a, b), c = d
x.attr = 1
x[0] = 1
x[1:2] = []
x += 1; x -= 1; x *= 2; x @= m; x /= 2; x //= 2; x %= 3; x **= 2
x >>= 1; x <<= 1; x &= 1; x |= 1; x ^= 1
y: int
y: list[int] = []
(y): int = 1
x.y: str
x[0]: int = 0
del x, y[0], z.a
del (a, b), [c]
pass
assert x
assert x, "message"
global g1, g2
nonlocal_ = 1
import os
import os.path as p, sys
from . import a
from .. import b as c
from ...pkg.mod import (d, e as f,)
from __future__ import annotations
from m import *
raise
raise E
raise E from cause
x = yield_ = 3
type Alias = int
type Gen[T] = list[T]
type Bounded[T: int, *Ts, **P] = tuple[T, *Ts]
type Defaults[T = int, *Ts = *tuple[int], **P = [int, str]] = T
print(x); print(y);
