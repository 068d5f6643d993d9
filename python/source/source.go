// Package source turns the bytes of a Python file into the text CPython's
// tokenizer reads, exactly as ast.parse(raw_bytes) / compile() does it in
// CPython 3.14 (Parser/tokenizer's decode_str): newlines translated ("\r\n"
// and lone "\r" become "\n"), a UTF-8 byte order mark removed, a PEP 263
// coding declaration on line 1 or 2 honoured (line 2 only when line 1 is
// blank or a comment), Python's codec names and aliases, and CPython's
// errors: "unknown encoding: x", "encoding problem: x with BOM", the codec's
// UnicodeDecodeError text, and "Non-UTF-8 code starting with ..." for bad
// UTF-8 without a declaration.
//
// It is written by hand because no library reproduces CPython's rules; the
// codec tables (aliases, single-byte code pages) are generated from CPython
// itself (codecs_table.go) and multi-byte East Asian codecs come from
// golang.org/x/text.
package source

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pybatch/pybatch/python/token"
)

// Info describes how a file was decoded.
type Info struct {
	// Encoding is the declared encoding as CPython names it after its own
	// normalisation ("utf-8", "iso-8859-1", "cp1252", "latin1", ...); "utf-8"
	// when nothing is declared.
	Encoding string
	// BOM reports that the file started with a UTF-8 byte order mark.
	BOM bool
	// Declared reports that a coding declaration was found.
	Declared bool
}

// unsupported lists the codecs of CPython's encodings package that Decode
// refuses with a "not supported" error instead of decoding (no Go decoder;
// none is a plausible encoding for Python source).
var unsupported = map[string]bool{
	"unicode_escape": true, "raw_unicode_escape": true, "punycode": true, "utf_7": true, "johab": true,
	"euc_jis_2004": true, "euc_jisx0213": true, "shift_jis_2004": true, "shift_jisx0213": true,
	"iso2022_jp_1": true, "iso2022_jp_2": true, "iso2022_jp_2004": true, "iso2022_jp_3": true,
	"iso2022_jp_ext": true, "iso2022_kr": true,
}

// Decode returns raw as UTF-8 text with "\n" newlines and no BOM, the way
// CPython 3.14 reads it for ast.parse(raw). Errors are *token.SyntaxError
// with CPython's message; positions follow CPython's (lineno, offset) with
// Col = offset-1: Line 0 means CPython reports no line (codec errors have
// lineno 0, offset -1, so Col -2).
//
// Decode never modifies raw, but the text may share raw's memory: when raw
// is UTF-8 ending in "\n" with no "\r", the text is raw itself (after a BOM,
// the rest of it), which saves a copy of every such file. A caller that
// modifies raw while it still uses the text must copy one of them.
func Decode(raw []byte) ([]byte, Info, error) {
	info := Info{Encoding: "utf-8"}
	if bytes.IndexByte(raw, 0) >= 0 {
		return nil, info, &token.SyntaxError{Kind: "SyntaxError", Msg: "source code string cannot contain null bytes", NoStart: true, NoEnd: true}
	}
	var buf []byte
	added := false
	if len(raw) > 0 && raw[len(raw)-1] == '\n' && bytes.IndexByte(raw, '\r') < 0 {
		// The common case: nothing to translate and no newline to add, so
		// raw is decoded in place (Decode never writes to it).
		buf = raw
	} else {
		buf = translateNewlines(raw)
		// CPython appends a newline to exec input that lacks one; it matters for
		// finding line 1 and 2 and for codec error positions, so do the same and
		// drop it at the end.
		if len(buf) > 0 && buf[len(buf)-1] != '\n' {
			buf = append(buf, '\n')
			added = true
		}
	}
	if bytes.HasPrefix(buf, []byte{0xEF, 0xBB, 0xBF}) {
		buf = buf[3:]
		info.BOM = true
	}
	spec, line, lineno, ok := findCodingSpec(buf)
	var out []byte
	if ok {
		info.Declared = true
		info.Encoding = spec
		if info.BOM && spec != "utf-8" {
			// CPython's end_offset is the length of the line checked, which
			// for line 2 includes its newline.
			end := int32(len(line)) - 1
			if lineno == 2 {
				end++
			}
			return nil, info, &token.SyntaxError{Kind: "SyntaxError", Msg: "encoding problem: " + spec + " with BOM",
				Start: token.Pos{Line: lineno, Col: -1}, End: token.Pos{Line: lineno, Col: end}}
		}
	}
	if !ok || spec == "utf-8" {
		if err := checkUTF8(buf); err != nil {
			return nil, info, err
		}
		out = buf
	} else {
		var err error
		out, err = decodeWith(spec, buf)
		if err != nil {
			return nil, info, err
		}
	}
	if added && len(out) > 0 && out[len(out)-1] == '\n' {
		out = out[:len(out)-1]
	}
	return out, info, nil
}

// translateNewlines replaces "\r\n" and lone "\r" with "\n"; it returns a new
// slice (never raw itself), since callers append to it.
func translateNewlines(raw []byte) []byte {
	out := make([]byte, 0, len(raw)+1)
	for {
		i := bytes.IndexByte(raw, '\r')
		if i < 0 {
			return append(out, raw...)
		}
		out = append(out, raw[:i]...)
		out = append(out, '\n')
		raw = raw[i+1:]
		if len(raw) > 0 && raw[0] == '\n' {
			raw = raw[1:]
		}
	}
}

// findCodingSpec applies CPython's check_coding_spec to line 1 and, when line
// 1 holds only whitespace or a comment, to line 2. It returns the
// normalised encoding name, the line holding it (without "\n") and its number.
func findCodingSpec(buf []byte) (spec string, line []byte, lineno int32, ok bool) {
	nl := bytes.IndexByte(buf, '\n')
	if nl < 0 {
		return "", nil, 0, false
	}
	line1 := buf[:nl]
	if s, ok := codingSpec(line1); ok {
		return s, line1, 1, true
	}
	if !blankOrComment(line1) {
		return "", nil, 0, false
	}
	rest := buf[nl+1:]
	nl2 := bytes.IndexByte(rest, '\n')
	if nl2 < 0 {
		return "", nil, 0, false
	}
	line2 := rest[:nl2]
	if s, ok := codingSpec(line2); ok {
		return s, line2, 2, true
	}
	return "", nil, 0, false
}

func blankOrComment(line []byte) bool {
	for _, c := range line {
		switch c {
		case '#', '\r', '\n':
			return true
		case ' ', '\t', '\f':
		default:
			return false
		}
	}
	return true
}

func isSpecChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// codingSpec is CPython's get_coding_spec on one line (without its newline):
// the line must be a comment (after spaces, tabs, form feeds) containing
// "coding" followed by ':' or '=', spaces or tabs, and the name.
func codingSpec(line []byte) (string, bool) {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f') {
		i++
	}
	if i >= len(line) || line[i] != '#' {
		return "", false
	}
	for ; i+6 < len(line); i++ {
		if string(line[i:i+6]) != "coding" {
			continue
		}
		t := i + 6
		if line[t] != ':' && line[t] != '=' {
			continue
		}
		t++
		for t < len(line) && (line[t] == ' ' || line[t] == '\t') {
			t++
		}
		begin := t
		for t < len(line) && isSpecChar(line[t]) {
			t++
		}
		if begin < t {
			return normalName(string(line[begin:t])), true
		}
	}
	return "", false
}

// normalName is CPython's get_normal_name: utf-8 and latin-1 spellings get
// their canonical names, anything else is kept as written.
func normalName(s string) string {
	b := []byte(s)
	if len(b) > 12 {
		b = b[:12]
	}
	for i, c := range b {
		if c == '_' {
			b[i] = '-'
		} else if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	buf := string(b)
	switch {
	case buf == "utf-8" || strings.HasPrefix(buf, "utf-8-"):
		return "utf-8"
	case buf == "latin-1" || buf == "iso-8859-1" || buf == "iso-latin-1" ||
		strings.HasPrefix(buf, "latin-1-") || strings.HasPrefix(buf, "iso-8859-1-") || strings.HasPrefix(buf, "iso-latin-1-"):
		return "iso-8859-1"
	}
	return s
}

// checkUTF8 reports the first byte that does not start a valid UTF-8
// sequence with CPython's "Non-UTF-8 code" error.
func checkUTF8(buf []byte) error {
	if utf8.Valid(buf) {
		return nil
	}
	line, lineStart := 1, 0
	for i := 0; i < len(buf); {
		c := buf[i]
		if c < utf8.RuneSelf {
			if c == '\n' {
				line++
				lineStart = i + 1
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(buf[i:])
		if r == utf8.RuneError && n <= 1 {
			col := int32(i - lineStart)
			return &token.SyntaxError{Kind: "SyntaxError",
				Msg:   fmt.Sprintf("Non-UTF-8 code starting with '\\x%02x' on line %d, but no encoding declared; see https://peps.python.org/pep-0263/ for details", c, line),
				Start: token.Pos{Line: int32(line), Col: col}, End: token.Pos{Line: int32(line), Col: col}}
		}
		i += n
	}
	return nil
}
