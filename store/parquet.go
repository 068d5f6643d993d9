package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/pybatch/pybatch/result"
)

// ParquetOptions configure a Parquet output (OpenParquet).
type ParquetOptions struct {
	// Shard is the part this process writes; the zero Shard (not
	// sharded) writes part 0 of 1.
	Shard Shard
	// Resume continues an interrupted output: the complete chunks of this
	// shard are kept and the files they hold are skipped (see Resume).
	// Without it, or when the shard's last run completed, the shard's
	// parts are replaced.
	Resume bool
	// OptionsHash and ToolVersion identify the analysis; a resume under
	// others is refused (the rows would mix). Options are kept in the runs
	// table, as JSON.
	OptionsHash, ToolVersion string
	Options                  any
	// RowGroupBytes bounds the row group each table holds in memory
	// before it is written (estimated before compression); 0 means 16
	// MiB. RowGroupRows bounds its rows; 0 means 122,880, DuckDB's own
	// row group size: a row group is the unit a reader scans in parallel.
	RowGroupBytes int64
	RowGroupRows  int64
	// ChunkRecords is the number of files after which the chunk being
	// written is closed and renamed into place (a commit); 0 means
	// DefaultParquetChunkRecords. ChunkDelay also closes it once its first record is that
	// old, so that a crash loses at most about that much work; 0 means 5
	// minutes, negative never.
	ChunkRecords int
	ChunkDelay   time.Duration
	// Wait makes OpenParquet wait (until its context is done) for another
	// run writing the same shard, instead of refusing at once.
	Wait bool
	// OnCommit, if set, is told how many records each commit made durable.
	OnCommit CommitFunc
}

// DefaultParquetChunkRecords is the number of files of a Parquet chunk.
const DefaultParquetChunkRecords = 100_000

func (o ParquetOptions) withDefaults() ParquetOptions {
	if !o.Shard.Sharded() {
		o.Shard = Shard{Index: 0, Count: 1}
	}
	if o.RowGroupBytes <= 0 {
		o.RowGroupBytes = 16 << 20
	}
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = 122_880
	}
	if o.ChunkRecords <= 0 {
		o.ChunkRecords = DefaultParquetChunkRecords
	}
	if o.ChunkDelay == 0 {
		o.ChunkDelay = 5 * time.Minute
	}
	return o
}

// partFile matches the file name of one table's part of a chunk.
var partFile = regexp.MustCompile(`^part-(\d{5,})-of-(\d{5,})-c(\d{4,})\.parquet$`)

// parquetPart is one table's part of one chunk, as found on disk.
type parquetPart struct {
	table                string
	shard, shards, chunk int
	path                 string
}

// Parquet is the Parquet output of a run: one directory per table
// (ParquetTables) under its directory, each holding this shard's parts as
// numbered chunks, DIR/TABLE/part-KKKKK-of-NNNNN-cCCCC.parquet.
//
// Records are written as they come into the open chunk: one Parquet file
// per table, under a temporary name (….parquet.tmp), zstd-compressed, a
// row group written out whenever a table holds RowGroupBytes of rows, so
// memory stays bounded whatever the run's size. A commit closes the
// chunk: each file is finished and fsynced, the facts tables' parts are
// renamed into place and then the files table's, and the directories are
// fsynced. A chunk is complete once its files part is there: a crash
// leaves temporary files and perhaps facts parts without their files part,
// which the next open of the shard removes, so a part is complete or
// absent, and a resumed run skips exactly the files the complete chunks
// hold. Chunks are committed every ChunkRecords files, ChunkDelay after
// their first record, and at the end; Finish then adds the run's row to
// the runs table.
//
// A Parquet is owned by one goroutine.
type Parquet struct {
	dir   string
	opts  ParquetOptions
	part  string
	lock  *runLock
	runID int64
	start time.Time

	next     int    // the number of the next chunk
	complete []int  // the committed chunks of this shard, in order
	cur      *chunk // the open chunk, nil between chunks
	err      error  // the first error: the output is dead after it
	done     bool
	sinkOpts []parquet.WriterOption
}

// chunk is the open chunk: a writer per table.
type chunk struct {
	n       int
	records int
	oldest  time.Time
	files   *tableWriter[parquetFile]
	defs    *tableWriter[parquetDefinition]
	imps    *tableWriter[parquetImport]
	errs    *tableWriter[parquetSyntaxError]
	feats   *tableWriter[parquetVersionFeature]
	warns   *tableWriter[parquetWarning]
}

// tableWriter writes one table's part of a chunk to a temporary file.
type tableWriter[T any] struct {
	tmp, final string
	f          *os.File
	cw         byteCounter
	w          *parquet.GenericWriter[T]
	rows       int64
}

// byteCounter counts the bytes written through it.
type byteCounter struct {
	w io.Writer
	n int64
}

func (c *byteCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// OpenParquet opens dir as a Parquet output for shard opts.Shard of
// opts.Shards: it creates the directories, writes _schema.json, takes the
// shard's run lock (LockPath(dir/part-KKKKK-of-NNNNN)), removes what an
// interrupted run left half-written, and keeps (Resume) or removes the
// shard's earlier parts. A directory of another schema version or with
// parts of another number of shards is refused.
func OpenParquet(ctx context.Context, dir string, opts ParquetOptions) (*Parquet, error) {
	opts = opts.withDefaults()
	if err := opts.Shard.Validate(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("store: %s is a file; a Parquet output is a directory (name a new or existing directory)", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: creating the Parquet output: %w", err)
	}
	if err := checkParquetSchema(dir); err != nil {
		return nil, err
	}
	p := &Parquet{dir: dir, opts: opts, part: opts.Shard.PartName(), start: time.Now()}
	lock, err := acquireLock(ctx, LockPath(filepath.Join(dir, p.part)), filepath.Join(dir, p.part), opts.Wait)
	if err != nil {
		return nil, err
	}
	p.lock = lock
	if err := p.open(); err != nil {
		lock.release()
		return nil, err
	}
	p.sinkOpts = []parquet.WriterOption{
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedDefault}),
		parquet.MaxRowsPerRowGroup(opts.RowGroupRows),
		parquet.CreatedBy("pybatch", opts.ToolVersion, ""),
		parquet.KeyValueMetadata("pybatch.schema_version", strconv.Itoa(ParquetSchemaVersion)),
		parquet.KeyValueMetadata("pybatch.shard", opts.Shard.String()),
		parquet.KeyValueMetadata("pybatch.run_id", strconv.FormatInt(p.runID, 10)),
		parquet.KeyValueMetadata("pybatch.options_hash", opts.OptionsHash),
		parquet.KeyValueMetadata("pybatch.tool_version", opts.ToolVersion),
	}
	return p, nil
}

// checkParquetSchema writes dir/_schema.json, or checks that the one there
// is of this schema version.
func checkParquetSchema(dir string) error {
	want, err := ParquetSchemaJSON()
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "_schema.json")
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		var have struct {
			Format        string `json:"format"`
			SchemaVersion int    `json:"schema_version"`
		}
		if jerr := json.Unmarshal(b, &have); jerr != nil || have.Format != parquetFormat {
			return fmt.Errorf("store: %s is not a pybatch Parquet schema; is %s another program's directory? write to a new directory", path, dir)
		}
		if have.SchemaVersion != ParquetSchemaVersion {
			return fmt.Errorf("store: %s holds Parquet tables of schema version %d; this pybatch writes version %d: write to a new directory", dir, have.SchemaVersion, ParquetSchemaVersion)
		}
		if string(b) == string(want) {
			return nil
		}
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("store: %w", err)
	default:
		// A directory with other content is not taken over.
		ents, rerr := os.ReadDir(dir)
		if rerr != nil {
			return fmt.Errorf("store: %w", rerr)
		}
		for _, e := range ents {
			if !slices.Contains(ParquetTables, e.Name()) && !strings.HasPrefix(e.Name(), "part-") && !strings.HasPrefix(e.Name(), "_SUCCESS.") {
				return fmt.Errorf("store: %s is not empty and not a pybatch Parquet output (it holds %s): write to a new directory", dir, e.Name())
			}
		}
	}
	if err := writeFileAtomic(path, want); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir fsyncs a directory, best effort: not every file system can.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// listParquetParts lists the complete-named parts of every table under dir
// (temporary files are not listed), sorted by table, shard and chunk.
func listParquetParts(dir string) ([]parquetPart, error) {
	var parts []parquetPart
	for _, table := range ParquetTables {
		ents, err := os.ReadDir(filepath.Join(dir, table))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		for _, e := range ents {
			m := partFile.FindStringSubmatch(e.Name())
			if m == nil {
				continue
			}
			k, _ := strconv.Atoi(m[1])
			n, _ := strconv.Atoi(m[2])
			c, _ := strconv.Atoi(m[3])
			parts = append(parts, parquetPart{table: table, shard: k, shards: n, chunk: c, path: filepath.Join(dir, table, e.Name())})
		}
	}
	return parts, nil
}

// open prepares the shard's directory: what a crash left half-written is
// removed; the shard's complete chunks are kept to resume from, or
// removed.
func (p *Parquet) open() error {
	for _, t := range ParquetTables {
		if err := os.MkdirAll(filepath.Join(p.dir, t), 0o755); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	parts, err := listParquetParts(p.dir)
	if err != nil {
		return err
	}
	for _, pt := range parts {
		if pt.shards != p.opts.Shard.Count {
			return fmt.Errorf("store: %s holds parts of an output split in %d shards (%s); this run writes part %d of %d: write to another directory, or remove it first",
				p.dir, pt.shards, filepath.Join(pt.table, filepath.Base(pt.path)), p.opts.Shard.Index, p.opts.Shard.Count)
		}
	}
	// Temporary files of this shard: a chunk that was never committed.
	for _, t := range ParquetTables {
		tmps, _ := filepath.Glob(filepath.Join(p.dir, t, p.part+"-c*.parquet.tmp"))
		for _, f := range tmps {
			if err := os.Remove(f); err != nil {
				return fmt.Errorf("store: removing what an interrupted run left: %w", err)
			}
		}
	}
	mine := slices.DeleteFunc(parts, func(pt parquetPart) bool { return pt.shard != p.opts.Shard.Index })
	committed := map[int]bool{}
	for _, pt := range mine {
		if pt.table == "files" {
			committed[pt.chunk] = true
		}
	}
	replace := !p.opts.Resume
	lastRun := ""
	var maxRun int64
	if !replace {
		runs, err := p.readRuns(mine)
		if err != nil {
			return err
		}
		for _, r := range runs {
			maxRun = max(maxRun, r.ID)
		}
		if len(runs) > 0 {
			lastRun = runs[len(runs)-1].Outcome
		}
		// A shard whose last run completed is not resumed: a new run
		// replaces it, as it replaces a complete JSON Lines file.
		replace = lastRun == string(Completed)
	}
	for _, pt := range mine {
		p.next = max(p.next, pt.chunk+1)
		// Facts of a chunk whose files part never came were not committed.
		orphan := pt.table != "files" && pt.table != "runs" && !committed[pt.chunk]
		if replace || orphan {
			if err := os.Remove(pt.path); err != nil {
				return fmt.Errorf("store: removing %s: %w", pt.path, err)
			}
			continue
		}
		if pt.table != "files" {
			continue
		}
		// Resumed: the files parts say which run wrote them, with what.
		meta, err := parquetMeta(pt.path)
		if err != nil {
			return err
		}
		if meta["pybatch.options_hash"] != p.opts.OptionsHash || meta["pybatch.tool_version"] != p.opts.ToolVersion {
			return fmt.Errorf("store: cannot resume %s: its part %s was written by pybatch %s with options %s, this run is pybatch %s with options %s; write to a new directory or run without resume",
				p.dir, filepath.Base(pt.path), meta["pybatch.tool_version"], meta["pybatch.options_hash"], p.opts.ToolVersion, p.opts.OptionsHash)
		}
		if id, err := strconv.ParseInt(meta["pybatch.run_id"], 10, 64); err == nil {
			maxRun = max(maxRun, id)
		}
		p.complete = append(p.complete, pt.chunk)
	}
	if replace {
		p.next, p.complete, maxRun = 0, nil, 0
	}
	p.runID = maxRun + 1
	for _, t := range ParquetTables {
		syncDir(filepath.Join(p.dir, t))
	}
	return nil
}

// parquetMeta reads a part's key-value metadata (its footer only).
func parquetMeta(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	m := map[string]string{}
	for _, kv := range pf.Metadata().KeyValueMetadata {
		m[kv.Key] = kv.Value
	}
	return m, nil
}

// readRuns reads the runs rows of the given parts, in chunk order.
func (p *Parquet) readRuns(parts []parquetPart) ([]parquetRun, error) {
	var runs []parquetRun
	for _, pt := range parts {
		if pt.table != "runs" {
			continue
		}
		rows, err := readParquetRows[parquetRun](pt.path)
		if err != nil {
			return nil, err
		}
		runs = append(runs, rows...)
	}
	return runs, nil
}

// readParquetRows reads every row of a (small) part.
func readParquetRows[T any](path string) ([]T, error) {
	var out []T
	err := eachParquetRow(path, func(rows []T) error {
		out = append(out, rows...)
		return nil
	})
	return out, err
}

// eachParquetRow calls f with the rows of a part, a batch at a time (f
// must not keep the slice). Only the columns of T are read.
func eachParquetRow[T any](path string, f func([]T) error) error {
	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer file.Close()
	r := parquet.NewGenericReader[T](file)
	defer r.Close()
	buf := make([]T, 256)
	for {
		clear(buf)
		n, err := r.Read(buf)
		if n > 0 {
			if ferr := f(buf[:n]); ferr != nil {
				return ferr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: reading %s: %w", path, err)
		}
	}
}

// partPath is the path of a table's part of chunk c of this shard.
func (p *Parquet) partPath(table string, c int) string {
	return filepath.Join(p.dir, table, fmt.Sprintf("%s-c%04d.parquet", p.part, c))
}

func newTableWriter[T any](p *Parquet, table string, c int) (*tableWriter[T], error) {
	final := p.partPath(table, c)
	tw := &tableWriter[T]{tmp: final + ".tmp", final: final}
	f, err := os.OpenFile(tw.tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	tw.f, tw.cw.w = f, f
	opts := append(slices.Clip(p.sinkOpts),
		parquet.KeyValueMetadata("pybatch.table", table),
		parquet.KeyValueMetadata("pybatch.chunk", strconv.Itoa(c)))
	tw.w = parquet.NewGenericWriter[T](&tw.cw, opts...)
	return tw, nil
}

// write writes rows, and the row group out when it holds limit bytes.
func (tw *tableWriter[T]) write(rows []T, limit int64) error {
	if len(rows) == 0 {
		return nil
	}
	if _, err := tw.w.Write(rows); err != nil {
		return err
	}
	tw.rows += int64(len(rows))
	if tw.w.Size()-tw.cw.n >= limit {
		return tw.w.Flush()
	}
	return nil
}

// finish writes the footer and makes the file durable under its
// temporary name.
func (tw *tableWriter[T]) finish() error {
	err := tw.w.Close()
	if err == nil {
		err = tw.f.Sync()
	}
	if cerr := tw.f.Close(); err == nil {
		err = cerr
	}
	tw.f = nil
	return err
}

// abandon closes and removes the temporary file.
func (tw *tableWriter[T]) abandon() {
	if tw == nil {
		return
	}
	if tw.f != nil {
		tw.f.Close()
	}
	os.Remove(tw.tmp)
}

// openChunk starts the next chunk.
func (p *Parquet) openChunk() error {
	c := &chunk{n: p.next, oldest: time.Now()}
	var err error
	if c.files, err = newTableWriter[parquetFile](p, "files", c.n); err == nil {
		if c.defs, err = newTableWriter[parquetDefinition](p, "definitions", c.n); err == nil {
			if c.imps, err = newTableWriter[parquetImport](p, "imports", c.n); err == nil {
				if c.errs, err = newTableWriter[parquetSyntaxError](p, "syntax_errors", c.n); err == nil {
					if c.feats, err = newTableWriter[parquetVersionFeature](p, "version_features", c.n); err == nil {
						c.warns, err = newTableWriter[parquetWarning](p, "warnings", c.n)
					}
				}
			}
		}
	}
	if err != nil {
		c.abandon()
		return err
	}
	p.next++
	p.cur = c
	return nil
}

func (c *chunk) abandon() {
	c.files.abandon()
	c.defs.abandon()
	c.imps.abandon()
	c.errs.abandon()
	c.feats.abandon()
	c.warns.abandon()
}

// commit closes the open chunk and renames its parts into place, the files
// part last.
func (p *Parquet) commit() error {
	c := p.cur
	if c == nil {
		return nil
	}
	p.cur = nil
	err := errors.Join(c.defs.finish(), c.imps.finish(), c.errs.finish(), c.feats.finish(), c.warns.finish(), c.files.finish())
	if err == nil {
		for _, tw := range []interface{ rename() error }{c.defs, c.imps, c.errs, c.feats, c.warns} {
			if err = tw.rename(); err != nil {
				break
			}
		}
	}
	if err == nil {
		for _, t := range parquetFactTables {
			syncDir(filepath.Join(p.dir, t))
		}
		err = c.files.rename()
		syncDir(filepath.Join(p.dir, "files"))
	}
	if err != nil {
		c.abandon()
		for _, t := range parquetFactTables {
			os.Remove(p.partPath(t, c.n))
		}
		return fmt.Errorf("store: writing chunk %d of %s (%d records not committed): %w", c.n, p.dir, c.records, err)
	}
	p.complete = append(p.complete, c.n)
	if p.opts.OnCommit != nil && c.records > 0 {
		p.opts.OnCommit(c.records)
	}
	return nil
}

func (tw *tableWriter[T]) rename() error { return os.Rename(tw.tmp, tw.final) }

// Write implements Sink.
func (p *Parquet) Write(ctx context.Context, r *result.Record) error {
	if r.Report != nil && r.Report.Partial {
		return errPartial(r)
	}
	if p.err != nil {
		return p.err
	}
	if p.done {
		return errors.New("store: write to a finished Parquet output")
	}
	if p.cur == nil {
		if p.err = p.openChunk(); p.err != nil {
			return p.err
		}
	}
	c := p.cur
	file, defs, imps, serr, feats, warns := parquetRows(r, p.runID)
	lim := p.opts.RowGroupBytes
	err := c.files.write([]parquetFile{file}, lim)
	if err == nil {
		err = c.defs.write(defs, lim)
	}
	if err == nil {
		err = c.imps.write(imps, lim)
	}
	if err == nil && serr != nil {
		err = c.errs.write([]parquetSyntaxError{*serr}, lim)
	}
	if err == nil && len(feats) > 0 {
		err = c.feats.write(feats, lim)
	}
	if err == nil && len(warns) > 0 {
		err = c.warns.write(warns, lim)
	}
	if err != nil {
		c.abandon()
		p.cur = nil
		p.err = fmt.Errorf("store: writing %s (%d records not committed): %w", p.dir, c.records, err)
		return p.err
	}
	c.records++
	if c.records >= p.opts.ChunkRecords || p.opts.ChunkDelay > 0 && time.Since(c.oldest) >= p.opts.ChunkDelay {
		p.err = p.commit()
	}
	return p.err
}

// Flush implements Sink: it commits the open chunk.
func (p *Parquet) Flush(ctx context.Context) error {
	if p.err != nil {
		return p.err
	}
	p.err = p.commit()
	return p.err
}

// Close implements Sink: it commits the open chunk and, unless Finish was
// called, records the run as interrupted.
func (p *Parquet) Close() error {
	return p.finish(Interrupted, nil)
}

// Finish implements Output: it commits the open chunk, adds the run's row
// to the runs table, and releases the shard. A shard that holds no chunk
// gets an empty one, so that every table has a part to read.
func (p *Parquet) Finish(_ context.Context, outcome Outcome, stats any) error {
	return p.finish(outcome, stats)
}

func (p *Parquet) finish(outcome Outcome, stats any) error {
	if p.done {
		return p.err
	}
	p.done = true
	defer p.lock.release()
	if p.err == nil {
		p.err = p.commit()
	}
	if p.err == nil && len(p.complete) == 0 {
		if p.err = p.openChunk(); p.err == nil {
			p.err = p.commit()
		}
	}
	if p.err != nil {
		if p.cur != nil {
			p.cur.abandon()
			p.cur = nil
		}
		outcome = FailedRun
	}
	opts, _ := json.Marshal(p.opts.Options)
	if p.opts.Options == nil {
		opts = []byte("{}")
	}
	run := parquetRun{ID: p.runID, Shard: int64(p.opts.Shard.Index), Shards: int64(p.opts.Shard.Count), ToolVersion: p.opts.ToolVersion,
		Options: string(opts), OptionsHash: p.opts.OptionsHash, Pid: int64(os.Getpid()), StartedAt: timestamp(p.start),
		EndedAt: new(timestamp(time.Now())), Outcome: string(outcome)}
	if stats != nil {
		if b, err := json.Marshal(stats); err == nil {
			run.Stats = new(string(b))
		}
	}
	if err := p.writeRun(run); err != nil && p.err == nil {
		p.err = err
	}
	return p.err
}

// writeRun writes the run's row as its own part of the runs table.
func (p *Parquet) writeRun(run parquetRun) error {
	tw, err := newTableWriter[parquetRun](p, "runs", p.next)
	if err != nil {
		return err
	}
	p.next++
	err = tw.write([]parquetRun{run}, p.opts.RowGroupBytes)
	if err == nil {
		err = tw.finish()
	}
	if err == nil {
		err = tw.rename()
	}
	if err != nil {
		tw.abandon()
		return fmt.Errorf("store: writing the run's row in %s: %w", p.dir, err)
	}
	syncDir(filepath.Join(p.dir, "runs"))
	return nil
}

// Dir returns the output's directory.
func (p *Parquet) Dir() string { return p.dir }

// Sources implements Output: the sources of the shard's complete chunks.
func (p *Parquet) Sources(context.Context) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	err := p.eachHeld(func(source, _ string) {
		if !seen[source] {
			seen[source] = true
			out = append(out, source)
		}
	})
	return out, err
}

// eachHeld calls f with the source and path of every file of the shard's
// complete chunks.
func (p *Parquet) eachHeld(f func(source, path string)) error {
	type key struct {
		Source string `parquet:"source"`
		Path   string `parquet:"path"`
	}
	for _, c := range p.complete {
		if p.cur != nil && c == p.cur.n {
			continue
		}
		err := eachParquetRow(p.partPath("files", c), func(rows []key) error {
			for _, k := range rows {
				f(k.Source, k.Path)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Resume implements Output: a resumed shard skips every path of source
// that its complete chunks hold, whatever its state, so that no file has
// two rows (see Incremental).
func (p *Parquet) Resume(_ context.Context, source string) (Incremental, error) {
	held := map[string]struct{}{}
	err := p.eachHeld(func(s, path string) {
		if s == source {
			held[path] = struct{}{}
		}
	})
	if err != nil || len(held) == 0 {
		return nil, err
	}
	return &heldResume{write: p.Write, held: held}, nil
}

// Walked implements Output: Parquet parts are only added, so nothing is
// marked gone.
func (p *Parquet) Walked(context.Context, string, string) (int64, error) { return 0, nil }

var _ Output = (*Parquet)(nil)

// parquetRows turns a record into its rows (see parquetFile on text that
// is not UTF-8).
func parquetRows(r *result.Record, runID int64) (parquetFile, []parquetDefinition, []parquetImport, *parquetSyntaxError, []parquetVersionFeature, []parquetWarning) {
	src, path := validUTF8(r.Source), validUTF8(r.Path)
	f := parquetFile{Source: src, SourceBytes: rawBytes(r.Source), Path: path, PathBytes: rawBytes(r.Path), Size: r.Size,
		MtimeNs: unixNano(r.ModTime), Status: validUTF8(string(r.Status)),
		SkipReason: optString(string(r.SkipReason)), ErrorClass: optString(string(r.ErrClass)), Error: optString(r.Err),
		Attempts: int64(r.Attempts), DurationNs: int64(r.Duration), RunID: runID}
	rep := r.Report
	if rep == nil {
		return f, nil, nil, nil, nil, nil
	}
	l := rep.Lines
	f.SHA256, f.Encoding, f.BOM = new(validUTF8(rep.SHA256)), new(validUTF8(rep.Encoding)), new(rep.BOM)
	f.LOC, f.LLOC, f.SLOC = new(int64(l.LOC)), new(int64(l.LLOC)), new(int64(l.SLOC))
	f.Comments, f.SingleComments, f.Multi, f.Blank = new(int64(l.Comments)), new(int64(l.SingleComments)), new(int64(l.Multi)), new(int64(l.Blank))
	f.ReportSchema, f.LinesError, f.Docstring = new(int64(rep.SchemaVersion)), optString(rep.LinesError), optValid(rep.Docstring)
	if len(rep.All) > 0 {
		f.AllNames = new(listText(rep.All))
	}
	f.Definitions, f.Imports = new(int64(len(rep.Definitions))), new(int64(len(rep.Imports)))
	f.LowestVersion = optString(rep.LowestVersion)
	f.Warnings = new(int64(len(rep.Warnings)))
	defs := make([]parquetDefinition, len(rep.Definitions))
	for i := range rep.Definitions {
		d := &rep.Definitions[i]
		pd := parquetDefinition{Source: src, Path: path, Seq: int64(i), Qualname: validUTF8(d.QualName), Name: validUTF8(d.Name), Kind: validUTF8(d.Kind),
			Line: int64(d.Line), Col: int64(d.Col), EndLine: int64(d.EndLine), EndCol: int64(d.EndCol),
			Returns: optString(d.Returns), Docstring: optValid(d.Docstring), Complexity: int64(d.Complexity), Rank: validUTF8(d.Rank)}
		if len(d.Decorators) > 0 {
			pd.Decorators = new(listText(d.Decorators))
		}
		if len(d.Bases) > 0 {
			pd.Bases = new(listText(d.Bases))
		}
		if len(d.Params) > 0 {
			pd.Params = new(validUTF8(encodeParams(d.Params)))
		}
		defs[i] = pd
	}
	imps := make([]parquetImport, len(rep.Imports))
	for i := range rep.Imports {
		im := &rep.Imports[i]
		imps[i] = parquetImport{Source: src, Path: path, Seq: int64(i), Module: validUTF8(im.Module), Names: validUTF8(encodeNames(im.Names)),
			Level: int64(im.Level), IsFrom: im.From, Line: int64(im.Line), Scope: validUTF8(im.Where)}
	}
	var serr *parquetSyntaxError
	if se := rep.SyntaxError; se != nil {
		serr = &parquetSyntaxError{Source: src, Path: path, Kind: validUTF8(se.Kind), Msg: validUTF8(se.Msg),
			Line: int64(se.Line), Col: int64(se.Col), EndLine: int64(se.EndLine), EndCol: int64(se.EndCol)}
	}
	var feats []parquetVersionFeature
	if len(rep.VersionFeatures) > 0 {
		feats = make([]parquetVersionFeature, len(rep.VersionFeatures))
		for i := range rep.VersionFeatures {
			v := &rep.VersionFeatures[i]
			feats[i] = parquetVersionFeature{Source: src, Path: path, Seq: int64(i), Feature: validUTF8(v.Feature), Version: validUTF8(v.Version),
				Line: int64(v.Line), Col: int64(v.Col)}
		}
	}
	var warns []parquetWarning
	if len(rep.Warnings) > 0 {
		warns = make([]parquetWarning, len(rep.Warnings))
		for i := range rep.Warnings {
			w := &rep.Warnings[i]
			warns[i] = parquetWarning{Source: src, Path: path, Seq: int64(i), Category: validUTF8(w.Category), Message: validUTF8(w.Message), Line: int64(w.Line)}
			if w.Col != nil {
				warns[i].Col = new(int64(*w.Col))
			}
		}
	}
	return f, defs, imps, serr, feats, warns
}

// validUTF8 is s with each byte that is not part of valid UTF-8 replaced
// by U+FFFD, as encoding/json writes it.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// optValid is *s made valid UTF-8, or nil.
func optValid(s *string) *string {
	if s == nil {
		return nil
	}
	return new(validUTF8(*s))
}

// optString is s made valid UTF-8, or nil (NULL) when s is empty.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return new(validUTF8(s))
}
