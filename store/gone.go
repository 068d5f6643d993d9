package store

// What a walk did not see: the files that are gone.

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// attach makes in the incremental state of source: MarkGone asks it which
// of the stored files the walk met.
func (r *Run) attach(source string, in *sqliteIncremental) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.incs == nil {
		r.incs = map[string]*sqliteIncremental{}
	}
	r.incs[source] = in
}

// MarkGone commits what is queued, then marks as gone every file of source
// under prefix (a slash-separated path relative to the source, "" for all
// of it; see Under) that this run's walk did not see (neither written,
// touched, nor met by the source's Incremental), and drops their contents.
// Call it only after a walk of prefix that completed: a cancelled or
// partial walk has not seen everything. It returns how many files were
// marked gone. The files are read and marked a chunk at a time: its memory
// does not grow with the number of files.
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

// goneChunk is how many files MarkGone reads and marks at a time.
const goneChunk = 4096

func (r *Run) markGone(ctx context.Context, source, prefix string) (int64, error) {
	var sid int64
	err := r.db.sql.QueryRowContext(ctx, `SELECT id FROM sources WHERE name = ?`, source).Scan(&sid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // nothing was ever stored for it
	}
	if err != nil {
		return 0, err
	}
	in := r.incs[source]
	if r.fresh[source] {
		return 0, nil // every file it holds, this run wrote or touched
	}
	if in != nil && prefix == "" {
		select {
		case <-in.counted:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		in.mu.Lock()
		all := in.live == in.metLive
		in.mu.Unlock()
		if all {
			// The walk met every file that was stored and not gone when
			// the run began, and the files this run stored it wrote or
			// touched: none is gone. (An unchanged re-run of a million
			// files would otherwise read them all again here.)
			return 0, nil
		}
	}
	var total int64
	after := ""
	for {
		// The files this run did not write or touch, a chunk at a time,
		// in path order (the order of the (source_id, path) index: each
		// chunk is a range of it).
		// Under a prefix, only the index range that holds it and its
		// subtree (paths sort with "/" before "0"; Under sorts out the
		// siblings, such as "a-b.py" for "a", that the range also holds).
		query, args := `SELECT id, path FROM files WHERE source_id = ? AND path > ?`, []any{sid, after}
		if prefix != "" {
			query, args = query+` AND path >= ? AND path < ?`, append(args, prefix, prefix+"0")
		}
		rows, err := r.db.sql.QueryContext(ctx, query+` AND status <> 'gone' AND seen_run_id <> ? ORDER BY path LIMIT ?`,
			append(args, r.id, goneChunk)...)
		if err != nil {
			return total, err
		}
		var gone []any
		read := 0
		for rows.Next() {
			var id int64
			var path string
			if err := rows.Scan(&id, &path); err != nil {
				rows.Close()
				return total, err
			}
			read++
			after = path
			if Under(path, prefix) && (in == nil || !in.sh.met(id)) {
				gone = append(gone, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return total, err
		}
		if len(gone) > 0 {
			in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(gone)), ", ") + ")"
			res, err := r.db.sql.ExecContext(ctx, `UPDATE files SET status = 'gone', run_id = ?, seen_run_id = ?, content_id = NULL,
				skip_reason = NULL, error_class = NULL, error = NULL WHERE id IN `+in, append([]any{r.id, r.id}, gone...)...)
			if err != nil {
				return total, err
			}
			n, _ := res.RowsAffected()
			total += n
			r.orphans = true
		}
		if read < goneChunk {
			return total, nil
		}
	}
}
