// Package batch is the public entry point of pybatch as a library: it turns
// files into result.Records by running the analysis on every core, in this
// process or in isolated worker processes, in bounded memory.
//
//   - Run: the whole pipeline of `pybatch analyze` in one call — roots
//     walked, files named by their source, an incremental or resumed run
//     against a store.Output, memory admission, progress, gone files.
//   - Stream: an iter.Seq of files in, an iter.Seq of records out, with at
//     most Options.InFlight files between the two: usable on unbounded input.
//   - ProcessFiles: a list of paths in, every record and a Summary out.
//   - ProcessDirectory: a directory and a glob in, every record out.
//
// One file failing never stops a batch: a file that cannot be read, that
// panics the analysis, times out or crashes its worker process yields a
// Failed record with an error class (see the Class* constants). A file the
// scanner skipped yields a Skipped record with its reason. Only a cancelled
// context ends a batch early; the records of files in flight at that moment
// are dropped rather than reported as failures, so a resumed run does them
// again.
//
// Reading the file happens in the worker (a goroutine, or the worker
// process), so at most InFlight sources are in memory, and the size limit is
// enforced on what is actually read, not only on what the scanner saw.
package batch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/notebook"
	"github.com/pybatch/pybatch/parallel"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// File is one file to process: its name, where to read it, what the scanner
// saw, and whether the scanner decided to skip it. Size and ModTime may be
// zero when unknown (the worker then fills them from the open file).
type File struct {
	// Source and Path name the file in its record (result.Record): in a
	// run of the pipeline, the absolute root and the slash-separated path
	// below it. Source may be empty; Path is then any path.
	Source string
	Path   string
	// OSPath is where the file is read; empty means Path.
	OSPath string
	// Data, when not nil, is the file's content, already read by the Input
	// that yielded it (an archive member, a git blob, a dataset row): it is
	// analyzed instead of reading OSPath, within the same size limit. The
	// Input must not change it after yielding the File.
	Data []byte
	// Load, when set and Data is nil, reads the content; it is called
	// only when the content is needed (not for a file answered by Key),
	// possibly from several workers at once.
	Load func() ([]byte, error)
	// Key, when not empty, names the content (a git blob id): the files of
	// one Stream with the same Key hold the same bytes, so that, with
	// Options.Dedup, a file whose Key was met is answered from the report
	// of those bytes without being read (Load is then not called).
	Key     string
	Size    int64
	ModTime time.Time
	// Skip, when not empty, is the scanner's skip reason: the file is not
	// read and yields a Skipped record with this reason.
	Skip scan.SkipReason
	// SkipErr is the error behind Skip, if any (kept in the record's Err).
	SkipErr error
	// Err, when set (and Skip is not), is why the Input could not give the
	// file's content (a damaged archive member): the file is not read and
	// yields a Failed record with this error and its class (Classify).
	Err error
}

// AnalyzeFunc analyzes one file's bytes. It must be safe for concurrent use.
// A panic in it becomes the file's Failed record (class "panic").
type AnalyzeFunc func(path string, src []byte) *analysis.Report

// DefaultAnalyze is analysis.Analyze with the default options: what
// pybatch analyze runs on every file.
func DefaultAnalyze(path string, src []byte) *analysis.Report {
	return analysis.Analyze(path, src, analysis.Options{})
}

// AnalyzeFor is DefaultAnalyze giving Python 3.v's verdict (see
// analysis.Options.PythonVersion); AnalyzeFor(0) is DefaultAnalyze.
func AnalyzeFor(v parser.Version) AnalyzeFunc {
	if v == 0 || v == parser.Latest {
		return DefaultAnalyze
	}
	return func(path string, src []byte) *analysis.Report {
		return analysis.Analyze(path, src, analysis.Options{PythonVersion: v})
	}
}

// DefaultMaxSize is the read limit when Options.MaxSize is 0.
const DefaultMaxSize = 10 << 20

// Options configure a batch. The zero value analyzes in this process with
// one goroutine per CPU this process may use, with DefaultAnalyze.
type Options struct {
	// Analyze is the analysis for in-process workers; nil means
	// DefaultAnalyze. (Isolated worker processes bring their own.)
	Analyze AnalyzeFunc
	// Workers is the number of files analyzed at once; <= 0 means
	// parallel.DefaultWorkers(), the CPUs this process may use.
	Workers int
	// Ordered yields records in input order instead of completion order.
	Ordered bool
	// Timeout is the per-file time limit; 0 means none. In-process, a file
	// over the limit is reported and its goroutine abandoned; isolated, its
	// worker process is killed and replaced.
	Timeout time.Duration
	// MaxSize is the most bytes read from one file; a larger file fails with
	// ClassTooLarge. 0 means DefaultMaxSize; negative means no limit.
	MaxSize int64
	// InFlight bounds the files between input and output (read, being
	// analyzed, or waiting to be yielded): the chunk of the stream that is in
	// memory at once. <= 0 means 4 × Workers.
	InFlight int
	// Admit, when set, is called before a file is read with its size (as
	// scanned); the file waits until it returns. A non-nil error fails the
	// file with the error's class (see Classify) unless it is the context's;
	// release, when not nil, is called once the file's record is made. This is
	// where the memory manager plugs in.
	Admit func(ctx context.Context, f File) (release func(), err error)

	// Isolate runs the analysis in worker processes (see WorkerCommand).
	Isolate bool
	// WorkerCommand returns a command that runs ServeWorker (the pybatch
	// binary's hidden "__worker" subcommand). Required with Isolate.
	WorkerCommand func() *exec.Cmd
	// RecycleAfter retires a worker process after this many files; 0 means
	// never.
	RecycleAfter int
	// WorkerStderr receives the worker processes' stderr (nil: discarded,
	// except the tail kept in crash errors).
	WorkerStderr io.Writer

	// Dedup analyzes each content once: every file is read and hashed
	// (SHA-256) first, and a file whose bytes another file of the batch is
	// being analyzed for, or was recently, takes that report (named by its
	// own path; Record.Reused is set) instead of being analyzed again. It
	// assumes the analysis depends only on the bytes, as DefaultAnalyze
	// does. Its memory is bounded (the reports of recent files, by their
	// sources' size, up to 8 MB, 2 MB with Stored).
	Dedup bool
	// Stored, with Dedup, is asked before a content is analyzed: a report
	// stored by an earlier run (see StoredFunc) answers the file.
	Stored StoredFunc

	// Retry retries a file whose failure is transient (a timeout, a worker
	// crash, EMFILE, EIO, ...; see recovery.Class.Transient) with
	// exponential backoff and jitter; the record's Attempts says how many
	// times it ran. The zero value tries once. Its Classify is set to
	// Classify. In-process, Timeout bounds all attempts of a file together;
	// isolated, each attempt.
	Retry recovery.Policy
}

func (o Options) normalize() (Options, error) {
	if o.Workers <= 0 {
		o.Workers = parallel.DefaultWorkers()
	}
	if o.MaxSize == 0 {
		o.MaxSize = DefaultMaxSize
	}
	if o.InFlight <= 0 {
		o.InFlight = 4 * o.Workers
	}
	if o.Isolate {
		if o.WorkerCommand == nil {
			return o, errors.New("batch: Isolate needs WorkerCommand")
		}
	} else if o.Analyze == nil {
		o.Analyze = DefaultAnalyze
	}
	return o, nil
}

// Stream processes files and yields one record per file. At most
// opts.InFlight files are in memory at once, whatever the length of files,
// so files may be unbounded. It stops early when ctx is done (check ctx.Err()
// afterwards) or when the consumer stops ranging. The error is a
// configuration error (see Options); nothing has started then.
func Stream(ctx context.Context, files iter.Seq[File], opts Options) (iter.Seq[*result.Record], error) {
	o, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	return func(yield func(*result.Record) bool) {
		work := o.inProcess()
		if o.Isolate {
			pool, err := parallel.NewPool[workerRequest, *result.Record](parallel.PoolOptions{
				Size:     o.Workers,
				Command:  o.WorkerCommand,
				MaxTasks: o.RecycleAfter,
				Stderr:   o.WorkerStderr,
				Timeout:  o.Timeout, // counted from when the file reaches a running worker
			})
			if err != nil { // cannot happen: normalize checked Command
				panic(err)
			}
			defer pool.Close()
			work = o.isolated(pool)
		}
		if o.Dedup {
			work = newDedup(o.Stored).wrap(o, work)
		}
		for r := range parallel.Run(ctx, files, o.admitted(o.retried(work)), parallel.Options{
			Workers: o.Workers,
			Window:  o.InFlight,
			Ordered: o.Ordered,
			Timeout: o.inProcessTimeout(),
		}) {
			rec := r.Out
			if r.Err != nil {
				if ctx.Err() != nil {
					continue // abandoned, not failed: a resumed run does it again
				}
				rec = failed(r.In, Classify(r.Err), r.Err)
				var ae *attemptsError
				if errors.As(r.Err, &ae) {
					rec.Attempts = ae.attempts
				}
			}
			if rec.Status != result.Skipped {
				rec.Duration = r.Duration
			}
			if !yield(rec) {
				return
			}
		}
	}, nil
}

// inProcessTimeout is the executor's per-item limit: in isolated mode the
// pool enforces the limit itself, from when the file reaches a worker.
func (o Options) inProcessTimeout() time.Duration {
	if o.Isolate {
		return 0
	}
	return o.Timeout
}

// attemptsError is the last failure of a file tried several times.
type attemptsError struct {
	attempts int
	err      error
}

func (e *attemptsError) Error() string { return e.err.Error() }
func (e *attemptsError) Unwrap() error { return e.err }

// failedRecord turns a Failed record into an error, so that the retry loop
// sees failures that ProcessFile reports as data (EMFILE, EIO, ...).
type failedRecord struct{ rec *result.Record }

func (e *failedRecord) Error() string            { return e.rec.Err }
func (e *failedRecord) ErrClass() recovery.Class { return e.rec.ErrClass }

// retried wraps work with the retry policy.
func (o Options) retried(work parallel.Func[File, *result.Record]) parallel.Func[File, *result.Record] {
	if o.Retry.MaxAttempts <= 1 {
		return work
	}
	policy := o.Retry
	policy.Classify = Classify
	return func(ctx context.Context, f File) (*result.Record, error) {
		var rec *result.Record
		attempts, err := recovery.Retry(ctx, policy, func(ctx context.Context, _ int) error {
			r, err := work(ctx, f)
			if err != nil {
				return err
			}
			rec = r
			if r.Status == result.Failed {
				return &failedRecord{r}
			}
			return nil
		})
		var fr *failedRecord
		switch {
		case err == nil || errors.As(err, &fr):
			rec.Attempts = attempts
			return rec, nil
		case attempts > 1:
			return nil, &attemptsError{attempts, err}
		}
		return nil, err
	}
}

// admitted wraps work with the Admit hook; skipped files bypass it.
func (o Options) admitted(work parallel.Func[File, *result.Record]) parallel.Func[File, *result.Record] {
	if o.Admit == nil {
		return work
	}
	return func(ctx context.Context, f File) (*result.Record, error) {
		if f.Skip != "" || f.Err != nil {
			return work(ctx, f)
		}
		release, err := o.Admit(ctx, f)
		if err != nil {
			return nil, err
		}
		if release != nil {
			defer release()
		}
		return work(ctx, f)
	}
}

func (o Options) inProcess() parallel.Func[File, *result.Record] {
	return func(ctx context.Context, f File) (*result.Record, error) {
		if f.Skip != "" {
			return skipped(f), nil
		}
		if f.Err != nil {
			return failed(f, Classify(f.Err), f.Err), nil
		}
		return ProcessFile(f, o.MaxSize, o.Analyze), nil
	}
}

// workerRequest is what the parent sends an isolated worker for one file.
type workerRequest struct {
	Path    string    `json:"path"` // where to read
	Name    string    `json:"name"` // the file's Path in its record and report
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mtime"`
	MaxSize int64     `json:"max_size"`
	Data    []byte    `json:"data,omitempty"` // the content, when the parent has it (File.Data)
}

func (o Options) isolated(pool *parallel.Pool[workerRequest, *result.Record]) parallel.Func[File, *result.Record] {
	return func(ctx context.Context, f File) (*result.Record, error) {
		if f.Skip != "" {
			return skipped(f), nil
		}
		if f.Err != nil {
			return failed(f, Classify(f.Err), f.Err), nil
		}
		if f.Data == nil && f.Load != nil {
			data, err := f.Load()
			if err != nil {
				return failed(f, Classify(err), err), nil
			}
			f.Data = data
		}
		rec, err := pool.Do(ctx, workerRequest{Path: f.osPath(), Name: f.Path, Size: f.Size, ModTime: f.ModTime, MaxSize: o.MaxSize, Data: f.Data})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("%w: empty response", parallel.ErrWorkerCrashed)
		}
		rec.Source, rec.Path = f.Source, f.Path
		return rec, nil
	}
}

// ServeWorker is the body of an isolated worker process: it reads file
// requests on r, reads and analyzes each file with analyze, and answers on w,
// until r ends. The pybatch binary runs it as "pybatch __worker".
func ServeWorker(ctx context.Context, r io.Reader, w io.Writer, analyze AnalyzeFunc) error {
	return parallel.ServeWorker(ctx, r, w, func(_ context.Context, req workerRequest) (*result.Record, error) {
		return ProcessFile(File{Path: req.Name, OSPath: req.Path, Size: req.Size, ModTime: req.ModTime, Data: req.Data}, req.MaxSize, analyze), nil
	})
}

// ProcessFile reads one file (at most maxSize bytes; negative: no limit), or
// takes its Data, and analyzes it. A file whose Path ends in .ipynb is a
// Jupyter notebook: analyze gets its code cells joined (package notebook)
// and the report gets its cells (analysis.Report.SetNotebook); bytes that
// are not a notebook fail with recovery.InvalidNotebook, a notebook in
// another language is skipped with scan.SkipNotPython. It never fails: problems are in the
// record. A panic in analyze propagates (the executor turns it into the
// file's record).
func ProcessFile(f File, maxSize int64, analyze AnalyzeFunc) *result.Record {
	rec := &result.Record{Source: f.Source, Path: f.Path, Size: f.Size, ModTime: f.ModTime, Attempts: 1}
	var src []byte
	var err error
	if f.Data == nil && f.Load != nil {
		f.Data, err = f.Load()
	}
	if err != nil {
		// (failed below)
	} else if f.Data != nil {
		src = f.Data
		if rec.Size == 0 {
			rec.Size = int64(len(src))
		}
		if maxSize >= 0 && int64(len(src)) > maxSize {
			err = &recovery.TooLargeError{Path: f.Path, Size: int64(len(src)), Limit: maxSize}
		}
	} else {
		src, err = readFile(f.osPath(), rec, maxSize)
	}
	if err != nil {
		rec.Status = result.Failed
		rec.ErrClass = Classify(err)
		rec.Err = err.Error()
		return rec
	}
	if notebook.IsNotebook(f.Path) {
		return processNotebook(rec, src, analyze)
	}
	rec.Status = result.Analyzed
	rec.Report = analyze(f.Path, src)
	return rec
}

// readFile opens the file without blocking (a FIFO put in its place since
// the scan must not hang a worker), checks it is regular and within the
// limit, and reads it whole. It fills rec's Size and ModTime when unknown.
func readFile(path string, rec *result.Record, maxSize int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &recovery.NotRegularError{Path: path, Mode: st.Mode()}
	}
	if rec.Size == 0 && rec.ModTime.IsZero() {
		rec.Size, rec.ModTime = st.Size(), st.ModTime()
	}
	if maxSize >= 0 && st.Size() > maxSize {
		return nil, &recovery.TooLargeError{Path: path, Size: st.Size(), Limit: maxSize}
	}
	// Read one byte more than the size, so that growth since the stat is
	// seen, and never more than the limit + 1.
	want := st.Size() + 1
	if maxSize >= 0 {
		want = min(want, maxSize+1)
	}
	buf := make([]byte, 0, want)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			if maxSize >= 0 && int64(len(buf)) > maxSize {
				return nil, &recovery.TooLargeError{Path: path, Size: int64(len(buf)), Limit: maxSize}
			}
			buf = slices.Grow(buf, max(4096, len(buf)))
		}
	}
	return buf, nil
}

// Classify names the class of a per-file error: the executor's own failures
// (timeouts, worker crashes, panics) here, everything else by
// recovery.Classify.
func Classify(err error) recovery.Class {
	var pe *parallel.PanicError
	var re *parallel.RemoteError
	switch {
	case errors.Is(err, parallel.ErrTimeout):
		return recovery.Timeout
	case errors.Is(err, parallel.ErrWorkerCrashed):
		return recovery.Crash
	case errors.Is(err, parallel.ErrWorkerStart):
		return recovery.Worker
	case errors.As(err, &pe):
		return recovery.Panic
	case errors.As(err, &re):
		if strings.HasPrefix(re.Msg, "panic:") {
			return recovery.Panic
		}
		return recovery.Worker
	}
	return recovery.Classify(err)
}

// osPath is where f is read.
func (f File) osPath() string {
	if f.OSPath != "" {
		return f.OSPath
	}
	return f.Path
}

func skipped(f File) *result.Record {
	rec := &result.Record{Source: f.Source, Path: f.Path, Size: f.Size, ModTime: f.ModTime, Status: result.Skipped, SkipReason: f.Skip}
	if f.SkipErr != nil {
		rec.Err = f.SkipErr.Error()
	}
	return rec
}

func failed(f File, class recovery.Class, err error) *result.Record {
	return &result.Record{Source: f.Source, Path: f.Path, Size: f.Size, ModTime: f.ModTime, Status: result.Failed, ErrClass: class, Err: err.Error(), Attempts: 1}
}
