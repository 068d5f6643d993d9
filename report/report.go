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

// Load aggregates a pybatch output: format is "sqlite", "jsonl" or "" to
// decide by the name (IsJSONL). "-" reads JSON Lines from stdin.
func Load(ctx context.Context, path, format string) (*Data, error) {
	if format == "" {
		format = "sqlite"
		if IsJSONL(path) {
			format = "jsonl"
		}
	}
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
	}
	return nil, fmt.Errorf("report: unknown format %q (sqlite or jsonl)", format)
}
