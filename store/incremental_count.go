package store

// Holds reports whether the output already holds a record for path, in
// whatever state, without recording anything. A counting walk that knows
// only names (no sizes or times) leaves these out of a resumed or
// incremental run's total: most of them will be skipped as unchanged.
func (in *Incremental) Holds(path string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	_, ok := in.index[path]
	return ok
}
