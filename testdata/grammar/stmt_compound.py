if a:
    pass
elif b:
    pass
elif c: pass
else:
    pass

while x:
    break
else:
    continue_ = 1

for i in range(10):
    continue
else:
    pass

for a, b in pairs: pass
for (a, b) in pairs: pass
for x, in y: pass
for *a, b in c: pass

try:
    pass
except ValueError:
    pass
except (TypeError, KeyError) as e:
    pass
except E1, E2:
    pass
except:
    pass
else:
    pass
finally:
    pass

try:
    pass
except* ValueError as eg:
    pass
except* TypeError, KeyError:
    pass

try:
    pass
finally:
    pass

with open(f) as g, open(h):
    pass
with (open(f) as g, open(h) as i,):
    pass
with (a, b):
    pass
with a as (b, c):
    pass
with (yield):
    pass

def f(): pass
def f(a, b=1, *args, c, d=2, **kwargs) -> int:
    return a
def f(a, /, b, *, c): ...
def f(a=1, /, b=2, *, c): return
def f(*, a: int = 1, b: "str"): pass
def f(*args: *Ts): pass
def f[T](x: T) -> T: return x
def f[T: (int, str), U = bool](): pass

class C: pass
class C(Base, metaclass=M, **kw): pass
class C[T](Generic[T]):
    x: int = 0
    def m(self): return self.x

@decorator
@decorator.attr(arg)
@(lambda f: f)
@x[0] @ y
def g(): pass

@dataclass(frozen=True)
class D: pass

async def af():
    await x
    async for i in aiter():
        pass
    else:
        pass
    async with lock as l, other:
        pass
    return [i async for i in a]

def gen():
    yield
    yield 1
    yield 1, 2
    yield from other()
    x = yield
    x = yield from y
    return (yield)
