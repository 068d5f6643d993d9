foo(f"""{a#
}""", a,
 b)
