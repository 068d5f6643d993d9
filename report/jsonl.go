package report

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/store"
)

// FromJSONL aggregates the records of a JSON Lines output as they are read:
// no record is kept once counted. Lines are decoded on several goroutines
// (decoding is most of the cost); one goroutine aggregates.
func FromJSONL(ctx context.Context, r io.Reader, name string) (*Data, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(runtime.GOMAXPROCS(0), 1)
	type line struct {
		n int64
		b []byte
	}
	lines := make(chan line, workers*4)
	recs := make(chan *result.Record, workers*4)
	var readErr, decErr error
	var errOnce sync.Once
	fail := func(err error) {
		errOnce.Do(func() { decErr = err; cancel() })
	}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(lines)
		br := bufio.NewReaderSize(r, 1<<20)
		var n int64
		for {
			b, err := br.ReadBytes('\n')
			if len(b) > 0 && !(len(b) == 1 && b[0] == '\n') {
				n++
				select {
				case lines <- line{n, b}:
				case <-ctx.Done():
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = fmt.Errorf("report: reading %s: %w", name, err)
					cancel()
				}
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for l := range lines {
				rec, err := store.DecodeLine(l.b)
				if err != nil {
					fail(fmt.Errorf("report: %s:%d: %w", name, l.n, err))
					return
				}
				select {
				case recs <- rec:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() { wg.Wait(); close(recs) }()
	a := newAggregator(name, "jsonl")
	for rec := range recs {
		a.addRecord(rec)
	}
	<-readDone // the reader has stopped: readErr is settled
	if readErr != nil {
		return nil, readErr
	}
	if decErr != nil {
		return nil, decErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return a.finish(), nil
}

// addRecord counts one record: its file, definitions, imports and syntax
// error.
func (a *aggregator) addRecord(r *result.Record) {
	f := fileRow{
		source:     r.Source,
		path:       r.Path,
		status:     string(r.Status),
		skipReason: string(r.SkipReason),
		errClass:   string(r.ErrClass),
		size:       r.Size,
		duration:   r.Duration,
		analyzed:   r.Status == result.Analyzed,
	}
	rep := r.Report
	if rep != nil {
		l := rep.Lines
		f.loc, f.lloc, f.sloc, f.comments, f.multi, f.blank = int64(l.LOC), int64(l.LLOC), int64(l.SLOC), int64(l.Comments), int64(l.Multi), int64(l.Blank)
	}
	ref := a.addFile(f)
	if rep == nil {
		return
	}
	for _, d := range rep.Definitions {
		a.addDef(ref, Func{QualName: d.QualName, Kind: d.Kind, Complexity: d.Complexity, Line: d.Line, EndLine: d.EndLine, doc: d.Docstring})
	}
	if len(rep.Imports) > 0 {
		mods := make([]string, len(rep.Imports))
		levels := make([]int, len(rep.Imports))
		for i, im := range rep.Imports {
			mods[i], levels[i] = im.Module, im.Level
		}
		a.addImports(ref, mods, levels)
	}
	if se := rep.SyntaxError; se != nil {
		a.addSyntaxError(SyntaxErr{Path: relPath(r.Source, r.Path), Kind: se.Kind, Msg: se.Msg, Line: se.Line, Col: se.Col, src: r.Source})
	}
}
