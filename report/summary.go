package report

import (
	"bufio"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/store"
)

// Summary is what `pybatch report` prints in the terminal (WriteText) or
// as JSON: the figures a user wants right after a run, each list cut to
// its Top rows. Unlike Data (the HTML page), it is made of a few
// aggregating queries over the database's views, so that it takes well
// under a second on a large database.
type Summary struct {
	Input   string   `json:"input"`
	Format  string   `json:"format"` // "sqlite", "jsonl" or "parquet"
	Sources []string `json:"sources"`
	Top     int      `json:"top"`

	Files       int64   `json:"files"` // files with a result, gone ones included
	Status      []Count `json:"status"`
	SkipReasons []Count `json:"skip_reasons"`
	FailClasses []Count `json:"fail_classes"`
	Bytes       int64   `json:"bytes_analyzed"`
	LOC         int64   `json:"loc"`
	// Duplicates are the analyzed files whose bytes another analyzed file
	// has (each content is analyzed once: see batch.Config.NoDedup), and
	// DuplicateBytes their size.
	Duplicates     int64 `json:"duplicate_files"`
	DuplicateBytes int64 `json:"duplicate_bytes"`

	Functions int64     `json:"functions"` // functions and methods
	Ranks     [6]int64  `json:"ranks"`     // functions by radon rank A..F
	Complex   []SumFunc `json:"most_complex"`

	SyntaxErrors int64         `json:"syntax_errors"`
	SynErrs      []SumSyntaxEr `json:"syntax_error_list"`

	// Versions are the analyzed files by the lowest Python version whose
	// grammar accepts them ("3.0" to "3.14", oldest first); Warnings the
	// SyntaxWarnings CPython 3.14 emits for them, in WarnedFiles files.
	Versions    []Count `json:"lowest_versions"`
	Warnings    int64   `json:"warnings"`
	WarnedFiles int64   `json:"files_with_warnings"`

	TopModules []Count   `json:"most_imported"` // modules by the files that import them (absolute imports)
	Slowest    []SumFile `json:"slowest"`
	Largest    []SumFile `json:"largest"`

	// Last and Previous are the latest two runs that wrote results (SQLite
	// only); Change compares them.
	Last     *SumRun    `json:"last_run,omitempty"`
	Previous *SumRun    `json:"previous_run,omitempty"`
	Change   *RunChange `json:"change,omitempty"`
}

// sortVersions orders counts named "3.N" by N, oldest first.
func sortVersions(cs []Count) []Count {
	minor := func(c Count) int {
		n, _ := strconv.Atoi(strings.TrimPrefix(c.Name, "3."))
		return n
	}
	slices.SortFunc(cs, func(a, b Count) int { return cmp.Compare(minor(a), minor(b)) })
	return cs
}

// Count is a name with a count.
type Count struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// SumRun is a run of the database.
type SumRun struct {
	ID          int64     `json:"id"`
	Version     string    `json:"tool_version"`
	Started     time.Time `json:"started"`
	Ended       time.Time `json:"ended"`
	Outcome     string    `json:"outcome"`
	Files       int64     `json:"files"`
	Wall        float64   `json:"wall_s"`
	FilesPerSec float64   `json:"files_per_s"`
}

func sumRun(r *Run) *SumRun {
	if r == nil {
		return nil
	}
	return &SumRun{ID: r.ID, Version: r.Version, Started: r.Started, Ended: r.Ended, Outcome: r.Outcome, Files: r.Files, Wall: r.Wall, FilesPerSec: r.FilesPerSec}
}

// SumFunc is a function or method with its place.
type SumFunc struct {
	Path       string `json:"path"`
	Line       int    `json:"line"`
	QualName   string `json:"qualname"`
	Kind       string `json:"kind"`
	Complexity int    `json:"complexity"`
	Rank       string `json:"rank"`
}

// SumFile is a file with its size, lines and analysis time.
type SumFile struct {
	Path     string        `json:"path"`
	Status   string        `json:"status"`
	Size     int64         `json:"size"`
	LOC      int64         `json:"loc"`
	Duration time.Duration `json:"duration_ns"`
}

// SumSyntaxEr is a file's syntax error.
type SumSyntaxEr struct {
	Path string `json:"path"`
	Line int    `json:"line"`
	Col  int    `json:"col"` // 1-based, as CPython's offset
	Kind string `json:"kind"`
	Msg  string `json:"msg"`
}

// RunChange is what the latest run did to the database's files.
type RunChange struct {
	NewOrChanged int64 `json:"new_or_changed"` // analyzed (or skipped, failed) by the latest run
	Unchanged    int64 `json:"unchanged"`      // kept from an earlier run
	Vanished     int64 `json:"vanished"`       // marked gone by it
}

// LoadSummary reads the summary of the database or JSON Lines file at
// path (format "" guesses from the name; "-" is JSON Lines on stdin), with
// lists of top rows.
func LoadSummary(ctx context.Context, path, format string, top int) (*Summary, error) {
	format = inputFormat(path, format)
	top = max(top, 1)
	switch format {
	case "sqlite":
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		db, err := store.Open(ctx, path, store.Options{ReadOnly: true})
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return summaryFromDB(ctx, db.SQL(), path, top)
	case "jsonl":
		if path == "-" {
			return summaryFromJSONL(ctx, os.Stdin, "stdin", top)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		defer f.Close()
		return summaryFromJSONL(ctx, f, path, top)
	case "parquet":
		if !store.IsParquetDir(path) {
			return nil, fmt.Errorf("report: %s is not a pybatch Parquet output (a directory with _schema.json)", path)
		}
		return summaryFromRecords(ctx, store.ReadParquet(ctx, path), path, "parquet", top)
	}
	return nil, fmt.Errorf("report: unknown format %q (sqlite, jsonl or parquet)", format)
}

// summaryFromDB runs the summary's queries, at most two at a time (each on
// its own connection), over the views file_results, definitions, imports
// and syntax_errors and the table runs.
func summaryFromDB(ctx context.Context, q *sql.DB, name string, top int) (*Summary, error) {
	s := &Summary{Input: name, Format: "sqlite", Top: top}
	var multi bool
	// A path is named with its source when the database holds several.
	place := func(src, p string) string {
		if multi {
			return filepath.Join(src, filepath.FromSlash(p))
		}
		return p
	}
	rows := func(query string, args []any, scan func(*sql.Rows) error) error {
		r, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			if err := scan(r); err != nil {
				return err
			}
		}
		return r.Err()
	}
	// The sources first: they decide how paths are named.
	if err := rows(`SELECT name FROM sources WHERE id IN (SELECT DISTINCT source_id FROM files) ORDER BY name`, nil, func(r *sql.Rows) error {
		var n string
		err := r.Scan(&n)
		s.Sources = append(s.Sources, n)
		return err
	}); err != nil {
		return nil, fmt.Errorf("report: reading sources: %w", err)
	}
	multi = len(s.Sources) > 1

	var mu sync.Mutex // guards s: each query sets its part when it is done
	lock := func() func() { mu.Lock(); return mu.Unlock }
	g, gctx := errgroup.WithContext(ctx)
	ctx = gctx
	g.SetLimit(2)
	g.Go(func() error { // totals by status, skip reason and error class
		var status, skips, fails []Count
		var files, bytes, loc int64
		err := rows(`SELECT status, coalesce(skip_reason, ''), coalesce(error_class, ''), count(*),
			sum(CASE WHEN status = 'analyzed' THEN size ELSE 0 END), sum(coalesce(loc, 0))
			FROM file_results GROUP BY 1, 2, 3`, nil, func(r *sql.Rows) error {
			var st, sk, ec string
			var n, b, l int64
			if err := r.Scan(&st, &sk, &ec, &n, &b, &l); err != nil {
				return err
			}
			files += n
			bytes += b
			loc += l
			status = addCount(status, st, n)
			if sk != "" {
				skips = addCount(skips, sk, n)
			}
			if ec != "" {
				fails = addCount(fails, ec, n)
			}
			return nil
		})
		defer lock()()
		s.Files, s.Bytes, s.LOC = files, bytes, loc
		s.Status, s.SkipReasons, s.FailClasses = sortCounts(status), sortCounts(skips), sortCounts(fails)
		return err
	})
	g.Go(func() error { // files whose bytes another file has
		var files, distinct, bytes, distinctBytes int64
		err := q.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT content_id), coalesce(sum(size), 0),
			(SELECT coalesce(sum(size), 0) FROM contents WHERE id IN (SELECT content_id FROM files WHERE status = 'analyzed'))
			FROM files WHERE status = 'analyzed'`).Scan(&files, &distinct, &bytes, &distinctBytes)
		defer lock()()
		s.Duplicates, s.DuplicateBytes = files-distinct, bytes-distinctBytes
		return err
	})
	g.Go(func() error { // lowest versions and warnings
		var vs []Count
		err := rows(`SELECT lowest_version, count(*) FROM file_results
			WHERE status = 'analyzed' AND lowest_version IS NOT NULL GROUP BY 1`, nil, func(r *sql.Rows) error {
			var c Count
			err := r.Scan(&c.Name, &c.Count)
			vs = append(vs, c)
			return err
		})
		if err != nil {
			return err
		}
		var warns, warned int64
		err = q.QueryRowContext(ctx, `SELECT coalesce(sum(warnings), 0), coalesce(sum(warnings > 0), 0)
			FROM file_results WHERE status = 'analyzed'`).Scan(&warns, &warned)
		defer lock()()
		s.Versions, s.Warnings, s.WarnedFiles = sortVersions(vs), warns, warned
		return err
	})
	g.Go(func() error { // ranks and the most complex functions
		var ranks [6]int64
		var fns int64
		err := rows(`SELECT rank, count(*) FROM definitions WHERE kind <> 'class' GROUP BY rank`, nil, func(r *sql.Rows) error {
			var rk string
			var n int64
			if err := r.Scan(&rk, &n); err != nil {
				return err
			}
			if i := int(rk[0] - 'A'); len(rk) == 1 && i >= 0 && i < 6 {
				ranks[i] += n
			}
			fns += n
			return nil
		})
		if err != nil {
			return err
		}
		// The top-th complexity first, down the complexity index, then the
		// functions at or above it in a total order (ties by place).
		var cut sql.NullInt64
		err = q.QueryRowContext(ctx, `SELECT complexity FROM definitions WHERE kind <> 'class'
			ORDER BY complexity DESC LIMIT 1 OFFSET ?`, top-1).Scan(&cut)
		if errors.Is(err, sql.ErrNoRows) {
			cut, err = sql.NullInt64{}, nil
		}
		if err != nil {
			return err
		}
		var worst []SumFunc
		err = rows(`SELECT source, path, line, qualname, kind, complexity, rank FROM definitions
			WHERE kind <> 'class' AND complexity >= ? ORDER BY complexity DESC, source, path, line LIMIT ?`, []any{cut.Int64, top}, func(r *sql.Rows) error {
			var f SumFunc
			var src string
			err := r.Scan(&src, &f.Path, &f.Line, &f.QualName, &f.Kind, &f.Complexity, &f.Rank)
			f.Path = place(src, f.Path)
			worst = append(worst, f)
			return err
		})
		defer lock()()
		s.Ranks, s.Functions, s.Complex = ranks, fns, worst
		return err
	})
	g.Go(func() error { // syntax errors
		var n int64
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM syntax_errors`).Scan(&n); err != nil {
			return err
		}
		var list []SumSyntaxEr
		err := rows(`SELECT source, path, coalesce(line, 0), coalesce(col, 0), kind, msg FROM syntax_errors ORDER BY source, path LIMIT ?`, []any{top}, func(r *sql.Rows) error {
			var e SumSyntaxEr
			var src string
			err := r.Scan(&src, &e.Path, &e.Line, &e.Col, &e.Kind, &e.Msg)
			e.Path, e.Col = place(src, e.Path), e.Col+1
			list = append(list, e)
			return err
		})
		defer lock()()
		s.SyntaxErrors, s.SynErrs = n, list
		return err
	})
	g.Go(func() error { // the most imported modules
		var mods []Count
		err := rows(`SELECT module, count(DISTINCT file_id) AS n FROM imports WHERE level = 0 AND module <> ''
			GROUP BY module ORDER BY n DESC, module LIMIT ?`, []any{top}, func(r *sql.Rows) error {
			var c Count
			err := r.Scan(&c.Name, &c.Count)
			mods = append(mods, c)
			return err
		})
		defer lock()()
		s.TopModules = mods
		return err
	})
	g.Go(func() error { // the slowest and the largest files
		file := func(order string) ([]SumFile, error) {
			var fs []SumFile
			err := rows(`SELECT source, path, status, size, coalesce(loc, 0), coalesce(duration_ns, 0) FROM file_results
				WHERE status IN ('analyzed', 'failed') ORDER BY `+order+`, source, path LIMIT ?`, []any{top}, func(r *sql.Rows) error {
				var f SumFile
				var src string
				var ns int64
				err := r.Scan(&src, &f.Path, &f.Status, &f.Size, &f.LOC, &ns)
				f.Path, f.Duration = place(src, f.Path), time.Duration(ns)
				fs = append(fs, f)
				return err
			})
			return fs, err
		}
		slowest, err := file("duration_ns DESC")
		if err != nil {
			return err
		}
		largest, err := file("size DESC")
		defer lock()()
		s.Slowest, s.Largest = slowest, largest
		return err
	})
	g.Go(func() error { // the latest two runs, and what the latest did
		var d Data
		if err := readRuns(ctx, q, &d); err != nil {
			return err
		}
		var last, prev *Run
		for i := len(d.Runs) - 1; i >= 0; i-- {
			r := &d.Runs[i]
			if r.Ended.IsZero() {
				continue
			}
			if last == nil {
				last = r
			} else if prev == nil {
				prev = r
				break
			}
		}
		var ch *RunChange
		if last != nil {
			ch = &RunChange{}
			if err := q.QueryRowContext(ctx, `SELECT
				count(*) FILTER (WHERE run_id = ?1 AND status <> 'gone'),
				count(*) FILTER (WHERE run_id <> ?1 AND status <> 'gone'),
				count(*) FILTER (WHERE run_id = ?1 AND status = 'gone')
				FROM files`, last.ID).Scan(&ch.NewOrChanged, &ch.Unchanged, &ch.Vanished); err != nil {
				return err
			}
		}
		defer lock()()
		s.Last, s.Previous, s.Change = sumRun(last), sumRun(prev), ch
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("report: reading %s: %w", name, err)
	}
	return s, nil
}

func addCount(cs []Count, name string, n int64) []Count {
	for i := range cs {
		if cs[i].Name == name {
			cs[i].Count += n
			return cs
		}
	}
	return append(cs, Count{name, n})
}

// sortCounts orders counts largest first, then by name.
func sortCounts(cs []Count) []Count {
	slices.SortFunc(cs, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name))
	})
	return cs
}

// summaryFromJSONL reads the records of a JSON Lines output once.
func summaryFromJSONL(ctx context.Context, r io.Reader, name string, top int) (*Summary, error) {
	return summaryFromRecords(ctx, jsonlRecords(r, name), name, "jsonl", top)
}

// jsonlRecords yields the records of a JSON Lines stream.
func jsonlRecords(r io.Reader, name string) iter.Seq2[*result.Record, error] {
	return func(yield func(*result.Record, error) bool) {
		br := bufio.NewReaderSize(r, 1<<20)
		var n int64
		for {
			b, err := br.ReadBytes('\n')
			if len(b) > 0 && !(len(b) == 1 && b[0] == '\n') {
				n++
				rec, derr := store.DecodeLine(b)
				if derr != nil {
					yield(nil, fmt.Errorf("report: %s:%d: %w", name, n, derr))
					return
				}
				if !yield(rec, nil) {
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					yield(nil, fmt.Errorf("report: reading %s: %w", name, err))
				}
				return
			}
		}
	}
}

// summaryFromRecords summarizes the records of a JSON Lines or Parquet
// output as they come.
func summaryFromRecords(ctx context.Context, recs iter.Seq2[*result.Record, error], name, format string, top int) (*Summary, error) {
	s := &Summary{Input: name, Format: format, Top: top}
	var status, skips, fails []Count
	mods := map[string]int64{}
	sources := map[string]bool{}
	type fileRec struct {
		src string
		f   SumFile
	}
	type funcRec struct {
		src string
		f   SumFunc
	}
	type errRec struct {
		src string
		e   SumSyntaxEr
	}
	var slowest, largest []fileRec
	var worst []funcRec
	contents := map[string]bool{} // the hashes of the analyzed contents
	var versions []Count
	var synErrs []errRec
	// keep holds the top n of xs by less (a sorted slice: n is small).
	keepFile := func(xs []fileRec, x fileRec, less func(a, b fileRec) int) []fileRec {
		i, _ := slices.BinarySearchFunc(xs, x, less)
		if i >= top {
			return xs
		}
		xs = slices.Insert(xs, i, x)
		return xs[:min(len(xs), top)]
	}
	bySlow := func(a, b fileRec) int {
		return cmp.Or(cmp.Compare(b.f.Duration, a.f.Duration), cmp.Compare(a.src, b.src), cmp.Compare(a.f.Path, b.f.Path))
	}
	byLarge := func(a, b fileRec) int {
		return cmp.Or(cmp.Compare(b.f.Size, a.f.Size), cmp.Compare(a.src, b.src), cmp.Compare(a.f.Path, b.f.Path))
	}
	byCC := func(a, b funcRec) int {
		return cmp.Or(cmp.Compare(b.f.Complexity, a.f.Complexity), cmp.Compare(a.src, b.src), cmp.Compare(a.f.Path, b.f.Path), cmp.Compare(a.f.Line, b.f.Line))
	}
	var n int64
	for rec, err := range recs {
		if err != nil {
			return nil, err
		}
		if n++; n%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		sources[rec.Source] = true
		s.Files++
		status = addCount(status, string(rec.Status), 1)
		switch rec.Status {
		case result.Skipped:
			skips = addCount(skips, string(rec.SkipReason), 1)
		case result.Failed:
			fails = addCount(fails, string(rec.ErrClass), 1)
		}
		if rec.Status == result.Analyzed || rec.Status == result.Failed {
			fr := fileRec{rec.Source, SumFile{Path: rec.Path, Status: string(rec.Status), Size: rec.Size, Duration: rec.Duration}}
			if rec.Report != nil {
				fr.f.LOC = int64(rec.Report.Lines.LOC)
			}
			slowest = keepFile(slowest, fr, bySlow)
			largest = keepFile(largest, fr, byLarge)
		}
		if rep := rec.Report; rep != nil && rec.Status == result.Analyzed {
			s.Bytes += rec.Size
			s.LOC += int64(rep.Lines.LOC)
			if contents[rep.SHA256] {
				s.Duplicates++
				s.DuplicateBytes += rec.Size
			}
			contents[rep.SHA256] = true
			if rep.LowestVersion != "" {
				versions = addCount(versions, rep.LowestVersion, 1)
			}
			if len(rep.Warnings) > 0 {
				s.Warnings += int64(len(rep.Warnings))
				s.WarnedFiles++
			}
			for _, d := range rep.Definitions {
				if d.Kind == "class" {
					continue
				}
				s.Functions++
				if i := int(d.Rank[0] - 'A'); len(d.Rank) == 1 && i >= 0 && i < 6 {
					s.Ranks[i]++
				}
				fr := funcRec{rec.Source, SumFunc{Path: rec.Path, Line: d.Line, QualName: d.QualName, Kind: d.Kind, Complexity: d.Complexity, Rank: d.Rank}}
				if i, _ := slices.BinarySearchFunc(worst, fr, byCC); i < top {
					worst = slices.Insert(worst, i, fr)
					worst = worst[:min(len(worst), top)]
				}
			}
			seen := map[string]bool{}
			for _, im := range rep.Imports {
				if im.Level == 0 && im.Module != "" && !seen[im.Module] {
					seen[im.Module] = true
					mods[im.Module]++
				}
			}
			if se := rep.SyntaxError; se != nil {
				s.SyntaxErrors++
				synErrs = append(synErrs, errRec{rec.Source, SumSyntaxEr{Path: rec.Path, Line: se.Line, Col: se.Col + 1, Kind: se.Kind, Msg: se.Msg}})
			}
		}
	}
	for src := range sources {
		s.Sources = append(s.Sources, src)
	}
	slices.Sort(s.Sources)
	place := func(src, p string) string {
		if len(s.Sources) > 1 {
			return filepath.Join(src, filepath.FromSlash(p))
		}
		return p
	}
	s.Status, s.SkipReasons, s.FailClasses = sortCounts(status), sortCounts(skips), sortCounts(fails)
	s.Versions = sortVersions(versions)
	for m, c := range mods {
		s.TopModules = append(s.TopModules, Count{m, c})
	}
	s.TopModules = sortCounts(s.TopModules)
	s.TopModules = s.TopModules[:min(len(s.TopModules), top)]
	for _, f := range slowest {
		f.f.Path = place(f.src, f.f.Path)
		s.Slowest = append(s.Slowest, f.f)
	}
	for _, f := range largest {
		f.f.Path = place(f.src, f.f.Path)
		s.Largest = append(s.Largest, f.f)
	}
	for _, f := range worst {
		f.f.Path = place(f.src, f.f.Path)
		s.Complex = append(s.Complex, f.f)
	}
	slices.SortFunc(synErrs, func(a, b errRec) int { return cmp.Or(cmp.Compare(a.src, b.src), cmp.Compare(a.e.Path, b.e.Path)) })
	for _, e := range synErrs[:min(len(synErrs), top)] {
		e.e.Path = place(e.src, e.e.Path)
		s.SynErrs = append(s.SynErrs, e.e)
	}
	return s, nil
}
