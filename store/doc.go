// Package store makes the per-file records of a run durable: a SQLite
// database (the default output of pybatch analyze) or JSON Lines (a file
// with a checkpoint beside it, or any io.Writer such as stdout).
//
// Every output is a Sink: Write(ctx, *result.Record), Flush, Close. Sinks
// batch records, and a record counts as done only once the commit that holds
// it returned (see Sink and CommitFunc). Sinks are owned by one goroutine,
// the batch coordinator; workers never touch them.
//
// # JSON Lines
//
// One Line (a result.Record with integer nanosecond times) per line.
// NewJSONL writes to a stream; OpenJSONLFile writes to a file, keeps a
// checkpoint beside it (CheckpointPath: the byte offset and count of the
// committed lines, replaced atomically and fsynced at every commit) and
// takes a run lock (LockPath, flock(2)) so that two runs never write one
// file. On resume the file is cut back to its checkpoint before appending,
// and Known lists what it already holds:
//
//	out, err := store.OpenJSONLFile(ctx, "out.jsonl", store.JSONLFileOptions{
//		JSONLOptions: store.JSONLOptions{BatchSize: 256},
//		Resume:       true,
//		OptionsHash:  optsHash,
//		ToolVersion:  cli.Version,
//	})
//	if err != nil { ... } // ErrLocked when another run writes it
//	defer out.Close()
//	done, err := out.Known(source) // skip every path in done
//	for rec := range records {
//		if err := out.Write(ctx, rec); err != nil { ... } // fatal: stop the run
//	}
//	err = out.Close() // commits the rest
package store

import "errors"

// ErrLocked is wrapped by the error an output returns when another pybatch
// run holds it.
var ErrLocked = errors.New("store: output locked")
