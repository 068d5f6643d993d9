package progress

// Inputs whose files are found only by reading them (archives: their
// members come out of a compressed stream) cannot be counted ahead. The
// tracker is told their size on disk instead (ExpectInput) and how much of
// it has been read (InputRead, with the bytes of the files found in what
// was read). Until discovery is done, the total counts what is not read
// yet at the ratio seen so far (file bytes per byte read; 1 before any
// read), so that the ETA of a run over archives follows the compressed
// bytes read rather than only the members found so far.

// ExpectInput adds n bytes of input to be read (an archive's size on
// disk). Safe from any goroutine.
func (t *Tracker) ExpectInput(n int64) { t.inExpect.Add(max(n, 0)) }

// InputRead says that read more bytes of the expected input were read, in
// which files of found bytes (as given to Discovered) were found. Safe from
// any goroutine.
func (t *Tracker) InputRead(read, found int64) {
	if read > 0 {
		t.inRead.Add(read)
	}
	if found > 0 {
		t.inFound.Add(found)
	}
}

// inputAhead is the projected bytes of files in the input not read yet.
func (t *Tracker) inputAhead() int64 {
	expect, read := t.inExpect.Load(), t.inRead.Load()
	left := expect - read
	if left <= 0 {
		return 0
	}
	if read == 0 {
		return left
	}
	return int64(float64(left) * float64(t.inFound.Load()) / float64(read))
}
