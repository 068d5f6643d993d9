package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/result"
)

func TestLineRoundTrip(t *testing.T) {
	for _, r := range []*result.Record{
		synthRecord("src", 3),
		{Source: "s", Path: "a/b.py", Status: result.Skipped, SkipReason: "binary"},
		{Source: "s", Path: "c.py", Size: 5, Status: result.Failed, ErrClass: "permission", Err: "open c.py: permission denied", Attempts: 3},
	} {
		b, err := AppendLine(nil, r)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Count(b, []byte("\n")) != 1 || b[len(b)-1] != '\n' {
			t.Fatalf("not exactly one line: %q", b)
		}
		back, err := DecodeLine(b)
		if err != nil {
			t.Fatal(err)
		}
		if !back.ModTime.Equal(r.ModTime) {
			t.Fatalf("mtime %v != %v", back.ModTime, r.ModTime)
		}
		back.ModTime = r.ModTime
		if !reflect.DeepEqual(back, r) {
			t.Fatalf("round trip changed the record:\n%+v\n%+v", back, r)
		}
	}
	if _, err := DecodeLine([]byte(`{"path": "x.py", "size": "big"}`)); err == nil {
		t.Fatal("a malformed line decoded")
	}
}

func readLines(t *testing.T, path string) []*result.Record {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("%s ends with a partial line", path)
	}
	var out []*result.Record
	for l := range bytes.Lines(b) {
		r, err := DecodeLine(l)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestJSONLStreamWritesWholeLinesPerBatch(t *testing.T) {
	var buf bytes.Buffer
	commits := 0
	w := &countingWriter{w: &buf}
	s := NewJSONL(w, JSONLOptions{BatchSize: 3, OnCommit: func(n int) { commits += n }})
	ctx := context.Background()
	for i := range 7 {
		if err := s.Write(ctx, synthRecord("s", i)); err != nil {
			t.Fatal(err)
		}
	}
	if w.writes != 2 || commits != 6 {
		t.Fatalf("after 7 records with batch 3: %d writes, %d committed; want 2 and 6", w.writes, commits)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if commits != 7 || strings.Count(buf.String(), "\n") != 7 {
		t.Fatalf("after Close: %d committed, %d lines", commits, strings.Count(buf.String(), "\n"))
	}
}

type countingWriter struct {
	w      *bytes.Buffer
	writes int
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes++
	if p[len(p)-1] != '\n' {
		return 0, errors.New("a write that does not end a line")
	}
	return c.w.Write(p)
}

func TestJSONLFileResumeCutsBackToCheckpoint(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	opts := JSONLFileOptions{JSONLOptions: JSONLOptions{BatchSize: 4}, Resume: true, OptionsHash: "h1", ToolVersion: "v1"}
	s, err := OpenJSONLFile(ctx, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 { // 8 committed, 2 held in memory
		if err := s.Write(ctx, synthRecord("s", i)); err != nil {
			t.Fatal(err)
		}
	}
	// Simulate a crash: the held records are lost, and a partial line (the
	// start of a commit that died mid-write) is left in the file. Release the
	// lock as the kernel would for a dead process.
	s.lock.release()
	s.f.Close()
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	line, _ := AppendLine(nil, synthRecord("s", 8))
	f.Write(line)
	f.Write(line[:len(line)/2])
	f.Close()

	s, err = OpenJSONLFile(ctx, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	known, err := s.Known("s")
	if err != nil {
		t.Fatal(err)
	}
	if len(known) != 8 || s.Committed() != 8 {
		t.Fatalf("resume found %d known records, %d committed; want 8", len(known), s.Committed())
	}
	if st, ok := known["pkg7/mod7.py"]; !ok || st.SHA256 != synthRecord("s", 7).Report.SHA256 || st.OptionsHash != "h1" {
		t.Fatalf("known entry of the 8th record: %+v", st)
	}
	for i := 8; i < 12; i++ {
		if err := s.Write(ctx, synthRecord("s", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	recs := readLines(t, out)
	if len(recs) != 12 {
		t.Fatalf("%d records after resume, want 12", len(recs))
	}
	for i, r := range recs {
		if want := synthRecord("s", i).Path; r.Path != want {
			t.Fatalf("record %d is %s, want %s", i, r.Path, want)
		}
	}

	// A resume under other options is refused; a fresh run replaces.
	if _, err := OpenJSONLFile(ctx, out, JSONLFileOptions{Resume: true, OptionsHash: "h2", ToolVersion: "v1"}); err == nil || !strings.Contains(err.Error(), "cannot resume") {
		t.Fatalf("resume with other options: %v", err)
	}
	s, err = OpenJSONLFile(ctx, out, JSONLFileOptions{OptionsHash: "h2", ToolVersion: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	s.Write(ctx, synthRecord("s", 100))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if recs := readLines(t, out); len(recs) != 1 {
		t.Fatalf("a fresh run kept %d records, want 1", len(recs))
	}
}

func TestJSONLFileResumeWithoutCheckpointRefuses(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.jsonl")
	os.WriteFile(out, []byte("{\"path\":\"a.py\"}\n"), 0o644)
	_, err := OpenJSONLFile(context.Background(), out, JSONLFileOptions{Resume: true})
	if err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(out); len(b) == 0 {
		t.Fatal("the refused output was truncated")
	}
}

func TestJSONLFileLockRefusesSecondWriter(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out.jsonl")
	a, err := OpenJSONLFile(ctx, out, JSONLFileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenJSONLFile(ctx, out, JSONLFileOptions{Resume: true})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "in use by another pybatch run (pid") {
		t.Fatalf("second writer: %v", err)
	}
	a.Close()
	b, err := OpenJSONLFile(ctx, out, JSONLFileOptions{Resume: true})
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	b.Close()
}

// A completed run removes its checkpoint; a resumed run over such a
// complete output replaces it, and no lock file stays.
func TestJSONLFileCompleteRemovesCheckpoint(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out.jsonl")
	opts := JSONLFileOptions{Resume: true, OptionsHash: "h", ToolVersion: "v"}
	for run := range 2 {
		s, err := OpenJSONLFile(ctx, out, opts)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		for i := range 3 {
			s.Write(ctx, synthRecord("s", i))
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := CompleteJSONLFile(ctx, out); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{CheckpointPath(out), LockPath(out)} {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Fatalf("run %d left %s", run, p)
			}
		}
		if recs := readLines(t, out); len(recs) != 3 {
			t.Fatalf("run %d: %d records, want 3", run, len(recs))
		}
	}
}
