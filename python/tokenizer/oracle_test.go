package tokenizer

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/token"
)

// The oracle is CPython 3.14 itself, run as the npm package pyodide under
// Node.js (internal/oracle): its _tokenize.TokenizerIter is the C tokenizer
// the parser uses. One node process tokenizes a whole corpus and writes one
// line per token to a temp file; the comparison happens here, in Go.

// The Python side: decode each file as CPython does (PEP 263, BOM, newline
// translation), tokenize it, and print per token
// "type startline startcol endline endcol nchars" with columns converted
// to UTF-8 bytes; "E class line col msg" for a syntax error. Files not in
// UTF-8 get their decoded source written next to the output for Go to read.
// The host's / is mounted at /mnt; argv: list file, corpus dir, output dir,
// "extra" or "parser".
const oraclePy = `
import io, sys, tokenize
from _tokenize import TokenizerIter
listf, root, outdir, EXTRA = sys.argv[1], '/mnt' + sys.argv[2], '/mnt' + sys.argv[3], sys.argv[4] == 'extra'
names = open('/mnt' + listf, encoding='utf-8').read().split('\n')
out = sys.stdout
w = out.write
for i, rel in enumerate(names):
    raw = open(root + '/' + rel, 'rb').read()
    try:
        enc, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        src = raw.decode(enc)
    except Exception as e:
        # Undecodable per PEP 263 (python/source's business); still compare
        # the tokens when the bytes are UTF-8.
        try:
            enc, src = 'utf-8', raw.decode('utf-8')
        except Exception:
            w(f"F {i} D\n")
            continue
    if src.startswith('\ufeff'):
        src = src[1:]
    src = src.replace('\r\n', '\n').replace('\r', '\n')
    kind = 'U'
    if enc not in ('utf-8', 'utf-8-sig'):
        kind = 'S'
        with open(f'{outdir}/src{i}.py', 'w', encoding='utf-8', errors='surrogatepass') as f:
            f.write(src)
    w(f"F {i} {kind}\n")
    lines = src.split('\n')
    def bcol(l, c):
        if c <= 0 or l < 1 or l > len(lines):
            return c
        s = lines[l-1]
        if s.isascii():
            return c
        # Columns past the text are on the line's "\n" (or the implicit one).
        return len(s[:c].encode('utf-8', 'surrogatepass')) + max(0, c - len(s))
    try:
        for t in TokenizerIter(io.StringIO(src).readline, extra_tokens=EXTRA):
            typ, s, (sl, sc), (el, ec) = t[0], t[1], t[2], t[3]
            w(f"{typ} {sl} {bcol(sl, sc)} {el} {bcol(el, ec)} {len(s)}\n")
    except SyntaxError as e:
        ln = e.lineno or 0
        off = e.offset or 0
        w(f"E {type(e).__name__} {ln} {bcol(ln, off-1)} {e.msg}\n".replace('\r', ' '))
    except Exception as e:
        w(f"X {type(e).__name__} {e}".replace('\r', ' ').replace('\n', ' ') + "\n")
`

type oracleTok struct {
	kind           int
	sl, sc, el, ec int32
	n              int
}

type oracleFile struct {
	kind   byte // 'U' utf-8, 'S' decoded source written, 'D' undecodable
	toks   []oracleTok
	err    string // "class|line|col|msg"
	errCls string
	errMsg string
	errPos token.Pos
	other  string
}

// runOracle tokenizes files (relative to dir) with CPython and parses its output.
// runOracle tokenizes files (relative to dir) with CPython and parses its
// output. The output is cached under oracle.DefaultCacheDir(), keyed by the
// pyodide version, the script, the mode and every file's path and content,
// so a rerun over an unchanged corpus only runs the Go side.
func runOracle(t *testing.T, env oracle.Env, dir string, files []string, extra bool) ([]oracleFile, string) {
	t.Helper()
	mode := "parser"
	if extra {
		mode = "extra"
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", env.PyodideVers, oraclePy, mode)
	for _, rel := range files {
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s %x\n", rel, sha256.Sum256(b))
	}
	out := filepath.Join(oracle.DefaultCacheDir(), "tokenizer", hex.EncodeToString(h.Sum(nil))[:24])
	result := filepath.Join(out, "oracle.txt")
	if _, err := os.Stat(result); err != nil {
		tmp := out + fmt.Sprintf(".tmp%d", os.Getpid())
		os.RemoveAll(tmp)
		if err := os.MkdirAll(tmp, 0o755); err != nil {
			t.Fatal(err)
		}
		list := filepath.Join(tmp, "list.txt")
		if err := os.WriteFile(list, []byte(strings.Join(files, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(tmp, "oracle.txt"))
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		runErr := env.RunTo(context.Background(), bw, "/", oraclePy, list, dir, tmp, mode)
		if err := bw.Flush(); err != nil && runErr == nil {
			runErr = err
		}
		if err := f.Close(); err != nil && runErr == nil {
			runErr = err
		}
		if runErr != nil {
			os.RemoveAll(tmp)
			t.Fatal(runErr)
		}
		os.RemoveAll(out)
		if err := os.Rename(tmp, out); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Logf("CPython's tokens from the cache %s", out)
	}
	f, err := os.Open(result)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := make([]oracleFile, len(files))
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	cur := -1
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "F "):
			fs := strings.Fields(line)
			cur, _ = strconv.Atoi(fs[1])
			res[cur].kind = fs[2][0]
		case strings.HasPrefix(line, "E "):
			fs := strings.SplitN(line, " ", 5)
			l, _ := strconv.Atoi(fs[2])
			c, _ := strconv.Atoi(fs[3])
			res[cur].errCls, res[cur].errMsg = fs[1], fs[4]
			res[cur].errPos = token.Pos{Line: int32(l), Col: int32(c)}
			res[cur].err = line
		case strings.HasPrefix(line, "X "):
			res[cur].other = line
		default:
			var o oracleTok
			fs := strings.Fields(line)
			if len(fs) != 6 {
				t.Fatalf("bad oracle line %q", line)
			}
			o.kind, _ = strconv.Atoi(fs[0])
			v := make([]int, 5)
			for i := 1; i < 6; i++ {
				v[i-1], _ = strconv.Atoi(fs[i])
			}
			o.sl, o.sc, o.el, o.ec, o.n = int32(v[0]), int32(v[1]), int32(v[2]), int32(v[3]), v[4]
			res[cur].toks = append(res[cur].toks, o)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return res, out
}

// decodeUTF8 is what CPython does to a UTF-8 file before tokenizing: drop a
// BOM and translate "\r\n" and "\r" to "\n".
func decodeUTF8(raw []byte) []byte {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(raw, '\r') < 0 {
		return raw
	}
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(raw, []byte("\r"), []byte("\n"))
}

// tokenizerLevelEOF lists the messages TokenizerIter gives for errors that
// CPython's parser words differently; this tokenizer uses the parser's.
var parserWording = map[string][]string{
	"unexpected EOF in multi-line statement": {"was never closed", "unexpected EOF while parsing"},
}

// compareFile compares our stream for src with the oracle's, returning ""
// when they agree, else a description of the first difference. msgDiff is
// set when both fail but with different messages or positions.
func compareFile(src []byte, o *oracleFile, extra bool) (diff, msgDiff string) {
	tz := New(src, Options{Comments: extra})
	var err error
	i := 0
	for ; ; i++ {
		var tok token.Token
		tok, err = tz.Next()
		if err != nil {
			break
		}
		if len(src) == 0 && len(o.toks) == 0 && tok.Kind == token.ENDMARKER {
			return "", "" // TokenizerIter yields nothing at all for empty input
		}
		if i >= len(o.toks) {
			if o.err != "" {
				return fmt.Sprintf("token %d: we give %v %v-%v %q, CPython fails: %s", i, tok.Kind, tok.Start, tok.End, tok.Text(src), o.err), ""
			}
			return fmt.Sprintf("token %d: extra token %v %v-%v", i, tok.Kind, tok.Start, tok.End), ""
		}
		ot := o.toks[i]
		kind := tok.Kind
		if extra && kind.IsOperator() {
			kind = token.OP
		}
		n := utf8.RuneCount(tok.Text(src))
		if int(kind) != ot.kind || tok.Start != (token.Pos{Line: ot.sl, Col: ot.sc}) || tok.End != (token.Pos{Line: ot.el, Col: ot.ec}) || n != ot.n {
			return fmt.Sprintf("token %d: got %v %v-%v %q (%d chars), CPython %v %d:%d-%d:%d (%d chars)",
				i, tok.Kind, tok.Start, tok.End, tok.Text(src), n, token.Kind(ot.kind), ot.sl, ot.sc, ot.el, ot.ec, ot.n), ""
		}
		if tok.Kind == token.ENDMARKER {
			if o.err != "" || len(o.toks) != i+1 {
				return fmt.Sprintf("ENDMARKER at token %d but CPython has %d tokens, err %q", i, len(o.toks), o.err), ""
			}
			return "", ""
		}
	}
	var se *token.SyntaxError
	if !errors.As(err, &se) {
		return fmt.Sprintf("error is %T, not *token.SyntaxError", err), ""
	}
	if o.err == "" {
		return fmt.Sprintf("token %d: we fail with %v %s: %s, CPython accepts", i, se.Start, se.Kind, se.Msg), ""
	}
	if i != len(o.toks) {
		return fmt.Sprintf("we fail after %d tokens (%s %v %s), CPython after %d (%s)", i, se.Kind, se.Start, se.Msg, len(o.toks), o.err), ""
	}
	if se.Msg == o.errMsg {
		switch se.Msg {
		case "unindent does not match any outer indentation level", "inconsistent use of tabs and spaces in indentation",
			"too many levels of indentation", "unexpected character after line continuation character":
			// TokenizerIter puts these at the line's end; CPython's
			// parser, which this tokenizer follows, elsewhere.
			if se.Kind != o.errCls || se.Start.Line != o.errPos.Line {
				return "", fmt.Sprintf("same message %q, we %s at %v, CPython %s at %v", se.Msg, se.Kind, se.Start, o.errCls, o.errPos)
			}
			return "", ""
		}
		if se.Kind != o.errCls || se.Start.Line != o.errPos.Line || se.Start.Col != o.errPos.Col {
			return "", fmt.Sprintf("same message %q, we %s at %v, CPython %s at %v", se.Msg, se.Kind, se.Start, o.errCls, o.errPos)
		}
		return "", ""
	}
	for _, alt := range parserWording[o.errMsg] {
		if strings.Contains(se.Msg, alt) {
			return "", ""
		}
	}
	return "", fmt.Sprintf("we %s %v %q, CPython %s %v %q", se.Kind, se.Start, se.Msg, o.errCls, o.errPos, o.errMsg)
}

// unzipPy extracts the .py files of a zip into a new temp dir.
func unzipPy(t *testing.T, zipPath string) string {
	dir := t.TempDir()
	if err := oracle.ExtractZip(zipPath, dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

type corpusStats struct{ same, differ, verdict, msgs int }

func runCorpus(t *testing.T, dir string, extra bool) corpusStats {
	env := oracle.Require(t)
	files, err := oracle.CorpusFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .py files under %s", dir)
	}
	res, out := runOracle(t, env, dir, files, extra)
	var same, differ, verdict, msgs, undecodable, other, ntok, nerr int
	for i, rel := range files {
		o := &res[i]
		if o.kind == 0 {
			t.Errorf("%s: no oracle output", rel)
			continue
		}
		if o.kind == 'D' {
			t.Logf("%s: CPython cannot decode it", rel)
			undecodable++
			continue
		}
		if o.other != "" {
			other++
			t.Logf("%s: CPython raised %s", rel, o.other)
			continue
		}
		var src []byte
		var err error
		if o.kind == 'S' {
			src, err = os.ReadFile(filepath.Join(out, fmt.Sprintf("src%d.py", i)))
		} else {
			src, err = os.ReadFile(filepath.Join(dir, rel))
			src = decodeUTF8(src)
		}
		if err != nil {
			t.Fatal(err)
		}
		ntok += len(o.toks)
		if o.err != "" {
			nerr++
		}
		diff, msgDiff := compareFile(src, o, extra)
		if diff != "" {
			differ++
			ourErr := tokErr(src, extra)
			if (ourErr != nil) != (o.err != "") {
				verdict++
			}
			t.Errorf("%s: %s (source %.80q)", rel, diff, src)
			continue
		}
		if msgDiff != "" {
			msgs++
			t.Logf("%s: error message/position differs: %s (source %.80q)", rel, msgDiff, src)
		}
		same++
	}
	t.Logf("%s: %d files compared (%d CPython tokens, %d files CPython rejects), %d identical token streams, %d different (%d verdict disagreements), %d error message/position differences, %d undecodable (skipped, CPython cannot read them either), %d other oracle failures",
		dir, len(files), ntok, nerr, same, differ, verdict, msgs, undecodable, other)
	return corpusStats{same, differ, verdict, msgs}
}

func tokErr(src []byte, extra bool) error {
	tz := New(src, Options{Comments: extra})
	for {
		tok, err := tz.Next()
		if err != nil {
			return err
		}
		if tok.Kind == token.ENDMARKER {
			return nil
		}
	}
}

// TestCorpusPyodideStdlib compares the token stream of every file of CPython
// 3.14's own standard library with CPython's.
func TestCorpusPyodideStdlib(t *testing.T) {
	env := oracle.Require(t)
	zipPath := filepath.Join(env.PyodideDir, "python_stdlib.zip")
	if _, err := os.Stat(zipPath); err != nil {
		t.Fatalf("%s: %v", zipPath, err)
	}
	runCorpus(t, unzipPy(t, zipPath), false)
}

// TestCorpusLocalStdlib does the same over the local Python's standard
// library and site-packages (testenv.Stdlib: PYBATCH_STDLIB overrides the location).
func TestCorpusLocalStdlib(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the local stdlib corpus takes minutes")
	}
	dir := testenv.Stdlib(t)
	runCorpus(t, dir, false)
}

// TestCorpusPyodideStdlibComments compares Options.Comments with CPython's
// tokenize module stream (TokenizerIter with extra_tokens=True).
func TestCorpusPyodideStdlibComments(t *testing.T) {
	env := oracle.Require(t)
	runCorpus(t, unzipPy(t, filepath.Join(env.PyodideDir, "python_stdlib.zip")), true)
}

// TestCorpusLocalStdlibComments is TestCorpusLocalStdlib for Options.Comments.
func TestCorpusLocalStdlibComments(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the local stdlib corpus takes minutes")
	}
	dir := testenv.Stdlib(t)
	runCorpus(t, dir, true)
}
