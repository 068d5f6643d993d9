with (open(a) as b, c):
  pass
