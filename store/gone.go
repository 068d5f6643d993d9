package store

// What a walk did not see: the files it kept unchanged, and those gone.

import (
	"context"
	"database/sql"
	"errors"
)

// Keep records that the walk saw source/path unchanged (FileState.Unchanged
// said so) and skipped it, so that MarkGone does not take it for deleted.
// Nothing is written for it now: MarkGone marks every kept file seen in one
// statement (and an interrupted run, which never calls MarkGone, needs no
// record of what it kept).
func (r *Run) Keep(ctx context.Context, source, path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.accepting(); err != nil {
		return err
	}
	if r.kept == nil {
		r.kept = map[string]map[string]struct{}{}
	}
	set := r.kept[source]
	if set == nil {
		set = map[string]struct{}{}
		r.kept[source] = set
	}
	set[path] = struct{}{}
	return nil
}

// attach makes in the Incremental of source: MarkGone asks it which of the
// files it knew the walk did not see.
func (r *Run) attach(source string, in *Incremental) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.incs == nil {
		r.incs = map[string]*Incremental{}
	}
	r.incs[source] = in
}

// MarkGone commits what is queued, then marks as gone every file of source
// under prefix (a slash-separated path relative to the source, "" for all
// of it; see Under) that this run's walk did not see (neither written,
// kept, touched, nor looked at by the source's Incremental), and deletes
// their reports and syntax errors. The rows of kept files are not written.
// Call it only after a walk of prefix that completed: a cancelled or
// partial walk has not seen everything. It returns how many files were
// marked gone.
func (r *Run) MarkGone(ctx context.Context, source, prefix string) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.flush(ctx); err != nil {
		return 0, err
	}
	n, err := r.markGone(ctx, source, prefix)
	if err != nil {
		return 0, describe(r.db.path, "marking gone files in", err)
	}
	return n, nil
}

func (r *Run) markGone(ctx context.Context, source, prefix string) (int64, error) {
	tx, err := r.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var sid int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE name = ?`, source).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // nothing was ever stored for it
	}
	if err != nil {
		return 0, err
	}
	// The files the walk did not see: an Incremental knows them without
	// asking the database (every file it knew and was not asked about);
	// otherwise they are the files this run did not write or touch and
	// nobody kept.
	kept := r.kept[source]
	var unseen []string
	if in := r.incs[source]; in != nil {
		unseen = in.unseen(kept, prefix)
	} else {
		rows, err := tx.QueryContext(ctx, `SELECT path FROM files WHERE source_id = ? AND seen_run_id <> ? AND status <> 'gone'`, sid, r.id)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return 0, err
			}
			if _, ok := kept[p]; !ok && Under(p, prefix) {
				unseen = append(unseen, p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS unseen (path TEXT PRIMARY KEY) WITHOUT ROWID`); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM temp.unseen`); err != nil {
		return 0, err
	}
	if len(unseen) > 0 {
		ins, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO temp.unseen (path) VALUES (?)`)
		if err != nil {
			return 0, err
		}
		for _, p := range unseen {
			if _, err := ins.ExecContext(ctx, p); err != nil {
				return 0, err
			}
		}
	}
	// The kept files need no statement at all: their rows stay as they
	// are (seen_run_id is the last run that wrote or touched a row).
	// Rewriting every kept row to say "seen" would be most of what a
	// re-run's store does (bench/NOTES.md, store).
	const gone = `SELECT id FROM files WHERE source_id = ? AND seen_run_id <> ? AND status <> 'gone'
		AND path IN (SELECT path FROM temp.unseen)`
	for _, table := range []string{"reports", "syntax_errors"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE file_id IN (`+gone+`)`, sid, r.id); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE files SET status = 'gone', run_id = ?, seen_run_id = ?,
		sha256 = NULL, skip_reason = NULL, error_class = NULL, error = NULL
		WHERE id IN (`+gone+`)`, r.id, r.id, sid, r.id)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `DELETE FROM temp.unseen`); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return n, nil
}
