package source

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/pybatch/pybatch/python/token"
)

// FuzzDecode checks that Decode never panics, that every error is a
// *token.SyntaxError, and that undeclared UTF-8 input comes back unchanged
// apart from BOM removal and newline translation.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "x = 1\n", "\xef\xbb\xbf# coding: latin-1\n", "# coding: cp932\nx = '\x82\xa0'\n",
		"#\n# -*- coding: gb18030 -*-\r\n\x81\x30\x81\x30", "# coding: utf-16\n\xff\xfe", "x = '\xed\xa0\x80'", "a\rb\r\nc", "# coding: euc_kr\n\xa1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		src, info, err := Decode(raw)
		if err != nil {
			var se *token.SyntaxError
			if !errors.As(err, &se) || se.Msg == "" {
				t.Fatalf("error %v (%T) is not a *token.SyntaxError with a message", err, err)
			}
			return
		}
		if info.Declared {
			return
		}
		want := bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
		want = bytes.TrimPrefix(want, []byte("\xef\xbb\xbf"))
		if !bytes.Equal(src, want) || !utf8.Valid(src) {
			t.Fatalf("Decode(%q) = %q, want %q", raw, src, want)
		}
	})
}
