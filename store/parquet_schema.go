package store

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/parquet-go/parquet-go"
)

// ParquetSchemaVersion is the version of the Parquet tables' schema: the
// tables, their columns and what each holds. It is written into
// DIR/_schema.json and into the key-value metadata of every part
// ("pybatch.schema_version"); a change of any column's name, type or
// meaning takes a new version, and a directory of another version is
// refused instead of mixed.
// Version 2: files.lowest_version and the version_features table.
// Version 3: files.warnings and the warnings table.
const ParquetSchemaVersion = 3

// ParquetTables are the tables of a Parquet output, each a directory of
// parts under the output directory.
var ParquetTables = []string{"files", "definitions", "imports", "syntax_errors", "version_features", "warnings", "runs"}

// parquetFactTables are the tables of a chunk beside files.
var parquetFactTables = []string{"definitions", "imports", "syntax_errors", "version_features", "warnings"}

// The rows of the Parquet tables. Column names are those of the SQLite
// views (file_results, definitions, imports, syntax_errors) and of the
// runs table, less the database's own row ids (id, source_id,
// seen_run_id, content_id, file_id): a file is named by (source, path),
// which is what to join on. Columns that are NULL in SQLite are optional
// here; 0/1 integers (bom, is_from) are booleans. Every text is valid
// UTF-8, as data tools require (DuckDB refuses a table with one invalid
// string): an invalid byte is written as U+FFFD, as JSON Lines write it,
// and the files table also keeps the exact bytes of a source or path that
// is not UTF-8 (source_bytes, path_bytes), which ReadParquet gives back.

type parquetFile struct {
	Source         string  `parquet:"source,dict"`
	SourceBytes    []byte  `parquet:"source_bytes,optional"`
	Path           string  `parquet:"path"`
	PathBytes      []byte  `parquet:"path_bytes,optional"`
	Size           int64   `parquet:"size"`
	MtimeNs        int64   `parquet:"mtime_ns"`
	SHA256         *string `parquet:"sha256,optional"`
	Status         string  `parquet:"status,dict"`
	SkipReason     *string `parquet:"skip_reason,optional,dict"`
	ErrorClass     *string `parquet:"error_class,optional,dict"`
	Error          *string `parquet:"error,optional"`
	Attempts       int64   `parquet:"attempts"`
	DurationNs     int64   `parquet:"duration_ns"`
	RunID          int64   `parquet:"run_id"`
	Encoding       *string `parquet:"encoding,optional,dict"`
	BOM            *bool   `parquet:"bom,optional"`
	LOC            *int64  `parquet:"loc,optional"`
	LLOC           *int64  `parquet:"lloc,optional"`
	SLOC           *int64  `parquet:"sloc,optional"`
	Comments       *int64  `parquet:"comments,optional"`
	SingleComments *int64  `parquet:"single_comments,optional"`
	Multi          *int64  `parquet:"multi,optional"`
	Blank          *int64  `parquet:"blank,optional"`
	ReportSchema   *int64  `parquet:"report_schema,optional"`
	LinesError     *string `parquet:"lines_error,optional"`
	Docstring      *string `parquet:"docstring,optional"`
	AllNames       *string `parquet:"all_names,optional"`
	Definitions    *int64  `parquet:"definitions,optional"`
	Imports        *int64  `parquet:"imports,optional"`
	LowestVersion  *string `parquet:"lowest_version,optional,dict"`
	Warnings       *int64  `parquet:"warnings,optional"`
}

type parquetDefinition struct {
	Source     string  `parquet:"source,dict"`
	Path       string  `parquet:"path,dict"`
	Seq        int64   `parquet:"seq"`
	Qualname   string  `parquet:"qualname"`
	Name       string  `parquet:"name"`
	Kind       string  `parquet:"kind,dict"`
	Line       int64   `parquet:"line"`
	Col        int64   `parquet:"col"`
	EndLine    int64   `parquet:"end_line"`
	EndCol     int64   `parquet:"end_col"`
	Decorators *string `parquet:"decorators,optional"`
	Params     *string `parquet:"params,optional"`
	Returns    *string `parquet:"returns,optional"`
	Bases      *string `parquet:"bases,optional"`
	Docstring  *string `parquet:"docstring,optional"`
	Complexity int64   `parquet:"complexity"`
	Rank       string  `parquet:"rank,dict"`
}

type parquetImport struct {
	Source string `parquet:"source,dict"`
	Path   string `parquet:"path,dict"`
	Seq    int64  `parquet:"seq"`
	Module string `parquet:"module,dict"`
	Names  string `parquet:"names"`
	Level  int64  `parquet:"level"`
	IsFrom bool   `parquet:"is_from"`
	Line   int64  `parquet:"line"`
	Scope  string `parquet:"scope,dict"`
}

type parquetSyntaxError struct {
	Source  string `parquet:"source,dict"`
	Path    string `parquet:"path"`
	Kind    string `parquet:"kind,dict"`
	Msg     string `parquet:"msg"`
	Line    int64  `parquet:"line"`
	Col     int64  `parquet:"col"`
	EndLine int64  `parquet:"end_line"`
	EndCol  int64  `parquet:"end_col"`
}

type parquetVersionFeature struct {
	Source  string `parquet:"source,dict"`
	Path    string `parquet:"path,dict"`
	Seq     int64  `parquet:"seq"`
	Feature string `parquet:"feature,dict"`
	Version string `parquet:"version,dict"`
	Line    int64  `parquet:"line"`
	Col     int64  `parquet:"col"`
}

type parquetWarning struct {
	Source   string `parquet:"source,dict"`
	Path     string `parquet:"path,dict"`
	Seq      int64  `parquet:"seq"`
	Category string `parquet:"category,dict"`
	Message  string `parquet:"message,dict"`
	Line     int64  `parquet:"line"`
	Col      *int64 `parquet:"col,optional"`
}

type parquetRun struct {
	ID          int64   `parquet:"id"`
	Shard       int64   `parquet:"shard"`
	Shards      int64   `parquet:"shards"`
	ToolVersion string  `parquet:"tool_version"`
	Options     string  `parquet:"options"`
	OptionsHash string  `parquet:"options_hash"`
	Pid         int64   `parquet:"pid"`
	StartedAt   string  `parquet:"started_at"`
	EndedAt     *string `parquet:"ended_at,optional"`
	Outcome     string  `parquet:"outcome"`
	Stats       *string `parquet:"stats,optional"`
}

// parquetDocs says what each table and column holds: the documented
// schema, written to DIR/_schema.json. A test checks that every column has
// its line.
var parquetDocs = map[string]struct {
	row     any
	doc     string
	columns map[string]string
}{
	"files": {parquetFile{}, "one row per file: the SQLite view file_results", map[string]string{
		"source":          "the analyzed tree: its absolute root directory (U+FFFD for each byte of a name that is not UTF-8)",
		"source_bytes":    "the source's exact bytes, when they are not valid UTF-8",
		"path":            "the file, slash-separated, relative to source (U+FFFD for each byte of a name that is not UTF-8)",
		"path_bytes":      "the path's exact bytes, when they are not valid UTF-8",
		"size":            "bytes on disk when scanned",
		"mtime_ns":        "modification time, Unix nanoseconds",
		"sha256":          "hex SHA-256 of the bytes (analyzed files)",
		"status":          "analyzed, skipped or failed",
		"skip_reason":     "why a file was skipped (too_large, binary, ...)",
		"error_class":     "the class of a failure (timeout, not_found, ...)",
		"error":           "the failure's message",
		"attempts":        "how many times analysis was tried",
		"duration_ns":     "the worker's wall time on the file, nanoseconds",
		"run_id":          "the run (runs.id, of the same shard) that wrote the row",
		"encoding":        "the source encoding, as Python names it",
		"bom":             "the file starts with a UTF-8 byte order mark",
		"loc":             "radon raw: lines",
		"lloc":            "radon raw: logical lines",
		"sloc":            "radon raw: source lines",
		"comments":        "radon raw: comment lines",
		"single_comments": "radon raw: lines holding only a comment",
		"multi":           "radon raw: lines of multi-line strings",
		"blank":           "radon raw: blank lines",
		"report_schema":   "the analysis report's schema version",
		"lines_error":     "why the line metrics are missing (they are 0 then)",
		"docstring":       "the module docstring",
		"all_names":       "__all__, a JSON array of strings",
		"definitions":     "how many rows of definitions the file has",
		"imports":         "how many rows of imports the file has",
		"lowest_version":  `the lowest Python version whose grammar accepts the file, "3.0" to "3.14" (files that parse)`,
		"warnings":        "how many rows of warnings the file has",
	}},
	"definitions": {parquetDefinition{}, "classes, functions and methods, in source order: the SQLite view definitions", map[string]string{
		"source":     "as in files",
		"path":       "as in files",
		"seq":        "the position in the file, from 0",
		"qualname":   "as __qualname__: Outer.method.<locals>.inner",
		"name":       "the last part of qualname",
		"kind":       "class, function, method, async_function or async_method",
		"line":       "the def or class line, 1-based",
		"col":        "its column, 0-based UTF-8 bytes",
		"end_line":   "the last line",
		"end_col":    "the end column",
		"decorators": "a JSON array of the decorators' source texts",
		"params":     `the parameters as Python writes them, ":" after an annotated name and "=" after one with a default ("self, a, /, b:=, *args, c=, **kw")`,
		"returns":    "the return annotation's source text",
		"bases":      "a JSON array of the bases' and class keywords' source texts",
		"docstring":  "the docstring",
		"complexity": "cyclomatic complexity as radon cc computes it",
		"rank":       "radon's rank of complexity, A to F",
	}},
	"imports": {parquetImport{}, "import statements, in source order: the SQLite view imports", map[string]string{
		"source":  "as in files",
		"path":    "as in files",
		"seq":     "the position in the file, from 0",
		"module":  `the module ("" for "from . import x")`,
		"names":   `the names bound, as Python writes them ("join as j, exists")`,
		"level":   "the relative import's level (leading dots)",
		"is_from": "a from ... import statement",
		"line":    "the statement's line",
		"scope":   "module, conditional, try_import_error, type_checking, class or function",
	}},
	"syntax_errors": {parquetSyntaxError{}, "the syntax error of a file that does not parse: the SQLite view syntax_errors", map[string]string{
		"source":   "as in files",
		"path":     "as in files",
		"kind":     "SyntaxError, IndentationError or TabError",
		"msg":      "CPython's message",
		"line":     "1-based line",
		"col":      "0-based column, UTF-8 bytes",
		"end_line": "end line",
		"end_col":  "end column",
	}},
	"version_features": {parquetVersionFeature{}, "the syntax that needs a Python version later than 3.0, first use of each kind in source order: the SQLite view version_features", map[string]string{
		"source":  "as in files",
		"path":    "as in files",
		"seq":     "the position in the file's list, from 0",
		"feature": `what it is, e.g. "match statement (PEP 634)"`,
		"version": `the first version whose grammar accepts it, "3.10"`,
		"line":    "1-based line of its first use",
		"col":     "0-based column, UTF-8 bytes",
	}},
	"warnings": {parquetWarning{}, "the warnings CPython 3.14 emits while parsing the file, in its order: the SQLite view warnings", map[string]string{
		"source":   "as in files",
		"path":     "as in files",
		"seq":      "the position in the file's list, from 0",
		"category": `the warning class, "SyntaxWarning"`,
		"message":  "CPython's message",
		"line":     "CPython's line (for a literal part of a multi-line f-string, its closing quote's)",
		"col":      "0-based column in characters of the text warned about on line (pybatch's); null where it is not on line",
	}},
	"runs": {parquetRun{}, "one row per run that wrote to a shard, written when it ended: the SQLite table runs", map[string]string{
		"id":           "the run's number within its shard, from 1",
		"shard":        "the shard the run wrote (K of part-K-of-N)",
		"shards":       "how many shards the output is split in (N)",
		"tool_version": "the pybatch version",
		"options":      "the run's options, JSON",
		"options_hash": "identifies the options that change results",
		"pid":          "the process id",
		"started_at":   "RFC 3339, UTC",
		"ended_at":     "RFC 3339, UTC",
		"outcome":      "completed, failed or interrupted",
		"stats":        "the run's statistics, JSON",
	}},
}

// parquetSchemaDoc is the content of DIR/_schema.json.
type parquetSchemaDoc struct {
	Format        string               `json:"format"`
	SchemaVersion int                  `json:"schema_version"`
	Layout        string               `json:"layout"`
	Tables        []parquetSchemaTable `json:"tables"`
	Metadata      map[string]string    `json:"key_value_metadata"`
}

type parquetSchemaTable struct {
	Name    string                `json:"name"`
	Doc     string                `json:"doc"`
	Columns []parquetSchemaColumn `json:"columns"`
}

type parquetSchemaColumn struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Nullable bool   `json:"nullable"`
	Doc      string `json:"doc"`
}

const parquetFormat = "pybatch-parquet"

// ParquetSchemaJSON returns the documented schema of the Parquet tables,
// as written to DIR/_schema.json: every table with its columns, their
// Parquet types, whether they may be null, and what they hold.
func ParquetSchemaJSON() ([]byte, error) {
	doc := parquetSchemaDoc{
		Format:        parquetFormat,
		SchemaVersion: ParquetSchemaVersion,
		Layout:        "DIR/<table>/part-KKKKK-of-NNNNN-cCCCC.parquet: shard K of N, chunk C; a chunk's files part is renamed into place last, so a chunk counts once its files part is there",
		Metadata: map[string]string{
			"pybatch.schema_version": "this schema's version",
			"pybatch.table":          "the table",
			"pybatch.shard":          "K/N",
			"pybatch.chunk":          "C",
			"pybatch.run_id":         "the run that wrote the part",
			"pybatch.options_hash":   "the options of that run",
			"pybatch.tool_version":   "the pybatch version of that run",
		},
	}
	for _, name := range ParquetTables {
		d := parquetDocs[name]
		t := parquetSchemaTable{Name: name, Doc: d.doc}
		s := parquet.SchemaOf(d.row)
		for _, f := range s.Fields() {
			c := parquetSchemaColumn{Name: f.Name(), Type: f.Type().String(), Nullable: f.Optional(), Doc: d.columns[f.Name()]}
			if c.Doc == "" {
				return nil, fmt.Errorf("store: Parquet column %s.%s has no documentation", name, f.Name())
			}
			t.Columns = append(t.Columns, c)
		}
		if len(t.Columns) != len(d.columns) || len(t.Columns) != reflect.TypeOf(d.row).NumField() {
			return nil, fmt.Errorf("store: Parquet table %s: %d columns, %d documented", name, len(t.Columns), len(d.columns))
		}
		doc.Tables = append(doc.Tables, t)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
