package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// goMigrations are the steps that SQL alone cannot make, run in the same
// transaction right after the migration file of their version.
var goMigrations = map[int]func(context.Context, *sql.Tx) error{
	7: migratePaths,
}

// migratePaths renames every file of a schema 6 database to (absolute root,
// path relative to it). A schema 6 source was the absolute roots joined
// with the list separator, and a path was the root as typed joined with the
// path below it; the roots as typed are in the options of the run that
// wrote the row (of the run it retried, for `pybatch retry`). Where two old
// rows now name the same file, the later run's is kept; a source inside
// another is merged into it. A row that cannot be renamed (a source named
// with --source, which the working directory cannot be recovered from)
// stops the migration with a message that says what to do.
func migratePaths(ctx context.Context, tx *sql.Tx) error {
	type runOpts struct {
		Paths   []string `json:"paths"`
		RetryOf int64    `json:"retry_of"`
	}
	runs := map[int64]runOpts{}
	rows, err := tx.QueryContext(ctx, `SELECT id, options FROM runs`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var opts string
		if err := rows.Scan(&id, &opts); err != nil {
			rows.Close()
			return err
		}
		var o runOpts
		_ = json.Unmarshal([]byte(opts), &o) // (unreadable: no paths, and the rows say so below)
		runs[id] = o
	}
	rows.Close()
	typedPaths := func(run int64) []string {
		for range 100 { // (a chain of retries of retries)
			o := runs[run]
			if o.RetryOf == 0 || len(o.Paths) > 0 {
				return o.Paths
			}
			run = o.RetryOf
		}
		return nil
	}

	type move struct {
		id, run       int64
		source, path  string
		status        string
		oldSource     string
		oldPath       string
		conflictLoser bool
	}
	var moves []*move
	rows, err = tx.QueryContext(ctx, `SELECT f.id, f.run_id, s.name, f.path, f.status FROM files f JOIN sources s ON s.id = f.source_id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		m := &move{}
		if err := rows.Scan(&m.id, &m.run, &m.oldSource, &m.oldPath, &m.status); err != nil {
			rows.Close()
			return err
		}
		moves = append(moves, m)
	}
	rows.Close()
	for _, m := range moves {
		roots := filepath.SplitList(m.oldSource)
		typed := typedPaths(m.run)
		best := -1
		for i, t := range typed {
			if len(roots) != len(typed) || !filepath.IsAbs(roots[i]) {
				break
			}
			if _, ok := below(filepath.Clean(t), m.oldPath); ok && (best < 0 || len(t) > len(typed[best])) {
				best = i
			}
		}
		if best < 0 {
			return fmt.Errorf("the file %q of source %q cannot be named relative to its root (it was stored by an older pybatch under a name that depends on the directory it ran in); analyze into a new database, or delete this one", m.oldPath, m.oldSource)
		}
		rel, _ := below(filepath.Clean(typed[best]), m.oldPath)
		m.source = roots[best]
		if rel == "" { // the root was this file
			m.source, rel = filepath.Dir(roots[best]), filepath.Base(roots[best])
		}
		m.path = filepath.ToSlash(rel)
	}
	// One row per new name: the later run's.
	winner := map[[2]string]*move{}
	for _, m := range moves {
		k := [2]string{m.source, m.path}
		if w := winner[k]; w == nil || m.run > w.run {
			if w != nil {
				w.conflictLoser = true
			}
			winner[k] = m
		} else {
			m.conflictLoser = true
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE files SET path = char(0) || id`); err != nil { // (no collision while renaming)
		return err
	}
	sids := map[string]int64{}
	for _, m := range moves {
		if m.conflictLoser {
			for _, table := range []string{"reports", "syntax_errors", "files"} {
				col := "file_id"
				if table == "files" {
					col = "id"
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE `+col+` = ?`, m.id); err != nil {
					return err
				}
			}
			continue
		}
		sid, ok := sids[m.source]
		if !ok {
			err := tx.QueryRowContext(ctx, `INSERT INTO sources (name, created_at) VALUES (?, datetime('now'))
				ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, m.source).Scan(&sid)
			if err != nil {
				return err
			}
			sids[m.source] = sid
		}
		if _, err := tx.ExecContext(ctx, `UPDATE files SET source_id = ?, path = ? WHERE id = ?`, sid, m.path, m.id); err != nil {
			return err
		}
	}
	// A source inside another is part of it.
	names := make([]string, 0, len(sids))
	for n := range sids {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, inner := range names {
		for _, outer := range names {
			if prefix, ok := below(outer, inner); ok && prefix != "" {
				if err := mergeSource(ctx, tx, inner, outer, filepath.ToSlash(prefix), schema6); err != nil {
					return err
				}
				break
			}
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM sources WHERE id NOT IN (SELECT source_id FROM files)`)
	return err
}

// schema6 are the tables a merge clears in the schema migration 7 runs on.
var schema6 = mergeTables{children: []string{"reports", "syntax_errors"}, caches: []string{"dir_cache", "known_snapshot"}}

// below returns p's path relative to root when p is root ("") or below it.
func below(root, p string) (string, bool) {
	p = filepath.Clean(p)
	switch {
	case p == root:
		return "", true
	case root == ".":
		return p, !filepath.IsAbs(p) && p != ".." && !strings.HasPrefix(p, ".."+string(filepath.Separator))
	case strings.HasSuffix(root, string(filepath.Separator)):
		return p[len(root):], strings.HasPrefix(p, root)
	case strings.HasPrefix(p, root) && p[len(root)] == filepath.Separator:
		return p[len(root)+1:], true
	}
	return "", false
}
