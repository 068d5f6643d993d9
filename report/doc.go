// Package report turns pybatch's results into one self-contained HTML page
// (pybatch report --html FILE [DB|JSONL]).
//
// Two steps, each usable alone:
//
//	d, err := report.Load(ctx, "pybatch.db", "") // or FromSQLite, FromDB, FromJSONL
//	err = report.Write(w, d)
//
// Load reads the input once and keeps only aggregates and top-N lists
// (Data): counts by status and reason, summed line metrics, the functions'
// rank distribution and complexity histogram, a directory tree with summed
// figures, binned complexity-against-size points, the TopFunctions most
// complex functions, the TopSlowest slowest files, the TopImports most
// imported modules, an import matrix between the tree's top-level packages,
// the first MaxSyntaxErrors syntax errors and the latest MaxRuns runs. So the
// page's size does not depend on the number of files. A database is opened
// read-only and read only through its views (file_results, definitions,
// imports, syntax_errors) and the runs table, by column name; a JSON Lines
// file is decoded with store.DecodeLine and aggregated as it streams.
//
// Write renders Data with html/template. The charts are SVG built in Go
// (svg.go), every piece of input text escaped; the page embeds its only
// style sheet and script, and its Content-Security-Policy allows nothing
// else (default-src 'none', the style and script by SHA-256), so it makes
// no network request and runs from file://.
package report
