with *a: pass
