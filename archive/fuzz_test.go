package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/recovery"
)

// The fuzz targets feed arbitrary bytes to each reader, as a hostile
// archive would, and check what must hold whatever the input: no panic, no
// member read past the limits, a reason for every skip, and for a tar at
// most one damage record, the last one. Run one with e.g.
//
//	go test ./archive -run '^$' -fuzz '^FuzzTarGzip$' -fuzztime 3m
//
// Seeds are built here from small archives of every shape (links, hostile
// names, truncations) and kept in testdata/fuzz (the bzip2 ones, which
// the standard library cannot write, and what the fuzzer found).

const (
	fuzzMaxSize  = 64 << 10
	fuzzMaxTotal = 1 << 20
)

func fuzzSeeds(f *testing.F, format Format) {
	sets := [][]entry{
		{{name: "a.py", body: "x = 1\n"}},
		{{name: "pkg/", typ: tar.TypeDir}, {name: "pkg/m.py", body: "def f():\n    pass\n"}, {name: "pkg/l.py", typ: tar.TypeSymlink, linkname: "m.py"}},
		{{name: "../up.py", body: "u\n"}, {name: "/abs.py", body: "a\n"}, {name: "bad\xffname.py", body: "b\n"}},
		{{name: "big.py", body: strings.Repeat("y = 2\n", 2000)}, {name: "h.py", typ: tar.TypeLink, linkname: "big.py"}},
	}
	for _, es := range sets {
		if format == TarBzip2 {
			continue // (from testdata/fuzz/FuzzTarBzip2)
		}
		if format == Zip {
			es = noHardLinks(es)
		}
		data := build(f, format, es)
		f.Add(data)
		f.Add(data[:len(data)/2])
		f.Add(data[:len(data)-1])
	}
	f.Add([]byte{})
}

func noHardLinks(es []entry) []entry {
	var out []entry
	for _, e := range es {
		if e.typ != tar.TypeLink {
			out = append(out, e)
		}
	}
	return out
}

// check reads data as format and checks the invariants.
func check(t *testing.T, data []byte, format Format) {
	ctx := context.Background()
	n, damaged := 0, false
	var total int64
	for m := range Read(ctx, bytes.NewReader(data), int64(len(data)), format, "fuzz", Options{MaxSize: fuzzMaxSize, MaxTotal: fuzzMaxTotal}) {
		n++
		if damaged && format != Zip {
			t.Fatalf("a member (%q) after the damage record", m.Name)
		}
		if m.Err != nil {
			var ce *recovery.CorruptArchiveError
			if !errors.As(m.Err, &ce) {
				t.Fatalf("member %q: an error that is not a CorruptArchiveError: %v", m.Name, m.Err)
			}
			if m.Data != nil || m.Skip != "" {
				t.Fatalf("member %q: both an error and data or a skip", m.Name)
			}
			damaged = true
			continue
		}
		if m.Skip != "" && (m.SkipErr == nil || m.Data != nil) {
			t.Fatalf("member %q: skip %s without a reason, or with data", m.Name, m.Skip)
		}
		if len(m.Data) > fuzzMaxSize {
			t.Fatalf("member %q: %d bytes read, over the member limit", m.Name, len(m.Data))
		}
		total += int64(len(m.Data))
		if total > fuzzMaxTotal {
			t.Fatalf("%d bytes of members read, over the archive's limit", total)
		}
		if n > len(data)+1 {
			t.Fatalf("more members than bytes")
		}
	}
}

func FuzzTar(f *testing.F) {
	fuzzSeeds(f, Tar)
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b, Tar) })
}
func FuzzTarGzip(f *testing.F) {
	fuzzSeeds(f, TarGzip)
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b, TarGzip) })
}
func FuzzTarBzip2(f *testing.F) {
	fuzzSeeds(f, TarBzip2)
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b, TarBzip2) })
}
func FuzzTarXz(f *testing.F) {
	fuzzSeeds(f, TarXz)
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b, TarXz) })
}
func FuzzTarZstd(f *testing.F) {
	fuzzSeeds(f, TarZstd)
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b, TarZstd) })
}
func FuzzZip(f *testing.F) {
	fuzzSeeds(f, Zip)
	f.Fuzz(func(t *testing.T, b []byte) { check(t, b, Zip) })
}

// FuzzZipLocal reads zips by their local headers only (as a zip whose
// central directory is lost is read).
func FuzzZipLocal(f *testing.F) {
	fuzzSeeds(f, Zip)
	f.Fuzz(func(t *testing.T, b []byte) {
		rd := &reader{name: "fuzz", opts: Options{MaxSize: fuzzMaxSize, MaxTotal: fuzzMaxTotal}}
		var total int64
		damaged := false
		readLocal(context.Background(), rd, bytes.NewReader(b), errors.New("no directory"), func(m Member) bool {
			if damaged {
				t.Fatalf("a member (%q) after the damage record", m.Name)
			}
			damaged = m.Err != nil || m.Skip == "archive_limit"
			if len(m.Data) > fuzzMaxSize {
				t.Fatalf("member %q: %d bytes read", m.Name, len(m.Data))
			}
			total += int64(len(m.Data))
			if total > fuzzMaxTotal {
				t.Fatalf("%d bytes read in all", total)
			}
			return true
		})
	})
}

// TestFuzzSeedsBzip2 keeps the bzip2 seeds of testdata/fuzz in step with
// the builders (it writes them when missing; bzip2 must be installed then).
func TestFuzzSeedsBzip2(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzTarBzip2")
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		return
	}
	if os.Getenv("PYBATCH_WRITE_SEEDS") == "" {
		t.Skip("no bzip2 seeds; PYBATCH_WRITE_SEEDS=1 writes them")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, es := range [][]entry{
		{{name: "a.py", body: "x = 1\n"}},
		{{name: "pkg/m.py", body: "def f():\n    pass\n"}, {name: "pkg/l.py", typ: tar.TypeSymlink, linkname: "m.py"}, {name: "../up.py", body: "u\n"}},
	} {
		data := build(t, TarBzip2, es)
		for j, d := range [][]byte{data, data[:len(data)/2]} {
			var b strings.Builder
			b.WriteString("go test fuzz v1\n[]byte(")
			b.WriteString(quoteBytes(d))
			b.WriteString(")\n")
			if err := os.WriteFile(filepath.Join(dir, "seed"+string(rune('a'+2*i+j))), []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func quoteBytes(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			const hex = "0123456789abcdef"
			s.WriteString("\\x")
			s.WriteByte(hex[c>>4])
			s.WriteByte(hex[c&15])
		}
	}
	s.WriteByte('"')
	return s.String()
}
