package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/internal/duckdb"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// copyTree copies the regular files under src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// DuckDB reads the Parquet output of a real tree, and the README's example
// queries give over it exactly the answers that SQLite gives over the
// database of the same tree.
func TestParquetDuckDBAnswersAsSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("analyzes some 800 files twice; runs without -short")
	}
	db := duckdb.Require(t)
	stdlib := testenv.Stdlib(t)
	ctx := context.Background()
	queries, err := duckdb.ReadmeQueries()
	if err != nil {
		t.Fatal(err)
	}

	// Parts of the machine's standard library: packages that import json,
	// files with syntax errors (tokenizedata, lib2to3's test data), and a
	// file over the size limit (skipped).
	tree := t.TempDir()
	copied := 0
	for _, dir := range []string{"json", "email", "asyncio", "logging", "unittest", "xml", "importlib", "test/tokenizedata", "lib2to3", "test/test_future_stmt"} {
		if _, err := os.Stat(filepath.Join(stdlib, dir)); err == nil {
			copyTree(t, filepath.Join(stdlib, dir), filepath.Join(tree, dir))
			copied++
		}
	}
	if copied < 3 {
		t.Fatalf("only %d of the standard library's packages found under %s", copied, stdlib)
	}
	os.WriteFile(filepath.Join(tree, "huge.py"), []byte("x = 1\n"+strings.Repeat("# padding\n", 200_000)), 0o644)
	// A name that is not UTF-8: DuckDB refuses a table with an invalid
	// string, so the tables hold U+FFFD for the byte (and the files table
	// the exact bytes beside).
	if err := os.WriteFile(filepath.Join(tree, "latin\xe9.py"), []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	so := scan.DefaultOptions()
	so.MaxSize = 1 << 20
	// And one file whose analysis fails.
	bo := batch.Options{Analyze: func(path string, src []byte) *analysis.Report {
		if strings.HasSuffix(filepath.ToSlash(path), "json/tool.py") {
			panic("this test's analysis fails on json/tool.py")
		}
		return batch.DefaultAnalyze(path, src)
	}}

	work := t.TempDir()
	sq, err := store.Open(ctx, filepath.Join(work, "out.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sq.Close()
	run, err := sq.BeginRun(ctx, store.RunInfo{ToolVersion: batch.Version, OptionsHash: batch.OptionsHash(so)})
	if err != nil {
		t.Fatal(err)
	}
	sumDB, err := batch.Run(ctx, batch.Config{Roots: []string{tree}, Scan: so, Batch: bo, Output: run})
	if err != nil {
		t.Fatal(err)
	}
	run.Close()
	// Small chunks and row groups: the queries read many parts, each of
	// several row groups.
	pqDir := filepath.Join(work, "out.parquet")
	pq, err := store.OpenParquet(ctx, pqDir, store.ParquetOptions{ToolVersion: batch.Version, OptionsHash: batch.OptionsHash(so),
		ChunkRecords: 97, RowGroupBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	sumPQ, err := batch.Run(ctx, batch.Config{Roots: []string{tree}, Scan: so, Batch: bo, Output: pq})
	if err != nil {
		t.Fatal(err)
	}
	if sumDB.Files != sumPQ.Files || sumDB.Files < 200 || sumPQ.SyntaxErrors == 0 || sumPQ.Skipped == 0 || sumPQ.Failed != 1 {
		t.Fatalf("runs: %d files into SQLite, %d into Parquet (%d syntax errors, %d skipped)", sumDB.Files, sumPQ.Files, sumPQ.SyntaxErrors, sumPQ.Skipped)
	}
	if parts, _ := filepath.Glob(filepath.Join(pqDir, "definitions", "*.parquet")); len(parts) < 3 {
		t.Fatalf("%d definitions parts; the test wants several", len(parts))
	}

	duck := make([]string, len(queries))
	for i, q := range queries {
		duck[i] = duckdb.ForParquet(q, pqDir)
	}
	answers, err := db.Query(ctx, duck, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		want := sqliteAnswer(t, sq, q)
		got := answers[i].Rows
		if len(want) == 0 {
			t.Errorf("%s: no rows from SQLite; the tree should give some", q)
		}
		if !sameRows(got, want) {
			t.Errorf("%s\nDuckDB over Parquet:\n%s\nSQLite:\n%s", duck[i], show(got), show(want))
		} else {
			t.Logf("%d rows: %s", len(got), q)
		}
	}

	// The README shows each query, in both forms.
	_, file, _, _ := runtime.Caller(0)
	readme, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range queries {
		for _, form := range []string{q, duckdb.ForParquet(q, "out.parquet")} {
			if !strings.Contains(string(readme), form) {
				t.Errorf("README.md does not show %s", form)
			}
		}
	}
}

// sqliteAnswer runs query on the database and gives each value as text
// (nil for NULL), as duckdb.Answer does.
func sqliteAnswer(t *testing.T, db *store.DB, query string) [][]*string {
	t.Helper()
	rows, err := db.SQL().Query(query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]*string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]*string, len(cols))
		for i, v := range vals {
			var s string
			switch v := v.(type) {
			case nil:
				continue
			case int64:
				s = strconv.FormatInt(v, 10)
			case []byte:
				s = string(v)
			case string:
				s = v
			default:
				s = fmt.Sprint(v)
			}
			row[i] = &s
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameRows(a, b [][]*string) bool {
	return slices.EqualFunc(a, b, func(x, y []*string) bool {
		return slices.EqualFunc(x, y, func(p, q *string) bool { return (p == nil) == (q == nil) && (p == nil || *p == *q) })
	})
}

func show(rows [][]*string) string {
	var b strings.Builder
	for _, r := range rows {
		for i, v := range r {
			if i > 0 {
				b.WriteString(" | ")
			}
			if v == nil {
				b.WriteString("NULL")
			} else {
				b.WriteString(*v)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
