package progress

import (
	"testing"
	"time"
)

// The total of a run over archives counts what is not read yet at the
// ratio of file bytes found per byte read so far, until discovery ends.
func TestInputAhead(t *testing.T) {
	now := time.Unix(1000, 0)
	tr := NewTracker(Options{Now: func() time.Time { return now }})
	tr.ExpectInput(1000)
	if s := tr.Snapshot(); s.BytesTotal != 1000 {
		t.Errorf("before any read: total %d, want the input's 1000 bytes", s.BytesTotal)
	}
	tr.InputRead(100, 0)
	tr.Discovered(400)
	tr.InputRead(0, 400)
	if s := tr.Snapshot(); s.BytesTotal != 400+900*4 {
		t.Errorf("after 100 of 1000 bytes read holding 400: total %d, want %d", s.BytesTotal, 400+900*4)
	}
	tr.InputRead(900, 0)
	if s := tr.Snapshot(); s.BytesTotal != 400 {
		t.Errorf("all read: total %d, want 400", s.BytesTotal)
	}
	tr.ExpectInput(500)
	tr.DiscoveryDone()
	if s := tr.Snapshot(); s.BytesTotal != 400 || !s.TotalFinal {
		t.Errorf("discovery done: total %d (final %v), want 400", s.BytesTotal, s.TotalFinal)
	}
}
