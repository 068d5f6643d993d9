package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigratePaths: a schema 6 database, as the previous release wrote it
// (sources named by the roots' absolute paths joined, paths as typed
// relative to the working directory), is renamed to roots and paths below
// them; sources inside another are merged, the later run's row winning.
func TestMigratePaths(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "six.db")
	db, err := Open(ctx, path, Options{migrateTo: 6})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		// run 1: `analyze lib` from /w; run 2: `analyze lib/json /w/other/x.py` from /w;
		// run 3: `retry` of run 2.
		`INSERT INTO runs (tool_version, options, options_hash, pid, started_at) VALUES ('v', '{"paths":["lib"]}', 'h', 1, 't')`,
		`INSERT INTO runs (tool_version, options, options_hash, pid, started_at) VALUES ('v', '{"paths":["lib/json/","/w/other/x.py"]}', 'h', 1, 't')`,
		`INSERT INTO runs (tool_version, options, options_hash, pid, started_at) VALUES ('v', '{"retry_of":2}', 'h', 1, 't')`,
		`INSERT INTO sources (id, name, created_at) VALUES (1, '/w/lib', 't'), (2, '/w/lib/json:/w/other/x.py', 't')`,
		`INSERT INTO files (source_id, path, size, mtime_ns, status, run_id, seen_run_id) VALUES
			(1, 'lib/a.py', 1, 1, 'analyzed', 1, 1),
			(1, 'lib/json/b.py', 1, 1, 'analyzed', 1, 1),
			(2, 'lib/json/b.py', 2, 2, 'analyzed', 2, 2),
			(2, 'lib/json/c.py', 3, 3, 'failed', 3, 3),
			(2, '/w/other/x.py', 4, 4, 'analyzed', 2, 2)`,
	} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	db = openTest(t, path, Options{})
	rows, err := db.SQL().Query(`SELECT source, path, size FROM file_results ORDER BY source, path`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s, p string
		var size int
		rows.Scan(&s, &p, &size)
		got = append(got, s+" "+p+" "+string(rune('0'+size)))
	}
	rows.Close()
	want := "/w/lib a.py 1|/w/lib json/b.py 2|/w/lib json/c.py 3|/w/other x.py 4"
	if strings.Join(got, "|") != want {
		t.Fatalf("after migration:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if n := count(t, db, `SELECT count(*) FROM sources`); n != 2 {
		t.Fatalf("%d sources, want 2", n)
	}
}

// TestMigratePathsRefusesWhatItCannotName: a source named with the old
// --source flag and relative paths cannot be renamed: the migration stops
// with a message, and the database is left as it was.
func TestMigratePathsRefusesWhatItCannotName(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "six.db")
	db, err := Open(ctx, path, Options{migrateTo: 6})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO runs (tool_version, options, options_hash, pid, started_at) VALUES ('v', '{"paths":["lib"]}', 'h', 1, 't')`,
		`INSERT INTO sources (id, name, created_at) VALUES (1, 'mytree', 't')`,
		`INSERT INTO files (source_id, path, size, mtime_ns, status, run_id, seen_run_id) VALUES (1, 'lib/a.py', 1, 1, 'analyzed', 1, 1)`,
	} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if _, err := Open(ctx, path, Options{}); err == nil || !strings.Contains(err.Error(), "new database") {
		t.Fatalf("Open of an unnameable schema 6 database: %v", err)
	}
	db, err = Open(ctx, path, Options{migrateTo: 6})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v := count(t, db, "PRAGMA user_version"); v != 6 || count(t, db, `SELECT count(*) FROM files WHERE path = 'lib/a.py'`) != 1 {
		t.Fatalf("the refused database changed: version %d", v)
	}
}
