if 1:
  def f[T](x: T): pass
