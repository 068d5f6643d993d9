package analysis

// SchemaVersion is written into every Report as schema_version. Bump it when
// the JSON form changes incompatibly, and update schema/report.schema.json.
// Version 2 names fields as the SQLite views do: all_names, and is_from and
// scope of an import (were all, from and where).
const SchemaVersion = 2

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

	Docstring *string  `json:"docstring,omitempty"` // the module docstring, as CPython 3.14's ast.get_docstring (inspect.cleandoc) gives it
	All       []string `json:"all_names,omitempty"` // __all__ when it is a literal list or tuple of strings

	Imports     []Import     `json:"imports"`
	Definitions []Definition `json:"definitions"`
	Lines       LineMetrics  `json:"lines"`
	// LinesError is set when the line metrics could not be computed: the
	// file cannot be decoded, or radon's line-by-line tokenization never
	// completes (an unterminated string or bracket at the end of the file,
	// a character Python's tokenize rejects); Lines is then all zero.
	LinesError string `json:"lines_error,omitempty"`
}

// SyntaxError is where and why the file does not parse. Lines are 1-based,
// columns 0-based UTF-8 byte offsets, as CPython's ast positions.
type SyntaxError struct {
	Kind    string `json:"kind"` // SyntaxError, IndentationError or TabError
	Msg     string `json:"msg"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	EndLine int    `json:"end_line"`
	EndCol  int    `json:"end_col"`
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
