// Package notebook turns a Jupyter notebook (.ipynb) into the Python source
// pybatch analyzes, and maps positions in that source back to cells.
//
// Decode reads the notebook's JSON (nbformat 4's "cells", or nbformat 3's
// "worksheets" of cells with "input"), checks that its language is Python,
// and joins the sources of its code cells into one text, in order, each cell
// ending with a newline, as ruff does since 0.6. Markdown and raw cells (and
// code cells that VS Code marks as another language) are left out. IPython
// syntax that is not Python is masked, so that it is not a syntax error:
//
//   - line magics and shell escapes at the start of a logical line
//     (%time x, !pip install y, !!ls, ?obj, ??obj, /f x, ,f a b, ;f a b),
//     and the right-hand side of x = !ls and x = %who_ls;
//   - help queries that end a line (obj?, obj??, %magic?);
//   - automagic package commands (pip install x, conda install y, which are
//     never valid Python);
//   - a cell magic (%%bash, %%writefile f, %%html, ...): the whole cell;
//     for the cell magics whose body is Python (%%time, %%timeit,
//     %%capture, %%prun, %%debug, %%python, %%python3, %%pypy: ruff's
//     "transparent" cell magics) only the magic's line, so that the body's
//     definitions and imports count.
//
// Masking keeps every line where it is and as long as it was: the escape,
// from its first character to the end of its line, becomes "..." (an
// expression statement, valid where a statement must be, e.g. alone in an
// indented block) padded with spaces; the other lines of a masked cell or of
// a backslash-continued escape become spaces. What comes before an escape on
// its line (the indentation, "x = ") is kept. Escapes are recognised only at
// the start of a logical line: a "%" line inside a triple-quoted string or
// inside brackets is Python's and left alone. Carriage returns (\r\n, \r) in
// cell sources become \n, as Python's tokenizer reads them.
//
// Positions: every line of the joined source belongs to one code cell;
// Notebook.Locate turns a joined line into (cell, line in the cell), cells
// numbered from 1 over all the notebook's cells (markdown included), as
// ruff and editors number them. Columns are the same in both.
//
// Why hand-written: the JSON is read with encoding/json; what is left is
// IPython's input transformations, which exist only in Python (IPython's
// inputtransformer2) and ruff (Rust); the subset needed to mask, not run,
// them is a line scanner.
package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Ext is the file name extension of notebooks.
const Ext = ".ipynb"

// IsNotebook reports whether a file of this name (a path or a base name,
// any separators) is read as a notebook: its name ends in ".ipynb".
func IsNotebook(name string) bool { return strings.HasSuffix(name, Ext) }

// Notebook is a decoded notebook: the joined source of its code cells and
// where each cell lies in it.
type Notebook struct {
	// Source is the code cells' sources joined, masked (see the package
	// doc), each cell ending with a newline. It is always valid UTF-8.
	Source []byte
	// Format is the nbformat major version (4, 3, ...).
	Format int
	// Cells is the number of cells of every type.
	Cells int
	// Code are the code cells that hold at least one line, in order; their
	// lines tile Source.
	Code []Cell
	// Language is the notebook's language as its metadata names it
	// (language_info.name, else kernelspec.language); "" when not given
	// (Python is then assumed, as Jupyter and ruff do).
	Language string
	// Masked is the number of lines of Source that were masked.
	Masked int
}

// Cell is where one code cell lies in Source.
type Cell struct {
	Index int // 1-based position among all the notebook's cells
	Line  int // the cell's first line in Source, 1-based
	Lines int // how many lines it has (at least 1)
}

// Error is a notebook that cannot be read: not JSON, or JSON that is not a
// notebook.
type Error struct {
	Msg string
	Err error // the JSON decoder's error, if any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}
func (e *Error) Unwrap() error { return e.Err }

// LanguageError is a notebook in a language other than Python.
type LanguageError struct {
	Language string
}

func (e *LanguageError) Error() string {
	return fmt.Sprintf("the notebook's language is %q, not Python", e.Language)
}

// IsPython reports whether a notebook language name (metadata's
// language_info.name or kernelspec.language) is Python.
func IsPython(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "" || strings.HasPrefix(l, "python") || strings.HasPrefix(l, "ipython") || strings.HasPrefix(l, "pypy")
}

type rawCell struct {
	CellType string          `json:"cell_type"`
	Source   json.RawMessage `json:"source"`   // nbformat 4: a string or a list of strings
	Input    json.RawMessage `json:"input"`    // nbformat 3 code cells
	Language string          `json:"language"` // nbformat 3 code cells
	Metadata json.RawMessage `json:"metadata"`
}

type rawNotebook struct {
	NBFormat   json.RawMessage `json:"nbformat"`
	Metadata   json.RawMessage `json:"metadata"`
	Cells      *[]rawCell      `json:"cells"`
	Worksheets *[]struct {
		Cells []rawCell `json:"cells"`
	} `json:"worksheets"`
}

type notebookMeta struct {
	Kernelspec struct {
		Language string `json:"language"`
	} `json:"kernelspec"`
	LanguageInfo struct {
		Name string `json:"name"`
	} `json:"language_info"`
	Language string `json:"language"`
}

type cellMeta struct {
	VSCode struct {
		LanguageID string `json:"languageId"`
	} `json:"vscode"`
}

// Decode reads a notebook. The error is an *Error when data is not a
// notebook (invalid JSON, invalid UTF-8, no nbformat, no cells, a source
// that is neither a string nor a list of strings), a *LanguageError when
// the notebook is not in Python.
func Decode(data []byte) (*Notebook, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &Error{Msg: "invalid notebook: not UTF-8"}
	}
	var raw rawNotebook
	if err := json.Unmarshal(data, &raw); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, &Error{Msg: "not a notebook", Err: err}
		}
		return nil, &Error{Msg: "invalid notebook JSON", Err: err}
	}
	nb := &Notebook{}
	if len(raw.NBFormat) == 0 || bytes.Equal(raw.NBFormat, []byte("null")) {
		return nil, &Error{Msg: "not a notebook: no nbformat"}
	}
	if err := json.Unmarshal(raw.NBFormat, &nb.Format); err != nil || nb.Format < 1 {
		return nil, &Error{Msg: fmt.Sprintf("not a notebook: nbformat %s is not a version number", raw.NBFormat)}
	}
	var meta notebookMeta
	if len(raw.Metadata) > 0 && !bytes.Equal(raw.Metadata, []byte("null")) {
		if err := json.Unmarshal(raw.Metadata, &meta); err != nil {
			return nil, &Error{Msg: "not a notebook: bad metadata", Err: err}
		}
	}
	nb.Language = meta.LanguageInfo.Name
	if nb.Language == "" {
		nb.Language = meta.Kernelspec.Language
	}
	if nb.Language == "" {
		nb.Language = meta.Language
	}
	var cells []rawCell
	switch {
	case raw.Cells != nil:
		cells = *raw.Cells
	case raw.Worksheets != nil:
		for _, ws := range *raw.Worksheets {
			cells = append(cells, ws.Cells...)
		}
	default:
		return nil, &Error{Msg: fmt.Sprintf("not a notebook: nbformat %d with neither cells nor worksheets", nb.Format)}
	}
	if !IsPython(nb.Language) {
		return nil, &LanguageError{Language: nb.Language}
	}
	nb.Cells = len(cells)
	var out []byte
	line := 1
	for i, c := range cells {
		if c.CellType != "code" {
			continue
		}
		if c.Language != "" && !IsPython(c.Language) {
			continue // nbformat 3: a cell in another language
		}
		if len(c.Metadata) > 0 && c.Metadata[0] == '{' {
			var cm cellMeta
			if json.Unmarshal(c.Metadata, &cm) == nil && cm.VSCode.LanguageID != "" && !IsPython(cm.VSCode.LanguageID) {
				continue // a VS Code polyglot cell in another language
			}
		}
		src := c.Source
		if src == nil {
			src = c.Input
		}
		text, err := cellText(src)
		if err != nil {
			return nil, &Error{Msg: fmt.Sprintf("not a notebook: cell %d", i+1), Err: err}
		}
		lines := splitLines(text)
		if len(lines) == 0 {
			continue
		}
		nb.Masked += mask(lines)
		nb.Code = append(nb.Code, Cell{Index: i + 1, Line: line, Lines: len(lines)})
		for _, l := range lines {
			out = append(out, l...)
			out = append(out, '\n')
		}
		line += len(lines)
	}
	if out == nil {
		out = []byte{}
	}
	nb.Source = out
	return nb, nil
}

// cellText is a cell's source: a string, or a list of strings joined.
func cellText(src json.RawMessage) (string, error) {
	s := bytes.TrimLeft(src, " \t\r\n")
	if len(s) == 0 || bytes.Equal(s, []byte("null")) {
		return "", nil
	}
	switch s[0] {
	case '"':
		var t string
		if err := json.Unmarshal(s, &t); err != nil {
			return "", err
		}
		return t, nil
	case '[':
		var parts []string
		if err := json.Unmarshal(s, &parts); err != nil {
			return "", errors.New("source is not a list of strings")
		}
		return strings.Join(parts, ""), nil
	}
	return "", errors.New("source is neither a string nor a list of strings")
}

// splitLines splits text at \n, \r\n and \r; a last line without an end
// counts, an empty text has no lines. The lines share one array, each
// capped at its length (so that growing one copies it).
func splitLines(text string) [][]byte {
	b := []byte(text)
	var lines [][]byte
	for len(b) > 0 {
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			lines = append(lines, b[:len(b):len(b)])
			break
		}
		lines = append(lines, b[:i:i])
		if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			i++
		}
		b = b[i+1:]
	}
	return lines
}

// Locate returns the cell (1-based among all cells) and the line in that
// cell (1-based) of line (1-based) of Source. A line past the end (where a
// parser may report an unexpected end of input) is placed in the last cell,
// past its last line. ok is false when there is no code cell or line < 1.
func (nb *Notebook) Locate(line int) (cell, cellLine int, ok bool) {
	return Locate(nb.Code, line)
}

// Locate is Notebook.Locate over a list of cells (as stored).
func Locate(code []Cell, line int) (cell, cellLine int, ok bool) {
	if len(code) == 0 || line < 1 {
		return 0, 0, false
	}
	i := sort.Search(len(code), func(i int) bool { return code[i].Line > line }) - 1
	if i < 0 {
		return 0, 0, false
	}
	return code[i].Index, line - code[i].Line + 1, true
}
