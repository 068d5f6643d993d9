x = f"{x!r:>{w}}" f'{y}'
