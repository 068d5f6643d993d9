// Package store makes the per-file records of a run durable: a SQLite
// database (the default output of pybatch analyze), JSON Lines (a file
// with a checkpoint beside it, or any io.Writer such as stdout) or a
// directory of Parquet tables.
//
// Every output is a Sink: Write(ctx, *result.Record), Flush, Close. Sinks
// batch records, and a record counts as done only once the commit that holds
// it returned (see Sink and CommitFunc). Workers never touch a sink; the
// SQLite Run also accepts Keep/Touch from a scan-side filter goroutine.
//
// # SQLite
//
// Open takes the run lock (an flock(2) on LockPath(db): the kernel drops it
// when a process dies, so a crash never leaves a stale lock), opens the
// database in WAL mode with synchronous=FULL and migrates its schema.
// A second writer on the same database refuses at once with an error
// wrapping ErrLocked ("pybatch.db is in use by another pybatch run (pid N
// since T)"), or waits with Options.Wait. Readers (Options.ReadOnly) never
// wait. BeginRun inserts a runs row; the Run it returns is the Sink. It
// writes at most Options.BatchSize records, or Options.BatchBytes bytes of
// reports (estimated as they take memory), per transaction; a record's
// file row and content are written in the same transaction, keyed by
// (source, path): writing a file again never duplicates it, a crash loses
// at most the uncommitted batch, and the next run (a resume is just a run)
// analyzes exactly what is not committed.
//
// The schema lives in migrations/*.sql (embedded; PRAGMA user_version is the
// number of the last applied file, see SchemaVersion; Open applies the
// missing ones, each in its own transaction, and refuses a newer database).
// Tables (schema version 15):
//
//	sources        id, name (unique): one row per analyzed tree, named by
//	               its absolute root directory
//	runs           id, tool_version, options (JSON), options_hash, pid,
//	               started_at, ended_at (RFC 3339 UTC), outcome (running,
//	               completed, failed, interrupted, crashed), stats (JSON)
//	files          id, source_id, path (relative to the source, slash-
//	               separated; unique per source), size, mtime_ns, status
//	               (analyzed, skipped, failed, gone), content_id, skip_reason,
//	               error_class, error, attempts, duration_ns, run_id (the run
//	               that produced the result), seen_run_id (the last run that
//	               wrote or touched the row: a run that skips a file
//	               unchanged does not rewrite it); indexed by directory
//	               (schema 14: source_id, rtrim(path, replace(path, '/',
//	               '')), the directory part with its "/"), by status, run
//	               and content; not by size (schema 15: its inserts came in
//	               no order and slowed a large run by a quarter). The index
//	               by content (files_content) takes its keys in no order
//	               too: a run that writes more records than the table held
//	               (and at least 65,536) drops it and builds it at its end,
//	               or the next Open for writing does after a crash
//	contents       id, sha256 (32 bytes, unique), size, run_id (the run that
//	               analyzed it), report_schema, encoding, bom, loc, lloc, sloc,
//	               comments, single_comments, multi, blank, lines_error,
//	               docstring, all_names (JSON), definitions and imports (counts);
//	               for a notebook (schema 11), nbformat, notebook_cells (cells
//	               of every type) and masked_lines, NULL for a Python file;
//	               lowest_version (schema 12): "3.0" to "3.14" for a content
//	               that parses, NULL otherwise; warnings (schema 13): how
//	               many, NULL for a content stored before
//	content_definitions  id (content id << 24 | position), qualname, kind
//	               (0 class .. 4 async_method), line, col, end_line, end_col,
//	               decorators, returns, bases (texts ids), params ("self, a,
//	               /, b:=, *args, c=, **kw"), docstring, complexity
//	content_imports id (as above), module (texts id), names ("join as j,
//	               exists"), level, is_from, line, scope (0 module ..
//	               5 function)
//	content_syntax_errors content_id, kind, msg, line, col, end_line, end_col:
//	               CPython's lineno, offset - 1, end_lineno, end_offset - 1
//	               (columns in characters); NULL where CPython has None
//	content_cells  content_id, line, cell, lines: where each code cell of a
//	               notebook's content lies in its joined source (schema 11)
//	content_version_features content_id, seq, feature, version, line, col:
//	               the syntax that needs a version later than 3.0, first use
//	               of each kind in source order (schema 12)
//	content_warnings content_id, seq, category, message, line, col: the
//	               warnings CPython emits while parsing, in its order (line
//	               CPython's, col pybatch's 0-based in characters, NULL where
//	               the text is not on line; schema 13)
//	texts          id, text: what repeats, stored once
//
// And views, which give the facts per file under the names of the JSON
// Lines records:
//
//	file_results   files with their source's name, sha256 (hex) and content
//	               figures, lowest_version, warnings (the count)
//	definitions    source, path, file_id, content_id, seq, qualname, name,
//	               kind, line, col, end_line, end_col, decorators (JSON),
//	               params, returns, bases (JSON), docstring, complexity, rank,
//	               cell, cell_line, end_cell, end_cell_line
//	imports        source, path, file_id, content_id, seq, module, names,
//	               level, is_from, line, scope, cell, cell_line
//	syntax_errors  source, path, file_id, kind, msg, line, col, end_line,
//	               end_col, cell, cell_line, end_cell, end_cell_line
//	notebook_cells source, path, file_id, content_id, cell, line, lines
//	version_features source, path, file_id, content_id, seq, feature,
//	               version, line, col, cell, cell_line
//	warnings       source, path, file_id, content_id, seq, category, message,
//	               line, col, cell, cell_line
//	last_run_failures the failed files of the latest run
//
// (The cell columns place a line of a notebook's joined code in its cell,
// from content_cells; they are NULL for a Python file. A report read back
// gets them from the same cells: analysis.Report.LocateCells.)
//
// The same bytes under many paths (copies, vendored packages, releases)
// are stored once. An incremental run reads the stored files of each
// directory as the walk meets it (one lookup of the directory index), on
// read-only connections beside the writer, keeps a bounded number of these
// listings, and a bit per stored file for the gone marking: its memory
// does not grow with the files the database holds. When the walk met every
// file stored at the start, nothing is gone and the gone marking reads
// nothing.
//
// For example: sqlite3 pybatch.db "SELECT module, count(*) FROM imports
// GROUP BY module ORDER BY 2 DESC LIMIT 10".
//
// # Outputs of a run
//
// batch.Run, the pipeline of pybatch analyze, writes through Output: a
// Sink that also lists the sources it holds (Sources), gives what it holds
// of one for an incremental or resumed run (Resume, an Incremental), is
// told when a walk of a source or of a part of it completed (Walked: the
// files not seen are gone) and ends the run (Finish). The SQLite Run
// implements it, Merger (a source inside another becomes part of it) and
// Sealer: its end takes work (the index by content built again, the
// contents no file points to removed), which the pipeline does with Seal
// before the run's final progress event, having priced it in the ETA with
// SealCost; JSONL implements Output for resume only. See batch's ExampleRun
// for a run into SQLite.
//
// A file is named by its source (the absolute root directory, resolved
// once) and its slash-separated path relative to it; nothing stored
// depends on the working directory. Schema 7 renamed the rows of older
// databases from the paths each run recorded (migrate_paths.go), or refuses
// a database it cannot rename with a message.
//
// Any error from Write, Resume, Walked or Finish is fatal for the run (a full
// disk, an I/O error). The database still opens and the next run resumes: a
// resume is an ordinary incremental run, which skips what the interrupted
// one committed. Every file the walk sees must be written, looked at by
// Incremental.Skip (or kept with Run.Keep) or touched, or Walked takes it
// for deleted; a file skipped unchanged costs no write at all.
// `pybatch retry` reads db.LastResultRun (its options and options hash)
// and db.Failed, analyzes those files again and writes them as a new run
// (Incremental never skips a failed file either).
//
// # JSON Lines
//
// One Line (a result.Record with integer nanosecond times) per line. A
// source or path that is not valid UTF-8 is also given as its bytes
// (source_bytes, path_bytes: base64). NewJSONL writes to a stream;
// OpenJSONLFile writes to a file, keeps a checkpoint beside it
// (CheckpointPath: the byte offset and count of the committed lines,
// replaced atomically and fsynced at every commit) and takes the same kind
// of run lock. On resume the file is cut back to its checkpoint before
// appending, and Resume skips every path it already holds, whatever its
// state, so that the file never holds a path twice.
//
// # Parquet
//
// OpenParquet writes a directory with one table per kind of fact (files,
// definitions, imports, syntax_errors, runs; ParquetTables), each a
// directory of parts DIR/TABLE/part-KKKKK-of-NNNNN-cCCCC.parquet (shard K
// of N, chunk C), with the column names of the SQLite views less their row
// ids (a file is (source, path)), zstd, and row groups of bounded size.
// DIR/_schema.json documents every column (ParquetSchemaJSON) under
// ParquetSchemaVersion. Records go into the open chunk; a commit finishes
// its four files and renames them into place, the files table's last, so
// a chunk is complete once its files part is there, and what a crash left
// is removed by the next open. Resume keeps the complete chunks of a shard
// whose last run did not complete and skips the files they hold (as JSON
// Lines do); otherwise the shard's parts are replaced. Finish adds the
// run's row to the runs table. ReadParquet reads every complete chunk back
// into records, one row group at a time. See Parquet.
//
// # Why hand-written
//
// database/sql with modernc.org/sqlite (pure Go, no cgo) is the driver;
// what is written here is only the mapping of records to rows, batching,
// and the resume rules, which no library knows. The JSONL checkpoint is a
// dozen lines of os calls; a write-ahead-log library would be heavier than
// the problem. Parquet is github.com/parquet-go/parquet-go (pure Go): what
// is written here is the rows of a record, the chunks and their atomic
// commit, and reading a chunk's tables back in step.
package store

import "errors"

// ErrLocked is wrapped by the error an output returns when another pybatch
// run holds it.
var ErrLocked = errors.New("store: output locked")
