package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestMigrateFieldNames: a schema 7 database's imports, stored with the
// report's old member names (from, where), read through the imports view
// after the migration to schema 8 as before, and are stored with the names
// the view gives them.
func TestMigrateFieldNames(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "seven.db")
	db, err := Open(ctx, path, Options{migrateTo: 7})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO runs (tool_version, options, options_hash, pid, started_at) VALUES ('v', '{}', 'h', 1, 't')`,
		`INSERT INTO sources (id, name, created_at) VALUES (1, '/w', 't')`,
		`INSERT INTO files (id, source_id, path, size, mtime_ns, sha256, status, run_id, seen_run_id, report_schema) VALUES (1, 1, 'a.py', 1, 1, '00000000000000000000000000000000000000000000000000000000000000ab', 'analyzed', 1, 1, 1)`,
		`INSERT INTO reports (file_id, imports_json, definitions_json) VALUES (1,
			'[{"module":"os","names":[{"name":"os"}],"level":0,"from":false,"line":1,"where":"module"},{"module":"x","names":[{"name":"y","as":"z"}],"level":1,"from":true,"line":3,"where":"function"}]', '[]')`,
	} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db = openTest(t, path, Options{migrateTo: 8})
	var got string
	err = db.SQL().QueryRow(`SELECT group_concat(seq || ':' || module || ':' || names || ':' || level || ':' || is_from || ':' || line || ':' || scope, ' ') FROM imports`).Scan(&got)
	if err != nil {
		t.Fatal(err)
	}
	if want := `0:os:[{"name":"os"}]:0:0:1:module 1:x:[{"name":"y","as":"z"}]:1:1:3:function`; got != want {
		t.Fatalf("imports view after migration:\n%s\nwant\n%s", got, want)
	}
	var stored string
	db.SQL().QueryRow(`SELECT imports_json FROM reports`).Scan(&stored)
	if want := `[{"module":"os","names":[{"name":"os"}],"level":0,"is_from":false,"line":1,"scope":"module"},{"module":"x","names":[{"name":"y","as":"z"}],"level":1,"is_from":true,"line":3,"scope":"function"}]`; stored != want {
		t.Fatalf("stored imports:\n%s\nwant\n%s", stored, want)
	}
	db.Close()

	// Schema 9: the same imports from the fact tables.
	db = openTest(t, path, Options{})
	err = db.SQL().QueryRow(`SELECT group_concat(seq || ':' || module || ':' || names || ':' || level || ':' || is_from || ':' || line || ':' || scope || ':' || path, ' ') FROM imports`).Scan(&got)
	if err != nil {
		t.Fatal(err)
	}
	if want := `0:os:os:0:0:1:module:a.py 1:x:y as z:1:1:3:function:a.py`; got != want {
		t.Fatalf("imports view after migration 9:\n%s\nwant\n%s", got, want)
	}
}
