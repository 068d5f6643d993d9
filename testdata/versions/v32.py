foo(f"a" f'{
"b"}', c)
