package memory

import (
	"context"
	"runtime/metrics"
	"sync"
	"time"
)

// Sample is one measurement of the process's memory.
type Sample struct {
	Time time.Time
	RSS  int64 // resident set size in bytes (0 where unsupported)
	Heap int64 // live and not yet collected Go heap objects, bytes (runtime/metrics /memory/classes/heap/objects:bytes)
	Go   int64 // all memory mapped by the Go runtime, bytes (/memory/classes/total:bytes)
}

// Summary is what a Sampler observed. Averages are over the samples, which
// are taken at a fixed interval, so they are time averages.
type Summary struct {
	Samples  int   `json:"samples"`
	PeakRSS  int64 `json:"peak_rss_bytes"` // max of the samples and the kernel's high-water mark (VmHWM) when known
	AvgRSS   int64 `json:"avg_rss_bytes"`
	PeakHeap int64 `json:"peak_heap_bytes"`
	AvgHeap  int64 `json:"avg_heap_bytes"`
	PeakGo   int64 `json:"peak_go_bytes"`
	LastRSS  int64 `json:"last_rss_bytes"`
	// HWM is the kernel's RSS high-water mark for the whole process life
	// (VmHWM), 0 where unsupported. It catches spikes between samples, but
	// also anything before the Sampler started.
	HWM int64 `json:"hwm_bytes,omitempty"`
}

// SamplerOptions configure a Sampler. The zero value is valid.
type SamplerOptions struct {
	// Interval between samples; 0 means 200ms.
	Interval time.Duration
	// OnSample, when set, is called from the sampler goroutine after each
	// sample (e.g. to feed a progress display). It must not block.
	OnSample func(Sample)
}

// Sampler samples memory on its own goroutine until Stop.
type Sampler struct {
	opts SamplerOptions
	stop chan struct{}
	done chan struct{}

	mu      sync.Mutex // guards the fields below: written by the sampler goroutine, read by Summary
	n       int
	sumRSS  float64
	sumHeap float64
	sum     Summary
	stopped bool
	final   Summary
}

// StartSampler takes a first sample at once and then one every interval
// until ctx is done or Stop is called.
func StartSampler(ctx context.Context, opts SamplerOptions) *Sampler {
	if opts.Interval <= 0 {
		opts.Interval = 200 * time.Millisecond
	}
	s := &Sampler{opts: opts, stop: make(chan struct{}), done: make(chan struct{})}
	s.take()
	go s.loop(ctx)
	return s
}

func (s *Sampler) loop(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.stop:
			return
		case <-t.C:
			s.take()
		}
	}
}

func (s *Sampler) take() {
	smp := ReadSample()
	s.mu.Lock()
	s.n++
	s.sumRSS += float64(smp.RSS)
	s.sumHeap += float64(smp.Heap)
	s.sum.Samples = s.n
	s.sum.PeakRSS = max(s.sum.PeakRSS, smp.RSS)
	s.sum.PeakHeap = max(s.sum.PeakHeap, smp.Heap)
	s.sum.PeakGo = max(s.sum.PeakGo, smp.Go)
	s.sum.AvgRSS = int64(s.sumRSS / float64(s.n))
	s.sum.AvgHeap = int64(s.sumHeap / float64(s.n))
	s.sum.LastRSS = smp.RSS
	s.mu.Unlock()
	if s.opts.OnSample != nil {
		s.opts.OnSample(smp)
	}
}

// Summary returns what has been observed so far.
func (s *Sampler) Summary() Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return s.final
	}
	return s.sum
}

// Stop takes a last sample, stops the goroutine and returns the Summary,
// with PeakRSS raised to the kernel's high-water mark where known. It is safe
// to call more than once.
func (s *Sampler) Stop() Summary {
	s.mu.Lock()
	if s.stopped {
		defer s.mu.Unlock()
		return s.final
	}
	s.mu.Unlock()
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
	s.take()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.final = s.sum
	if hwm, err := ReadHWM(); err == nil && hwm > 0 {
		s.final.HWM = hwm
		s.final.PeakRSS = max(s.final.PeakRSS, hwm)
	}
	s.stopped = true
	return s.final
}

var metricNames = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/total:bytes"}

// ReadSample measures the process now: RSS (0 if unsupported on this system)
// and the Go runtime's heap and total.
func ReadSample() Sample {
	smp := Sample{Time: time.Now()}
	if rss, err := ReadRSS(); err == nil {
		smp.RSS = rss
	}
	ms := []metrics.Sample{{Name: metricNames[0]}, {Name: metricNames[1]}}
	metrics.Read(ms)
	if ms[0].Value.Kind() == metrics.KindUint64 {
		smp.Heap = int64(ms[0].Value.Uint64())
	}
	if ms[1].Value.Kind() == metrics.KindUint64 {
		smp.Go = int64(ms[1].Value.Uint64())
	}
	return smp
}
