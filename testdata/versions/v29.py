foo(f"{x:{y:{z}}}", a,
 b)
