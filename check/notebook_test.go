package check

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// nbJSON is a v4 notebook with a markdown cell first, then these code cells.
func nbJSON(t *testing.T, cells ...string) string {
	t.Helper()
	cs := []map[string]any{{"cell_type": "markdown", "metadata": map[string]any{}, "source": "# Title"}}
	for _, c := range cells {
		cs = append(cs, map[string]any{"cell_type": "code", "metadata": map[string]any{}, "outputs": []any{}, "execution_count": nil, "source": c})
	}
	b, err := json.Marshal(map[string]any{"cells": cs, "metadata": map[string]any{"kernelspec": map[string]any{"language": "python"}}, "nbformat": 4, "nbformat_minor": 5})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestNotebooks: a notebook's violations are placed in their cells, in the
// text form as ruff writes them, and a cached re-run gives the same.
func TestNotebooks(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"nb.ipynb":     nbJSON(t, "%matplotlib inline\nimport os", "x = 1\n\n"+branches("g", 12, "")),
		"broken.ipynb": nbJSON(t, "!ls", "x = 1", "y = (1,\n     2 +)"),
	})
	db := filepath.Join(t.TempDir(), "cache.db")
	first := run(t, dir, Options{MaxAbsolute: "B", FailOnSyntaxError: true, Cache: db})
	var text bytes.Buffer
	if err := Write(&text, "text", first); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"broken.ipynb:cell 4:2:9: SyntaxError: invalid syntax",
		`nb.ipynb:cell 3:3:1: function "g" has a rank of C (complexity 13), over --max-absolute B`,
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(text.String()), "\n") {
		if strings.Contains(l, ".ipynb:cell") {
			got = append(got, l)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("text:\n%s\nwant the lines\n%s", text.String(), strings.Join(want, "\n"))
	}
	for _, v := range first.Violations {
		if v.Cell == 0 || v.Line < v.CellLine {
			t.Errorf("%+v: no cell", v)
		}
	}
	var gh bytes.Buffer
	if err := Write(&gh, "github", first); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(gh.String(), "over --max-absolute B (cell 3, line 3)") {
		t.Errorf("github: %s", gh.String())
	}
	second := run(t, dir, Options{MaxAbsolute: "B", FailOnSyntaxError: true, Cache: db})
	first.Analyzed, first.Cached, second.Analyzed, second.Cached = 0, 0, 0, 0
	if !reflect.DeepEqual(first, second) {
		t.Errorf("a cached re-run differs:\n%+v\n%+v", first, second)
	}
}
