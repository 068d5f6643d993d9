// Package dataset reads code datasets whose rows carry source text: Parquet
// files (github.com/parquet-go/parquet-go, the library of pybatch's Parquet
// output) and JSON Lines (plain, gzip or zstd compressed), such as The
// Stack and its kind. Each row gives one Entry: its name (the path column,
// default "path") and its source text (the content column, default
// "content").
//
// The format is decided by the content: "PAR1" (Parquet), gzip's or
// zstd's magic number (compressed JSON Lines), else JSON Lines; the name
// (.parquet, .jsonl, .ndjson, .jsonl.gz, .jsonl.zst) is not needed.
//
// Rows are read one at a time: Parquet row group by row group, reading
// only the two columns' pages; JSON Lines line by line (a line longer than
// Options.MaxLine is a failed row, skipped without being held). The
// content of each row is a copy that the caller may keep.
//
// Rules, each for a reason:
//   - A row whose content is missing, NULL or not a string is an Entry
//     with Err (class recovery.InvalidRow), not the end of the dataset.
//   - A row whose path is missing, NULL, empty or not a string is named
//     "#N", N its 1-based row number.
//   - Names are unique within a dataset (a file is (source, path)): a row
//     whose name an earlier row had is named "NAME#N" (N its row number),
//     so no row is lost or overwritten. The names met are kept in memory
//     for this (about 100 bytes a row).
//   - A file damaged mid-way (a truncated Parquet page, a broken gzip
//     stream) keeps the rows read before the damage; one Entry named "#N"
//     (N the first row not read) with Err of class recovery.CorruptDataset
//     stands for the rest. A file that is not a dataset at all, or whose
//     schema has no content column, is an error of Open.
//
// Why the JSON Lines reader is hand-written around encoding/json: a row is
// one JSON object per line, of which two fields are wanted; no library
// does less.
package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"

	"github.com/pybatch/pybatch/recovery"
)

// Options choose the columns.
type Options struct {
	ContentColumn string // "" means "content"
	PathColumn    string // "" means "path"
	// MaxLine bounds a JSON line (0: 64 MB); a longer line is a failed
	// row, skipped.
	MaxLine int
}

// Format is a dataset's file format.
type Format string

const (
	Parquet   Format = "parquet"
	JSONLines Format = "jsonl"
)

// Dataset is an open dataset file.
type Dataset struct {
	// Source is the file's absolute, cleaned path, with symbolic links
	// resolved: the source of its rows' records.
	Source  string
	Format  Format
	ModTime time.Time
	opts    Options
	file    *os.File
	size    int64
	pq      *parquet.File
	content int // Parquet leaf column indexes
	path    int // -1: no path column
}

// Entry is one row.
type Entry struct {
	Row  int64  // 1-based
	Path string // the row's name (see the package doc)
	// Name is the row's path column as it is ("" when missing, NULL or
	// not a string): Path, unless that was taken or empty.
	Name string
	Data []byte // the source text; nil with Err
	Err  error  // the row gives no source text (recovery.InvalidRow, recovery.CorruptDataset)
}

// RowError is a row that gives no source text.
type RowError struct {
	Row   int64
	Class recovery.Class
	Msg   string
}

func (e *RowError) Error() string            { return fmt.Sprintf("row %d: %s", e.Row, e.Msg) }
func (e *RowError) ErrClass() recovery.Class { return e.Class }

// Open opens the dataset at path and checks its format and, for Parquet,
// that the columns exist (the error lists the columns there are).
func Open(path string, opts Options) (*Dataset, error) {
	if opts.ContentColumn == "" {
		opts.ContentColumn = "content"
	}
	if opts.PathColumn == "" {
		opts.PathColumn = "path"
	}
	if opts.MaxLine <= 0 {
		opts.MaxLine = 64 << 20
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, err
	}
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	d := &Dataset{Source: filepath.Clean(abs), ModTime: st.ModTime(), opts: opts, file: f, size: st.Size(), path: -1}
	magic := make([]byte, 4)
	n, _ := f.ReadAt(magic, 0)
	if n == 4 && string(magic) == "PAR1" {
		d.Format = Parquet
		if err := d.openParquet(); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return d, nil
	}
	d.Format = JSONLines
	return d, nil
}

// Close closes the file.
func (d *Dataset) Close() error { return d.file.Close() }

func (d *Dataset) openParquet() error {
	pf, err := parquet.OpenFile(d.file, d.size)
	if err != nil {
		return fmt.Errorf("not a readable Parquet file: %w", err)
	}
	schema := pf.Schema()
	col := func(name string) (int, error) {
		leaf, ok := schema.Lookup(strings.Split(name, ".")...)
		if !ok {
			var names []string
			for _, p := range schema.Columns() {
				names = append(names, strings.Join(p, "."))
			}
			return 0, fmt.Errorf("no column %q (the columns: %s)", name, strings.Join(names, ", "))
		}
		if leaf.MaxRepetitionLevel > 0 {
			return 0, fmt.Errorf("column %q is repeated (a list), not one value per row", name)
		}
		return leaf.ColumnIndex, nil
	}
	if d.content, err = col(d.opts.ContentColumn); err != nil {
		return err
	}
	if p, err := col(d.opts.PathColumn); err == nil {
		d.path = p
	} else if _, ok := schema.Lookup(strings.Split(d.opts.PathColumn, ".")...); ok {
		return err // (present but repeated)
	}
	d.pq = pf
	return nil
}

// Rows yields the dataset's rows in order, one at a time.
func (d *Dataset) Rows() iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		names := map[string]struct{}{}
		name := func(e *Entry) {
			e.Name = e.Path
			if e.Path == "" {
				e.Path = "#" + strconv.FormatInt(e.Row, 10)
			}
			for {
				if _, dup := names[e.Path]; !dup {
					break
				}
				e.Path += "#" + strconv.FormatInt(e.Row, 10)
			}
			names[e.Path] = struct{}{}
		}
		each := func(e Entry) bool {
			name(&e)
			return yield(e)
		}
		if d.Format == Parquet {
			d.parquetRows(each)
		} else {
			d.jsonRows(each)
		}
	}
}

// corrupt is the entry that stands for the rows after damage at row.
func corrupt(row int64, err error) Entry {
	return Entry{Row: row, Err: &RowError{Row: row, Class: recovery.CorruptDataset, Msg: "the dataset is damaged here; the rest is not read: " + err.Error()}}
}

func invalid(row int64, format string, args ...any) *RowError {
	return &RowError{Row: row, Class: recovery.InvalidRow, Msg: fmt.Sprintf(format, args...)}
}

// columnReader reads one column chunk's values, page by page.
type columnReader struct {
	pages parquet.Pages
	page  parquet.Page
	vals  parquet.ValueReader
	buf   []parquet.Value
	i, n  int
}

func newColumnReader(c parquet.ColumnChunk) *columnReader {
	return &columnReader{pages: c.Pages(), buf: make([]parquet.Value, 64)}
}

func (r *columnReader) safeClose() {
	defer func() { _ = recover() }()
	r.close()
}

// next returns the next value (valid until the next call). A panic of the
// Parquet library on damaged data is an error.
func (r *columnReader) next() (v parquet.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reading a page: %v", p)
		}
	}()
	return r.read()
}

func (r *columnReader) read() (parquet.Value, error) {
	for r.i >= r.n {
		if r.vals != nil {
			n, err := r.vals.ReadValues(r.buf)
			r.i, r.n = 0, n
			if n > 0 {
				break
			}
			if err != nil && err != io.EOF {
				return parquet.Value{}, err
			}
			parquet.Release(r.page)
			r.vals, r.page = nil, nil
			continue
		}
		p, err := r.pages.ReadPage()
		if err != nil {
			if err == io.EOF {
				return parquet.Value{}, io.ErrUnexpectedEOF // (fewer values than rows)
			}
			return parquet.Value{}, err
		}
		r.page, r.vals = p, p.Values()
	}
	v := r.buf[r.i]
	r.i++
	return v, nil
}

func (r *columnReader) close() {
	if r.page != nil {
		parquet.Release(r.page)
	}
	r.pages.Close()
}

func (d *Dataset) parquetRows(yield func(Entry) bool) {
	row := int64(0)
	for _, rg := range d.pq.RowGroups() {
		chunks := rg.ColumnChunks()
		content := newColumnReader(chunks[d.content])
		var path *columnReader
		if d.path >= 0 {
			path = newColumnReader(chunks[d.path])
		}
		ok := func() bool {
			defer content.safeClose()
			if path != nil {
				defer path.safeClose()
			}
			for range rg.NumRows() {
				row++
				e := Entry{Row: row}
				v, err := content.next()
				if err != nil {
					yield(corrupt(row, err))
					return false
				}
				switch {
				case v.IsNull():
					e.Err = invalid(row, "column %q is NULL", d.opts.ContentColumn)
				case v.Kind() != parquet.ByteArray:
					e.Err = invalid(row, "column %q is %s, not a string", d.opts.ContentColumn, v.Kind())
				default:
					e.Data = bytes.Clone(v.ByteArray())
					if e.Data == nil {
						e.Data = []byte{}
					}
				}
				if path != nil {
					v, err := path.next()
					if err != nil {
						yield(corrupt(row, err))
						return false
					}
					if !v.IsNull() && v.Kind() == parquet.ByteArray {
						e.Path = string(v.ByteArray())
					}
				}
				if !yield(e) {
					return false
				}
			}
			return true
		}()
		if !ok {
			return
		}
	}
}

func (d *Dataset) jsonRows(yield func(Entry) bool) {
	var r io.Reader = io.NewSectionReader(d.file, 0, d.size)
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(4); len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			yield(corrupt(1, err))
			return
		}
		defer gz.Close()
		br = bufio.NewReaderSize(gz, 64<<10)
	} else if len(magic) == 4 && bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			yield(corrupt(1, err))
			return
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	row := int64(0)
	var line []byte
	for {
		line = line[:0]
		tooLong := false
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			if !tooLong {
				if len(line)+len(chunk) > d.opts.MaxLine {
					tooLong, line = true, line[:0]
				} else {
					line = append(line, chunk...)
				}
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			yield(corrupt(row+1, err))
			return
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) > 0 || tooLong {
			row++
			e := Entry{Row: row}
			if tooLong {
				e.Err = invalid(row, "a line longer than %d bytes", d.opts.MaxLine)
			} else {
				e = d.jsonRow(row, trimmed)
			}
			if !yield(e) {
				return
			}
		}
		if err == io.EOF {
			return
		}
	}
}

func (d *Dataset) jsonRow(row int64, line []byte) Entry {
	e := Entry{Row: row}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		e.Err = invalid(row, "not a JSON object: %v", err)
		return e
	}
	if raw, ok := obj[d.opts.PathColumn]; ok {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			e.Path = s
		}
	}
	raw, ok := obj[d.opts.ContentColumn]
	switch {
	case !ok:
		e.Err = invalid(row, "no field %q", d.opts.ContentColumn)
	case string(raw) == "null":
		e.Err = invalid(row, "field %q is null", d.opts.ContentColumn)
	default:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			e.Err = invalid(row, "field %q is not a string", d.opts.ContentColumn)
		} else {
			e.Data = []byte(s)
		}
	}
	return e
}
