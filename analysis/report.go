package analysis

import "encoding/json"

// SchemaVersion is written into every Report as schema_version. Bump it when
// the JSON form changes incompatibly, and update schema/report.schema.json.
// Version 2 names fields as the SQLite views do: all_names, and is_from and
// scope of an import (were all, from and where). Version 3: a syntax
// error's unknown positions are null (were 0). Version 4: lowest_version
// and version_features. Version 5: warnings.
const SchemaVersion = 5

// Report is everything pybatch knows about one Python file. A file with a
// syntax error is a normal Report with SyntaxError set; the fields that need
// an AST are then empty, the line metrics are still filled where possible.
type Report struct {
	SchemaVersion int    `json:"schema_version"`
	Path          string `json:"path"`
	Size          int64  `json:"size"`
	SHA256        string `json:"sha256"`   // hex content hash of the raw bytes
	Encoding      string `json:"encoding"` // the source encoding as Python names it ("utf-8", "latin-1", ...)
	BOM           bool   `json:"bom"`

	SyntaxError *SyntaxError `json:"syntax_error,omitempty"`
	// Warnings are the SyntaxWarnings CPython 3.14's ast.parse emits for
	// the file, in its order (also those emitted before a syntax error;
	// see parser.ParseWarnings). None for a file that cannot be decoded.
	Warnings []Warning `json:"warnings,omitempty"`

	Docstring *string  `json:"docstring,omitempty"` // the module docstring, as CPython 3.14's ast.get_docstring (inspect.cleandoc) gives it
	All       []string `json:"all_names,omitempty"` // __all__ when it is a literal list or tuple of strings

	// LowestVersion is, for a file that parses, the lowest Python version
	// ("3.0" to "3.14") whose grammar accepts it, and VersionFeatures the
	// syntax that needs a version later than 3.0 (the first use of each
	// kind, in source order; see parser.Features). Empty for a file that
	// does not parse.
	LowestVersion   string           `json:"lowest_version,omitempty"`
	VersionFeatures []VersionFeature `json:"version_features,omitempty"`

	Imports     []Import     `json:"imports"`
	Definitions []Definition `json:"definitions"`
	Lines       LineMetrics  `json:"lines"`
	// LinesError is set when the line metrics could not be computed: the
	// file cannot be decoded, or radon's line-by-line tokenization never
	// completes (an unterminated string or bracket at the end of the file,
	// a character Python's tokenize rejects); Lines is then all zero.
	LinesError string `json:"lines_error,omitempty"`

	// Notebook is set when the file is a Jupyter notebook: the report is
	// then that of its code cells joined into one source (package
	// notebook), and every position (of a definition, an import, the
	// syntax error) also says its cell and its line in that cell. Size
	// and SHA256 are those of the notebook's bytes.
	Notebook *Notebook `json:"notebook,omitempty"`

	// Partial marks a report read back from a store without its facts
	// (store.ReportStore.StoredSummary): its hash, size, encoding, line
	// metrics, syntax error, lowest version and warnings are there, its
	// definitions, imports, version features and docstrings are not. Only
	// the store it came from may write it, by its hash; other outputs
	// refuse it.
	Partial bool `json:"-"`
}

// Notebook is what a Report of a notebook knows about its cells.
type Notebook struct {
	Format      int            `json:"nbformat"`     // the nbformat major version
	Cells       int            `json:"cells"`        // cells of every type
	CodeCells   []NotebookCell `json:"code_cells"`   // the code cells with at least one line, in order
	MaskedLines int            `json:"masked_lines"` // lines of IPython syntax (magics, shell escapes) masked
}

// NotebookCell is where one code cell lies in the joined source.
type NotebookCell struct {
	Cell  int `json:"cell"`  // 1-based among all the notebook's cells
	Line  int `json:"line"`  // its first line in the joined source
	Lines int `json:"lines"` // how many lines it has
}

// Warning is one warning CPython emits while parsing the file, as the
// warnings module records it: Category is the class ("SyntaxWarning"),
// Message the text and Line the lineno. Col is pybatch's: the 0-based
// column, in characters as the syntax error's, of the text warned about
// (the backslash of an escape, the first digit of a number) on Line; nil
// (null in JSON, NULL in SQLite and Parquet) where that text is not on Line
// (CPython gives a literal part of a multi-line f-string or t-string the
// line of its closing quote, which may lie past the end of the file).
type Warning struct {
	Category string `json:"category"`
	Message  string `json:"message"`
	Line     int    `json:"line"`
	Col      *int   `json:"col"`
	// In a notebook: the cell (1-based) and the line in that cell of Line;
	// 0 elsewhere.
	Cell     int `json:"cell,omitempty"`
	CellLine int `json:"cell_line,omitempty"`
}

// SyntaxError is where and why the file does not parse, as CPython 3.14's
// SyntaxError says it: Line and EndLine are lineno and end_lineno, Col and
// EndCol are offset - 1 and end_offset - 1 (0-based, counted in characters
// of the line, as CPython counts its offsets). Where CPython gives no end
// column, EndCol is -1 (end_offset 0) or -2 (end_offset -1). NoStart and
// NoEnd say that CPython leaves lineno and offset, or end_lineno and
// end_offset, None (a null byte in the source; the end of a decoding error):
// the JSON form then has null for those fields and the SQLite view NULL, and
// Line/Col or EndLine/EndCol are 0.
type SyntaxError struct {
	Kind    string `json:"kind"` // SyntaxError, IndentationError or TabError
	Msg     string `json:"msg"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_col"`
	// In a notebook: the cells (1-based) and the lines in those cells of
	// Line and EndLine; 0 elsewhere.
	Cell        int  `json:"cell,omitempty"`
	CellLine    int  `json:"cell_line,omitempty"`
	EndCell     int  `json:"end_cell,omitempty"`
	EndCellLine int  `json:"end_cell_line,omitempty"`
	NoStart     bool `json:"-"`
	NoEnd       bool `json:"-"`
}

// UnmarshalJSON reads the JSON form, where an unknown position is null.
func (e *SyntaxError) UnmarshalJSON(b []byte) error {
	var v syntaxErrorJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*e = SyntaxError{Kind: v.Kind, Msg: v.Msg, NoStart: v.Line == nil, NoEnd: v.EndLine == nil,
		Cell: v.Cell, CellLine: v.CellLine, EndCell: v.EndCell, EndCellLine: v.EndCellLine}
	if v.Line != nil && v.Col != nil {
		e.Line, e.Col = *v.Line, *v.Col
	}
	if v.EndLine != nil && v.EndCol != nil {
		e.EndLine, e.EndCol = *v.EndLine, *v.EndCol
	}
	return nil
}

// MarshalJSON writes the JSON form, where an unknown position is null (the
// form AppendJSON writes by hand).
func (e SyntaxError) MarshalJSON() ([]byte, error) {
	v := syntaxErrorJSON{Kind: e.Kind, Msg: e.Msg, Cell: e.Cell, CellLine: e.CellLine, EndCell: e.EndCell, EndCellLine: e.EndCellLine}
	if !e.NoStart {
		v.Line, v.Col = &e.Line, &e.Col
	}
	if !e.NoEnd {
		v.EndLine, v.EndCol = &e.EndLine, &e.EndCol
	}
	return json.Marshal(v)
}

// syntaxErrorJSON is SyntaxError's JSON form.
type syntaxErrorJSON struct {
	Kind    string `json:"kind"`
	Msg     string `json:"msg"`
	Line    *int   `json:"line"`
	Col     *int   `json:"col"`
	EndLine *int   `json:"end_line"`
	EndCol  *int   `json:"end_col"`

	Cell        int `json:"cell,omitempty"`
	CellLine    int `json:"cell_line,omitempty"`
	EndCell     int `json:"end_cell,omitempty"`
	EndCellLine int `json:"end_cell_line,omitempty"`
}

// Import is one import statement's module with the names it binds: one
// Import per `from M import ...` statement, and one per module of a plain
// `import a, b as c` statement (Module "a", then Module "b").
type Import struct {
	Module string       `json:"module"`  // "" for "from . import x"
	Names  []ImportName `json:"names"`   // for "import a.b as c": one name {Name: "a.b", As: "c"}
	Level  int          `json:"level"`   // relative import level (number of leading dots)
	From   bool         `json:"is_from"` // a "from ... import" statement
	Line   int          `json:"line"`
	// Where is, from the strongest: "function" or "class" inside one;
	// "type_checking" under `if TYPE_CHECKING:` or `if <name>.TYPE_CHECKING:`;
	// "try_import_error" in the body or a handler of a try statement with a
	// handler naming ImportError or ModuleNotFoundError; "conditional"
	// inside another if/else, loop, try or match case; else "module" (the
	// bodies of with and finally always run and change nothing).
	Where string `json:"scope"`
	// In a notebook: the cell (1-based) and the line in that cell of Line;
	// 0 elsewhere.
	Cell     int `json:"cell,omitempty"`
	CellLine int `json:"cell_line,omitempty"`
}

// ImportName is one imported name and its alias.
type ImportName struct {
	Name string `json:"name"`
	As   string `json:"as,omitempty"`
}

// Definition is a class, function, method or nested function.
type Definition struct {
	QualName   string   `json:"qualname"` // as __qualname__: Outer.method.<locals>.inner
	Name       string   `json:"name"`
	Kind       string   `json:"kind"` // class, function, method, async_function, async_method
	Line       int      `json:"line"` // the def/class line (after decorators), as ast lineno
	Col        int      `json:"col"`
	EndLine    int      `json:"end_line"`
	EndCol     int      `json:"end_col"`
	Decorators []string `json:"decorators,omitempty"` // source text
	Params     []Param  `json:"params,omitempty"`
	Returns    string   `json:"returns,omitempty"` // return annotation, source text
	Bases      []string `json:"bases,omitempty"`   // base classes and keywords, source text
	Docstring  *string  `json:"docstring,omitempty"`
	Complexity int      `json:"complexity"` // cyclomatic complexity as radon cc computes it (for a class: radon's per-class figure)
	Rank       string   `json:"rank"`       // radon's A-F rank of Complexity
	// In a notebook: the cells (1-based) and the lines in those cells of
	// Line and EndLine; 0 elsewhere.
	Cell        int `json:"cell,omitempty"`
	CellLine    int `json:"cell_line,omitempty"`
	EndCell     int `json:"end_cell,omitempty"`
	EndCellLine int `json:"end_cell_line,omitempty"`
}

// VersionFeature is syntax that needs a Python version later than 3.0:
// its first use in the file.
type VersionFeature struct {
	Feature string `json:"feature"` // e.g. "match statement (PEP 634)"
	Version string `json:"version"` // the first version whose grammar accepts it, "3.10"
	Line    int    `json:"line"`
	Col     int    `json:"col"` // 0-based, in UTF-8 bytes as ast col_offset
	// In a notebook: the cell (1-based) and the line in that cell of Line;
	// 0 elsewhere.
	Cell     int `json:"cell,omitempty"`
	CellLine int `json:"cell_line,omitempty"`
}

// Param is one parameter of a function.
type Param struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"` // positional_only, positional, var_positional, keyword_only, var_keyword
	Default    bool   `json:"default"`
	Annotation bool   `json:"annotation"`
}

// LineMetrics are radon raw's numbers for the file.
type LineMetrics struct {
	LOC            int `json:"loc"`
	LLOC           int `json:"lloc"`
	SLOC           int `json:"sloc"`
	Comments       int `json:"comments"`
	SingleComments int `json:"single_comments"`
	Multi          int `json:"multi"`
	Blank          int `json:"blank"`
}
