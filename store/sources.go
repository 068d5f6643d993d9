package store

import (
	"context"
)

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
