package store

import (
	"context"

	"github.com/pybatch/pybatch/result"
)

// Sink receives the records of a run, one per file, and makes them durable.
//
// A Sink is owned by one goroutine (the batch coordinator): Write, Flush and
// Close must not be called concurrently. Records are batched: a record counts
// as done only after the commit that contains it returned without error
// (Flush or Close return nil, or Options.OnCommit reported it). A record
// passed to Write may be kept by the sink until that commit; the caller must
// not mutate it after Write.
//
// The context given to Write may be used by a commit that runs after Write
// returned (the SQLite Run commits in the background): pass one that is not
// cancelled by an interruption (context.WithoutCancel), or the records in
// flight when it is cancelled will not be committed.
type Sink interface {
	// Write queues r and commits the queued records when the batch is full.
	// An error means the sink cannot go on (disk full, closed output, ...):
	// the records of the failed batch are not durable, earlier ones are.
	Write(ctx context.Context, r *result.Record) error
	// Flush commits every queued record now.
	Flush(ctx context.Context) error
	// Close commits what is queued and releases the output. Close after an
	// error still releases everything and returns the first error.
	Close() error
}

// CommitFunc is called by a sink, on the goroutine that called Write, Flush
// or Close, after n more records became durable.
type CommitFunc func(n int)
