package store

import (
	"context"
	"sync"
	"time"

	"github.com/pybatch/pybatch/result"
)

// Incremental applies the rules of incremental and resumed runs for one
// source, so that the command needs two calls: Skip on every scanned file
// before it is analysed, Write for every record instead of the sink's.
//
// SQLite (NewIncremental with a Run): a file is skipped when its stored
// result is final and path, size, mtime (ns), options hash and tool version
// match; the skip is recorded (Run.Keep) so that MarkGone does not take the
// file for deleted. A record whose content hash, size, options and version
// equal the stored ones (the mtime changed, the bytes did not) only touches
// the stored record (Run.Touch) instead of rewriting it.
//
// JSON Lines (NewJSONLResume): every path already in the committed part of
// the file is skipped, whatever its state, since a second line for it would
// be a duplicate.
//
// Skip and Write may be called from different goroutines.
type Incremental struct {
	mu          sync.Mutex
	known       map[string]FileState
	run         *Run // nil for JSON Lines
	sink        Sink
	source      string
	optionsHash string
	toolVersion string
	skipped     int
	touched     int
}

// NewIncremental prepares an incremental run of source on db: it reads
// what db knows (DB.Known) and writes through run.
func NewIncremental(ctx context.Context, db *DB, run *Run, source, optionsHash, toolVersion string) (*Incremental, error) {
	known, err := db.Known(ctx, source)
	if err != nil {
		return nil, err
	}
	return &Incremental{known: known, run: run, sink: run, source: source, optionsHash: optionsHash, toolVersion: toolVersion}, nil
}

// NewJSONLResume prepares the resume of a JSON Lines file: the paths of
// source it already holds are skipped.
func NewJSONLResume(out *JSONL, source string) (*Incremental, error) {
	known, err := out.Known(source)
	if err != nil {
		return nil, err
	}
	return &Incremental{known: known, sink: out, source: source}, nil
}

// Skip reports whether the scanned file at path needs no analysis. When it
// returns true the file is done (and, for SQLite, recorded as seen).
func (in *Incremental) Skip(ctx context.Context, path string, size int64, mtime time.Time) (bool, error) {
	in.mu.Lock()
	st, ok := in.known[path]
	in.mu.Unlock()
	if !ok {
		return false, nil
	}
	if in.run == nil { // JSON Lines: already written
		in.count(&in.skipped)
		return true, nil
	}
	if !st.Unchanged(size, mtime, in.optionsHash, in.toolVersion) {
		return false, nil
	}
	if err := in.run.Keep(ctx, in.source, path); err != nil {
		return false, err
	}
	in.count(&in.skipped)
	return true, nil
}

func (in *Incremental) count(n *int) {
	in.mu.Lock()
	*n++
	in.mu.Unlock()
}

// Write writes rec through the sink, or only touches the stored record when
// rec has the stored content under the same options and version.
func (in *Incremental) Write(ctx context.Context, rec *result.Record) error {
	if in.run != nil && rec.Source == in.source && rec.Status == result.Analyzed && rec.Report != nil {
		in.mu.Lock()
		st, ok := in.known[rec.Path]
		in.mu.Unlock()
		if ok && st.SameContent(rec.Size, rec.Report.SHA256, in.optionsHash, in.toolVersion) {
			in.count(&in.touched)
			return in.run.Touch(ctx, rec.Source, rec.Path, rec.Size, rec.ModTime)
		}
	}
	return in.sink.Write(ctx, rec)
}

// Counts returns how many files Skip skipped and Write only touched.
func (in *Incremental) Counts() (skipped, touched int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.skipped, in.touched
}
