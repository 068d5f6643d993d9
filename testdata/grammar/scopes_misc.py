#!/usr/bin/env python3
# comment line
"""Module docstring."""

def outer():
    x = 1
    def inner():
        nonlocal x
        global y
        x += 1
    return inner

class A:
    """Class docstring."""
    def method(self):
        """Method docstring."""
        return super().method()

if True:
	tab_indented = 1
if True:
    if True:
        if True:
            deep = 1
        pass
x = [
    1,
    2,
]
y = (1 +
     2)
z = 1 + \
    2
s = {
  'a': 1,  # trailing comment
}
def f(
    a,
    b,
):
    pass
semicolon = 1; another = 2;
if x: pass; pass
while 0: break
form_feed = 1
x = 1 # comment without newline at end
