// Package duckdb runs SQL with DuckDB for tests and benchmarks: the npm
// package @duckdb/node-api under Node.js (installed by `npm ci` at the
// repository root, as the CPython oracle is), so that what pybatch writes
// for data tools is read by one. query.mjs is the Node.js side.
package duckdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
)

// ErrUnavailable is wrapped by Find's error when Node.js or the package
// is missing.
var ErrUnavailable = errors.New("duckdb unavailable")

// Env is where Node.js and the script are.
type Env struct {
	Node   string // the node executable
	Script string // query.mjs
}

var (
	findOnce sync.Once
	findEnv  Env
	findErr  error
)

// Find locates node and node_modules/@duckdb/node-api above this
// package's source directory (where query.mjs resolves it).
func Find() (Env, error) {
	findOnce.Do(func() { findEnv, findErr = find() })
	return findEnv, findErr
}

func find() (Env, error) {
	var e Env
	node, err := exec.LookPath("node")
	if err != nil {
		return e, fmt.Errorf("%w: node (Node.js) not found in PATH", ErrUnavailable)
	}
	e.Node = node
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return e, fmt.Errorf("%w: cannot locate the package's source", ErrUnavailable)
	}
	e.Script = filepath.Join(filepath.Dir(file), "query.mjs")
	if _, err := os.Stat(e.Script); err != nil {
		return e, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	for dir := filepath.Dir(file); ; {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "@duckdb", "node-api", "package.json")); err == nil {
			return e, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return e, fmt.Errorf("%w: node_modules/@duckdb/node-api not found above %s (run `npm ci` at the repository root)", ErrUnavailable, filepath.Dir(file))
}

// Require returns the Env, or skips the test saying why; under CI=true it
// fails the test instead.
func Require(t testing.TB) Env {
	t.Helper()
	e, err := Find()
	testenv.Require(t, "DuckDB (Node.js and @duckdb/node-api)", err)
	return e
}

// Answer is a query's result: its columns and rows, each value as text
// (nil for NULL), and the wall time of each run in milliseconds.
type Answer struct {
	Columns []string    `json:"columns"`
	Rows    [][]*string `json:"rows"`
	Ms      []float64   `json:"ms"`
}

// Query runs each query repeat times (at least once) in one DuckDB
// in-memory database and returns their answers.
func (e Env) Query(ctx context.Context, queries []string, repeat int) ([]Answer, error) {
	in, err := json.Marshal(map[string]any{"queries": queries, "repeat": repeat})
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, e.Node, e.Script)
	cmd.Dir = filepath.Dir(e.Script)
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("duckdb: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var out []Answer
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("duckdb: reading the answers: %w", err)
	}
	if len(out) != len(queries) {
		return nil, fmt.Errorf("duckdb: %d answers to %d queries", len(out), len(queries))
	}
	return out, nil
}

// ReadmeQueries returns the README's example queries (readme_queries.sql),
// in their SQLite form.
func ReadmeQueries() ([]string, error) {
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "readme_queries.sql"))
	if err != nil {
		return nil, err
	}
	var qs []string
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "--") {
			qs = append(qs, line)
		}
	}
	return qs, nil
}

// fromView matches "FROM view" in a query of the SQLite views.
var fromView = regexp.MustCompile(`\bFROM (file_results|files|definitions|imports|syntax_errors|runs)\b`)

// ForParquet rewrites a query of the SQLite views for DuckDB over the
// Parquet output in dir: each "FROM view" reads the table's parts,
// "FROM read_parquet('dir/TABLE/*.parquet')" (file_results is files).
func ForParquet(query, dir string) string {
	return fromView.ReplaceAllStringFunc(query, func(m string) string {
		table := strings.TrimPrefix(m, "FROM ")
		if table == "file_results" {
			table = "files"
		}
		glob := filepath.ToSlash(filepath.Join(dir, table)) + "/*.parquet"
		return "FROM read_parquet('" + strings.ReplaceAll(glob, "'", "''") + "')"
	})
}
