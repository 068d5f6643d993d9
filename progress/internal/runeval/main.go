// Command runeval runs pybatch's pipeline (scan → batch → progress, under a
// memory.Manager) the way `pybatch analyze` is meant to wire it, with the
// real decoder and parser as the analysis, and measures what issue 5 asks:
//
//   - the ETA error: the JSON progress events are kept, and for the first
//     event at 10%, 25% and 50% of the bytes the printed ETA is compared with
//     the time that actually remained;
//   - memory: peak and average RSS and Go heap from memory.Sampler.
//
// It is a measurement tool, not part of the product:
//
//	go run ./progress/internal/runeval -max-memory 500MB /root/.pyenv/versions/3.11.7/lib/python3.11
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"iter"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/python/source"
	"github.com/pybatch/pybatch/python/token"
	"github.com/pybatch/pybatch/scan"
)

var (
	inFlight int
	full     bool
)

func main() {
	maxMem := flag.String("max-memory", "500MB", "memory budget")
	maxSize := flag.String("max-size", "0", "scanner size limit (0: none, so that memory decides)")
	workers := flag.Int("workers", 0, "workers (0: CPUs)")
	events := flag.String("events", "", "file for the JSON progress events (default: a temp file)")
	interval := flag.Duration("interval", 200*time.Millisecond, "progress event interval")
	flag.IntVar(&inFlight, "inflight", 0, "batch.Options.InFlight (0: the batch default)")
	flag.BoolVar(&full, "full", false, "run the whole analysis.Analyze instead of decode+parse")
	heapProf := flag.String("heapprofile", "", "write a heap profile here after -heapafter")
	heapAfter := flag.Duration("heapafter", 20*time.Second, "when to write the heap profile")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: runeval [flags] PATH...")
		os.Exit(2)
	}
	if *heapProf != "" {
		time.AfterFunc(*heapAfter, func() {
			runtime.GC()
			if f, err := os.Create(*heapProf); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		})
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, flag.Args(), *maxMem, *maxSize, *workers, *events, *interval); err != nil {
		fmt.Fprintln(os.Stderr, "runeval:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, paths []string, maxMem, maxSizeFlag string, workers int, eventsPath string, interval time.Duration) error {
	budget, err := memory.ParseSize(maxMem)
	if err != nil {
		return err
	}
	maxSize, err := memory.ParseSize(maxSizeFlag)
	if err != nil {
		return err
	}
	mm, err := memory.New(memory.Options{Budget: budget})
	if err != nil {
		return err
	}
	defer mm.Close()
	sampler := memory.StartSampler(ctx, memory.SamplerOptions{})

	if eventsPath == "" {
		eventsPath = filepath.Join(os.TempDir(), fmt.Sprintf("runeval-%d.jsonl", os.Getpid()))
	}
	ef, err := os.Create(eventsPath)
	if err != nil {
		return err
	}
	defer ef.Close()
	bw := bufio.NewWriter(ef)
	r, err := progress.NewRenderer(progress.ModeJSON, bw, progress.RendererOptions{Interval: interval})
	if err != nil {
		return err
	}
	tr := progress.NewTracker(progress.Options{Renderer: r})

	so := scan.DefaultOptions()
	so.MaxSize = maxSize
	// The total: a counting walk of its own, so that it runs ahead of the
	// bounded pipeline (the pipeline's walk only moves as workers free up).
	go func() {
		for fi := range scan.Scan(ctx, paths, so) {
			if fi.Skip != "" || !mm.Fits(mm.Cost(fi.Size)) {
				tr.DiscoveredSkipped(fi.Size)
			} else {
				tr.Discovered(fi.Size)
			}
		}
		tr.DiscoveryDone()
	}()

	files := admitted(batch.FromScan(scan.Scan(ctx, paths, so)), mm)
	records, err := batch.Stream(ctx, files, batch.Options{
		Source:   "runeval",
		Analyze:  analyze,
		Workers:  workers,
		InFlight: inFlight,
		MaxSize:  -1,
		Admit: func(ctx context.Context, f batch.File) (func(), error) {
			return mm.AdmitSize(ctx, f.Size)
		},
	})
	if err != nil {
		return err
	}
	tick := time.NewTicker(progress.TickInterval)
	defer tick.Stop()
	// this goroutine owns the tracker
	next, stopPull := iter.Pull(records)
	defer stopPull()
	for {
		rec, ok := next()
		if !ok {
			break
		}
		tr.Record(rec)
		select {
		case <-tick.C:
			tr.Tick()
		default:
		}
	}
	mem := sampler.Stop()
	adm := mm.Stats()
	st := tr.Finish(progress.FinishInfo{Memory: &mem, Admission: &adm})
	if err := bw.Flush(); err != nil {
		return err
	}
	st.WriteText(os.Stderr)
	fmt.Fprintf(os.Stderr, "budget %s: Go limit %d, capacity %d, ratio %.0f; HWM %.1f MB\n", maxMem, mm.GoLimit(), mm.Capacity(), mm.Ratio(), float64(mem.HWM)/1e6)
	fmt.Fprintln(os.Stderr, "events:", eventsPath)
	return etaErrors(eventsPath)
}

// admitted marks files that can never fit the budget as skipped.
func admitted(files iter.Seq[batch.File], mm *memory.Manager) iter.Seq[batch.File] {
	return func(yield func(batch.File) bool) {
		for f := range files {
			if f.Skip == "" {
				if err := mm.Check(f.Size); err != nil {
					f.Skip, f.SkipErr = memory.SkipReasonTooLarge, err
				}
			}
			if !yield(f) {
				return
			}
		}
	}
}

// analyze decodes and parses: the bulk of the real analysis's work.
func analyze(path string, src []byte) *analysis.Report {
	if full {
		return analysis.Analyze(path, src, analysis.Options{})
	}
	rep := &analysis.Report{SchemaVersion: analysis.SchemaVersion, Path: path, Size: int64(len(src))}
	text, _, err := source.Decode(src)
	if err == nil {
		_, err = parser.Parse(text, parser.Options{})
	}
	if se, ok := err.(*token.SyntaxError); ok && se != nil {
		rep.SyntaxError = &analysis.SyntaxError{Kind: se.Kind, Msg: se.Msg}
	}
	return rep
}

type event struct {
	Event      string   `json:"event"`
	Elapsed    float64  `json:"elapsed_s"`
	BytesDone  int64    `json:"bytes_done"`
	BytesTotal int64    `json:"bytes_total"`
	TotalFinal bool     `json:"total_final"`
	ETA        *float64 `json:"eta_s"`
}

func etaErrors(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var evs []event
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return err
		}
		evs = append(evs, e)
	}
	if len(evs) == 0 || evs[len(evs)-1].Event != "done" {
		return fmt.Errorf("no done event in %s", path)
	}
	end := evs[len(evs)-1].Elapsed
	for _, p := range []float64{0.10, 0.25, 0.50} {
		found := false
		for _, e := range evs {
			if e.Event != "progress" || !e.TotalFinal || e.BytesTotal == 0 || float64(e.BytesDone) < p*float64(e.BytesTotal) {
				continue
			}
			found = true
			actual := end - e.Elapsed
			if e.ETA == nil {
				fmt.Printf("at %2.0f%% of bytes (t=%.2fs): ETA still estimating; actual remaining %.2fs\n", p*100, e.Elapsed, actual)
				break
			}
			fmt.Printf("at %2.0f%% of bytes (%.1f%% at t=%.2fs): ETA %.1fs, actual remaining %.2fs, error %+.1f%%\n",
				p*100, 100*float64(e.BytesDone)/float64(e.BytesTotal), e.Elapsed, *e.ETA, actual, 100*(*e.ETA-actual)/actual)
			break
		}
		if !found {
			fmt.Printf("at %2.0f%% of bytes: no event\n", p*100)
		}
	}
	fmt.Printf("total %.2fs\n", end)
	return nil
}
