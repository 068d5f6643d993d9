// Package storetest is test support for the SQLite databases pybatch writes:
// the content of a database that must not depend on how many runs made it,
// and the first line where two such contents differ.
//
// It reads the database with plain SQL (database/sql and the modernc.org
// SQLite driver) and does not import package store, so that store's own
// tests can use it as well as the command's.
package storetest

import (
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// dumpQueries select, in a fixed order, every file with its result and its
// definitions, imports and warnings: what a run stores, without what says when or in
// which run it was stored.
var dumpQueries = []string{
	`SELECT source || '|' || path || '|' || size || '|' || mtime_ns || '|' || coalesce(sha256, '') || '|' || status || '|' || coalesce(loc, '') FROM file_results ORDER BY source, path`,
	`SELECT f.path || '|' || d.seq || '|' || d.qualname || '|' || d.line FROM definitions d JOIN files f ON f.id = d.file_id ORDER BY f.path, d.seq`,
	`SELECT f.path || '|' || i.seq || '|' || i.module || '|' || i.names FROM imports i JOIN files f ON f.id = i.file_id ORDER BY f.path, i.seq`,
	`SELECT w.path || '|' || w.seq || '|' || w.line || '|' || coalesce(w.col, '') || '|' || w.message FROM warnings w ORDER BY w.source, w.path, w.seq`,
}

// DumpDB opens the pybatch database at path read-only and returns Dump of
// it. No process may be writing it.
func DumpDB(t testing.TB, path string) string {
	t.Helper()
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatalf("storetest: opening %s: %v", path, err)
	}
	defer db.Close()
	return Dump(t, db)
}

// Dump is the content of a pybatch database that must not depend on how
// many runs made it: every file with its result, then every definition,
// then every import, then every warning, each on a line, in order, the
// four parts ended by "--". Two databases of the same tree compare equal with ==; Diff shows
// where they do not.
func Dump(t testing.TB, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range dumpQueries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("storetest: %s: %v", q, err)
		}
		for rows.Next() {
			var s sql.NullString // NULL when a column is (an import's module, say): an empty line
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				t.Fatalf("storetest: %s: %v", q, err)
			}
			b.WriteString(s.String + "\n")
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			t.Fatalf("storetest: %s: %v", q, err)
		}
		b.WriteString("--\n")
	}
	return b.String()
}

// Diff describes the first line where got and want differ, or says
// "(equal)".
func Diff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
	return "(equal)"
}
