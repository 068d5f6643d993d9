package batch_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// exampleTree writes a small Python project into a temporary directory.
func exampleTree() string {
	dir, err := os.MkdirTemp("", "pybatch-example")
	if err != nil {
		panic(err)
	}
	files := map[string]string{
		"app/__init__.py": `"""The app."""` + "\n",
		"app/core.py":     "import os\n\ndef run(n):\n    if n > 1:\n        return n\n    return 0\n",
		"app/broken.py":   "def f(:\n",
		"README.md":       "not Python\n",
	}
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			panic(err)
		}
	}
	return dir
}

// A directory into a SQLite database: what `pybatch analyze DIR` does,
// incremental runs included (a second run would analyze nothing).
func ExampleRun() {
	ctx := context.Background()
	dir := exampleTree()
	defer os.RemoveAll(dir)

	so := scan.DefaultOptions()
	db, err := store.Open(ctx, filepath.Join(dir, "pybatch.db"), store.Options{})
	if err != nil {
		panic(err)
	}
	defer db.Close()
	run, err := db.BeginRun(ctx, store.RunInfo{ToolVersion: batch.Version, OptionsHash: batch.OptionsHash(so)})
	if err != nil {
		panic(err)
	}
	sum, err := batch.Run(ctx, batch.Config{Roots: []string{dir}, Scan: so, Output: run})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d files, %d analyzed, %d with a syntax error\n", sum.Files, sum.Analyzed, sum.SyntaxErrors)

	var path string
	var complexity int
	err = db.SQL().QueryRowContext(ctx, `SELECT f.path, d.complexity FROM definitions d JOIN files f ON f.id = d.file_id WHERE d.name = 'run'`).Scan(&path, &complexity)
	if err != nil {
		panic(err)
	}
	fmt.Printf("run() in %s: cyclomatic complexity %d\n", path, complexity)
	// Output:
	// 3 files, 3 analyzed, 1 with a syntax error
	// run() in app/core.py: cyclomatic complexity 2
}

// Streaming: records arrive as an iter.Seq while the tree is walked, with
// a bounded number of files in memory, however large the tree.
func ExampleStream() {
	ctx := context.Background()
	dir := exampleTree()
	defer os.RemoveAll(dir)

	so := scan.DefaultOptions()
	so.Sorted = true
	records, err := batch.Stream(ctx, batch.FromScan(scan.Scan(ctx, []string{dir}, so)), batch.Options{Ordered: true})
	if err != nil {
		panic(err)
	}
	for rec := range records {
		rel, _ := filepath.Rel(dir, rec.Path)
		switch {
		case rec.Status != result.Analyzed:
			fmt.Println(filepath.ToSlash(rel), rec.Status)
		case rec.Report.SyntaxError != nil:
			fmt.Println(filepath.ToSlash(rel), "SyntaxError:", rec.Report.SyntaxError.Msg)
		default:
			fmt.Println(filepath.ToSlash(rel), len(rec.Report.Definitions), "definitions")
		}
	}
	// Output:
	// app/__init__.py 0 definitions
	// app/broken.py SyntaxError: invalid syntax
	// app/core.py 1 definitions
}
