async def f[T](): pass
