// Package result defines the record that every stage after the scanner passes
// downstream: one per file, whether it was analyzed, skipped or failed. Its
// vocabulary is defined once: Status here, skip reasons in scan
// (scan.SkipReason: a file is skipped where it is found), error classes in
// recovery (recovery.Class); every package and output uses those constants. It is
// the unit the store persists, the progress tracker counts and the command
// prints; keeping it in a leaf package lets batch, store and progress share it
// without importing each other.
package result

import (
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/scan"
)

// Status says what became of a file.
type Status string

const (
	Analyzed Status = "analyzed" // parsed (possibly with a syntax error, which is data) and analyzed
	Skipped  Status = "skipped"  // deliberately not analyzed: SkipReason says why
	Failed   Status = "failed"   // analysis was attempted and failed: ErrClass and Err say why
)

// Record is the outcome for one file. Records travel by pointer from the
// worker that made them to the single goroutine that owns the sink; nobody
// mutates a record after sending it.
type Record struct {
	Source  string    // the name of the analyzed tree (the original plan's source_id)
	Path    string    // as the scanner reported it
	Size    int64     // bytes on disk when scanned
	ModTime time.Time // modification time when scanned (ns precision kept)

	Status     Status
	SkipReason scan.SkipReason // when Skipped: why (scan.SkipTooLarge, scan.SkipBinary, ...)
	ErrClass   recovery.Class  // when Failed: the class of the error (recovery.Timeout, recovery.NotFound, ...)
	Err        string          // when Failed: the error message
	Attempts   int             // how many times analysis was tried (1 unless retried)

	Duration time.Duration    // wall time spent on this file by its worker
	Report   *analysis.Report // when Analyzed
	// Reused says the Report was not made for this file but taken from an
	// earlier analysis of the same bytes (see batch.Options.Dedup); the
	// report is the same either way.
	Reused bool
	// Waited is the part of Duration the worker spent waiting for another
	// file's analysis of the same bytes (not stored: the progress ETA
	// counts what a file costs, not what it waited for).
	Waited time.Duration
}
