package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/internal/storetest"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/result"
)

// Tests in this file run real processes: the test binary re-executes itself
// with STORE_HELPER set, and TestMain, instead of running the tests, does
// the helper's one job (helperMain).

func TestMain(m *testing.M) {
	if mode := os.Getenv("STORE_HELPER"); mode != "" {
		helperMain(mode)
	}
	os.Exit(m.Run())
}

func helperCmd(t *testing.T, mode string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STORE_HELPER="+mode, "STORE_HELPER_ARGS="+strings.Join(args, "\x1f"))
	return cmd
}

// helperMain is the body of the helper processes; it exits.
func helperMain(mode string) {
	args := strings.Split(os.Getenv("STORE_HELPER_ARGS"), "\x1f")
	var err error
	switch mode {
	case "fulldisk-sqlite", "fulldisk-jsonl":
		err = helperFullDisk(mode, args[0])
	case "writer":
		n, _ := strconv.Atoi(args[2])
		err = helperWriter(args[0], args[1], n, args[3] == "wait")
	case "tree":
		killAfter, _ := strconv.Atoi(args[2])
		err = runTree(args[0], args[1], killAfter)
	default:
		err = fmt.Errorf("unknown helper mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "HELPER ERROR:", err)
		os.Exit(3)
	}
	os.Exit(0)
}

// helperFullDisk writes records under a 1 MiB file size limit until the
// output refuses, and prints how many records were committed.
func helperFullDisk(mode, out string) error {
	signal.Ignore(syscall.SIGXFSZ) // the write fails with EFBIG instead of killing us
	lim := syscall.Rlimit{Cur: 1 << 20, Max: 1 << 20}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		return err
	}
	ctx := context.Background()
	committed := 0
	onCommit := func(n int) { committed += n }
	var sink Sink
	if mode == "fulldisk-sqlite" {
		db, err := Open(ctx, out, Options{BatchSize: 16, OnCommit: onCommit})
		if err != nil {
			return err
		}
		defer db.Close()
		run, err := db.BeginRun(ctx, RunInfo{ToolVersion: "v1", Options: nil, OptionsHash: "h"})
		if err != nil {
			return err
		}
		sink = run
	} else {
		s, err := OpenJSONLFile(ctx, out, JSONLFileOptions{JSONLOptions: JSONLOptions{BatchSize: 16, OnCommit: onCommit}, Resume: true, OptionsHash: "h", ToolVersion: "v1"})
		if err != nil {
			return err
		}
		sink = s
	}
	for i := range 100000 {
		if err := sink.Write(ctx, synthRecord("src", i)); err != nil {
			fmt.Printf("COMMITTED %d\nERROR %v\n", committed, err)
			sink.Close()
			return nil
		}
	}
	return errors.New("the size limit never stopped the writes")
}

func TestFullDisk(t *testing.T) {
	for _, mode := range []string{"fulldisk-sqlite", "fulldisk-jsonl"} {
		t.Run(mode, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			b, err := helperCmd(t, mode, out).CombinedOutput()
			if err != nil {
				t.Fatalf("helper: %v\n%s", err, b)
			}
			var committed int
			var msg string
			for l := range strings.Lines(string(b)) {
				if v, ok := strings.CutPrefix(l, "COMMITTED "); ok {
					committed, _ = strconv.Atoi(strings.TrimSpace(v))
				}
				if v, ok := strings.CutPrefix(l, "ERROR "); ok {
					msg = v
				}
			}
			t.Logf("committed %d records before: %s", committed, msg)
			if committed == 0 || msg == "" {
				t.Fatalf("helper output:\n%s", b)
			}
			ctx := context.Background()
			if mode == "fulldisk-sqlite" {
				if !strings.Contains(msg, "file size limit") {
					t.Fatalf("the error does not say what happened: %s", msg)
				}
				// The database opens, is intact, holds exactly the committed
				// records, and a resumed run completes the work.
				db := openTest(t, out, Options{})
				var check string
				db.SQL().QueryRow("PRAGMA integrity_check").Scan(&check)
				if check != "ok" {
					t.Fatalf("integrity_check: %s", check)
				}
				known, err := db.Known(ctx, "src")
				if err != nil {
					t.Fatal(err)
				}
				if len(known) != committed {
					t.Fatalf("%d records in the database, %d were reported committed", len(known), committed)
				}
				run := beginTest(t, db, "h")
				in, err := run.Resume(ctx, "src")
				if err != nil {
					t.Fatal(err)
				}
				for i := range committed + 50 {
					r := synthRecord("src", i)
					if skip, err := in.Skip(ctx, r.Path, r.Size, r.ModTime); err != nil || skip {
						if _, ok := known[r.Path]; !ok || err != nil {
							t.Fatalf("%s skipped but not held (%v)", r.Path, err)
						}
						continue
					}
					if err := run.Write(ctx, r); err != nil {
						t.Fatal(err)
					}
				}
				if err := run.Finish(ctx, Completed, nil); err != nil {
					t.Fatal(err)
				}
				if n := count(t, db, "SELECT count(*) FROM files"); n != committed+50 {
					t.Fatalf("%d files after resume, want %d", n, committed+50)
				}
				return
			}
			if !strings.Contains(msg, "file too large") {
				t.Fatalf("the error does not say what happened: %s", msg)
			}
			s, err := OpenJSONLFile(ctx, out, JSONLFileOptions{Resume: true, OptionsHash: "h", ToolVersion: "v1"})
			if err != nil {
				t.Fatal(err)
			}
			if s.Committed() != int64(committed) {
				t.Fatalf("checkpoint says %d, helper committed %d", s.Committed(), committed)
			}
			s.Close()
			if recs := readLines(t, out); len(recs) != committed {
				t.Fatalf("%d whole lines, want %d", len(recs), committed)
			}
		})
	}
}

// helperWriter writes n records of its own source to db.
func helperWriter(db, source string, n int, wait bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := Open(ctx, db, Options{BatchSize: 50, Wait: wait})
	if err != nil {
		return err
	}
	defer d.Close()
	run, err := d.BeginRun(ctx, RunInfo{ToolVersion: "v1", OptionsHash: "h"})
	if err != nil {
		return err
	}
	for i := range n {
		if err := run.Write(ctx, synthRecord(source, i)); err != nil {
			return err
		}
	}
	return run.Finish(ctx, Completed, nil)
}

func TestTwoConcurrentWriterProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	// Both wait for the lock: they take turns, and both finish.
	var wg sync.WaitGroup
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			outs[i], errs[i] = helperCmd(t, "writer", path, fmt.Sprintf("src%d", i), "400", "wait").CombinedOutput()
		})
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("writer %d: %v\n%s", i, errs[i], outs[i])
		}
	}
	db := openTest(t, path, Options{ReadOnly: true})
	var check string
	db.SQL().QueryRow("PRAGMA integrity_check").Scan(&check)
	if check != "ok" {
		t.Fatal(check)
	}
	for i := range 2 {
		if n := count(t, db, "SELECT count(*) FROM file_results WHERE source = ?", fmt.Sprintf("src%d", i)); n != 400 {
			t.Fatalf("src%d has %d files, want 400", i, n)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM runs WHERE outcome = 'completed'"); n != 2 {
		t.Fatalf("%d completed runs", n)
	}

	// A second writer that does not wait is refused with a clear message
	// while the first holds the database.
	holder := openTest(t, path, Options{})
	out, err := helperCmd(t, "writer", path, "src9", "10", "refuse").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "p.db is in use by another pybatch run (pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("refusing writer: %v\n%s", err, out)
	}
	holder.Close()
}

// fakeAnalyze makes a report from real bytes: the hash, the line count, and
// a definition per "def " line. Deterministic, so two runs agree.
func fakeAnalyze(path string, src []byte) *analysis.Report {
	sum := sha256.Sum256(src)
	rep := &analysis.Report{SchemaVersion: 1, Path: path, Size: int64(len(src)), SHA256: hex.EncodeToString(sum[:]), Encoding: "utf-8",
		Lines: analysis.LineMetrics{LOC: bytes.Count(src, []byte("\n"))}}
	for i, l := range bytes.Split(src, []byte("\n")) {
		if name, ok := bytes.CutPrefix(l, []byte("def ")); ok {
			n := string(bytes.TrimSuffix(name, []byte("():")))
			rep.Definitions = append(rep.Definitions, analysis.Definition{QualName: n, Name: n, Kind: "function", Line: i + 1, EndLine: i + 2, Complexity: 1, Rank: "A"})
		}
		if mod, ok := bytes.CutPrefix(l, []byte("import ")); ok {
			rep.Imports = append(rep.Imports, analysis.Import{Module: string(mod), Names: []analysis.ImportName{{Name: string(mod)}}, Line: i + 1, Where: "module"})
		}
	}
	return rep
}

// runTree is what pybatch analyze does with the store, in miniature: walk
// root in order, skip what Known says is unchanged, touch what only changed
// mtime, analyze the rest, mark deleted files gone. With killAfter > 0 the
// process kills itself with SIGKILL after that many records were queued
// (most of them committed, the last batch not).
func runTree(dbPath, root string, killAfter int) error {
	ctx := context.Background()
	// (bulkRowsAt: the first runs write without the index by content, as
	// a large first run does, and some are killed before they build it)
	db, err := Open(ctx, dbPath, Options{BatchSize: 7, Wait: true, bulkRowsAt: 8})
	if err != nil {
		return err
	}
	defer db.Close()
	run, err := db.BeginRun(ctx, RunInfo{ToolVersion: "v1", Options: map[string]string{"k": "v"}, OptionsHash: "h"})
	if err != nil {
		return err
	}
	known, err := db.Known(ctx, "tree")
	if err != nil {
		return err
	}
	in, err := run.Resume(ctx, "tree")
	if err != nil {
		return err
	}
	written := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		st, ok := known[rel]
		if in != nil {
			if skip, err := in.Skip(ctx, rel, info.Size(), info.ModTime()); skip || err != nil {
				return err
			}
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rep := fakeAnalyze(rel, src)
		if ok && st.SameContent(info.Size(), rep.SHA256, "h", "v1") {
			return run.Touch(ctx, "tree", rel, info.Size(), info.ModTime())
		}
		rec := &result.Record{Source: "tree", Path: rel, Size: info.Size(), ModTime: info.ModTime(), Status: result.Analyzed, Attempts: 1, Report: rep}
		if err := run.Write(ctx, rec); err != nil {
			return err
		}
		written++
		fmt.Println("WROTE", rel)
		if written == killAfter {
			// A SIGKILL sent to oneself ends the process before kill(2)
			// returns: nothing after it runs.
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := run.MarkGone(ctx, "tree", ""); err != nil {
		return err
	}
	return run.Finish(ctx, Completed, map[string]int{"written": written})
}

func makeTree(t *testing.T, n int) string {
	t.Helper()
	root := t.TempDir()
	for i := range n {
		dir := filepath.Join(root, fmt.Sprintf("pkg%d", i%7))
		os.MkdirAll(dir, 0o755)
		var b strings.Builder
		fmt.Fprintf(&b, "import mod%d\n", i%5)
		for j := range i % 9 {
			fmt.Fprintf(&b, "def f%d_%d():\n    return %d\n", i, j, j)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("m%03d.py", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func runTreeProcess(t *testing.T, db, root string, killAfter int) (wrote []string, killed bool) {
	t.Helper()
	out, err := helperCmd(t, "tree", db, root, strconv.Itoa(killAfter)).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ProcessState.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL {
		killed = true
	} else if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	for l := range strings.Lines(string(out)) {
		if p, ok := strings.CutPrefix(strings.TrimSpace(l), "WROTE "); ok {
			wrote = append(wrote, p)
		}
	}
	return wrote, killed
}

func TestResumeAfterKillWithRealFiles(t *testing.T) {
	root := makeTree(t, 120)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.db")
	if _, killed := runTreeProcess(t, ref, root, 0); killed {
		t.Fatal("the reference run was killed")
	}
	want := storetest.DumpDB(t, ref)

	path := filepath.Join(dir, "killed.db")
	rng := rand.New(rand.NewPCG(testenv.SeedOr(t, 1), 2)) // where each run kills itself: the same every run unless PYBATCH_SEED says otherwise
	total, unindexed := 0, 0
	for kills := 0; kills < 8; kills++ {
		wrote, killed := runTreeProcess(t, path, root, 1+rng.IntN(30))
		if !killed {
			t.Fatalf("run %d was not killed", kills)
		}
		total += len(wrote)
		db := openTest(t, path, Options{ReadOnly: true})
		if !hasContentIndex(t, db) {
			unindexed++
		}
		db.Close()
	}
	t.Logf("%d of 8 killed runs left the files without their index by content", unindexed)
	wrote, killed := runTreeProcess(t, path, root, 0)
	if killed {
		t.Fatal("the final run was killed")
	}
	total += len(wrote)
	if got := storetest.DumpDB(t, path); got != want {
		t.Fatalf("the resumed database differs from the uninterrupted one:\n%s", storetest.Diff(got, want))
	}
	// Every kill lost at most its uncommitted batches (one committing in the
	// background, one filling): the work repeated is bounded by twice the
	// batch size (7) per kill.
	if total > 120+8*2*7 {
		t.Fatalf("%d analyzes for 120 files after 8 kills: resume repeats too much", total)
	}
	db := openTest(t, path, Options{ReadOnly: true})
	if n := count(t, db, "SELECT count(*) FROM runs WHERE outcome = 'crashed'"); n != 8 {
		t.Fatalf("%d runs marked crashed, want 8", n)
	}
	if !hasContentIndex(t, db) {
		t.Fatal("the resumed database has no index by content")
	}
	db.Close()

	// An unchanged tree: nothing is analyzed again.
	if wrote, _ := runTreeProcess(t, path, root, 0); len(wrote) != 0 {
		t.Fatalf("an unchanged tree re-analyzed %d files", len(wrote))
	}
	// Change one file's content, touch another's mtime, delete a third.
	changed := filepath.Join(root, "pkg0", "m007.py")
	os.WriteFile(changed, []byte("def new():\n    pass\n"), 0o644)
	touched := filepath.Join(root, "pkg1", "m008.py")
	later := time.Now().Add(time.Hour)
	os.Chtimes(touched, later, later)
	os.Remove(filepath.Join(root, "pkg2", "m009.py"))
	wrote, _ = runTreeProcess(t, path, root, 0)
	sort.Strings(wrote)
	if strings.Join(wrote, ",") != filepath.Join("pkg0", "m007.py") {
		t.Fatalf("after one content change, re-analyzed %v", wrote)
	}
	db = openTest(t, path, Options{ReadOnly: true})
	known, _ := db.Known(context.Background(), "tree")
	if st := known[filepath.Join("pkg1", "m008.py")]; st.MtimeNs != later.UnixNano() || st.Status != result.Analyzed {
		t.Fatalf("touched file: %+v", st)
	}
	if st := known[filepath.Join("pkg2", "m009.py")]; st.Status != Gone {
		t.Fatalf("deleted file: %+v", st)
	}
	if rec, _ := db.Record(context.Background(), "tree", filepath.Join("pkg0", "m007.py")); len(rec.Report.Definitions) != 1 || rec.Report.Definitions[0].Name != "new" {
		t.Fatalf("changed file: %+v", rec.Report)
	}
}
