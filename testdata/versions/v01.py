x = 1
type X = int
