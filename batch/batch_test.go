package batch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
)

// The test binary doubles as the isolated worker: with this variable set,
// TestMain serves the worker protocol with testAnalyze, whose crash and hang
// triggers live only in this test file, so nothing in the product can be
// made to crash on purpose.
const workerEnv = "BATCH_TEST_WORKER"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if err := ServeWorker(context.Background(), os.Stdin, os.Stdout, testAnalyze); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testAnalyze is a real, if small, analysis: hash, size and line count. It
// misbehaves on purpose on files starting with a trigger.
func testAnalyze(path string, src []byte) *analysis.Report {
	switch {
	case bytes.HasPrefix(src, []byte("#CRASHONCE")):
		// Crash the first time only: the marker survives the process.
		if _, err := os.Stat(path + ".crashed"); err != nil {
			_ = os.WriteFile(path+".crashed", nil, 0o644)
			os.Exit(9)
		}
	case bytes.HasPrefix(src, []byte("#CRASH")):
		fmt.Fprintln(os.Stderr, "test worker: crashing on", path)
		os.Exit(9)
	case bytes.HasPrefix(src, []byte("#HANG")):
		for {
			time.Sleep(time.Hour)
		}
	case bytes.HasPrefix(src, []byte("#PANIC")):
		panic("analysis exploded on " + path)
	}
	sum := sha256.Sum256(src)
	return &analysis.Report{
		SchemaVersion: analysis.SchemaVersion,
		Path:          path,
		Size:          int64(len(src)),
		SHA256:        hex.EncodeToString(sum[:]),
		Lines:         analysis.LineMetrics{LOC: bytes.Count(src, []byte("\n"))},
	}
}

func workerCommand() *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	return cmd
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func byPath(recs []*result.Record) map[string]*result.Record {
	m := map[string]*result.Record{}
	for _, r := range recs {
		m[filepath.Base(r.Path)] = r
	}
	return m
}

func TestProcessFilesClassifiesEveryFailureAndGoesOn(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 20 {
		paths = append(paths, write(t, dir, fmt.Sprintf("ok%02d.py", i), strings.Repeat("x = 1\n", i+1)))
	}
	paths = append(paths,
		filepath.Join(dir, "missing.py"),
		write(t, dir, "big.py", strings.Repeat("#", 300)),
		write(t, dir, "boom.py", "#PANIC\n"),
		dir, // a directory
	)
	fifo := filepath.Join(dir, "fifo.py")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, fifo)

	recs, sum, err := ProcessFiles(t.Context(), paths, Options{Analyze: testAnalyze, MaxSize: 200, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(paths) {
		t.Fatalf("%d records for %d paths", len(recs), len(paths))
	}
	for i, r := range recs {
		if r.Path != paths[i] {
			t.Fatalf("record %d is %q (source %q), want %q in input order", i, r.Path, r.Source, paths[i])
		}
	}
	m := byPath(recs)
	for i := range 20 {
		r := m[fmt.Sprintf("ok%02d.py", i)]
		if r.Status != result.Analyzed || r.Report.Lines.LOC != i+1 || r.Size != int64(6*(i+1)) || r.ModTime.IsZero() {
			t.Fatalf("ok file %d: %+v", i, r)
		}
	}
	want := map[string]recovery.Class{
		"missing.py":       recovery.NotFound,
		"big.py":           recovery.TooLarge,
		"boom.py":          recovery.Panic,
		"fifo.py":          recovery.NotRegular,
		filepath.Base(dir): recovery.NotRegular,
	}
	for name, class := range want {
		r := m[name]
		if r.Status != result.Failed || r.ErrClass != class || r.Err == "" {
			t.Errorf("%s: status %s class %q err %q, want failed %q", name, r.Status, r.ErrClass, r.Err, class)
		}
	}
	if !strings.Contains(m["boom.py"].Err, "analysis exploded") || !strings.Contains(m["boom.py"].Err, "testAnalyze") {
		t.Errorf("panic record lacks message or stack: %s", m["boom.py"].Err)
	}
	if sum.Files != len(paths) || sum.Analyzed != 20 || sum.Failed != 5 || sum.ErrClasses[recovery.NotRegular] != 2 {
		t.Errorf("summary %+v", sum)
	}
}

// TestPermissionDenied reads a file whose mode is 0. Root ignores permission
// bits, so as root the test runs itself again in a child process whose
// credentials are those of nobody (uid and gid 65534): the file is then
// really unreadable, as it would be for any user.
func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		// The child needs a copy of the test binary it may execute (go
		// test's build directory is 0700) and a temporary directory it may
		// write to; both live in one directory removed at the end.
		dir, err := os.MkdirTemp("", "batch-permission-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		tmp := filepath.Join(dir, "tmp")
		if err := os.Mkdir(tmp, 0o777); err != nil {
			t.Fatal(err)
		}
		if err := errors.Join(os.Chmod(dir, 0o755), os.Chmod(tmp, 0o777)); err != nil { // whatever the umask
			t.Fatal(err)
		}
		exe, err := os.ReadFile(os.Args[0])
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(dir, "batch.test")
		if err := os.WriteFile(bin, exe, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "TMPDIR=") && !strings.HasPrefix(kv, "GOCOVERDIR=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
		cmd.Dir = tmp
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		if err != nil && errors.Is(err, syscall.EPERM) {
			testenv.SkipOrFail(t, "running as root, and cannot start a process as nobody to test permissions: %v", err)
		}
		if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
			t.Fatalf("as nobody (uid 65534): %v\n%s", err, out)
		}
		t.Logf("as nobody (uid 65534):\n%s", out)
		return
	}
	dir := t.TempDir()
	p := write(t, dir, "secret.py", "x = 1\n")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	recs, _, _ := ProcessFiles(t.Context(), []string{p}, Options{Analyze: testAnalyze})
	if recs[0].ErrClass != recovery.Permission {
		t.Fatalf("%+v", recs[0])
	}
}

func TestSkippedFilesPassThrough(t *testing.T) {
	dir := t.TempDir()
	ok := write(t, dir, "a.py", "a = 1\n")
	files := func(yield func(File) bool) {
		_ = yield(File{Path: ok}) &&
			yield(File{Path: filepath.Join(dir, "bin.py"), Size: 5, Skip: "binary"}) &&
			yield(File{Path: filepath.Join(dir, "sub"), Skip: "unreadable_dir", SkipErr: errors.New("permission denied")})
	}
	var admitted []string
	seq, err := Stream(t.Context(), files, Options{Analyze: testAnalyze, Ordered: true,
		Admit: func(_ context.Context, f File) (func(), error) {
			admitted = append(admitted, filepath.Base(f.Path)) // Workers: 1, no race
			return nil, nil
		}, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*result.Record
	for r := range seq {
		recs = append(recs, r)
	}
	if len(recs) != 3 || recs[0].Status != result.Analyzed ||
		recs[1].Status != result.Skipped || recs[1].SkipReason != "binary" || recs[1].Size != 5 ||
		recs[2].SkipReason != "unreadable_dir" || recs[2].Err != "permission denied" {
		t.Fatalf("%+v %+v %+v", recs[0], recs[1], recs[2])
	}
	if fmt.Sprint(admitted) != "[a.py]" {
		t.Fatalf("admitted %v: skipped files must bypass admission", admitted)
	}
}

func TestAdmitErrorFailsTheFileAndReleaseIsCalled(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 10 {
		paths = append(paths, write(t, dir, fmt.Sprintf("f%d.py", i), "pass\n"))
	}
	var held, released atomic.Int64
	recs, sum, err := ProcessFiles(t.Context(), paths, Options{Analyze: testAnalyze, Workers: 2,
		Admit: func(_ context.Context, f File) (func(), error) {
			if strings.HasSuffix(f.Path, "f3.py") {
				return nil, fmt.Errorf("%s: %w", f.Path, os.ErrPermission)
			}
			held.Add(1)
			return func() { released.Add(1) }, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Analyzed != 9 || sum.Failed != 1 || recs[3].ErrClass != recovery.Permission {
		t.Fatalf("summary %+v, rec %+v", sum, recs[3])
	}
	if held.Load() != 9 || released.Load() != 9 {
		t.Fatalf("held %d released %d", held.Load(), released.Load())
	}
}

// Stream on unbounded input: the files analyzed but not yet consumed never
// exceed InFlight, and cancelling ends the stream without failing the files
// that were in flight.
func TestStreamIsBoundedOnUnboundedInputAndStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	p := write(t, dir, "same.py", "x = 1\n")
	forever := func(yield func(File) bool) {
		for {
			if !yield(File{Path: p}) {
				return
			}
		}
	}
	const inFlight, workers = 6, 2
	var analyzed, consumed, peak atomic.Int64
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	seq, err := Stream(ctx, forever, Options{Workers: workers, InFlight: inFlight, Analyze: func(path string, src []byte) *analysis.Report {
		if d := analyzed.Add(1) - consumed.Load(); d > peak.Load() {
			peak.Store(d)
		}
		return testAnalyze(path, src)
	}})
	if err != nil {
		t.Fatal(err)
	}
	for r := range seq {
		if r.Status != result.Analyzed {
			t.Fatalf("after %d records: %+v", consumed.Load(), r)
		}
		if consumed.Add(1) == 2000 {
			cancel()
		}
		if consumed.Load()%100 == 0 && ctx.Err() == nil {
			// A slow consumer: hold this record until both workers have
			// analyzed files past it, so that the pipeline is as full as
			// it gets while the consumer lags.
			for analyzed.Load()-consumed.Load() < workers {
				runtime.Gosched()
			}
		}
	}
	if consumed.Load() < 2000 || ctx.Err() == nil {
		t.Fatalf("consumed %d", consumed.Load())
	}
	if peak.Load() > inFlight {
		t.Fatalf("peak %d files analyzed and not consumed, InFlight %d", peak.Load(), inFlight)
	}
}

func TestCancelledInFlightFilesAreDroppedNotFailed(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 8 {
		paths = append(paths, write(t, dir, fmt.Sprintf("f%d.py", i), "pass\n"))
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// The third file cancels the run and is still being analyzed when the
	// run ends: with a Timeout the executor abandons the call once ctx is
	// done. It finishes when the test returns.
	release := make(chan struct{})
	defer close(release)
	var started atomic.Int64
	recs, sum, err := ProcessFiles(ctx, paths, Options{Workers: 2, Timeout: time.Minute, Analyze: func(path string, src []byte) *analysis.Report {
		if started.Add(1) == 3 {
			cancel()
			<-release
		}
		return testAnalyze(path, src)
	}})
	if !errors.Is(err, context.Canceled) || !sum.Interrupted {
		t.Fatalf("err %v, summary %+v", err, sum)
	}
	for _, r := range recs {
		if r.Status != result.Analyzed {
			t.Fatalf("an interrupted file was reported as %s: %+v", r.Status, r)
		}
	}
	if len(recs) >= len(paths) {
		t.Fatalf("%d records: the run did not stop", len(recs))
	}
}

// Isolated mode with real worker processes: a file that crashes its worker,
// one that hangs it and one that panics the analysis fail alone, with their
// classes; the others get exactly the records in-process mode gives; workers
// are recycled.
func TestIsolatedWorkersCrashHangAndRecycle(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 12 {
		paths = append(paths, write(t, dir, fmt.Sprintf("ok%02d.py", i), strings.Repeat("y = 2\n", i)))
	}
	paths = append(paths,
		write(t, dir, "crash.py", "#CRASH\n"),
		write(t, dir, "hang.py", "#HANG\n"),
		write(t, dir, "panic.py", "#PANIC\n"),
		filepath.Join(dir, "missing.py"),
	)
	var stderr bytes.Buffer
	isoRecs, sum, err := ProcessFiles(t.Context(), paths, Options{
		Isolate: true, WorkerCommand: workerCommand, Workers: 2, RecycleAfter: 3,
		Timeout: 2 * time.Second, WorkerStderr: &lockedWriter{w: &stderr},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := byPath(isoRecs)
	for name, class := range map[string]recovery.Class{"crash.py": recovery.Crash, "hang.py": recovery.Timeout, "panic.py": recovery.Panic, "missing.py": recovery.NotFound} {
		if r := m[name]; r.Status != result.Failed || r.ErrClass != class {
			t.Errorf("%s: %s %q %s", name, r.Status, r.ErrClass, r.Err)
		}
	}
	if !strings.Contains(m["crash.py"].Err, "exit status 9") || !strings.Contains(m["crash.py"].Err, "crashing on") {
		t.Errorf("crash record lacks the exit status and stderr: %s", m["crash.py"].Err)
	}
	if sum.Analyzed != 12 || sum.Failed != 4 {
		t.Errorf("summary %+v", sum)
	}

	// The same good files in-process give identical records.
	inRecs, _, err := ProcessFiles(t.Context(), paths[:12], Options{Analyze: testAnalyze})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range inRecs {
		got := *isoRecs[i]
		w := *want
		got.Duration, w.Duration = 0, 0
		if !got.ModTime.Equal(w.ModTime) {
			t.Fatalf("%s: mtime %v vs %v", w.Path, got.ModTime, w.ModTime)
		}
		got.ModTime, w.ModTime = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("isolated record differs from in-process:\n%+v\n%+v", got, w)
		}
	}
}

// lockedWriter serialises writes from the pool's stderr copiers.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func TestChunks(t *testing.T) {
	recs := func(yield func(*result.Record) bool) {
		for i := range 7 {
			if !yield(&result.Record{Size: int64(i)}) {
				return
			}
		}
	}
	var sizes []int
	for c := range Chunks(recs, 3) {
		sizes = append(sizes, len(c))
	}
	if fmt.Sprint(sizes) != "[3 3 1]" {
		t.Fatal(sizes)
	}
}

func TestOptionsErrors(t *testing.T) {
	if _, err := Stream(t.Context(), nil, Options{}); err != nil {
		t.Fatalf("the zero Options (DefaultAnalyze in process) refused: %v", err)
	}
	if _, err := Stream(t.Context(), nil, Options{Isolate: true}); err == nil {
		t.Fatal("Isolate without WorkerCommand must be refused")
	}
}

func TestProcessDirectoryUsesTheScanner(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "pkg", "__pycache__"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "a.py", "a = 1\n")
	write(t, dir, "pkg/b.py", "b = 2\n")
	write(t, dir, "pkg/notes.txt", "not python\n")
	write(t, dir, "pkg/__pycache__/c.py", "c = 3\n")
	write(t, dir, "pkg/bin.py", "x\x00y")
	write(t, dir, "pkg/huge.py", strings.Repeat("#\n", 600))
	recs, sum, err := ProcessDirectory(t.Context(), dir, "**/*.py", Options{Analyze: testAnalyze, MaxSize: 1000, Ordered: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		rel, _ := filepath.Rel(dir, r.Path)
		got = append(got, fmt.Sprintf("%s:%s%s", rel, r.Status, r.SkipReason))
	}
	want := "[a.py:analyzed pkg/b.py:analyzed pkg/bin.py:skippedbinary pkg/huge.py:skippedtoo_large]"
	if fmt.Sprint(got) != want {
		t.Fatalf("got %v\nwant %s", got, want)
	}
	if sum.Analyzed != 2 || sum.SkipReasons["binary"] != 1 {
		t.Fatalf("summary %+v", sum)
	}
	if _, _, err := ProcessDirectory(t.Context(), filepath.Join(dir, "nope"), "", Options{Analyze: testAnalyze}); err == nil {
		t.Fatal("a missing directory must be an error")
	}
	if _, _, err := ProcessDirectory(t.Context(), dir, "[", Options{Analyze: testAnalyze}); err == nil {
		t.Fatal("a bad pattern must be an error")
	}
}

// Transient failures are retried (a worker that crashed once, then works),
// permanent ones are not, and the record says how many attempts ran.
func TestRetriesTransientFailuresOnly(t *testing.T) {
	dir := t.TempDir()
	once := write(t, dir, "once.py", "#CRASHONCE\n")
	always := write(t, dir, "always.py", "#CRASH\n")
	missing := filepath.Join(dir, "missing.py")
	ok := write(t, dir, "ok.py", "x = 1\n")
	recs, _, err := ProcessFiles(t.Context(), []string{once, always, missing, ok}, Options{
		Isolate: true, WorkerCommand: workerCommand, Workers: 2,
		Retry: recovery.Policy{MaxAttempts: 3, Base: time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		status   result.Status
		class    recovery.Class
		attempts int
	}{{result.Analyzed, "", 2}, {result.Failed, recovery.Crash, 3}, {result.Failed, recovery.NotFound, 1}, {result.Analyzed, "", 1}} {
		r := recs[0]
		recs = recs[1:]
		if r.Status != c.status || r.ErrClass != c.class || r.Attempts != c.attempts {
			t.Errorf("%s: %s %q after %d attempts, want %s %q after %d (%s)", filepath.Base(r.Path), r.Status, r.ErrClass, r.Attempts, c.status, c.class, c.attempts, r.Err)
		}
	}
}

// A File with Data (an archive member, a git blob) is analyzed from its
// bytes, in-process and in a worker process alike, as if read from disk,
// and the size limit applies to it.
func TestFileData(t *testing.T) {
	dir := t.TempDir()
	content := "def f(x):\n    return x\n"
	disk := write(t, dir, "a.py", content)
	files := []File{
		{Source: "src.tar", Path: "pkg/a.py", OSPath: filepath.Join(dir, "absent"), Data: []byte(content)},
		{Source: "src.tar", Path: "pkg/big.py", Data: []byte(strings.Repeat("x = 1\n", 100))},
		{Source: "src.tar", Path: "pkg/panic.py", Data: []byte("#PANIC\n")},
	}
	for _, iso := range []bool{false, true} {
		o := Options{Analyze: testAnalyze, MaxSize: 200, Ordered: true}
		if iso {
			o.Isolate, o.WorkerCommand, o.Workers = true, workerCommand, 1
		}
		var recs []*result.Record
		seq, err := Stream(t.Context(), slices.Values(files), o)
		if err != nil {
			t.Fatal(err)
		}
		for r := range seq {
			recs = append(recs, r)
		}
		if len(recs) != 3 {
			t.Fatalf("isolated=%v: %d records", iso, len(recs))
		}
		fromDisk := ProcessFile(File{Path: "pkg/a.py", OSPath: disk}, 200, testAnalyze)
		if r := recs[0]; r.Status != result.Analyzed || r.Source != "src.tar" || r.Size != int64(len(content)) ||
			!reflect.DeepEqual(r.Report, fromDisk.Report) {
			t.Errorf("isolated=%v: %+v\nwant the report of the same bytes on disk: %+v", iso, r, fromDisk.Report)
		}
		if r := recs[1]; r.Status != result.Failed || r.ErrClass != recovery.TooLarge {
			t.Errorf("isolated=%v: over the limit: %+v", iso, r)
		}
		if r := recs[2]; r.Status != result.Failed || r.ErrClass != recovery.Panic {
			t.Errorf("isolated=%v: panic: %+v", iso, r)
		}
	}
}
