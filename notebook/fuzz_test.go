package notebook

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecode: any bytes give a notebook that keeps the invariants (its
// cells tile its source, which is UTF-8 and ends with a newline) or an
// *Error or *LanguageError, never a panic. Run longer with
//
//	go test -run '^$' -fuzz FuzzDecode -fuzztime 60s ./notebook/
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.ipynb")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": "%%bash\nls"}]}`))
	f.Add([]byte(`{"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": ["!ls\r\n", "x?"]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := Decode(data)
		if err != nil {
			var e *Error
			var le *LanguageError
			if !errors.As(err, &e) && !errors.As(err, &le) {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		checkInvariants(t, nb)
	})
}

// FuzzMask: any cell source keeps its number of lines, and each line is
// either unchanged or masked to the same length (3 bytes when shorter),
// with what comes before the masked part kept.
func FuzzMask(f *testing.F) {
	for _, s := range []string{"%time x", "!ls\nx = 1", "a = !ls \\\n  -l", "x?", "s = '''\n!x\n'''", "%%bash\nls\nls", "%%time\n!ls", "f(\n%x)", "pip install x", "'\\\n!x'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if !utf8.ValidString(src) {
			return // JSON cannot hold it (json.Marshal writes U+FFFD)
		}
		nb, err := Decode(code(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		checkInvariants(t, nb)
		in := splitLines(src)
		out := bytes.Split(bytes.TrimSuffix(nb.Source, []byte{'\n'}), []byte{'\n'})
		if len(in) == 0 {
			if len(nb.Source) != 0 {
				t.Fatalf("%q: source %q", src, nb.Source)
			}
			return
		}
		if len(in) != len(out) {
			t.Fatalf("%q: %d lines, want %d", src, len(out), len(in))
		}
		masked := 0
		for i := range in {
			if bytes.Equal(in[i], out[i]) {
				continue
			}
			masked++
			o := out[i]
			if strings.TrimSpace(string(o)) == "" && len(o) == len(in[i]) {
				continue // a blanked line
			}
			at := bytes.Index(o, []byte("..."))
			if at < 0 || !bytes.Equal(o[:at], in[i][:at]) || len(o) != max(len(in[i]), at+3) || strings.TrimSpace(string(o[at+3:])) != "" {
				t.Fatalf("%q: line %d %q masked as %q", src, i+1, in[i], o)
			}
		}
		if masked > nb.Masked {
			t.Fatalf("%q: %d lines changed, %d counted as masked", src, masked, nb.Masked)
		}
	})
}
