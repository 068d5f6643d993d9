package batch

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// Summary counts the records of a batch.
type Summary struct {
	Files        int                     // records seen
	Analyzed     int                     // Status Analyzed (including files with a syntax error)
	SyntaxErrors int                     // analyzed files whose Report has a SyntaxError
	Skipped      int                     // Status Skipped
	Failed       int                     // Status Failed
	Bytes        int64                   // size of the analyzed files
	Reused       int                     // analyzed files answered from an earlier analysis of the same bytes (Options.Dedup)
	ReusedBytes  int64                   // their size: the bytes not analyzed again
	SkipReasons  map[scan.SkipReason]int // Skipped records by reason
	ErrClasses   map[recovery.Class]int  // Failed records by error class
	Elapsed      time.Duration           // wall time of the batch, when the caller sets it
	Interrupted  bool                    // the context ended before the input did
}

// Add counts one record.
func (s *Summary) Add(r *result.Record) {
	s.Files++
	switch r.Status {
	case result.Analyzed:
		s.Analyzed++
		s.Bytes += r.Size
		if r.Report != nil && r.Report.SyntaxError != nil {
			s.SyntaxErrors++
		}
		if r.Reused {
			s.Reused++
			s.ReusedBytes += r.Size
		}
	case result.Skipped:
		s.Skipped++
		if s.SkipReasons == nil {
			s.SkipReasons = map[scan.SkipReason]int{}
		}
		s.SkipReasons[r.SkipReason]++
	case result.Failed:
		s.Failed++
		if s.ErrClasses == nil {
			s.ErrClasses = map[recovery.Class]int{}
		}
		s.ErrClasses[r.ErrClass]++
	}
}

// String is the one-paragraph summary the command prints on stderr.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d files: %d analyzed (%d with syntax errors, %.1f MB), %d skipped, %d failed",
		s.Files, s.Analyzed, s.SyntaxErrors, float64(s.Bytes)/1e6, s.Skipped, s.Failed)
	if s.Elapsed > 0 {
		fmt.Fprintf(&b, " in %v (%.0f files/s)", s.Elapsed.Round(time.Millisecond), float64(s.Files)/s.Elapsed.Seconds())
	}
	if s.Reused > 0 {
		fmt.Fprintf(&b, "; %d answered from an identical file's analysis (%.1f MB not analyzed again)", s.Reused, float64(s.ReusedBytes)/1e6)
	}
	if s.Interrupted {
		b.WriteString(" — interrupted")
	}
	writeCounts(&b, "skipped", s.SkipReasons)
	writeCounts(&b, "failed", s.ErrClasses)
	return b.String()
}

// ProcessFiles analyzes the files at paths and returns every record, in the
// order of paths, with their Summary. The error is a configuration error or
// the context's error when it ended the batch early (the records done so far
// are returned with it). All records are held in memory: for large inputs,
// use Stream.
func ProcessFiles(ctx context.Context, paths []string, opts Options) ([]*result.Record, Summary, error) {
	opts.Ordered = true
	files := func(yield func(File) bool) {
		for _, p := range paths {
			if !yield(File{Path: p}) {
				return
			}
		}
	}
	return collect(ctx, files, opts)
}

func collect(ctx context.Context, files func(func(File) bool), opts Options) ([]*result.Record, Summary, error) {
	start := time.Now()
	var sum Summary
	seq, err := Stream(ctx, files, opts)
	if err != nil {
		return nil, sum, err
	}
	var recs []*result.Record
	for r := range seq {
		sum.Add(r)
		recs = append(recs, r)
	}
	sum.Elapsed = time.Since(start)
	if err := ctx.Err(); err != nil {
		sum.Interrupted = true
		return recs, sum, err
	}
	return recs, sum, nil
}

// Chunks groups a stream of records into slices of at most n (the last may be
// shorter), for sinks that commit in batches. A slice is not reused after it
// is yielded.
func Chunks(records func(func(*result.Record) bool), n int) func(func([]*result.Record) bool) {
	n = max(n, 1)
	return func(yield func([]*result.Record) bool) {
		chunk := make([]*result.Record, 0, n)
		for r := range records {
			chunk = append(chunk, r)
			if len(chunk) == n {
				if !yield(chunk) {
					return
				}
				chunk = make([]*result.Record, 0, n)
			}
		}
		if len(chunk) > 0 {
			yield(chunk)
		}
	}
}

// FromScan adapts the scanner's stream to Stream's input: every FileInfo
// becomes a File, keeping its skip reason and error.
func FromScan(infos iter.Seq[scan.FileInfo]) iter.Seq[File] {
	return func(yield func(File) bool) {
		for fi := range infos {
			if !yield(File{Path: fi.Path, Size: fi.Size, ModTime: fi.ModTime, Skip: fi.Skip, SkipErr: fi.Err}) {
				return
			}
		}
	}
}

// ProcessDirectory analyzes the files under dir that match pattern (a
// doublestar glob relative to dir such as "**/*.py"; "" means the scanner's
// default), with the scanner's default rules (ignore files, hidden and
// virtualenv directories skipped) and opts.MaxSize as its size limit. It
// returns every record, in no particular order unless opts.Ordered (then in
// the scanner's sorted walk order), and their Summary. For large trees, use
// Stream with scan.Scan and FromScan.
func ProcessDirectory(ctx context.Context, dir, pattern string, opts Options) ([]*result.Record, Summary, error) {
	so := scan.DefaultOptions()
	if pattern != "" {
		so.Include = []string{pattern}
	}
	if opts.MaxSize != 0 {
		so.MaxSize = max(opts.MaxSize, 0)
	}
	so.Sorted = opts.Ordered
	if err := so.Validate(); err != nil {
		return nil, Summary{}, err
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, Summary{}, err
	}
	return collect(ctx, FromScan(scan.Scan(ctx, []string{dir}, so)), opts)
}

// writeCounts writes "\n  name: k=n k=n" for the non-empty m, in key order.
func writeCounts[K ~string](b *strings.Builder, name string, m map[K]int) {
	if len(m) == 0 {
		return
	}
	fmt.Fprintf(b, "\n  %s:", name)
	for _, k := range slices.Sorted(maps.Keys(m)) {
		fmt.Fprintf(b, " %s=%d", k, m[k])
	}
}
