package report

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// IsJSONL says whether an input path names JSON Lines by its extension
// (*.jsonl, *.ndjson, or - for stdin), as pybatch analyze -o decides.
func IsJSONL(path string) bool {
	p := strings.ToLower(path)
	return path == "-" || strings.HasSuffix(p, ".jsonl") || strings.HasSuffix(p, ".ndjson")
}

// inputFormat is format, or when it is "" the format path names: jsonl
// (IsJSONL), parquet (IsParquet) or sqlite.
func inputFormat(path, format string) string {
	switch {
	case format != "":
		return format
	case IsJSONL(path):
		return "jsonl"
	case IsParquet(path):
		return "parquet"
	}
	return "sqlite"
}

// Load aggregates a pybatch output: format is "sqlite", "jsonl", "parquet"
// or "" to decide by the name (IsJSONL, IsParquet). "-" reads JSON Lines
// from stdin.
func Load(ctx context.Context, path, format string) (*Data, error) {
	format = inputFormat(path, format)
	switch format {
	case "sqlite":
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		return FromSQLite(ctx, path)
	case "jsonl":
		if path == "-" {
			return FromJSONL(ctx, os.Stdin, "stdin")
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		defer f.Close()
		return FromJSONL(ctx, f, path)
	case "parquet":
		return FromParquet(ctx, path)
	}
	return nil, fmt.Errorf("report: unknown format %q (sqlite, jsonl or parquet)", format)
}
