package store

import "time"

// Done reports whether Skip would skip the file, without recording
// anything: a counting walk uses it to leave out of its totals the files an
// incremental or resumed run will not analyse.
func (in *Incremental) Done(path string, size int64, mtime time.Time) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	i, ok := in.index[path]
	if !ok {
		return false
	}
	return in.run == nil || in.files[i].Unchanged(size, mtime, in.optionsHash, in.toolVersion)
}
