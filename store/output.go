package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pybatch/pybatch/analysis"
)

// Output is the destination of one run of the pipeline (batch.Run): a Sink
// that also knows what it already holds, so that a run skips what an
// earlier one did, and how to end. The SQLite Run and the JSON Lines sink
// implement it; so will every later format.
//
// A source is the absolute path of an analyzed tree; a file is named by its
// slash-separated path relative to its source (see result.Record).
type Output interface {
	Sink
	// Sources lists the sources the output holds files of, so that a root
	// inside one of them is analyzed as part of it.
	Sources(ctx context.Context) ([]string, error)
	// Resume returns what the output holds about source's files (nil when
	// it holds none): the pipeline skips through it the files that need no
	// analysis and writes through it every record of source.
	Resume(ctx context.Context, source string) (Incremental, error)
	// Walked is told that a walk of prefix (a path relative to source, ""
	// for all of it) completed: files the output held there and the walk
	// did not see are gone. It returns how many.
	Walked(ctx context.Context, source, prefix string) (gone int64, err error)
	// Finish commits everything and records how the run ended, with its
	// statistics (nil when there are none). Nothing is written after it.
	Finish(ctx context.Context, outcome Outcome, stats any) error
}

// Sealer is an Output whose end takes work beyond committing the last
// records (the SQLite Run: an index built again, unused contents removed),
// which the pipeline shows as part of the run: it calls Seal before
// Finish, and prices it in the ETA with SealCost.
type Sealer interface {
	// Seal commits everything and does that work; the output accepts no
	// record after it, and Finish then records how the run ended.
	Seal(ctx context.Context) error
	// SealCost estimates what Seal will take once the run has written
	// records records (0 when it is not known, or nothing).
	SealCost(records int64) time.Duration
}

// Merger is an Output that can take a source's files into another source
// that contains it, so that a tree analyzed in parts and then whole holds
// each file once.
type Merger interface {
	// Merge renames inner's files to paths under outer (inner is the
	// directory prefix of outer) and removes inner. Where outer already
	// holds a file, the newer record is kept.
	Merge(ctx context.Context, inner, outer, prefix string) error
}

// ReportStore is an Output that can answer a content hash with the report
// it stored for the same bytes, so that a run does not analyze them again
// (batch.Options.Stored).
type ReportStore interface {
	// StoredReport returns the report stored for the content whose
	// SHA-256 is sha256 (hex), analyzed by this tool version; nil when
	// there is none. Safe for concurrent use.
	StoredReport(ctx context.Context, sha256 string) (*analysis.Report, error)
	// StoredSummary is StoredReport without the facts (Report.Partial):
	// what a run writing into this store needs of a file whose bytes it
	// holds, at a fraction of the cost.
	StoredSummary(ctx context.Context, sha256 string) (*analysis.Report, error)
}

var (
	_ Output      = (*Run)(nil)
	_ Sealer      = (*Run)(nil)
	_ Merger      = (*Run)(nil)
	_ ReportStore = (*Run)(nil)
	_ Output      = (*JSONL)(nil)
)

// Sources implements Output.
func (r *Run) Sources(ctx context.Context) ([]string, error) {
	rows, err := r.db.sql.QueryContext(ctx, `SELECT name FROM sources WHERE EXISTS (SELECT 1 FROM files WHERE source_id = sources.id) ORDER BY name`)
	if err != nil {
		return nil, describe(r.db.path, "reading the sources of", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, describe(r.db.path, "reading the sources of", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Resume implements Output: the rules of an incremental run (see
// Incremental), under the run's options hash and tool version.
func (r *Run) Resume(ctx context.Context, source string) (Incremental, error) {
	var sid int64
	err := r.db.sql.QueryRowContext(ctx, `SELECT s.id FROM sources s WHERE s.name = ? AND EXISTS (SELECT 1 FROM files f WHERE f.source_id = s.id)`, source).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		r.mu.Lock()
		if r.fresh == nil {
			r.fresh = map[string]bool{}
		}
		r.fresh[source] = true // (every row it gets, this run writes: none is gone)
		r.mu.Unlock()
		return nil, nil
	}
	if err != nil {
		return nil, describe(r.db.path, "reading", err)
	}
	in, err := newSQLiteIncremental(ctx, r, source, sid)
	if err != nil {
		return nil, err
	}
	r.attach(source, in)
	return in, nil
}

// Walked implements Output: MarkGone.
func (r *Run) Walked(ctx context.Context, source, prefix string) (int64, error) {
	return r.MarkGone(ctx, source, prefix)
}

// Merge implements Merger.
func (r *Run) Merge(ctx context.Context, inner, outer, prefix string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.flush(ctx); err != nil {
		return err
	}
	if err := mergeSource(ctx, r.db.sql, inner, outer, prefix, mergeSchema); err != nil {
		return describe(r.db.path, fmt.Sprintf("merging source %s into %s in", inner, outer), err)
	}
	r.orphans = true
	// outer now holds files this run neither wrote nor counted, inner lost
	// some: MarkGone must look at them.
	delete(r.fresh, outer)
	for _, src := range []string{inner, outer} {
		if in := r.incs[src]; in != nil {
			in.mu.Lock()
			in.live, in.merged = -1, true
			in.mu.Unlock()
		}
	}
	return nil
}

// execer is what mergeSource needs of a *sql.DB or *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// mergeSource moves inner's files to outer, their paths prefixed by prefix
// + "/", in one transaction (or in tx, when db is one).
// The tables a merge clears of a source's rows, in the current schema:
// none (contents are shared, and unused ones are removed when the run
// ends).
var mergeSchema = mergeTables{}

// mergeTables names the tables that hold rows of a file (by file_id) and
// the caches kept per source, in the schema a merge runs on.
type mergeTables struct{ children, caches []string }

func mergeSource(ctx context.Context, db execer, inner, outer, prefix string, tables mergeTables) error {
	if b, ok := db.(interface {
		BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
	}); ok {
		tx, err := b.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := mergeSource(ctx, tx, inner, outer, prefix, tables); err != nil {
			return err
		}
		return tx.Commit()
	}
	var in, out int64
	err := db.QueryRowContext(ctx, `SELECT id FROM sources WHERE name = ?`, inner).Scan(&in)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	err = db.QueryRowContext(ctx, `INSERT INTO sources (name, created_at) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, outer, timestamp(time.Now())).Scan(&out)
	if err != nil {
		return err
	}
	p := prefix + "/"
	// Where both hold a file, the record of the later run wins; the other
	// goes with its report and syntax error.
	const loser = `SELECT f.id FROM files f JOIN files g ON g.path = ? || f.path
		WHERE f.source_id = ? AND g.source_id = ? AND f.run_id < g.run_id
		UNION ALL
		SELECT g.id FROM files f JOIN files g ON g.path = ? || f.path
		WHERE f.source_id = ? AND g.source_id = ? AND f.run_id >= g.run_id`
	for _, table := range tables.children {
		if _, err := db.ExecContext(ctx, `DELETE FROM `+table+` WHERE file_id IN (`+loser+`)`, p, in, out, p, in, out); err != nil {
			return err
		}
	}
	if _, err := db.ExecContext(ctx, `DELETE FROM files WHERE id IN (`+loser+`)`, p, in, out, p, in, out); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE files SET source_id = ?, path = ? || path WHERE source_id = ?`, out, p, in); err != nil {
		return err
	}
	for _, table := range tables.caches {
		if _, err := db.ExecContext(ctx, `DELETE FROM `+table+` WHERE source_id IN (?, ?)`, in, out); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, in)
	return err
}

// Sources implements Output: the sources of the committed lines of a file
// output (none for a stream).
func (s *JSONL) Sources(context.Context) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	err := s.eachLine(func(k knownLine) {
		if !seen[k.source] {
			seen[k.source] = true
			out = append(out, k.source)
		}
	})
	return out, err
}

// Resume implements Output: a resumed file output skips every path of
// source it holds (see NewJSONLResume); a stream holds nothing.
func (s *JSONL) Resume(_ context.Context, source string) (Incremental, error) {
	if s.f == nil || s.ckpt.Offset == 0 {
		return nil, nil
	}
	return NewJSONLResume(s, source)
}

// Walked implements Output: JSON Lines only append, so nothing is marked
// gone.
func (s *JSONL) Walked(context.Context, string, string) (int64, error) { return 0, nil }

// Finish implements Output: it commits and closes the output (the outcome
// and statistics are the caller's to report).
func (s *JSONL) Finish(context.Context, Outcome, any) error { return s.Close() }
