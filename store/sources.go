package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// DirCache returns the directory cache (scan.DirCache.Encode's bytes) the
// last complete walk of source stored under these options and tool
// version, or nil if there is none.
func (db *DB) DirCache(ctx context.Context, source, optionsHash, toolVersion string) ([]byte, error) {
	var data []byte
	err := db.sql.QueryRowContext(ctx, `SELECT d.data FROM dir_cache d JOIN sources s ON s.id = d.source_id
		WHERE s.name = ? AND d.options_hash = ? AND d.tool_version = ?`, source, optionsHash, toolVersion).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, describe(db.path, "reading the directory cache of", err)
	}
	return data, nil
}

// saveDirCache stores data as the directory cache of source (replacing any
// other), after committing what the run has queued.
func (r *Run) saveDirCache(ctx context.Context, source, optionsHash, toolVersion string, data []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.flush(ctx); err != nil {
		return err
	}
	err := func() error {
		tx, err := r.db.sql.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		var sid int64
		err = tx.QueryRowContext(ctx, `INSERT INTO sources (name, created_at) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, source, timestamp(time.Now())).Scan(&sid)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO dir_cache (source_id, options_hash, tool_version, data) VALUES (?, ?, ?, ?)
			ON CONFLICT (source_id) DO UPDATE SET options_hash = excluded.options_hash, tool_version = excluded.tool_version, data = excluded.data`,
			sid, optionsHash, toolVersion, data)
		if err != nil {
			return err
		}
		return tx.Commit()
	}()
	if err != nil {
		return describe(r.db.path, "saving the directory cache to", err)
	}
	return nil
}

// HoldsSource reports whether the database holds any file of source: a run
// of a source it does not hold has nothing to skip.
func (db *DB) HoldsSource(ctx context.Context, source string) (bool, error) {
	var held bool
	err := db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM files WHERE source_id = (SELECT id FROM sources WHERE name = ?))`, source).Scan(&held)
	if err != nil {
		return false, describe(db.path, "reading", err)
	}
	return held, nil
}
