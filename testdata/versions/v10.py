x = f"{a +
b}"
