x = a[b, *c]
