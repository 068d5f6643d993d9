package batch

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/parallel"
	"github.com/pybatch/pybatch/result"
)

// StoredFunc answers a content hash (hex SHA-256) with the report an
// earlier run stored for the same bytes, analyzed by this version; nil when
// it has none. It is called from every worker at once.
type StoredFunc func(ctx context.Context, sha256 string) (*analysis.Report, error)

// dedupCacheBytes bounds the reports kept after their file is done, by the
// size of the sources they came from (in memory, a report takes about as
// much as its source). With a store that answers (Stored) the cache only
// bridges the time until the report is written (the store answers from
// its queued batch until the commit): it is smaller.
const (
	dedupCacheBytes       = 8 << 20
	dedupCacheBytesStored = 2 << 20
)

// The summaries a store answers with (analysis.Report.Partial: no facts)
// are kept apart, up to summaryCacheBytes at summaryBytes each (about 600
// bytes in memory: the report, its hash twice, the cache's entry). A
// replicated tree asks the store for the same few thousand contents again
// and again, and each answer took two queries through SQLite, about 40 µs
// of CPU: a third of a run of copies (bench/NOTES.md).
const (
	summaryCacheBytes = 16 << 20
	summaryBytes      = 1 << 10
)

// dedup analyzes each content once (Options.Dedup): a file's bytes are
// read and hashed first; a file whose bytes another file of the batch is
// being analyzed for waits for that result, one whose bytes were analyzed
// recently (or, with Stored, in an earlier run) takes that result; only
// the first is analyzed. The analysis depends only on the bytes (the
// path only names the report), so the records are the same either way.
//
// It is shared by the workers; mu guards the flights and the cache.
type dedup struct {
	stored StoredFunc

	mu        sync.Mutex
	flights   map[string]*flight
	reports   lru // whole reports (analyzed in this run), by their source's size
	summaries lru // partial ones a store answered with, summaryBytes each
	// keys maps File.Key to the hash of the file's bytes, so that a file
	// whose Key was met is answered without being read (a blob unchanged
	// between git revisions); cleared when it reaches maxKeys.
	keys map[string]string
	// hashing holds the Keys whose first file is being read and hashed:
	// a later file with the same Key waits for its hash instead of
	// reading the same bytes again (the revisions of a git run are read in
	// parallel).
	hashing map[string]chan struct{}
}

// maxKeys bounds dedup.keys (about 150 bytes an entry).
const maxKeys = 1 << 18

// flight is one content being analyzed; done is closed when rep is set
// (nil if the analysis failed or panicked: the waiters then analyze).
type flight struct {
	done chan struct{}
	rep  *analysis.Report
}

func newDedup(stored StoredFunc) *dedup {
	d := &dedup{stored: stored, flights: map[string]*flight{}, keys: map[string]string{}, hashing: map[string]chan struct{}{}}
	d.reports.init(dedupCacheBytes)
	d.summaries.init(summaryCacheBytes)
	if stored != nil {
		d.reports.limit = dedupCacheBytesStored
	}
	return d
}

// wrap reads the file, then either answers it from the same bytes'
// report or hands it, with its Data, to work.
func (d *dedup) wrap(o Options, work parallel.Func[File, *result.Record]) parallel.Func[File, *result.Record] {
	return func(ctx context.Context, f File) (*result.Record, error) {
		if f.Skip != "" || f.Err != nil {
			return work(ctx, f)
		}
		rec := &result.Record{Source: f.Source, Path: f.Path, Size: f.Size, ModTime: f.ModTime, Attempts: 1}
		var sha string
		hashed := func() {}
		if f.Key != "" {
			d.mu.Lock()
			if f.Data == nil {
				sha = d.keys[f.Key] // (then f is read only if it must be analyzed)
				if ch, ok := d.hashing[f.Key]; ok && sha == "" {
					d.mu.Unlock()
					waitStart := time.Now()
					select {
					case <-ch:
					case <-ctx.Done():
						return nil, ctx.Err()
					}
					rec.Waited += time.Since(waitStart)
					d.mu.Lock()
					sha = d.keys[f.Key] // ("" if that file could not be read)
				}
			}
			if _, ok := d.hashing[f.Key]; sha == "" && !ok {
				ch := make(chan struct{})
				d.hashing[f.Key] = ch
				hashed = sync.OnceFunc(func() {
					d.mu.Lock()
					delete(d.hashing, f.Key)
					d.mu.Unlock()
					close(ch)
				})
				defer hashed()
			}
			d.mu.Unlock()
		}
		if sha == "" {
			if f.Data == nil {
				var src []byte
				var err error
				if f.Load != nil {
					src, err = f.Load()
				} else {
					src, err = readFile(f.osPath(), rec, o.MaxSize)
				}
				if err != nil {
					rec.Status, rec.ErrClass, rec.Err = result.Failed, Classify(err), err.Error()
					return rec, nil
				}
				f.Data, f.Size, f.ModTime = src, rec.Size, rec.ModTime
				if f.Size == 0 {
					f.Size = int64(len(src))
				}
			}
			if o.MaxSize >= 0 && int64(len(f.Data)) > o.MaxSize {
				return work(ctx, f) // (fails as too large)
			}
			sum := sha256.Sum256(f.Data)
			sha = hex.EncodeToString(sum[:])
			if f.Key != "" {
				d.mu.Lock()
				if len(d.keys) >= maxKeys {
					clear(d.keys)
				}
				d.keys[f.Key] = sha
				d.mu.Unlock()
				hashed()
			}
		}

		d.mu.Lock()
		if fl, ok := d.flights[sha]; ok {
			d.mu.Unlock()
			waitStart := time.Now()
			select {
			case <-fl.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			rec.Waited += time.Since(waitStart)
			if fl.rep != nil {
				return reused(rec, f, fl.rep), nil
			}
			return work(ctx, f)
		}
		if rep := d.cached(sha); rep != nil {
			d.mu.Unlock()
			return reused(rec, f, rep), nil
		}
		fl := &flight{done: make(chan struct{})}
		d.flights[sha] = fl
		d.mu.Unlock()
		defer func() {
			d.mu.Lock()
			delete(d.flights, sha)
			if fl.rep != nil {
				d.remember(sha, fl.rep)
			}
			d.mu.Unlock()
			close(fl.done)
		}()

		if d.stored != nil {
			rep, err := d.stored(ctx, sha)
			if err != nil {
				return nil, err
			}
			if rep != nil {
				fl.rep = rep
				return reused(rec, f, rep), nil
			}
		}
		out, err := work(ctx, f)
		if err == nil && out.Status == result.Analyzed && out.Report != nil && out.Report.SHA256 == sha {
			fl.rep = out.Report
		}
		return out, err
	}
}

// cached returns the report of the bytes hashed sha, if it is kept. d.mu
// is held.
func (d *dedup) cached(sha string) *analysis.Report {
	if rep := d.reports.get(sha); rep != nil {
		return rep
	}
	return d.summaries.get(sha)
}

// remember keeps rep, the report of the bytes hashed sha. d.mu is held.
func (d *dedup) remember(sha string, rep *analysis.Report) {
	if rep.Partial {
		d.summaries.put(sha, summaryBytes, rep)
	} else {
		d.reports.put(sha, rep.Size, rep) // (rep.Size: f.Data is nil when f was known by its Key)
	}
}

// lru keeps reports by hash up to limit bytes (as each is counted),
// dropping the least recently used.
type lru struct {
	m            map[string]*list.Element // of *cached, most recent first in l
	l            list.List
	bytes, limit int64
}

type cached struct {
	sha  string
	size int64
	rep  *analysis.Report
}

func (c *lru) init(limit int64) { c.m, c.limit = map[string]*list.Element{}, limit }

func (c *lru) get(sha string) *analysis.Report {
	e, ok := c.m[sha]
	if !ok {
		return nil
	}
	c.l.MoveToFront(e)
	return e.Value.(*cached).rep
}

// put keeps rep unless it is larger than a sixteenth of the limit.
func (c *lru) put(sha string, size int64, rep *analysis.Report) {
	if size > c.limit/16 {
		return
	}
	if _, ok := c.m[sha]; ok {
		return
	}
	c.m[sha] = c.l.PushFront(&cached{sha, size, rep})
	c.bytes += size
	for c.bytes > c.limit {
		old := c.l.Remove(c.l.Back()).(*cached)
		delete(c.m, old.sha)
		c.bytes -= old.size
	}
}

// reused is f's record answered with the report of the same bytes: a
// copy named by f's path (reports are read-only once made, so the facts
// are shared).
func reused(rec *result.Record, f File, rep *analysis.Report) *result.Record {
	cp := *rep
	cp.Path = f.Path
	rec.Status, rec.Report, rec.Reused = result.Analyzed, &cp, true
	rec.Size, rec.ModTime = f.Size, f.ModTime
	return rec
}

// likelyCopies tells, for the counting walk, whether a file is probably a
// copy of one counted before it: the same base name and size (a vendored or
// replicated package, a tree of releases). The progress ETA weighs such
// bytes as reused (progress.Tracker.CountedLikelyReused). A table of
// fixed size, safe from every walk goroutine: when it is full, new names
// are not remembered, so its memory does not grow with the tree.
type likelyCopies struct {
	seed  maphash.Seed
	slots []atomic.Uint64
}

const likelyCopiesSlots = 1 << 19 // 4 MB

func newLikelyCopies() *likelyCopies {
	return &likelyCopies{seed: maphash.MakeSeed(), slots: make([]atomic.Uint64, likelyCopiesSlots)}
}

// seen records (name, size) and says whether it was recorded before.
func (c *likelyCopies) seen(name string, size int64) bool {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(name)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(size))
	h.Write(b[:])
	key := h.Sum64() | 1 // 0 marks a free slot
	mask := uint64(len(c.slots) - 1)
	for i, probe := key&mask, 0; probe < 32; i, probe = (i+1)&mask, probe+1 {
		switch v := c.slots[i].Load(); {
		case v == key:
			return true
		case v == 0:
			if c.slots[i].CompareAndSwap(0, key) {
				return false
			}
			if c.slots[i].Load() == key {
				return true
			}
		}
	}
	return false // full around here: not remembered
}
