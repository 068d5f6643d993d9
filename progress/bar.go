package progress

import (
	"io"
	"math"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// barRenderer is a live bar on a terminal, drawn by mpb on its own goroutine.
// The Tracker's owner hands it snapshots (Render) through an atomic pointer
// that mpb's decorators read; the bar's fill is bytes done of bytes total.
//
//	1200/11600 files [=====>--------] 12.3/128.0 MB 9.6% · 4.1 MB/s · 3 failed · 5s · ETA 28s
type barRenderer struct {
	p     *mpb.Progress
	bar   *mpb.Bar
	snap  atomic.Pointer[Snapshot]
	now   func() time.Time
	every time.Duration
}

func newBarRenderer(w io.Writer, o RendererOptions) *barRenderer {
	r := &barRenderer{now: o.Now, every: cmpDur(o.Interval, 150*time.Millisecond)}
	if r.now == nil {
		r.now = time.Now
	}
	r.snap.Store(&Snapshot{Time: r.now()})
	opts := []mpb.ContainerOption{mpb.WithOutput(w), mpb.WithRefreshRate(r.every)}
	if o.Width > 0 {
		opts = append(opts, mpb.WithWidth(o.Width))
	}
	r.p = mpb.New(opts...)
	r.bar = r.p.New(0,
		mpb.BarStyle().Lbound("[").Filler("=").Tip(">").Padding("-").Rbound("]"),
		mpb.PrependDecorators(decor.Any(func(decor.Statistics) string { return r.left() }, decor.WCSyncSpaceR)),
		mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return r.right() })),
	)
	return r
}

func (r *barRenderer) left() string {
	s := r.snap.Load()
	plus := ""
	if !s.totalKnown() {
		plus = "+"
	}
	return itoa(s.FilesDone) + "/" + itoa(s.FilesTotal) + plus + " files"
}

func (r *barRenderer) right() string {
	s := *r.snap.Load()
	out := fmtMB(s.BytesDone) + "/" + fmtMB(s.BytesTotal)
	if s.totalKnown() {
		out += " MB " + s.percent()
	} else {
		out += "+ MB (total still growing)"
	}
	out += " · " + itoa(int64(math.Round(s.FilesPerSec))) + " files/s · " + fmtRate(s.BytesPerSec) + s.problems()
	// elapsed moves on between snapshots, so a stall still shows time passing
	el := s.Elapsed
	if !s.Final {
		el += r.now().Sub(s.Time)
	}
	return out + " · " + fmtDur(el) + " · " + s.etaText()
}

func (r *barRenderer) Interval() time.Duration   { return r.every }
func (r *barRenderer) FirstDelay() time.Duration { return 0 }

// Render sets the fill first and the text after it, so that a frame mpb
// draws in between never shows figures ahead of the fill.
func (r *barRenderer) Render(s Snapshot) error {
	r.bar.SetTotal(s.BytesTotal, false)
	r.bar.SetCurrent(s.BytesDone)
	r.snap.Store(&s)
	return nil
}

// Finish completes the bar with the final numbers and waits for mpb to draw
// it and stop, so that what is printed next starts on a clean line. An
// interrupted run's bar stays as far as it got, and says so.
func (r *barRenderer) Finish(s Snapshot, _ *Stats) error {
	r.snap.Store(&s)
	r.bar.SetCurrent(s.BytesDone)
	if s.Interrupted {
		r.bar.Abort(false)
	} else {
		r.bar.SetTotal(-1, true)
	}
	r.p.Wait()
	return nil
}

// MessageWriter is where lines about the run go while r draws: above the
// bar (mpb prints them there and redraws the bar below) when r is a bar,
// else w itself.
func MessageWriter(r Renderer, w io.Writer) io.Writer {
	if b, ok := r.(*barRenderer); ok {
		return aboveBar{b.p, w}
	}
	return w
}

// aboveBar writes above a live bar, and to w once the bar is gone.
type aboveBar struct {
	p *mpb.Progress
	w io.Writer
}

func (a aboveBar) Write(b []byte) (int, error) {
	if n, err := a.p.Write(b); err == nil {
		return n, nil
	}
	return a.w.Write(b)
}
