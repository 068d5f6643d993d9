match command:
    case 1:
        pass
    case -1 | 1.5 | -2j | 1 + 2j | 1 - 2j | -1 - 1j:
        pass
    case "str" | b"bytes" | "con" "cat":
        pass
    case None | True | False:
        pass
    case x:
        pass
    case _:
        pass
    case a.b.c:
        pass
    case (1, 2) | [1, 2] | (1,) | [] | ():
        pass
    case [1, *rest] | [*_, 2] | (*a, b):
        pass
    case {"key": v, 1: w, **rest}:
        pass
    case {}:
        pass
    case Point(x, y=0) | Point() | Point(1, 2, a=3):
        pass
    case a.B(c=D()):
        pass
    case [x, y] as pair if x > y:
        pass
    case (x as y) | (z as y):
        pass
    case 1, 2:
        pass
    case *a, b:
        pass
    case {**rest}:
        pass
match x,:
    case _: pass
match (x, y):
    case _: pass
match -x:
    case _: pass
match = 1
case = 2
match.x = 3
match[0] = 4
match(x)
type = 5
type(x)
_ = 6
