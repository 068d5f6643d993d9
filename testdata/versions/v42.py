x = 1
class C[*Ts, **P]: pass
