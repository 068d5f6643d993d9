x = t"hi"
