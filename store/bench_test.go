package store

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pybatch/pybatch/result"
)

// BenchmarkSinks writes the same 2,000 synthetic records (shaped like a
// mid-sized module: 36 definitions, 12 imports) per iteration to a fresh
// output with each sink, and reports records/s. Run:
//
//	go test ./store -run '^$' -bench Sinks -benchtime 5x
func BenchmarkSinks(b *testing.B) {
	const n = 2000
	recs := make([]*result.Record, n)
	for i := range recs {
		recs[i] = synthRecord("src", i)
	}
	ctx := context.Background()
	for _, batch := range []int{256} {
		b.Run(fmt.Sprintf("sqlite/batch=%d", batch), func(b *testing.B) {
			dir := b.TempDir()
			cpu0 := cpuTime()
			for i := 0; b.Loop(); i++ {
				db, err := Open(ctx, filepath.Join(dir, fmt.Sprintf("%d.db", i)), Options{BatchSize: batch})
				if err != nil {
					b.Fatal(err)
				}
				run, err := db.BeginRun(ctx, RunInfo{ToolVersion: "v1", OptionsHash: "h"})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range recs {
					if err := run.Write(ctx, r); err != nil {
						b.Fatal(err)
					}
				}
				if err := run.Finish(ctx, Completed, nil); err != nil {
					b.Fatal(err)
				}
				db.Close()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(n*b.N)/1e3, "cpu-µs/record")
		})
		b.Run(fmt.Sprintf("jsonl/batch=%d", batch), func(b *testing.B) {
			dir := b.TempDir()
			cpu0 := cpuTime()
			for i := 0; b.Loop(); i++ {
				s, err := OpenJSONLFile(ctx, filepath.Join(dir, fmt.Sprintf("%d.jsonl", i)), JSONLFileOptions{JSONLOptions: JSONLOptions{BatchSize: batch}})
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range recs {
					if err := s.Write(ctx, r); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(n*b.N)/1e3, "cpu-µs/record")
		})
	}
}

// cpuTime is this process's user+system CPU time: on a shared machine the
// wall time of a benchmark says more about the neighbours than about us.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkUnchangedRerun measures the store's share of re-running on an
// unchanged tree of 11,659 files (the size of this machine's Python
// library): open, read what is known, skip and keep every file, mark gone
// files, finish. Run:
//
//	go test ./store -run '^$' -bench UnchangedRerun -benchtime 5x
func BenchmarkUnchangedRerun(b *testing.B) {
	const n = 11659
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "p.db")
	db, err := Open(ctx, path, Options{BatchSize: 512})
	if err != nil {
		b.Fatal(err)
	}
	run, _ := db.BeginRun(ctx, RunInfo{ToolVersion: "v1", OptionsHash: "h"})
	recs := make([]*result.Record, n)
	for i := range recs {
		recs[i] = synthRecord("src", i)
		if err := run.Write(ctx, recs[i]); err != nil {
			b.Fatal(err)
		}
	}
	run.Finish(ctx, Completed, nil)
	db.Close()
	cpu0 := cpuTime()
	for b.Loop() {
		db, err := Open(ctx, path, Options{BatchSize: 512})
		if err != nil {
			b.Fatal(err)
		}
		run, _ := db.BeginRun(ctx, RunInfo{ToolVersion: "v1", OptionsHash: "h"})
		in, err := run.Resume(ctx, "src")
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if skip, err := in.Skip(ctx, r.Path, r.Size, r.ModTime); !skip || err != nil {
				b.Fatalf("not skipped: %v", err)
			}
		}
		if gone, err := run.MarkGone(ctx, "src", ""); gone != 0 || err != nil {
			b.Fatalf("gone %d, %v", gone, err)
		}
		if err := run.Finish(ctx, Completed, nil); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/rerun")
}

// BenchmarkJSONLResumeKnown measures what a resumed JSON Lines run reads
// back from its output before it starts: 2,000 committed records. Run:
//
//	go test ./store -run '^$' -bench JSONLResumeKnown -benchtime 5x
func BenchmarkJSONLResumeKnown(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "r.jsonl")
	s, err := OpenJSONLFile(ctx, path, JSONLFileOptions{OptionsHash: "h", ToolVersion: "v1"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 2000 {
		if err := s.Write(ctx, synthRecord("src", i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	cpu0 := cpuTime()
	for b.Loop() {
		s, err := OpenJSONLFile(ctx, path, JSONLFileOptions{Resume: true, OptionsHash: "h", ToolVersion: "v1"})
		if err != nil {
			b.Fatal(err)
		}
		in, err := NewJSONLResume(s, "src")
		if err != nil || len(in.(*heldResume).held) != 2000 {
			b.Fatalf("%v", err)
		}
		s.Close()
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/resume")
}
