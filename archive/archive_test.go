package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/scan"
	"github.com/ulikunitz/xz"
)

// entry is one member to put in a test archive.
type entry struct {
	name     string
	body     string
	typ      byte // tar type; 0: regular
	linkname string
}

var mtime = time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC)

func tarBytes(t testing.TB, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Typeflag: typ, Linkname: e.linkname, Mode: 0o644, ModTime: mtime, Format: tar.FormatPAX}
		if typ == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zipBytes(t testing.TB, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime}
		switch e.typ {
		case tar.TypeSymlink:
			h.SetMode(os.ModeSymlink | 0o777)
			e.body = e.linkname
		case tar.TypeDir:
			h.SetMode(os.ModeDir | 0o755)
		case tar.TypeFifo:
			h.SetMode(os.ModeNamedPipe | 0o644)
		case tar.TypeChar:
			h.SetMode(os.ModeDevice | os.ModeCharDevice | 0o644)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// compress compresses a tar in format.
func compress(t testing.TB, format Format, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch format {
	case Tar:
		return raw
	case TarGzip:
		zw := gzip.NewWriter(&buf)
		zw.Write(raw)
		zw.Close()
	case TarXz:
		zw, err := xz.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write(raw)
		zw.Close()
	case TarZstd:
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		zw.Write(raw)
		zw.Close()
	case TarBzip2:
		// The standard library reads bzip2 but does not write it.
		bz := testenv.RequireCommand(t, "bzip2")
		cmd := exec.Command(bz, "-c")
		cmd.Stdin = bytes.NewReader(raw)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		return out
	default:
		t.Fatalf("no compressor for %s", format)
	}
	return buf.Bytes()
}

var tarFormats = []Format{Tar, TarGzip, TarBzip2, TarXz, TarZstd}

func build(t testing.TB, format Format, entries []entry) []byte {
	if format == Zip {
		return zipBytes(t, entries)
	}
	return compress(t, format, tarBytes(t, entries))
}

// write puts data in a file named name in a temporary directory.
func write(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// got is a member as the tests compare it.
type got struct {
	Name  string
	Body  string
	Skip  scan.SkipReason
	Class recovery.Class
}

func collect(t testing.TB, path string, opts Options) []got {
	t.Helper()
	var out []got
	for m := range Members(context.Background(), path, opts) {
		g := got{Name: m.Name, Body: string(m.Data), Skip: m.Skip}
		if m.Err != nil {
			g.Class = recovery.Classify(m.Err)
		}
		if m.Skip != "" && m.SkipErr == nil {
			t.Errorf("%q skipped (%s) without saying why", m.Name, m.Skip)
		}
		if m.Data != nil && !m.ModTime.Equal(mtime) {
			t.Errorf("%q: mtime %v, want %v", m.Name, m.ModTime, mtime)
		}
		out = append(out, g)
	}
	return out
}

var suffix = map[Format]string{Tar: ".tar", TarGzip: ".tar.gz", TarBzip2: ".tar.bz2", TarXz: ".tar.xz", TarZstd: ".tar.zst", Zip: ".zip"}

var allFormats = append(slices.Clone(tarFormats), Zip)

func TestFormats(t *testing.T) {
	entries := []entry{
		{name: "pkg/", typ: tar.TypeDir},
		{name: "pkg/__init__.py", body: "x = 1\n"},
		{name: "pkg/mod.py", body: "def f():\n    return 2\n"},
		{name: "pkg/data.txt", body: "not python"},
		{name: "pkg/empty.py", body: ""},
	}
	want := []got{{Name: "pkg/__init__.py", Body: "x = 1\n"}, {Name: "pkg/mod.py", Body: "def f():\n    return 2\n"}, {Name: "pkg/empty.py"}}
	sel := func(n string) bool { return strings.HasSuffix(n, ".py") }
	for _, f := range allFormats {
		t.Run(string(f), func(t *testing.T) {
			data := build(t, f, entries)
			if got := Sniff(data); got != f {
				t.Errorf("Sniff = %q, want %q", got, f)
			}
			// By content: the name says nothing, or says something else.
			for _, name := range []string{"a" + suffix[f], "noname", "wrong.zip"} {
				p := write(t, name, data)
				if f == Zip && name == "wrong.zip" {
					p = write(t, "wrong.tar.gz", data)
				}
				if g := collect(t, p, Options{Select: sel}); !slices.Equal(g, want) {
					t.Errorf("%s: got %+v\nwant %+v", name, g, want)
				}
			}
		})
	}
	t.Run("wheel", func(t *testing.T) {
		p := write(t, "pkg-1.0-py3-none-any.whl", zipBytes(t, entries))
		if NameFormat(p) != Zip {
			t.Errorf("NameFormat(%s) = %q", p, NameFormat(p))
		}
		if g := collect(t, p, Options{Select: sel}); !slices.Equal(g, want) {
			t.Errorf("got %+v", g)
		}
	})
}

func TestNotAnArchive(t *testing.T) {
	for _, body := range []string{"print('hello')\n", "", "\x1f"} {
		p := write(t, "x.tar.gz", []byte(body))
		g := collect(t, p, Options{})
		if len(g) != 1 || g[0].Name != "" || g[0].Class != recovery.CorruptArchive {
			t.Errorf("%q: got %+v, want one corrupt_archive record for the archive", body, g)
		}
	}
	g := collect(t, filepath.Join(t.TempDir(), "missing.zip"), Options{})
	if len(g) != 1 || g[0].Class != recovery.NotFound {
		t.Errorf("missing archive: %+v", g)
	}
}

func TestHostileNames(t *testing.T) {
	names := []string{"../../etc/evil.py", "/abs/olute.py", "nul\x00byte.py", "bad\xff\xfeutf8.py", "a/../../b.py", "./dot/x.py", "C:\\win\\x.py", "dir//double.py"}
	var entries []entry
	for i, n := range names {
		entries = append(entries, entry{name: n, body: fmt.Sprintf("x = %d\n", i)})
	}
	for _, f := range allFormats {
		t.Run(string(f), func(t *testing.T) {
			if f != Zip {
				// NUL cannot be written in a tar header by archive/tar: the
				// reader's handling of a NUL-terminated field is the fuzzer's.
				entries := slices.DeleteFunc(slices.Clone(entries), func(e entry) bool { return strings.Contains(e.name, "\x00") })
				dir := t.TempDir()
				p := write(t, "h"+suffix[f], build(t, f, entries))
				g := collect(t, p, Options{})
				if len(g) != len(entries) {
					t.Fatalf("got %d members, want %d: %+v", len(g), len(entries), g)
				}
				for i, e := range entries {
					if g[i].Name != e.name || g[i].Body != e.body {
						t.Errorf("member %d: %q %q, want %q %q", i, g[i].Name, g[i].Body, e.name, e.body)
					}
				}
				assertNothingWritten(t, dir)
				return
			}
			p := write(t, "h.zip", build(t, f, entries))
			g := collect(t, p, Options{})
			if len(g) != len(entries) {
				t.Fatalf("got %d members, want %d: %+v", len(g), len(entries), g)
			}
			for i, e := range entries {
				if g[i].Name != e.name || g[i].Body != e.body {
					t.Errorf("member %d: %q %q, want %q %q", i, g[i].Name, g[i].Body, e.name, e.body)
				}
			}
		})
	}
}

// assertNothingWritten checks that a directory (where an extraction would
// have written) holds nothing.
func assertNothingWritten(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "h.") {
			t.Errorf("%s appeared in %s", e.Name(), dir)
		}
	}
}

func TestLinksAndDevices(t *testing.T) {
	entries := []entry{
		{name: "a.py", body: "a = 1\n"},
		{name: "sym.py", typ: tar.TypeSymlink, linkname: "a.py"},
		{name: "hard.py", typ: tar.TypeLink, linkname: "a.py"},
		{name: "fifo.py", typ: tar.TypeFifo},
		{name: "dev.py", typ: tar.TypeChar},
		{name: "dir.py/", typ: tar.TypeDir},
		{name: "z.py", body: "z = 2\n"},
	}
	wantTar := []got{{Name: "a.py", Body: "a = 1\n"}, {Name: "sym.py", Skip: scan.SkipSymlink}, {Name: "hard.py", Skip: scan.SkipHardLink},
		{Name: "fifo.py", Skip: scan.SkipNotRegular}, {Name: "dev.py", Skip: scan.SkipNotRegular}, {Name: "z.py", Body: "z = 2\n"}}
	for _, f := range tarFormats {
		p := write(t, "l"+suffix[f], build(t, f, entries))
		if g := collect(t, p, Options{}); !slices.Equal(g, wantTar) {
			t.Errorf("%s: got %+v\nwant %+v", f, g, wantTar)
		}
	}
	// A zip has no hard links.
	zipEntries := slices.DeleteFunc(slices.Clone(entries), func(e entry) bool { return e.typ == tar.TypeLink })
	wantZip := slices.DeleteFunc(slices.Clone(wantTar), func(g got) bool { return g.Skip == scan.SkipHardLink })
	p := write(t, "l.zip", zipBytes(t, zipEntries))
	if g := collect(t, p, Options{}); !slices.Equal(g, wantZip) {
		t.Errorf("zip: got %+v\nwant %+v", g, wantZip)
	}
}

func TestSelectAndKnown(t *testing.T) {
	entries := []entry{{name: "a.py", body: "a\n"}, {name: "b.txt", body: "b"}, {name: "c.py", body: "c\n"}}
	for _, f := range allFormats {
		p := write(t, "s"+suffix[f], build(t, f, entries))
		var asked []string
		g := collect(t, p, Options{
			Select: func(n string) bool { return strings.HasSuffix(n, ".py") },
			Known: func(n string, size int64, mt time.Time) bool {
				asked = append(asked, n)
				if size != 2 || !mt.Equal(mtime) {
					t.Errorf("%s: Known(%q, %d, %v)", f, n, size, mt)
				}
				return n == "a.py"
			},
		})
		if want := []got{{Name: "c.py", Body: "c\n"}}; !slices.Equal(g, want) {
			t.Errorf("%s: got %+v", f, g)
		}
		if !slices.Equal(asked, []string{"a.py", "c.py"}) {
			t.Errorf("%s: Known asked about %q", f, asked)
		}
	}
}

func TestMaxSize(t *testing.T) {
	entries := []entry{{name: "small.py", body: "s = 1\n"}, {name: "big.py", body: strings.Repeat("x = 1\n", 100)}, {name: "after.py", body: "a = 1\n"}}
	want := []got{{Name: "small.py", Body: "s = 1\n"}, {Name: "big.py", Skip: scan.SkipTooLarge}, {Name: "after.py", Body: "a = 1\n"}}
	for _, f := range allFormats {
		p := write(t, "m"+suffix[f], build(t, f, entries))
		if g := collect(t, p, Options{MaxSize: 100}); !slices.Equal(g, want) {
			t.Errorf("%s: got %+v", f, g)
		}
	}
}

// A zip whose directory declares a small size but whose data inflates to
// much more: the bytes really decompressed are what count.
func TestZipLyingSize(t *testing.T) {
	body := strings.Repeat("x = 1\n", 10000)
	data := zipBytes(t, []entry{{name: "bomb.py", body: body}, {name: "ok.py", body: "ok = 1\n"}})
	// Patch the uncompressed size (local header and central directory) to 10.
	lied := bytes.ReplaceAll(data, le32(uint32(len(body))), le32(10))
	p := write(t, "lie.zip", lied)
	// archive/zip stops at the declared size and says the zip is not
	// valid: the member fails as damaged (never more than declared is
	// read), the other is read.
	g := collect(t, p, Options{MaxSize: 1000})
	if len(g) != 2 || g[0].Class != recovery.CorruptArchive || g[1].Body != "ok = 1\n" {
		t.Errorf("got %+v", g)
	}
}

func le32(v uint32) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }

func TestBombTotal(t *testing.T) {
	// 20 MiB of zeros compress to a few tens of KiB in every format.
	zeros := strings.Repeat("\x00", 20<<20)
	entries := []entry{{name: "first.py", body: "f = 1\n"}, {name: "bomb.bin", body: zeros}, {name: "bomb.py", body: zeros}, {name: "last.py", body: "l = 1\n"}}
	for _, f := range allFormats[1:] { // (a plain tar is no bomb)
		t.Run(string(f), func(t *testing.T) {
			if f == TarBzip2 && testing.Short() {
				t.Skip("bzip2 of 40 MiB takes a few seconds")
			}
			data := build(t, f, entries)
			if len(data) > 1<<20 {
				t.Fatalf("the bomb is %d bytes compressed", len(data))
			}
			p := write(t, "bomb"+suffix[f], data)
			// The default limit (1 GiB) lets the 40 MiB through.
			g := collect(t, p, Options{MaxSize: 10 << 20})
			want := []got{{Name: "first.py", Body: "f = 1\n"}, {Name: "bomb.bin", Skip: scan.SkipTooLarge}, {Name: "bomb.py", Skip: scan.SkipTooLarge}, {Name: "last.py", Body: "l = 1\n"}}
			if !slices.Equal(g, want) {
				t.Errorf("default limit: got %+v", g)
			}
			// A limit of 16 MiB stops inside the members passed over.
			g = collect(t, p, Options{MaxTotal: 16 << 20})
			switch f {
			case Zip:
				// Random access: the unread members are not decompressed;
				// each chosen one past the limit is named.
				want = []got{{Name: "first.py", Body: "f = 1\n"}, {Name: "bomb.bin", Skip: scan.SkipArchiveLimit}, {Name: "bomb.py", Skip: scan.SkipArchiveLimit}, {Name: "last.py", Skip: scan.SkipArchiveLimit}}
			default:
				want = []got{{Name: "first.py", Body: "f = 1\n"}, {Name: "bomb.bin", Skip: scan.SkipArchiveLimit}}
			}
			if !slices.Equal(g, want) {
				t.Errorf("16 MiB limit: got %+v\nwant %+v", g, want)
			}
			// Passed over (not chosen), a tar's bomb still counts.
			g = collect(t, p, Options{MaxTotal: 16 << 20, Select: func(n string) bool { return strings.HasSuffix(n, ".py") }})
			if f != Zip {
				want = []got{{Name: "first.py", Body: "f = 1\n"}, {Skip: scan.SkipArchiveLimit}}
			} else {
				want = []got{{Name: "first.py", Body: "f = 1\n"}, {Name: "bomb.py", Skip: scan.SkipArchiveLimit}, {Name: "last.py", Skip: scan.SkipArchiveLimit}}
			}
			if !slices.Equal(g, want) {
				t.Errorf("16 MiB limit, .py only: got %+v\nwant %+v", g, want)
			}
		})
	}
}

// damaged builds an archive of three members and cuts or corrupts it
// inside the third member's data.
func TestTruncatedAndCorrupt(t *testing.T) {
	// 2 MB that compress about 3 times: the first two members are in an
	// earlier compressed block than the damage, in every format.
	var b strings.Builder
	for i := 0; b.Len() < 2<<20; i++ {
		fmt.Fprintf(&b, "v%d = %d\n", i*7919%100003, i*i%1000003)
	}
	third := b.String()
	entries := []entry{{name: "one.py", body: "one = 1\n"}, {name: "two.py", body: "two = 2\n"}, {name: "three.py", body: third}, {name: "four.py", body: "four = 4\n"}}
	keep := []got{{Name: "one.py", Body: "one = 1\n"}, {Name: "two.py", Body: "two = 2\n"}}
	for _, f := range allFormats {
		t.Run(string(f), func(t *testing.T) {
			data := build(t, f, entries)
			// Truncated: cut where the third member's data is (for a zip,
			// a download cut short loses the central directory).
			cut := truncPoint(t, f, data)
			g := collect(t, write(t, "t"+suffix[f], data[:cut]), Options{})
			if len(g) != 3 || !slices.Equal(g[:2], keep) || g[2].Class != recovery.CorruptArchive || g[2].Body != "" {
				t.Errorf("truncated at %d of %d: got %s", cut, len(data), brief(g))
			}
			// Corrupt: flip bytes in the middle of the third member (in
			// a plain tar, which has no checksum of the data, its header).
			bad := slices.Clone(data)
			at := cut
			if f == Tar {
				at = 4*512 + 64
			}
			for i := at - 64; i < at; i++ {
				bad[i] ^= 0x5a
			}
			g = collect(t, write(t, "c"+suffix[f], bad), Options{})
			if len(g) < 3 || !slices.Equal(g[:2], keep) || (g[2].Class != recovery.CorruptArchive && f != TarGzip) {
				t.Errorf("corrupt: got %s", brief(g))
			}
			if f == Tar && (len(g) != 3 || g[2].Name != "") {
				t.Errorf("corrupt tar header: want the two before and one for the archive: %s", brief(g))
			}
			if f == TarGzip {
				// gzip's only check is the CRC-32 of the whole stream, at
				// its end: damage that still inflates is found there, and
				// the failed record comes last.
				if g[len(g)-1].Class != recovery.CorruptArchive {
					t.Errorf("corrupt tar.gz: the last record is not the damage: %s", brief(g))
				}
			} else if f != Zip && len(g) != 3 {
				t.Errorf("corrupt tar: %d records, want the two before the damage and one for the rest: %s", len(g), brief(g))
			}
			if f == Zip && (len(g) != 4 || g[3].Body != "four = 4\n") {
				// A zip's members are independent: the fourth is read.
				t.Errorf("corrupt zip: got %s", brief(g))
			}
		})
	}
}

// truncPoint is an offset inside the third member's compressed data.
func truncPoint(t *testing.T, f Format, data []byte) int {
	if f == Zip {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		off, err := zr.File[2].DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		return int(off) + int(zr.File[2].CompressedSize64)/2
	}
	if f == Tar {
		return 3*512 + 2*512 + 1000 // two members, then the third's header and 1000 bytes of it
	}
	// The compressed stream: three quarters of it are past the first two
	// members' few bytes and inside the third's.
	return len(data) * 3 / 4
}

func brief(g []got) string {
	var b strings.Builder
	for _, m := range g {
		body := m.Body
		if len(body) > 12 {
			body = body[:12] + "..."
		}
		fmt.Fprintf(&b, "\n  {%q %q %s %s}", m.Name, body, m.Skip, m.Class)
	}
	return b.String()
}

func TestGzipChecksumAfterLastMember(t *testing.T) {
	data := build(t, TarGzip, []entry{{name: "a.py", body: "a = 1\n"}})
	data[len(data)-8] ^= 0xff // the CRC-32 of the gzip trailer
	g := collect(t, write(t, "crc.tar.gz", data), Options{})
	if len(g) != 2 || g[0].Body != "a = 1\n" || g[1].Name != "" || g[1].Class != recovery.CorruptArchive {
		t.Errorf("got %s", brief(g))
	}
}

func TestReadProgress(t *testing.T) {
	entries := []entry{{name: "a.py", body: strings.Repeat("a = 1\n", 5000)}, {name: "b.py", body: "b\n"}}
	for _, f := range allFormats {
		data := build(t, f, entries)
		p := write(t, "p"+suffix[f], data)
		var n int64
		collect(t, p, Options{Read: func(k int64) { n += k }})
		// Every byte of a tar's stream; at least the members' data of a zip.
		if f != Zip && n != int64(len(data)) {
			t.Errorf("%s: %d bytes read reported, the archive has %d", f, n, len(data))
		}
		if f == Zip && (n == 0 || n > 2*int64(len(data))) {
			t.Errorf("zip: %d bytes read reported of %d", n, len(data))
		}
	}
}

func TestStopEarly(t *testing.T) {
	entries := []entry{{name: "a.py", body: "a\n"}, {name: "b.py", body: "b\n"}}
	for _, f := range allFormats {
		p := write(t, "e"+suffix[f], build(t, f, entries))
		n := 0
		for range Members(context.Background(), p, Options{}) {
			n++
			break
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for m := range Members(ctx, p, Options{}) {
			t.Errorf("%s: a cancelled read yielded %q", f, m.Name)
		}
	}
}

func TestDetect(t *testing.T) {
	for name, want := range map[string]Format{"a.tar.gz": TarGzip, "A.TGZ": TarGzip, "x.whl": Zip, "y.tar.zst": TarZstd, "z.tbz2": TarBzip2, "w.txz": TarXz, "v.tar": Tar, "u.py": Unknown, ".tar": Unknown, "t.gz": Unknown} {
		if got := NameFormat(name); got != want {
			t.Errorf("NameFormat(%q) = %q, want %q", name, got, want)
		}
	}
	var err error
	if _, err = Detect(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Detect of a missing file: %v", err)
	}
	p := write(t, "x.py", []byte("import os\n"))
	if f, err := Detect(p); f != Unknown || err != nil {
		t.Errorf("Detect(python) = %q, %v", f, err)
	}
}
