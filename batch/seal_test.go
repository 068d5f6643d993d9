package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/store"
)

// sealingOutput is a JSON Lines output whose end takes work (as the SQLite
// Run's index does): it says what was called in which order.
type sealingOutput struct {
	store.Output
	took  time.Duration
	err   error
	calls []string
	seen  []store.Outcome
}

func (o *sealingOutput) Seal(context.Context) error {
	o.calls = append(o.calls, "seal")
	time.Sleep(o.took)
	return o.err
}

func (o *sealingOutput) SealCost(records int64) time.Duration {
	return time.Duration(records) * 100 * time.Millisecond
}

func (o *sealingOutput) Finish(ctx context.Context, outcome store.Outcome, stats any) error {
	o.calls = append(o.calls, "finish")
	o.seen = append(o.seen, outcome)
	return o.Output.Finish(ctx, outcome, stats)
}

// An output's end is part of the run: priced in the ETA, shown as
// finishing, before the final event and the outcome, in the elapsed time;
// its failure fails the run.
func TestRunSealsTheOutputBeforeTheEnd(t *testing.T) {
	dir := t.TempDir()
	for i := range 5 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("m%d.py", i)), []byte(fmt.Sprintf("x = %d\n", i)), 0o644)
	}
	run := func(sealErr error) (*sealingOutput, []map[string]any, RunSummary, error) {
		var progressBuf, lines bytes.Buffer
		r, _ := progress.NewRenderer(progress.ModeJSON, &progressBuf, progress.RendererOptions{Interval: 50 * time.Millisecond})
		out := &sealingOutput{Output: store.NewJSONL(&lines, store.JSONLOptions{}), took: 400 * time.Millisecond, err: sealErr}
		tr := progress.NewTracker(progress.Options{Renderer: r})
		rs, err := Run(t.Context(), Config{Roots: []string{dir}, Output: out, Progress: tr})
		var events []map[string]any
		for l := range strings.Lines(progressBuf.String()) {
			var e map[string]any
			if jerr := json.Unmarshal([]byte(l), &e); jerr != nil {
				t.Fatalf("%q: %v", l, jerr)
			}
			events = append(events, e)
		}
		return out, events, rs, err
	}
	out, events, rs, err := run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(out.calls, " ") != "seal finish" || out.seen[0] != store.Completed {
		t.Fatalf("calls %v, outcomes %v; want seal then finish, completed", out.calls, out.seen)
	}
	var fin map[string]any
	for _, e := range events {
		if e["finishing"] == true {
			fin = e
			break
		}
	}
	last := events[len(events)-1]
	if fin == nil || fin["eta_s"].(float64) <= 0 || fin["eta_s"].(float64) > 0.5 || fin["files_done"] != 5.0 {
		t.Fatalf("no finishing event with the 5 files done and an ETA of at most 5×100ms:\n%v", events)
	}
	if last["event"] != "done" || last["elapsed_s"].(float64) < 0.4 || last["elapsed_s"].(float64) <= fin["elapsed_s"].(float64) || rs.Elapsed < 400*time.Millisecond {
		t.Fatalf("the final event (%v) or the elapsed time (%v) leave out the 400ms of the output's end (finishing at %v)", last, rs.Elapsed, fin["elapsed_s"])
	}

	boom := errors.New("disk full")
	out, _, _, err = run(boom)
	if !errors.Is(err, boom) || out.seen[0] != store.FailedRun {
		t.Fatalf("a failed seal: error %v, outcome %v; want %v, failed", err, out.seen, boom)
	}
}
