a = 1; type X = int
