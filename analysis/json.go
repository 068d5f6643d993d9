package analysis

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the JSON form of r to dst and returns the extended
// slice. The bytes are exactly those of json.Marshal(r): the same field
// order and names, the same omitempty choices, the same string escaping
// (including encoding/json's default HTML escaping of <, > and &, \u2028,
// \u2029, and \ufffd for each byte of invalid UTF-8), no trailing newline;
// a nil r appends "null".
//
// It is written by hand, without reflection, because encoding every Report
// is on the batch engine's single writer path, where json.Marshal's
// reflection was a visible share of a whole run (bench/NOTES.md). Report
// deliberately has no MarshalJSON method: encoding/json would re-validate
// and re-indent-check its output, which is slower than Marshal alone. Tests compare AppendJSON
// with json.Marshal on whole standard libraries and fuzzed sources.
func (r *Report) AppendJSON(dst []byte) []byte {
	if r == nil {
		return append(dst, "null"...)
	}
	b := dst
	b = append(b, `{"schema_version":`...)
	b = strconv.AppendInt(b, int64(r.SchemaVersion), 10)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, r.Path)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, r.Size, 10)
	b = append(b, `,"sha256":`...)
	b = appendJSONString(b, r.SHA256)
	b = append(b, `,"encoding":`...)
	b = appendJSONString(b, r.Encoding)
	b = append(b, `,"bom":`...)
	b = strconv.AppendBool(b, r.BOM)
	if se := r.SyntaxError; se != nil {
		b = append(b, `,"syntax_error":`...)
		b = appendSyntaxError(b, se)
	}
	if len(r.Warnings) > 0 {
		b = append(b, `,"warnings":[`...)
		for i := range r.Warnings {
			w := &r.Warnings[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"category":`...)
			b = appendJSONString(b, w.Category)
			b = append(b, `,"message":`...)
			b = appendJSONString(b, w.Message)
			b = append(b, `,"line":`...)
			b = strconv.AppendInt(b, int64(w.Line), 10)
			b = append(b, `,"col":`...)
			if w.Col == nil {
				b = append(b, "null"...)
			} else {
				b = strconv.AppendInt(b, int64(*w.Col), 10)
			}
			b = appendCells(b, w.Cell, w.CellLine, 0, 0)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if r.Docstring != nil {
		b = append(b, `,"docstring":`...)
		b = appendJSONString(b, *r.Docstring)
	}
	if len(r.All) > 0 {
		b = append(b, `,"all_names":`...)
		b = appendJSONStrings(b, r.All)
	}
	if r.LowestVersion != "" {
		b = append(b, `,"lowest_version":`...)
		b = appendJSONString(b, r.LowestVersion)
	}
	if len(r.VersionFeatures) > 0 {
		b = append(b, `,"version_features":[`...)
		for i := range r.VersionFeatures {
			f := &r.VersionFeatures[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"feature":`...)
			b = appendJSONString(b, f.Feature)
			b = append(b, `,"version":`...)
			b = appendJSONString(b, f.Version)
			b = append(b, `,"line":`...)
			b = strconv.AppendInt(b, int64(f.Line), 10)
			b = append(b, `,"col":`...)
			b = strconv.AppendInt(b, int64(f.Col), 10)
			b = appendCells(b, f.Cell, f.CellLine, 0, 0)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"imports":`...)
	if r.Imports == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Imports {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Imports[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"definitions":`...)
	if r.Definitions == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Definitions {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Definitions[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	l := &r.Lines
	b = append(b, `,"lines":{"loc":`...)
	b = strconv.AppendInt(b, int64(l.LOC), 10)
	b = append(b, `,"lloc":`...)
	b = strconv.AppendInt(b, int64(l.LLOC), 10)
	b = append(b, `,"sloc":`...)
	b = strconv.AppendInt(b, int64(l.SLOC), 10)
	b = append(b, `,"comments":`...)
	b = strconv.AppendInt(b, int64(l.Comments), 10)
	b = append(b, `,"single_comments":`...)
	b = strconv.AppendInt(b, int64(l.SingleComments), 10)
	b = append(b, `,"multi":`...)
	b = strconv.AppendInt(b, int64(l.Multi), 10)
	b = append(b, `,"blank":`...)
	b = strconv.AppendInt(b, int64(l.Blank), 10)
	b = append(b, '}')
	if r.LinesError != "" {
		b = append(b, `,"lines_error":`...)
		b = appendJSONString(b, r.LinesError)
	}
	if nb := r.Notebook; nb != nil {
		b = append(b, `,"notebook":{"nbformat":`...)
		b = strconv.AppendInt(b, int64(nb.Format), 10)
		b = append(b, `,"cells":`...)
		b = strconv.AppendInt(b, int64(nb.Cells), 10)
		b = append(b, `,"code_cells":`...)
		if nb.CodeCells == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for i, c := range nb.CodeCells {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"cell":`...)
				b = strconv.AppendInt(b, int64(c.Cell), 10)
				b = append(b, `,"line":`...)
				b = strconv.AppendInt(b, int64(c.Line), 10)
				b = append(b, `,"lines":`...)
				b = strconv.AppendInt(b, int64(c.Lines), 10)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, `,"masked_lines":`...)
		b = strconv.AppendInt(b, int64(nb.MaskedLines), 10)
		b = append(b, '}')
	}
	return append(b, '}')
}

// appendCells appends the omitempty cell fields of a position.
func appendCells(b []byte, cell, cellLine, endCell, endCellLine int) []byte {
	if cell != 0 {
		b = append(b, `,"cell":`...)
		b = strconv.AppendInt(b, int64(cell), 10)
	}
	if cellLine != 0 {
		b = append(b, `,"cell_line":`...)
		b = strconv.AppendInt(b, int64(cellLine), 10)
	}
	if endCell != 0 {
		b = append(b, `,"end_cell":`...)
		b = strconv.AppendInt(b, int64(endCell), 10)
	}
	if endCellLine != 0 {
		b = append(b, `,"end_cell_line":`...)
		b = strconv.AppendInt(b, int64(endCellLine), 10)
	}
	return b
}

func (im *Import) appendJSON(b []byte) []byte {
	b = append(b, `{"module":`...)
	b = appendJSONString(b, im.Module)
	b = append(b, `,"names":`...)
	if im.Names == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range im.Names {
			if i > 0 {
				b = append(b, ',')
			}
			n := &im.Names[i]
			b = append(b, `{"name":`...)
			b = appendJSONString(b, n.Name)
			if n.As != "" {
				b = append(b, `,"as":`...)
				b = appendJSONString(b, n.As)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"level":`...)
	b = strconv.AppendInt(b, int64(im.Level), 10)
	b = append(b, `,"is_from":`...)
	b = strconv.AppendBool(b, im.From)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(im.Line), 10)
	b = append(b, `,"scope":`...)
	b = appendJSONString(b, im.Where)
	b = appendCells(b, im.Cell, im.CellLine, 0, 0)
	return append(b, '}')
}

func (d *Definition) appendJSON(b []byte) []byte {
	b = append(b, `{"qualname":`...)
	b = appendJSONString(b, d.QualName)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, d.Name)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, d.Kind)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(d.Line), 10)
	b = append(b, `,"col":`...)
	b = strconv.AppendInt(b, int64(d.Col), 10)
	b = append(b, `,"end_line":`...)
	b = strconv.AppendInt(b, int64(d.EndLine), 10)
	b = append(b, `,"end_col":`...)
	b = strconv.AppendInt(b, int64(d.EndCol), 10)
	if len(d.Decorators) > 0 {
		b = append(b, `,"decorators":`...)
		b = appendJSONStrings(b, d.Decorators)
	}
	if len(d.Params) > 0 {
		b = append(b, `,"params":[`...)
		for i := range d.Params {
			if i > 0 {
				b = append(b, ',')
			}
			p := &d.Params[i]
			b = append(b, `{"name":`...)
			b = appendJSONString(b, p.Name)
			b = append(b, `,"kind":`...)
			b = appendJSONString(b, p.Kind)
			b = append(b, `,"default":`...)
			b = strconv.AppendBool(b, p.Default)
			b = append(b, `,"annotation":`...)
			b = strconv.AppendBool(b, p.Annotation)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if d.Returns != "" {
		b = append(b, `,"returns":`...)
		b = appendJSONString(b, d.Returns)
	}
	if len(d.Bases) > 0 {
		b = append(b, `,"bases":`...)
		b = appendJSONStrings(b, d.Bases)
	}
	if d.Docstring != nil {
		b = append(b, `,"docstring":`...)
		b = appendJSONString(b, *d.Docstring)
	}
	b = append(b, `,"complexity":`...)
	b = strconv.AppendInt(b, int64(d.Complexity), 10)
	b = append(b, `,"rank":`...)
	b = appendJSONString(b, d.Rank)
	b = appendCells(b, d.Cell, d.CellLine, d.EndCell, d.EndCellLine)
	return append(b, '}')
}

// appendJSONStrings appends a non-nil []string as a JSON array.
func appendJSONStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// jsonSafe is 1 for the bytes that encoding/json copies into a string
// unchanged with its default HTML escaping: ASCII but control characters,
// '"', '\\', '<', '>' and '&'.
var jsonSafe = func() (t [256]uint8) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = 1
	}
	for _, c := range `"\<>&` {
		t[c] = 0
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it (escapeHTML on).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] != 0 {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendSyntaxError appends se's JSON object; an unknown position is null.
func appendSyntaxError(b []byte, se *SyntaxError) []byte {
	b = append(b, `{"kind":`...)
	b = appendJSONString(b, se.Kind)
	b = append(b, `,"msg":`...)
	b = appendJSONString(b, se.Msg)
	if se.NoStart {
		b = append(b, `,"line":null,"col":null`...)
	} else {
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(se.Line), 10)
		b = append(b, `,"col":`...)
		b = strconv.AppendInt(b, int64(se.Col), 10)
	}
	if se.NoEnd {
		b = append(b, `,"end_line":null,"end_col":null`...)
	} else {
		b = append(b, `,"end_line":`...)
		b = strconv.AppendInt(b, int64(se.EndLine), 10)
		b = append(b, `,"end_col":`...)
		b = strconv.AppendInt(b, int64(se.EndCol), 10)
	}
	b = appendCells(b, se.Cell, se.CellLine, se.EndCell, se.EndCellLine)
	return append(b, '}')
}
