y = f"{a["b"]}" + c
