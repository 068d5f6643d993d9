def f(*a: *T): pass
