package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/pybatch/pybatch/result"
)

// JSONLOptions configure a JSON Lines sink.
type JSONLOptions struct {
	// BatchSize is the number of records per commit; 0 means 256. The
	// memory manager derives it from the budget: the sink holds at most
	// BatchSize encoded records.
	BatchSize int
	// MaxBuffer forces a commit when the encoded records held reach this
	// many bytes, whatever BatchSize says; 0 means 4 MiB.
	MaxBuffer int
	// MaxDelay commits the held records once the oldest has waited this
	// long, so that a crash loses at most about that much work; 0 means 1s,
	// negative means never. (It is checked when a record is written.)
	MaxDelay time.Duration
	// OnCommit, if set, is told how many records each commit made durable.
	OnCommit CommitFunc
}

func (o JSONLOptions) withDefaults() JSONLOptions {
	if o.BatchSize <= 0 {
		o.BatchSize = 256
	}
	if o.MaxBuffer <= 0 {
		o.MaxBuffer = 4 << 20
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = time.Second
	}
	return o
}

// JSONLFileOptions configure a JSON Lines file with a checkpoint.
type JSONLFileOptions struct {
	JSONLOptions
	// Resume continues an interrupted output: the file is cut back to the
	// last committed record its checkpoint names, and new records are
	// appended. Without Resume an existing output is replaced.
	Resume bool
	// OptionsHash and ToolVersion identify the analysis that writes the
	// file; they are kept in the checkpoint, and a resume under other
	// options or another version is refused (the lines would mix).
	OptionsHash string
	ToolVersion string
	// Wait makes Open wait (until its context is done) for another run that
	// writes the same file, instead of refusing at once.
	Wait bool
}

// jsonlCheckpoint is the content of the checkpoint file beside a JSON Lines
// output: the length of its committed prefix.
type jsonlCheckpoint struct {
	Format      string `json:"format"`
	Offset      int64  `json:"offset"`  // bytes of whole, committed lines
	Records     int64  `json:"records"` // how many lines that is
	OptionsHash string `json:"options_hash"`
	ToolVersion string `json:"tool_version"`
	Updated     string `json:"updated"`
}

const checkpointFormat = "pybatch-jsonl-checkpoint/1"

// CheckpointPath is the checkpoint file kept beside a JSON Lines output.
func CheckpointPath(output string) string { return output + ".ckpt" }

// LockPath is the lock file kept beside an output (database or JSON Lines).
func LockPath(output string) string { return output + ".lock" }

// JSONL is a Sink that writes one JSON object per line (see Line).
//
// Flush policy: records are encoded into memory as they arrive and written
// to the output, whole lines in one Write, every BatchSize records, when
// MaxBuffer bytes are held, when the oldest held record is MaxDelay old,
// and on Flush and Close. The output therefore
// never receives part of a line unless the process dies in the middle of
// that Write. For a file (OpenJSONLFile) every commit is then fsynced and
// the checkpoint beside it (byte offset and count of the committed lines) is
// replaced atomically and fsynced, so after a crash of any kind the file is
// cut back to its last committed line on resume: no line is lost that was
// reported committed, none is half-written, none is written twice.
//
// A JSONL is owned by one goroutine.
type JSONL struct {
	opts JSONLOptions
	w    io.Writer

	// Only for files.
	f    *os.File
	path string
	ckpt jsonlCheckpoint
	lock *runLock

	buf     []byte    // encoded, uncommitted lines
	pending int       // records in buf
	oldest  time.Time // when the first of them was written
	err     error     // the first write error: the sink is dead after it
	closed  bool
}

// NewJSONL returns a sink writing to w (for example stdout). There is no
// checkpoint: a commit is a Write of whole lines to w.
func NewJSONL(w io.Writer, opts JSONLOptions) *JSONL {
	return &JSONL{opts: opts.withDefaults(), w: w}
}

// OpenJSONLFile opens a JSON Lines output with a checkpoint beside it
// (CheckpointPath) and takes the run lock (LockPath). See JSONLFileOptions
// for Resume.
func OpenJSONLFile(ctx context.Context, path string, opts JSONLFileOptions) (*JSONL, error) {
	lock, err := acquireLock(ctx, LockPath(path), path, opts.Wait)
	if err != nil {
		return nil, err
	}
	s, err := openJSONLFile(path, opts)
	if err != nil {
		lock.release()
		return nil, err
	}
	s.lock = lock
	return s, nil
}

func openJSONLFile(path string, opts JSONLFileOptions) (*JSONL, error) {
	ck := jsonlCheckpoint{Format: checkpointFormat, OptionsHash: opts.OptionsHash, ToolVersion: opts.ToolVersion}
	if opts.Resume {
		prev, err := readCheckpoint(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			// A completed run removes its checkpoint (CompleteJSONLFile):
			// a pybatch output without one is complete, and a new run
			// replaces it. Anything else is refused.
			if st, serr := os.Stat(path); serr == nil && st.Size() > 0 && !completedOutput(path, st.Size()) {
				return nil, fmt.Errorf("store: cannot resume %s: it has no checkpoint (%s), so its last complete record is unknown; write to a new file or run without resume to replace it", path, CheckpointPath(path))
			}
		case err != nil:
			return nil, err
		default:
			if prev.OptionsHash != opts.OptionsHash || prev.ToolVersion != opts.ToolVersion {
				return nil, fmt.Errorf("store: cannot resume %s: it was written by pybatch %s with options %s, this run is pybatch %s with options %s; write to a new file or run without resume",
					path, prev.ToolVersion, prev.OptionsHash, opts.ToolVersion, opts.OptionsHash)
			}
			ck.Offset, ck.Records = prev.Offset, prev.Records
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	if st.Size() < ck.Offset {
		f.Close()
		return nil, fmt.Errorf("store: cannot resume %s: it has %d bytes but its checkpoint says %d were committed; was it truncated or edited?", path, st.Size(), ck.Offset)
	}
	// Cut back to the committed prefix (everything when not resuming).
	if err := f.Truncate(ck.Offset); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: cutting %s back to its last committed record: %w", path, err)
	}
	if _, err := f.Seek(ck.Offset, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &JSONL{opts: opts.JSONLOptions.withDefaults(), w: f, f: f, path: path, ckpt: ck}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("store: syncing %s: %w", path, err)
	}
	if err := s.writeCheckpoint(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// completedOutput reports whether the file at path (of size bytes) looks
// like a whole pybatch JSON Lines output: it ends with a newline and its
// first line is a record (source, path and status).
func completedOutput(path string, size int64) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, size-1); err != nil || last[0] != '\n' {
		return false
	}
	first, err := bufio.NewReaderSize(f, 64<<10).ReadSlice('\n')
	if err != nil {
		return false
	}
	var rec struct {
		Source, Path, Status *string
	}
	return json.Unmarshal(first, &rec) == nil && rec.Source != nil && rec.Path != nil && rec.Status != nil
}

// CompleteJSONLFile ends a JSON Lines output whose run completed: its
// checkpoint is removed, since nothing is left to resume (a new run
// replaces a complete output). It is called after the output was closed,
// and does nothing when another run holds the output by then or when the
// checkpoint does not account for the whole file.
func CompleteJSONLFile(ctx context.Context, path string) error {
	lock, err := acquireLock(ctx, LockPath(path), path, false)
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return nil
		}
		return err
	}
	defer lock.release()
	ck, err := readCheckpoint(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() != ck.Offset {
		return err
	}
	if err := os.Remove(CheckpointPath(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: removing checkpoint: %w", err)
	}
	return nil
}

// readCheckpoint reads the checkpoint beside output.
func readCheckpoint(output string) (jsonlCheckpoint, error) {
	var ck jsonlCheckpoint
	b, err := os.ReadFile(CheckpointPath(output))
	if err != nil {
		return ck, err
	}
	if err := json.Unmarshal(b, &ck); err != nil || ck.Format != checkpointFormat || ck.Offset < 0 {
		return ck, fmt.Errorf("store: %s is not a pybatch checkpoint (format %q): %v", CheckpointPath(output), ck.Format, err)
	}
	return ck, nil
}

// writeCheckpoint replaces the checkpoint atomically: a temporary file,
// fsync, rename over the old one, fsync of the directory.
func (s *JSONL) writeCheckpoint() error {
	s.ckpt.Updated = time.Now().UTC().Format(time.RFC3339Nano)
	b, err := json.Marshal(s.ckpt)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	name := CheckpointPath(s.path)
	tmp := name + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("store: writing checkpoint: %w", err)
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: writing checkpoint %s: %w", name, err)
	}
	if d, err := os.Open(filepath.Dir(name)); err == nil {
		d.Sync() // best effort: not every file system can sync a directory
		d.Close()
	}
	return nil
}

// Write implements Sink.
func (s *JSONL) Write(ctx context.Context, r *result.Record) error {
	if s.err != nil {
		return s.err
	}
	if s.closed {
		return errors.New("store: write to a closed JSON Lines sink")
	}
	buf, err := AppendLine(s.buf, r)
	if err != nil {
		return err // an unencodable record is that record's problem; the sink goes on
	}
	s.buf = buf
	if s.pending == 0 {
		s.oldest = time.Now()
	}
	s.pending++
	if s.pending >= s.opts.BatchSize || len(s.buf) >= s.opts.MaxBuffer ||
		s.opts.MaxDelay > 0 && time.Since(s.oldest) >= s.opts.MaxDelay {
		return s.commit()
	}
	return nil
}

// Flush implements Sink.
func (s *JSONL) Flush(ctx context.Context) error {
	if s.err != nil {
		return s.err
	}
	return s.commit()
}

// commit writes the held lines in one Write and, for a file, makes them
// durable and moves the checkpoint.
func (s *JSONL) commit() error {
	if s.pending == 0 {
		return nil
	}
	n, err := s.w.Write(s.buf)
	if err == nil && n < len(s.buf) {
		err = io.ErrShortWrite
	}
	if err == nil && s.f != nil {
		err = s.f.Sync()
	}
	if err != nil {
		if s.f != nil {
			// Best effort: take back the partial line now; resume would anyway.
			s.f.Truncate(s.ckpt.Offset)
			s.err = fmt.Errorf("store: writing %s (%d records not committed): %w", s.path, s.pending, err)
		} else {
			s.err = fmt.Errorf("store: writing JSON Lines (%d records not committed): %w", s.pending, err)
		}
		return s.err
	}
	if s.f != nil {
		s.ckpt.Offset += int64(len(s.buf))
		s.ckpt.Records += int64(s.pending)
		if err := s.writeCheckpoint(); err != nil {
			s.err = err
			return err
		}
	}
	committed := s.pending
	s.pending = 0
	if cap(s.buf) > 2*s.opts.MaxBuffer {
		s.buf = nil // drop an oversized buffer
	} else {
		s.buf = s.buf[:0]
	}
	if s.opts.OnCommit != nil {
		s.opts.OnCommit(committed)
	}
	return nil
}

// Close implements Sink.
func (s *JSONL) Close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	err := s.err
	if err == nil {
		err = s.commit()
	}
	if s.f != nil {
		if cerr := s.f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("store: closing %s: %w", s.path, cerr)
		}
		s.lock.release()
	}
	return err
}

// Committed returns how many records are committed in the output, counting
// those of earlier runs that a resumed file kept.
func (s *JSONL) Committed() int64 { return s.ckpt.Records }

// Known reads the committed records of source back from a JSON Lines file
// (opened with OpenJSONLFile) so that a resumed run can skip the files it
// already has. The options hash and tool version of every entry are the
// checkpoint's. JSON Lines outputs support resume, not incremental runs:
// a resumed run must skip every path Known returns, whatever its state,
// or the output would hold that path twice.
func (s *JSONL) Known(source string) (map[string]FileState, error) {
	known := map[string]FileState{}
	if err := s.eachKnown(source, func(path string, st FileState) { known[path] = st }); err != nil {
		return nil, err
	}
	return known, nil
}

// eachKnown calls f for every committed record of source. Only the fields
// a FileState needs are decoded (see decodeKnown): a full decode of every
// report made resuming cost about as much as analyzing.
func (s *JSONL) eachKnown(source string, f func(path string, st FileState)) error {
	return s.eachLine(func(k knownLine) {
		if k.source == source {
			f(k.path, FileState{Size: k.size, MtimeNs: k.mtime, Status: k.status, SHA256: k.sha,
				OptionsHash: s.ckpt.OptionsHash, ToolVersion: s.ckpt.ToolVersion})
		}
	})
}

// eachLine calls f for every committed line of a file output.
func (s *JSONL) eachLine(f func(knownLine)) error {
	if s.f == nil || s.ckpt.Offset == 0 {
		return nil
	}
	file, err := os.Open(s.path)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer file.Close()
	sc := bufio.NewScanner(io.LimitReader(file, s.ckpt.Offset))
	sc.Buffer(make([]byte, 256<<10), 1<<30)
	line := 0
	for sc.Scan() {
		line++
		k, err := decodeKnown(sc.Bytes())
		if err != nil {
			return fmt.Errorf("store: %s line %d: %w", s.path, line, err)
		}
		f(k)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("store: reading %s: %w", s.path, err)
	}
	return nil
}
