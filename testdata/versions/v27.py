x = [f"{a["b"]}" for c in d
 if e]
