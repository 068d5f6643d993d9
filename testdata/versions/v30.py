foo(f"{'#'}", a,
 b)
