package report

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/pybatch/pybatch/store"
)

// IsParquet says whether an input path names a Parquet output: a
// directory holding one (store.IsParquetDir), or a name ending in .parquet.
func IsParquet(path string) bool {
	return store.IsParquetDir(path) || filepath.Ext(path) == ".parquet"
}

// FromParquet aggregates a Parquet output directory, every shard of it:
// its records are read back chunk by chunk (store.ReadParquet) and
// counted as a JSON Lines output's are, with its runs table.
func FromParquet(ctx context.Context, dir string) (*Data, error) {
	a := newAggregator(dir, "parquet")
	runs, err := store.ParquetRuns(dir)
	if err != nil {
		return nil, err
	}
	for _, r := range runs {
		a.d.Runs = append(a.d.Runs, parquetRun(r))
	}
	if len(a.d.Runs) > MaxRuns {
		a.d.Runs = a.d.Runs[len(a.d.Runs)-MaxRuns:]
	}
	for i := len(a.d.Runs) - 1; i >= 0; i-- {
		if !a.d.Runs[i].Ended.IsZero() {
			r := a.d.Runs[i]
			a.d.LatestRun = &r
			break
		}
	}
	for rec, err := range store.ReadParquet(ctx, dir) {
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		a.addRecord(rec)
	}
	return a.finish(), nil
}

// parquetRun is a row of a Parquet output's runs table as a Run.
func parquetRun(r store.ParquetRun) Run {
	out := Run{ID: int64(r.ID), Version: r.ToolVersion, Started: r.Started, Ended: r.Ended, Outcome: string(r.Outcome)}
	var s struct {
		Files       int64   `json:"files"`
		Analyzed    int64   `json:"analyzed"`
		Skipped     int64   `json:"skipped"`
		Failed      int64   `json:"failed"`
		Wall        float64 `json:"wall_s"`
		FilesPerSec float64 `json:"files_per_s"`
		BytesPerSec float64 `json:"bytes_per_s"`
	}
	if r.Stats != "" && json.Unmarshal([]byte(r.Stats), &s) == nil {
		out.Files, out.Analyzed, out.Skipped, out.Failed = s.Files, s.Analyzed, s.Skipped, s.Failed
		out.Wall, out.FilesPerSec, out.BytesPerSec = s.Wall, s.FilesPerSec, s.BytesPerSec
	}
	return out
}
