package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/token"
)

// cookieRE finds a coding declaration's name (good enough for the generated files).
var cookieRE = regexp.MustCompile(`coding[:=]\s*([-\w.]+)`)

// approxMessages are codecs whose decoding errors carry an approximate
// message (stateful codecs, UTF-16/32); the verdict still must agree.
var approxMessages = map[string]bool{"iso2022_jp": true, "hz": true, "utf_16": true, "utf_16_le": true, "utf_16_be": true, "utf_32": true, "utf_32_le": true, "utf_32_be": true}

type decodeCase struct {
	name string
	raw  []byte
}

// decodeCases generates files for every codec CPython has, with and without
// BOM, cookies on line 1 and 2 in several spellings, undecodable bytes and
// newline variants. Every file ends with a line x = '<payload>' whose decoded
// characters are compared with CPython's.
func decodeCases(rng *rand.Rand) []decodeCase {
	var cs []decodeCase
	add := func(name string, raw []byte) { cs = append(cs, decodeCase{name, raw}) }
	highBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(0x80 + rng.IntN(0x80))
		}
		return b
	}
	file := func(pre string, payload []byte, post string) []byte {
		return []byte(pre + "x = '" + string(payload) + "'" + post)
	}
	ebcdic := map[string]bool{"cp037": true, "cp273": true, "cp424": true, "cp500": true, "cp875": true, "cp1026": true, "cp1140": true}
	mods := make([]string, 0, len(pyCodecs))
	for mod := range pyCodecs {
		mods = append(mods, mod)
	}
	sort.Strings(mods)
	for _, mod := range mods {
		c := pyCodecs[mod]
		if ebcdic[mod] || strings.HasPrefix(mod, "utf_16") || strings.HasPrefix(mod, "utf_32") {
			add("cookie-"+mod, []byte("# coding: "+mod+"\nx = 1\n"))
			continue
		}
		if c.table != "" {
			// All 128 high bytes once, in chunks: exercises every table entry.
			for lo := 0x80; lo < 0x100; lo += 32 {
				p := make([]byte, 0, 32)
				for b := lo; b < lo+32; b++ {
					if mod == "cp864" && b == 0x80 {
						continue
					}
					p = append(p, byte(b))
				}
				add(fmt.Sprintf("table-%s-%x", mod, lo), file("# -*- coding: "+mod+" -*-\n", p, "\n"))
			}
			continue
		}
		add("cookie-"+mod, file("# coding="+mod+"\n", highBytes(6), "\n"))
		add("cookie-ascii-"+mod, file("# coding="+mod+"\n", []byte("abc"), "\n"))
	}
	samples := []struct {
		names []string
		enc   encoding.Encoding
		text  string
	}{
		{[]string{"euc_jp", "shift_jis", "cp932", "sjis", "eucjp", "iso-2022-jp"}, nil, "日本語のテキスト、カタカナ"},
		{[]string{"gbk", "gb2312", "gb18030", "cp936", "hz"}, nil, "中文字符测试"},
		{[]string{"big5", "cp950", "big5-tw"}, nil, "繁體中文字"},
		{[]string{"euc_kr", "cp949", "euckr"}, nil, "한국어 텍스트"},
	}
	encs := map[string]encoding.Encoding{"euc_jp": japanese.EUCJP, "shift_jis": japanese.ShiftJIS, "cp932": japanese.ShiftJIS, "sjis": japanese.ShiftJIS, "eucjp": japanese.EUCJP, "iso-2022-jp": japanese.ISO2022JP,
		"gbk": simplifiedchinese.GBK, "gb2312": simplifiedchinese.GBK, "gb18030": simplifiedchinese.GB18030, "cp936": simplifiedchinese.GBK, "hz": simplifiedchinese.HZGB2312,
		"big5": traditionalchinese.Big5, "cp950": traditionalchinese.Big5, "big5-tw": traditionalchinese.Big5, "euc_kr": korean.EUCKR, "cp949": korean.EUCKR, "euckr": korean.EUCKR}
	for _, s := range samples {
		for _, n := range s.names {
			p, err := encs[n].NewEncoder().Bytes([]byte(s.text))
			if err != nil {
				panic(err)
			}
			add("cjk-"+n, file("# coding: "+n+"\n", p, "\n"))
			add("cjk-bad-"+n, file("# coding: "+n+"\n", append(p, 0xFF, 0xFF), "\n"))
		}
	}
	// Cookie placement and spelling.
	for i, pre := range []string{
		"#!/usr/bin/env python\n# -*- coding: latin-1 -*-\n", "\n# coding: latin-1\n", "  \t# coding: latin-1\n", "\f# coding: latin-1\n",
		"x=1\n# coding: latin-1\n", "# hello\n# coding: latin-1\n", "# a\n# b\n# coding: latin-1\n", "#coding:latin-1\n", "# coding = latin-1\n",
		"# coding:   latin-1\n", "# coding:\tlatin_1\n", "# vim: set fileencoding=latin-1 :\n", "# encoding: latin-1\n", "# coding latin-1\n",
		"# coding: LATIN-1\n", "# coding: Latin_1-foo\n", "# coding: iso-8859-1-x\n", "# coding: ISO_8859_1\n", "# coding: iso8859-1\n",
		"# coding: latin1\n", "# coding: l1\n", "# coding: 8859\n", "# coding: cp819\n", "# coding: utf-8-foo\n", "# coding: UTF_8\n",
		"# coding: utf8\n", "# coding: u8\n", "# coding: utf-8\n", "# coding: xyz\n", "# coding: rot13\n", "# coding: hex\n", "# coding: rot-13\n",
		"# coding: base64\n", "# coding: undefined\n", "# coding: ascii\n", "# coding: us-ascii\n", "# coding: 646\n", "# coding: windows-1252\n",
		"# coding: koi8_r\n", "# coding: KOI8-U\n", "# coding: mac-roman\n", "# coding: macintosh\n", "# coding: cp-1251\n", "# coding: cp.1251\n",
		"# coding: latin.1\n", "# coding: .latin-1\n", "# coding: -latin-1\n", "# coding: latin--1\n", "# coding: iso-8859-15\n", "# coding: iso885915\n",
		"# coding: tis-620\n", "# coding: utf-8-sig\n", "# coding: utf_8_sig\n", "x = 1 # coding: latin-1\n", "\\\n# coding: latin-1\n",
		"# coding: latin-1", "#\r\n# coding: latin-1\r\n", "#\r# coding: latin-1\r", "# coding: koi8-r # coding: latin-1\n", "# codings: latin-1\n",
		"# coding:: latin-1\n", "# coding=\n# coding: latin-1\n", "# coding: mbcs\n", "# coding: oem\n", "# coding: charmap\n",
	} {
		add(fmt.Sprintf("cookie-%02d", i), file(pre, []byte{0xE9, 0xFF, 0xC4}, "\n"))
		add(fmt.Sprintf("cookie-ascii-%02d", i), file(pre, []byte("abc"), "\n"))
		add(fmt.Sprintf("cookie-bom-%02d", i), file("\xef\xbb\xbf"+pre, []byte("\xc3\xa9"), "\n"))
	}
	// UTF-8 validity, BOM, newlines, null bytes.
	for i, p := range []string{
		"é", "\xff", "\xc3", "\xc3(", "\xe0\x80\x80", "\xe0\xa0", "\xed\xa0\x80", "\xf0\x90\x80", "\xf4\x90\x80\x80", "\xf5", "\xc0\xaf", "€😀",
		"ab\x80", "\xef\xbb\xbf", "a\r\nb", "a\rb", "\x00",
	} {
		add(fmt.Sprintf("utf8-%02d", i), file("", []byte(p), "\n"))
		add(fmt.Sprintf("utf8-line3-%02d", i), file("y = 1\r\nz = 2\r", []byte(p), ""))
		add(fmt.Sprintf("utf8-cookie-%02d", i), file("# coding: utf8\n", []byte(p), "\n"))
		add(fmt.Sprintf("utf8-bom-%02d", i), file("\xef\xbb\xbf", []byte(p), "\n"))
	}
	add("empty", nil)
	add("bom-only", []byte("\xef\xbb\xbf"))
	add("crlf", []byte("# coding: latin-1\r\nx = '\xe9'\r\n"))
	add("cr", []byte("# coding: latin-1\rx = '\xe9'\r"))
	add("no-final-newline", []byte("# coding: latin-1\nx = '\xe9'"))
	return cs
}

const decodeScript = `
import ast, json, os, sys
for name in sorted(os.listdir(".")):
    raw = open(name, "rb").read()
    r = {"name": name}
    try:
        t = ast.parse(raw)
        r["ok"] = True
        vals = [n.value.value for n in t.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)]
        r["payload"] = [ord(c) for c in vals[-1]] if vals and isinstance(vals[-1], str) else None
    except SyntaxError as e:
        r.update(ok=False, kind=type(e).__name__, msg=e.msg, lineno=e.lineno, offset=e.offset)
    print(json.dumps(r))
`

// TestDecodeOracle compares Decode with CPython 3.14's ast.parse(bytes) on
// generated files: the decoded text of the final string literal, or the
// error's class, message, line and offset.
func TestDecodeOracle(t *testing.T) {
	env := oracle.Require(t)
	dir := t.TempDir()
	cases := decodeCases(rand.New(rand.NewPCG(testenv.SeedOr(t, 3), 4))) // the inputs of every run unless PYBATCH_SEED says otherwise
	byName := map[string]decodeCase{}
	for i, c := range cases {
		fn := fmt.Sprintf("%04d-%s.py", i, c.name)
		byName[fn] = c
		if err := os.WriteFile(filepath.Join(dir, fn), c.raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := env.Run(context.Background(), dir, decodeScript)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(cases) {
		t.Fatalf("oracle reported %d files, want %d", len(lines), len(cases))
	}
	bad := 0
	for _, l := range lines {
		var r struct {
			Name    string
			OK      bool
			Payload []rune
			Kind    string
			Msg     string
			Lineno  *int
			Offset  *int
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		c := byName[r.Name]
		mod := ""
		if m := cookieRE.FindSubmatch(c.raw); m != nil {
			mod, _, _ = lookupCodec(string(m[1]))
		}
		if unsupported[mod] {
			// Documented: these codecs are refused with a clear error.
			if _, _, err := Decode(c.raw); err == nil || !strings.Contains(err.Error(), "not supported") {
				t.Errorf("%s: unsupported codec %s: Decode gave %v", r.Name, mod, err)
			}
			continue
		}
		src, _, err := Decode(c.raw)
		var se *token.SyntaxError
		isDecodeErr := errors.As(err, &se)
		if err != nil && !isDecodeErr {
			t.Fatalf("%s: error is %T, want *token.SyntaxError", r.Name, err)
		}
		fail := func(format string, args ...any) {
			bad++
			t.Errorf("%s %q: "+format, append([]any{r.Name, c.raw}, args...)...)
		}
		switch {
		case r.OK && err != nil:
			fail("Decode failed (%v), CPython accepts", err)
		case r.OK:
			if !utf8.Valid(src) || strings.Contains(string(src), "\r") {
				fail("decoded text is not UTF-8 with \\n newlines: %q", src)
			}
			if r.Payload == nil {
				continue
			}
			i := strings.LastIndex(string(src), "x = '")
			j := strings.LastIndexByte(string(src), '\'')
			if i < 0 || j < i+5 {
				fail("payload line missing in %q", src)
				continue
			}
			if got := []rune(string(src[i+5 : j])); string(got) != string(r.Payload) {
				fail("payload %q, CPython %q", string(got), string(r.Payload))
			}
		case err == nil:
			// CPython rejects: fine if the text decoded and the parser is what
			// fails; decoding errors have no line or these messages.
			if r.Lineno == nil || *r.Lineno == 0 || strings.Contains(r.Msg, "encoding") || strings.Contains(r.Msg, "UTF-8") || strings.Contains(r.Msg, "null bytes") {
				fail("Decode accepted; CPython: %s: %s", r.Kind, r.Msg)
			}
		case approxMessages[mod]:
			// Both reject; the message of stateful and UTF-16/32 codecs is approximate.
		default:
			if se.Kind != r.Kind || se.Msg != r.Msg {
				fail("Decode error %s: %q; CPython %s: %q", se.Kind, se.Msg, r.Kind, r.Msg)
				continue
			}
			wantLine, wantCol := 0, -2
			if r.Lineno != nil {
				wantLine = *r.Lineno
			}
			if r.Offset != nil {
				wantCol = *r.Offset - 1
			} else if r.Lineno == nil {
				wantCol = 0
			}
			if int(se.Start.Line) != wantLine || int(se.Start.Col) != wantCol {
				fail("error at %d:%d, CPython lineno %d offset %d", se.Start.Line, se.Start.Col, wantLine, wantCol+1)
			}
		}
	}
	t.Logf("%d generated files compared with CPython, %d differ", len(cases), bad)
}

func TestDecodeBasics(t *testing.T) {
	src, info, err := Decode([]byte("\xef\xbb\xbf# coding: latin-1\n"))
	if err == nil || !strings.Contains(err.Error(), "encoding problem: iso-8859-1 with BOM") || !info.BOM {
		t.Errorf("BOM + latin-1: %q %+v %v", src, info, err)
	}
	src, info, err = Decode([]byte("# -*- coding: cp1252 -*-\r\nx = '\x80'\r"))
	if err != nil || string(src) != "# -*- coding: cp1252 -*-\nx = '€'\n" || info.Encoding != "cp1252" || !info.Declared {
		t.Errorf("cp1252: %q %+v %v", src, info, err)
	}
	src, _, err = Decode([]byte("x = 1"))
	if err != nil || string(src) != "x = 1" {
		t.Errorf("no final newline: %q %v", src, err)
	}
}

func TestGB18030UserDefined(t *testing.T) {
	env := oracle.Require(t)
	dir := t.TempDir()
	var want []string
	var raw []byte
	for _, lt := range [][2]byte{{0xAA, 0xA1}, {0xAF, 0xFE}, {0xF8, 0xA1}, {0xFE, 0xFE}, {0xA1, 0x40}, {0xA1, 0x7E}, {0xA1, 0x80}, {0xA7, 0xA0}, {0xA2, 0x9E}} {
		r, ok := gb18030UserDefined(lt[0], lt[1])
		if !ok {
			t.Fatalf("%x not user-defined", lt)
		}
		want = append(want, fmt.Sprintf("%x", r))
		raw = append(raw, lt[0], lt[1], '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "in"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := env.Run(context.Background(), dir, `print(" ".join("%x" % ord(l) for l in open("in", "rb").read().decode("gb18030").split("\n") if l))`)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != strings.Join(want, " ") {
		t.Errorf("CPython %s, ours %s", got, strings.Join(want, " "))
	}
}

// TestDecodeSharesOnlyUnchangedInput checks when Decode's text is raw's own
// memory (plain UTF-8 ending in a newline, with or without a BOM) and that
// raw is never modified, against the copying path's result for the same
// text with a "\r\n" or a missing final newline.
func TestDecodeSharesOnlyUnchangedInput(t *testing.T) {
	for _, tc := range []struct {
		raw    string
		shared bool
	}{
		{"x = 1\n", true},
		{"\xef\xbb\xbfx = 'é'\n", true},
		{"# -*- coding: utf-8 -*-\nx = 1\n", true},
		{"x = 1", false},
		{"x = 1\r\n", false},
		{"x = 1\ry = 2\n", false},
		{"# coding: latin-1\nx = '\xe9'\n", false},
		{"", false},
	} {
		raw := []byte(tc.raw)
		text, _, err := Decode(raw)
		if err != nil {
			t.Fatalf("%q: %v", tc.raw, err)
		}
		if string(raw) != tc.raw {
			t.Fatalf("%q: Decode modified its input", tc.raw)
		}
		shared := len(text) > 0 && &text[len(text)-1] == &raw[len(raw)-1]
		if shared != tc.shared {
			t.Errorf("%q: text shares raw's memory = %v, want %v", tc.raw, shared, tc.shared)
		}
	}
	// The same program through both paths gives the same text.
	a, _, errA := Decode([]byte("def f():\n    return 'x'\n"))
	b, _, errB := Decode([]byte("def f():\r\n    return 'x'"))
	if errA != nil || errB != nil || string(a) != "def f():\n    return 'x'\n" || string(b) != "def f():\n    return 'x'" {
		t.Fatalf("got %q (%v) and %q (%v)", a, errA, b, errB)
	}
}
