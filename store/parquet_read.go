package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// IsParquetDir reports whether path is a directory holding a pybatch
// Parquet output (its _schema.json).
func IsParquetDir(path string) bool {
	st, err := os.Stat(filepath.Join(path, "_schema.json"))
	return err == nil && st.Mode().IsRegular()
}

// ParquetChunk is one complete chunk of a Parquet output: shard Shard of
// Shards, chunk Chunk, with the parts of every facts table beside its
// files part.
type ParquetChunk struct {
	Shard, Shards, Chunk int
	Dir                  string
}

// Path is the path of the chunk's part of table.
func (c ParquetChunk) Path(table string) string {
	return filepath.Join(c.Dir, table, fmt.Sprintf("%s-c%04d.parquet", Shard{Index: c.Shard, Count: c.Shards}.PartName(), c.Chunk))
}

// ParquetChunks lists the complete chunks of a Parquet output, by shard
// and chunk. A chunk whose files part is there but a facts part is not
// was damaged after it was written: it is an error.
func ParquetChunks(dir string) ([]ParquetChunk, error) {
	if !IsParquetDir(dir) {
		return nil, fmt.Errorf("store: %s is not a pybatch Parquet output (no _schema.json)", dir)
	}
	if err := checkParquetSchemaVersion(dir); err != nil {
		return nil, err
	}
	parts, err := listParquetParts(dir)
	if err != nil {
		return nil, err
	}
	type key struct{ shard, shards, chunk int }
	has := map[key]map[string]bool{}
	for _, p := range parts {
		k := key{p.shard, p.shards, p.chunk}
		if has[k] == nil {
			has[k] = map[string]bool{}
		}
		has[k][p.table] = true
	}
	var out []ParquetChunk
	for k, tables := range has {
		if !tables["files"] {
			continue // facts of an uncommitted chunk, or a runs part
		}
		for _, t := range parquetFactTables {
			if !tables[t] {
				c := ParquetChunk{k.shard, k.shards, k.chunk, dir}
				return nil, fmt.Errorf("store: %s: %s has no %s part beside it (%s): the output was damaged", dir, c.Path("files"), t, c.Path(t))
			}
		}
		out = append(out, ParquetChunk{k.shard, k.shards, k.chunk, dir})
	}
	slices.SortFunc(out, func(a, b ParquetChunk) int {
		if a.Shard != b.Shard {
			return a.Shard - b.Shard
		}
		return a.Chunk - b.Chunk
	})
	return out, nil
}

// checkParquetSchemaVersion refuses a directory of another schema version.
func checkParquetSchemaVersion(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "_schema.json"))
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	var have struct {
		Format        string `json:"format"`
		SchemaVersion int    `json:"schema_version"`
	}
	if err := json.Unmarshal(b, &have); err != nil || have.Format != parquetFormat {
		return fmt.Errorf("store: %s/_schema.json is not a pybatch Parquet schema", dir)
	}
	if have.SchemaVersion != ParquetSchemaVersion {
		return fmt.Errorf("store: %s holds Parquet tables of schema version %d; this pybatch reads version %d", dir, have.SchemaVersion, ParquetSchemaVersion)
	}
	return nil
}

// ReadParquet yields the records of every complete chunk of a Parquet
// output (see ParquetChunks), shard by shard and chunk by chunk, each as it
// was written, report included. It reads one row group of each table at a
// time: its memory does not grow with the output. After an error it yields
// nothing more.
func ReadParquet(ctx context.Context, dir string) iter.Seq2[*result.Record, error] {
	return func(yield func(*result.Record, error) bool) {
		chunks, err := ParquetChunks(dir)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, c := range chunks {
			for rec, err := range c.Records(ctx) {
				if !yield(rec, err) || err != nil {
					return
				}
			}
		}
	}
}

// Records yields the records of one chunk.
func (c ParquetChunk) Records(ctx context.Context) iter.Seq2[*result.Record, error] {
	return func(yield func(*result.Record, error) bool) {
		files, err := openRowStream[parquetFile](c.Path("files"))
		if err != nil {
			yield(nil, err)
			return
		}
		defer files.close()
		defs, err := openRowStream[parquetDefinition](c.Path("definitions"))
		if err != nil {
			yield(nil, err)
			return
		}
		defer defs.close()
		imps, err := openRowStream[parquetImport](c.Path("imports"))
		if err != nil {
			yield(nil, err)
			return
		}
		defer imps.close()
		errs, err := openRowStream[parquetSyntaxError](c.Path("syntax_errors"))
		if err != nil {
			yield(nil, err)
			return
		}
		defer errs.close()
		feats, err := openRowStream[parquetVersionFeature](c.Path("version_features"))
		if err != nil {
			yield(nil, err)
			return
		}
		defer feats.close()
		warns, err := openRowStream[parquetWarning](c.Path("warnings"))
		if err != nil {
			yield(nil, err)
			return
		}
		defer warns.close()
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			f, ok, err := files.next()
			if err == nil && !ok {
				// Every fact belongs to a file: one left over is damage.
				for _, s := range []interface{ left() (bool, error) }{defs, imps, errs, feats, warns} {
					if more, lerr := s.left(); lerr != nil || more {
						err = cmp(lerr, fmt.Errorf("store: %s: rows without a file in the chunk's files part", c.Path("files")))
						break
					}
				}
				if err == nil {
					return
				}
			}
			var rec *result.Record
			if err == nil {
				rec, err = assemble(f, defs, imps, errs, feats, warns)
				if err != nil {
					err = fmt.Errorf("store: %s: %s: %w", c.Path("files"), f.Path, err)
				}
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

func cmp(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// assemble builds the record of a files row from the next rows of the
// facts tables, which hold the file's facts in the same order.
func assemble(f *parquetFile, defs *rowStream[parquetDefinition], imps *rowStream[parquetImport], errs *rowStream[parquetSyntaxError], feats *rowStream[parquetVersionFeature], warns *rowStream[parquetWarning]) (*result.Record, error) {
	rec := &result.Record{Source: orBytes(f.Source, f.SourceBytes), Path: orBytes(f.Path, f.PathBytes), Size: f.Size, ModTime: fromUnixNano(f.MtimeNs), Status: result.Status(f.Status),
		SkipReason: scan.SkipReason(deref(f.SkipReason)), ErrClass: recovery.Class(deref(f.ErrorClass)), Err: deref(f.Error),
		Attempts: int(f.Attempts), Duration: time.Duration(f.DurationNs)}
	if f.SHA256 == nil {
		return rec, nil
	}
	rep := &analysis.Report{SchemaVersion: int(derefInt(f.ReportSchema)), Path: rec.Path, Size: f.Size, SHA256: *f.SHA256,
		Encoding: deref(f.Encoding), BOM: f.BOM != nil && *f.BOM, Docstring: f.Docstring, LinesError: deref(f.LinesError), LowestVersion: deref(f.LowestVersion),
		Imports: []analysis.Import{}, Definitions: []analysis.Definition{},
		Lines: analysis.LineMetrics{LOC: int(derefInt(f.LOC)), LLOC: int(derefInt(f.LLOC)), SLOC: int(derefInt(f.SLOC)),
			Comments: int(derefInt(f.Comments)), SingleComments: int(derefInt(f.SingleComments)), Multi: int(derefInt(f.Multi)), Blank: int(derefInt(f.Blank))}}
	if f.AllNames != nil {
		if err := json.Unmarshal([]byte(*f.AllNames), &rep.All); err != nil {
			return nil, fmt.Errorf("all_names: %w", err)
		}
	}
	same := func(source, path string, seq, want int64) error {
		if source != f.Source || path != f.Path || seq != want {
			return fmt.Errorf("the facts tables are out of step with files (found %s row %d where row %d was due)", path, seq, want)
		}
		return nil
	}
	for i := range derefInt(f.Definitions) {
		d, ok, err := defs.next()
		if err == nil && !ok {
			err = errors.New("definitions ends early")
		}
		if err == nil {
			err = same(d.Source, d.Path, d.Seq, i)
		}
		if err != nil {
			return nil, err
		}
		ad := analysis.Definition{QualName: d.Qualname, Name: d.Name, Kind: d.Kind, Line: int(d.Line), Col: int(d.Col),
			EndLine: int(d.EndLine), EndCol: int(d.EndCol), Returns: deref(d.Returns), Docstring: d.Docstring,
			Complexity: int(d.Complexity), Rank: d.Rank}
		if d.Decorators != nil {
			if err := json.Unmarshal([]byte(*d.Decorators), &ad.Decorators); err != nil {
				return nil, fmt.Errorf("decorators: %w", err)
			}
		}
		if d.Bases != nil {
			if err := json.Unmarshal([]byte(*d.Bases), &ad.Bases); err != nil {
				return nil, fmt.Errorf("bases: %w", err)
			}
		}
		if ad.Params, err = decodeParams(deref(d.Params)); err != nil {
			return nil, err
		}
		rep.Definitions = append(rep.Definitions, ad)
	}
	for i := range derefInt(f.Imports) {
		im, ok, err := imps.next()
		if err == nil && !ok {
			err = errors.New("imports ends early")
		}
		if err == nil {
			err = same(im.Source, im.Path, im.Seq, i)
		}
		if err != nil {
			return nil, err
		}
		rep.Imports = append(rep.Imports, analysis.Import{Module: im.Module, Names: decodeNames(im.Names), Level: int(im.Level),
			From: im.IsFrom, Line: int(im.Line), Where: im.Scope})
	}
	se, ok, err := errs.peek()
	if err != nil {
		return nil, err
	}
	if ok && se.Source == f.Source && se.Path == f.Path {
		rep.SyntaxError = &analysis.SyntaxError{Kind: se.Kind, Msg: se.Msg, Line: int(se.Line), Col: int(se.Col), EndLine: int(se.EndLine), EndCol: int(se.EndCol)}
		errs.i++
	}
	for {
		v, ok, err := feats.peek()
		if err != nil {
			return nil, err
		}
		if !ok || v.Source != f.Source || v.Path != f.Path || v.Seq != int64(len(rep.VersionFeatures)) {
			break
		}
		rep.VersionFeatures = append(rep.VersionFeatures, analysis.VersionFeature{Feature: v.Feature, Version: v.Version, Line: int(v.Line), Col: int(v.Col)})
		feats.i++
	}
	for {
		w, ok, err := warns.peek()
		if err != nil {
			return nil, err
		}
		if !ok || w.Source != f.Source || w.Path != f.Path || w.Seq != int64(len(rep.Warnings)) {
			break
		}
		rw := analysis.Warning{Category: w.Category, Message: w.Message, Line: int(w.Line)}
		if w.Col != nil {
			rw.Col = new(int(*w.Col))
		}
		rep.Warnings = append(rep.Warnings, rw)
		warns.i++
	}
	rec.Report = rep
	return rec, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}

// rowStream reads a part a batch of rows at a time.
type rowStream[T any] struct {
	path string
	f    *os.File
	r    *parquet.GenericReader[T]
	buf  []T
	i    int
	eof  bool
}

func openRowStream[T any](path string) (*rowStream[T], error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	st, err := f.Stat()
	if err == nil {
		// (NewGenericReader panics on no file; OpenFile says why.)
		_, err = parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	return &rowStream[T]{path: path, f: f, r: parquet.NewGenericReader[T](f)}, nil
}

func (s *rowStream[T]) close() {
	s.r.Close()
	s.f.Close()
}

// peek returns the next row without taking it.
func (s *rowStream[T]) peek() (*T, bool, error) {
	if s.i < len(s.buf) {
		return &s.buf[s.i], true, nil
	}
	if s.eof {
		return nil, false, nil
	}
	if s.buf == nil {
		s.buf = make([]T, 256)
	}
	s.buf = s.buf[:cap(s.buf)]
	clear(s.buf)
	n, err := s.r.Read(s.buf)
	s.buf, s.i = s.buf[:n], 0
	if errors.Is(err, io.EOF) {
		s.eof = true
	} else if err != nil {
		return nil, false, fmt.Errorf("store: reading %s: %w", s.path, err)
	}
	if n == 0 {
		if s.eof {
			return nil, false, nil
		}
		return s.peek()
	}
	return &s.buf[0], true, nil
}

// next takes the next row.
func (s *rowStream[T]) next() (*T, bool, error) {
	r, ok, err := s.peek()
	if ok {
		s.i++
	}
	return r, ok, err
}

// left reports whether rows are left.
func (s *rowStream[T]) left() (bool, error) {
	_, ok, err := s.peek()
	return ok, err
}

// ParquetRun is a row of the runs table of a Parquet output.
type ParquetRun struct {
	ID, Shard, Shards        int
	ToolVersion, OptionsHash string
	Options                  string // JSON
	Pid                      int
	Started, Ended           time.Time
	Outcome                  Outcome
	Stats                    string // JSON, "" when none
}

// ParquetRuns reads the runs table of a Parquet output, by shard and run.
func ParquetRuns(dir string) ([]ParquetRun, error) {
	if err := checkParquetSchemaVersion(dir); err != nil {
		return nil, err
	}
	parts, err := listParquetParts(dir)
	if err != nil {
		return nil, err
	}
	var out []ParquetRun
	for _, p := range parts {
		if p.table != "runs" {
			continue
		}
		rows, err := readParquetRows[parquetRun](p.path)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			pr := ParquetRun{ID: int(r.ID), Shard: int(r.Shard), Shards: int(r.Shards), ToolVersion: r.ToolVersion, OptionsHash: r.OptionsHash,
				Options: r.Options, Pid: int(r.Pid), Outcome: Outcome(r.Outcome), Stats: deref(r.Stats)}
			pr.Started, _ = time.Parse(time.RFC3339Nano, r.StartedAt)
			if r.EndedAt != nil {
				pr.Ended, _ = time.Parse(time.RFC3339Nano, *r.EndedAt)
			}
			out = append(out, pr)
		}
	}
	slices.SortFunc(out, func(a, b ParquetRun) int {
		if a.Shard != b.Shard {
			return a.Shard - b.Shard
		}
		return a.ID - b.ID
	})
	return out, nil
}
