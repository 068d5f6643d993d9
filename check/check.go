// Package check is `pybatch check`, the gate for CI and pre-commit: it
// analyzes Python files with the batch pipeline and holds their cyclomatic
// complexity to xenon's thresholds, with xenon's meaning.
//
// xenon (https://github.com/rubik/xenon, core.find_infractions) reads
// radon's blocks (top-level functions and classes, methods of top-level
// classes: see Blocks) and counts an infraction for
//
//   - --max-absolute R: every block whose rank is worse than R;
//   - --max-modules R: every module whose average block complexity (the sum
//     of its blocks' complexities over their number) ranks worse than R;
//   - --max-average R: the average complexity of all blocks of all modules,
//     once, when it ranks worse than R;
//   - --max-average-num N: that average, once, when it is above N.
//
// Ranks of averages are radon's cc_rank of the float (5.5 is B; see RankOf).
// A module without blocks has no average and counts for nothing; a file
// that does not parse is left out with a warning, as xenon leaves it, unless
// FailOnSyntaxError makes it a violation of its own.
//
// Run gives every violation with its place; Write prints them as text
// (path:line:col: message), JSON, GitHub workflow annotations or SARIF 2.1.0.
// With a cache (a pybatch SQLite database) a re-run analyzes only the files
// that changed and reads the others' facts back from the database.
package check

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// Rule names a kind of violation; it is the rule id of SARIF and of the
// JSON output.
type Rule string

const (
	RuleAbsolute    Rule = "max-absolute"    // a block's rank
	RuleModules     Rule = "max-modules"     // a module's average rank
	RuleAverage     Rule = "max-average"     // the average rank of all blocks
	RuleAverageNum  Rule = "max-average-num" // the average complexity of all blocks
	RuleSyntaxError Rule = "syntax-error"    // a file that does not parse (FailOnSyntaxError)
)

// Options are one check.
type Options struct {
	// Paths are the files and directories to check (at least one).
	Paths []string
	// MaxAbsolute, MaxModules and MaxAverage are ranks (A to F, "" for no
	// limit); MaxAverageNum, when not nil, bounds the average complexity.
	MaxAbsolute, MaxModules, MaxAverage string
	MaxAverageNum                       *float64
	// FailOnSyntaxError makes every file that does not parse a violation.
	FailOnSyntaxError bool
	// PythonVersion, when set, checks that the files parse as that Python
	// parses them (see analysis.Options.PythonVersion): a file it cannot
	// parse, such as one using syntax of a later version, is a violation
	// (FailOnSyntaxError implied).
	PythonVersion parser.Version
	// NoAssert is xenon's (and radon's) --no-assert: assert statements do
	// not add to the complexity.
	NoAssert bool
	// Scan chooses the files (scan.DefaultOptions() is what the command
	// uses, with its --include and --exclude).
	Scan scan.Options
	// Workers is the number of files analyzed at once (0: the CPUs usable).
	Workers int
	// Cache, when set, is a pybatch SQLite database that keeps the results
	// between runs: a file unchanged since the last run is not analyzed
	// again, its facts are read from the database.
	Cache string
	// Dir is the directory paths are shown relative to (files below it are
	// named relative to it, others absolute); "" means the working directory.
	Dir string
}

// Violation is one threshold a block, a module or the whole set exceeds,
// or a file that does not parse.
type Violation struct {
	Rule Rule `json:"rule"`
	// Path is the file as shown (relative to Options.Dir when below it);
	// for the overall average, the first path checked, as given.
	Path string `json:"path"`
	// Line and Col are 1-based (Col counts characters; a block starts at its
	// indentation, where bytes and characters agree); EndLine and EndCol,
	// when known, end the span (EndCol exclusive).
	Line    int `json:"line"`
	Col     int `json:"col"`
	EndLine int `json:"end_line,omitempty"`
	EndCol  int `json:"end_col,omitempty"`
	// Cell and CellLine, in a notebook, are the cell (1-based among all its
	// cells) and the line in that cell of Line, which is a line of the
	// notebook's joined code cells; 0 elsewhere.
	Cell     int `json:"cell,omitempty"`
	CellLine int `json:"cell_line,omitempty"`
	// Kind and Name name a block ("method", "C.m"); empty otherwise.
	Kind string `json:"kind,omitempty"`
	Name string `json:"name,omitempty"`
	// Complexity is the block's complexity or the average; Rank its rank;
	// Limit the threshold it is over.
	Complexity float64 `json:"complexity"`
	Rank       string  `json:"rank,omitempty"`
	Limit      string  `json:"limit,omitempty"`
	// Blocks is how many blocks an average is over.
	Blocks  int    `json:"blocks,omitempty"`
	Message string `json:"message"`
}

// Where is the violation's place as editors read it: path:line:col, or in
// a notebook path:cell N:line:col (the line in the cell), as ruff writes it.
func (v *Violation) Where() string {
	if v.Cell > 0 {
		return fmt.Sprintf("%s:cell %d:%d:%d", v.Path, v.Cell, v.CellLine, v.Col)
	}
	return fmt.Sprintf("%s:%d:%d", v.Path, v.Line, v.Col)
}

// Result is what a check found.
type Result struct {
	Violations []Violation `json:"violations"`
	// Files is the number of Python files checked; SyntaxErrors those of
	// them that do not parse; Blocks the blocks of the others.
	Files        int `json:"files"`
	SyntaxErrors int `json:"syntax_errors"`
	Blocks       int `json:"blocks"`
	// Average is the average complexity of all blocks, AverageRank its rank.
	Average     float64 `json:"average"`
	AverageRank string  `json:"average_rank"`
	// Analyzed files were analyzed by this run; Cached ones were read from
	// the cache unchanged.
	Analyzed int `json:"analyzed"`
	Cached   int `json:"cached"`
	// Warnings are the files left out: unreadable, skipped, or (without
	// FailOnSyntaxError) not parsing, each with why.
	Warnings []string `json:"warnings,omitempty"`
}

// UsageError is an error in the options: a bad rank, no path, a path that
// does not exist.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// fileFacts is what a check keeps of one analyzed file: its blocks'
// places and complexities, or its syntax error.
type fileFacts struct {
	path   string // as shown
	blocks []blockFact
	syntax *Violation
}

type blockFact struct {
	kind, name      string
	line, col       int
	cell, cellLine  int
	endLine, endCol int
	complexity      int
}

// Run analyzes the files under opts.Paths and returns what exceeds the
// thresholds. Per-file problems are warnings in the Result; the error is a
// usage error (UsageError), an unusable cache, or an interruption.
func Run(ctx context.Context, opts Options) (*Result, error) {
	var err error
	if len(opts.Paths) == 0 {
		return nil, UsageError{errors.New("no PATH given")}
	}
	for _, p := range []*string{&opts.MaxAbsolute, &opts.MaxModules, &opts.MaxAverage} {
		if *p, err = ParseRank(*p); err != nil {
			return nil, UsageError{err}
		}
	}
	if err := opts.Scan.Validate(); err != nil {
		return nil, UsageError{err}
	}
	for _, p := range opts.Paths {
		if _, err := os.Stat(p); err != nil {
			return nil, UsageError{err}
		}
	}
	base := opts.Dir
	if base == "" {
		if base, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	if base, err = filepath.Abs(base); err != nil {
		return nil, err
	}
	if b, err := filepath.EvalSymlinks(base); err == nil {
		base = b
	}
	show := func(source, path string) string {
		full := filepath.Join(source, filepath.FromSlash(path))
		if rel, err := filepath.Rel(base, full); err == nil && filepath.IsLocal(rel) {
			return rel
		}
		return full
	}

	res := &Result{Violations: []Violation{}}
	var files []*fileFacts
	seen := map[[2]string]bool{}
	take := func(rec *result.Record, cached bool) {
		seen[[2]string{rec.Source, rec.Path}] = true
		p := show(rec.Source, rec.Path)
		switch {
		case rec.Status == result.Skipped:
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: skipped (%s)", p, rec.SkipReason))
			return
		case rec.Status != result.Analyzed || rec.Report == nil:
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s: cannot analyze: %s", p, rec.Err))
			return
		}
		if cached {
			res.Cached++
		} else {
			res.Analyzed++
		}
		f := &fileFacts{path: p}
		if se := rec.Report.SyntaxError; se != nil {
			// The parser counts a syntax error's columns in characters, as
			// CPython's SyntaxError.offset does (0-based here).
			endCol := 0
			if se.EndLine > 0 {
				endCol = se.EndCol + 1
			}
			f.syntax = &Violation{Rule: RuleSyntaxError, Path: p, Line: max(se.Line, 1), Col: se.Col + 1,
				EndLine: se.EndLine, EndCol: endCol, Cell: se.Cell, CellLine: se.CellLine, Message: se.Kind + ": " + se.Msg}
		}
		for _, b := range Blocks(rec.Report) {
			d := b.Def
			// Definitions start at their indentation: byte and character
			// columns are the same.
			f.blocks = append(f.blocks, blockFact{kind: b.Kind, name: b.Name, line: d.Line, col: d.Col + 1, cell: d.Cell, cellLine: d.CellLine,
				endLine: d.EndLine, endCol: d.EndCol + 1, complexity: d.Complexity})
		}
		files = append(files, f)
	}

	so := opts.Scan
	cfg := batch.Config{
		Roots:    opts.Paths,
		Scan:     so,
		Batch:    batch.Options{Workers: opts.Workers},
		OnRecord: func(rec *result.Record) { take(rec, false) },
		// (take reads the definitions)
		WholeReports: true,
	}
	optionsHash := batch.OptionsHashFor(so, opts.PythonVersion)
	cfg.Batch.Analyze = batch.AnalyzeFor(opts.PythonVersion)
	if opts.NoAssert {
		cfg.Batch.Analyze = func(path string, src []byte) *analysis.Report {
			return analysis.Analyze(path, src, analysis.Options{NoAssert: true, PythonVersion: opts.PythonVersion})
		}
		// Results made with asserts counted are not the same results.
		sum := sha256.Sum256([]byte(optionsHash + "\x00no-assert"))
		optionsHash = hex.EncodeToString(sum[:8])
	}
	var db *store.DB
	if opts.Cache != "" {
		// Another check holding the cache is waited for (pre-commit may
		// start several), as long as ctx lasts; once the run has begun,
		// writes finish even when ctx ends, so that what was analyzed is kept.
		if db, err = store.Open(ctx, opts.Cache, store.Options{Wait: true}); err != nil {
			return nil, err
		}
		defer db.Close()
		wctx := context.WithoutCancel(ctx)
		run, err := db.BeginRun(wctx, store.RunInfo{ToolVersion: batch.Version, OptionsHash: optionsHash,
			Options: map[string]any{"command": "check", "paths": opts.Paths, "include": so.Include, "exclude": so.Exclude, "no_assert": opts.NoAssert, "python_version": opts.PythonVersion.String()}})
		if err != nil {
			return nil, err
		}
		defer run.Close()
		cfg.Output = run
	}
	rs, err := batch.Run(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if rs.Interrupted {
		return nil, context.Cause(ctx)
	}
	if db != nil {
		// The files the run kept unchanged were not streamed: their facts
		// are in the database. After a complete walk, every file it holds
		// below a root and not gone was seen by this walk.
		for _, r := range rs.Roots {
			if err := readCached(ctx, db, r, seen, func(rec *result.Record) { take(rec, true) }); err != nil {
				return nil, err
			}
		}
	}
	judge(res, files, opts)
	return res, nil
}

// judge applies xenon's rules to the facts.
func judge(res *Result, files []*fileFacts, opts Options) {
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	var totalCC float64
	for _, f := range files {
		res.Files++
		if f.syntax != nil {
			res.SyntaxErrors++
			if opts.FailOnSyntaxError || opts.PythonVersion != 0 {
				res.Violations = append(res.Violations, *f.syntax)
			} else {
				res.Warnings = append(res.Warnings, fmt.Sprintf("%s: cannot parse: %s", f.syntax.Where(), f.syntax.Message))
			}
			continue
		}
		var moduleCC float64
		for _, b := range f.blocks {
			moduleCC += float64(b.complexity)
			if r := RankOf(float64(b.complexity)); over(r, opts.MaxAbsolute) {
				res.Violations = append(res.Violations, Violation{
					Rule: RuleAbsolute, Path: f.path, Line: b.line, Col: b.col, EndLine: b.endLine, EndCol: b.endCol, Cell: b.cell, CellLine: b.cellLine,
					Kind: b.kind, Name: b.name, Complexity: float64(b.complexity), Rank: r, Limit: opts.MaxAbsolute,
					Message: fmt.Sprintf("%s %q has a rank of %s (complexity %d), over --max-absolute %s", b.kind, b.name, r, b.complexity, opts.MaxAbsolute),
				})
			}
		}
		totalCC += moduleCC
		res.Blocks += len(f.blocks)
		if len(f.blocks) == 0 {
			continue // radon lists no such module; xenon never ranks it
		}
		avg := moduleCC / float64(len(f.blocks))
		if r := RankOf(avg); over(r, opts.MaxModules) {
			res.Violations = append(res.Violations, Violation{
				Rule: RuleModules, Path: f.path, Line: 1, Col: 1, Complexity: avg, Rank: r, Limit: opts.MaxModules, Blocks: len(f.blocks),
				Message: fmt.Sprintf("module has a rank of %s (average complexity %s of %d blocks), over --max-modules %s", r, num(avg), len(f.blocks), opts.MaxModules),
			})
		}
	}
	if res.Blocks > 0 {
		res.Average = totalCC / float64(res.Blocks)
	}
	res.AverageRank = RankOf(res.Average)
	where := opts.Paths[0]
	if r := res.AverageRank; over(r, opts.MaxAverage) {
		res.Violations = append(res.Violations, Violation{
			Rule: RuleAverage, Path: where, Line: 1, Col: 1, Complexity: res.Average, Rank: r, Limit: opts.MaxAverage, Blocks: res.Blocks,
			Message: fmt.Sprintf("average complexity is ranked %s (%s over %d blocks), over --max-average %s", r, num(res.Average), res.Blocks, opts.MaxAverage),
		})
	}
	if n := opts.MaxAverageNum; n != nil && res.Average > *n {
		res.Violations = append(res.Violations, Violation{
			Rule: RuleAverageNum, Path: where, Line: 1, Col: 1, Complexity: res.Average, Rank: res.AverageRank, Limit: num(*n), Blocks: res.Blocks,
			Message: fmt.Sprintf("average complexity is %s (over %d blocks), over --max-average-num %s", num(res.Average), res.Blocks, num(*n)),
		})
	}
	sort.Strings(res.Warnings)
}

// num prints a complexity: an integer as such, else with two decimals.
func num(x float64) string {
	if x == float64(int64(x)) {
		return strconv.FormatInt(int64(x), 10)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

// Summary is one line about the check: files, blocks, the average and the
// violations, and how many files the cache spared.
func (r *Result) Summary() string {
	verdict := "every threshold holds"
	if n := len(r.Violations); n > 0 {
		verdict = fmt.Sprintf("%d violation%s", n, plural(n))
	}
	s := fmt.Sprintf("pybatch check: %d file%s, %d block%s, average complexity %s (%s): %s",
		r.Files, plural(r.Files), r.Blocks, plural(r.Blocks), strconv.FormatFloat(r.Average, 'f', 2, 64), r.AverageRank, verdict)
	if r.Cached > 0 {
		s += fmt.Sprintf(" (%d file%s analyzed, %d unchanged from the cache)", r.Analyzed, plural(r.Analyzed), r.Cached)
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
