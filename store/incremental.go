package store

import (
	"context"
	"sync"
	"time"

	"github.com/pybatch/pybatch/result"
)

// Incremental applies the rules of incremental and resumed runs for one
// source, so that the command needs two calls: Skip on every scanned file
// before it is analyzed, Write for every record instead of the sink's.
//
// SQLite (NewIncremental with a Run): a file is skipped when its stored
// result is final and path, size, mtime (ns), options hash and tool version
// match. Nothing is written for a skipped file: the Incremental remembers
// which files Skip was asked about, and Run.MarkGone marks them all seen
// in one statement (and the others gone). A record whose content hash,
// size, options and version equal the stored ones (the mtime changed, the
// bytes did not) only touches the stored record (Run.Touch) instead of
// rewriting it.
//
// JSON Lines (NewJSONLResume): every path already in the committed part of
// the file is skipped, whatever its state, since a second line for it would
// be a duplicate.
//
// Skip and Write may be called from different goroutines.
type Incremental struct {
	mu          sync.Mutex
	index       map[string]int32 // path → files
	files       []knownFile
	run         *Run // nil for JSON Lines
	db          *DB  // nil for JSON Lines
	sink        Sink
	source      string
	optionsHash string
	toolVersion string
	skipped     int
	touched     int
	// fromSnapshot: what the store holds was read from its snapshot (see
	// known_sqlite.go), not row by row; FileState.SHA256 is then empty.
	fromSnapshot bool
}

// knownFile is what the store holds about one file, and whether this run's
// walk met it.
type knownFile struct {
	FileState
	seen bool
}

// NewIncremental prepares an incremental run of source on db: it reads
// what db knows about source and writes through run (which asks it, in
// MarkGone, which files the walk did not see).
func NewIncremental(ctx context.Context, db *DB, run *Run, source, optionsHash, toolVersion string) (*Incremental, error) {
	// Sized for the whole table at once (its largest id bounds the number
	// of files, and costs one index lookup) rather than grown row by row.
	var n int64
	if err := db.sql.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM files`).Scan(&n); err != nil {
		return nil, describe(db.path, "reading", err)
	}
	in := &Incremental{db: db, index: make(map[string]int32, min(n, 1<<18)), files: make([]knownFile, 0, min(n, 1<<18)), run: run, sink: run,
		source: source, optionsHash: optionsHash, toolVersion: toolVersion}
	fromSnapshot, err := db.readKnown(ctx, source, true, func(path string, st FileState) { in.add(path, st) })
	if err != nil {
		return nil, err
	}
	in.fromSnapshot = fromSnapshot
	run.attach(source, in)
	return in, nil
}

func (in *Incremental) add(path string, st FileState) {
	if i, ok := in.index[path]; ok {
		in.files[i].FileState = st
		return
	}
	in.index[path] = int32(len(in.files))
	in.files = append(in.files, knownFile{FileState: st})
}

// NewJSONLResume prepares the resume of a JSON Lines file: the paths of
// source it already holds are skipped.
func NewJSONLResume(out *JSONL, source string) (*Incremental, error) {
	in := &Incremental{index: map[string]int32{}, sink: out, source: source}
	if err := out.eachKnown(source, in.add); err != nil {
		return nil, err
	}
	return in, nil
}

// Skip reports whether the scanned file at path needs no analysis. When it
// returns true the file is done (and, for SQLite, counts as seen by the
// walk: MarkGone will not take it for deleted).
func (in *Incremental) Skip(ctx context.Context, path string, size int64, mtime time.Time) (bool, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	i, ok := in.index[path]
	if !ok {
		return false, nil
	}
	f := &in.files[i]
	f.seen = true
	if in.run != nil && !f.Unchanged(size, mtime, in.optionsHash, in.toolVersion) {
		return false, nil // (JSON Lines: already written, whatever its state)
	}
	in.skipped++
	return true, nil
}

// unseen lists the files under prefix that the store held and that were
// neither looked at by Skip nor in kept, and not already gone.
func (in *Incremental) unseen(kept map[string]struct{}, prefix string) []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	var out []string
	for p, i := range in.index {
		f := &in.files[i]
		if f.seen || f.Status == Gone || !Under(p, prefix) {
			continue
		}
		if _, ok := kept[p]; !ok {
			out = append(out, p)
		}
	}
	return out
}

// Write writes rec through the sink, or only touches the stored record when
// rec has the stored content under the same options and version.
func (in *Incremental) Write(ctx context.Context, rec *result.Record) error {
	if in.run != nil && rec.Source == in.source && rec.Status == result.Analyzed && rec.Report != nil {
		in.mu.Lock()
		var st FileState
		i, known := in.index[rec.Path]
		if known {
			st = in.files[i].FileState
		}
		in.mu.Unlock()
		if known && st.SHA256 == "" && in.fromSnapshot && st.Status == result.Analyzed && st.Size == rec.Size {
			// (The snapshot leaves hashes out: this is the one case that
			// needs one.)
			sha, err := in.db.storedSHA(ctx, in.source, rec.Path)
			if err != nil {
				return err
			}
			st.SHA256 = sha
		}
		if known && st.SameContent(rec.Size, rec.Report.SHA256, in.optionsHash, in.toolVersion) {
			in.mu.Lock()
			in.touched++
			in.mu.Unlock()
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

// Len is the number of files the output holds for the source.
func (in *Incremental) Len() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.files)
}

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

// Under reports whether path (slash-separated, relative to its source) is
// prefix or below it; every path is under the empty prefix.
func Under(path, prefix string) bool {
	return prefix == "" || path == prefix || len(path) > len(prefix) && path[len(prefix)] == '/' && path[:len(prefix)] == prefix
}
