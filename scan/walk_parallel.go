package scan

import (
	"context"
	"io"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"time"
)

// Parallel walking: a shared pool of directories (taken at random while it is
// small, each random one followed by a run of directories taken last in first
// out, see depthShare; last in first out beyond: depth first keeps the
// frontier small) and
// a bounded list of file batches to check. The queue state is owned by
// pool and guarded by its mutex; workers only push, pop and send results.
type pool struct {
	w     *walkCtx
	out   chan<- FileInfo
	mu    sync.Mutex
	cond  sync.Cond
	dirs  []dirJob
	rnd   *rand.Rand // picks the next directory while few wait
	files [][]candidate
	// deferred are stat'ed candidates waiting for Options.UnchangedReady,
	// in batches of fileBatch.
	deferred  [][]statted
	ndeferred int
	busy      int // jobs taken and not finished
	taken     int // directories taken so far
	run       int // directories still to take last in first out before a random one
}

// fileBatch is how many candidates make one file job.
const fileBatch = 32

// randomFrontier: while no more directories than this wait to be walked,
// the next one is taken at random, not the last one found. The files done at
// any point of a run are then a fair sample of the whole tree rather than of
// the subtrees a depth-first walk happened to reach first, whose cost per
// byte can differ from the rest's (say, a package's tests against its
// code): that is what makes a byte-based ETA meaningful early (bench/NOTES.md
// has the measurements). Beyond it the walk is depth first, which bounds the
// frontier.
const randomFrontier = 4096

// depthShare: a directory taken at random is followed by taken/depthShare
// directories taken last in first out (taken is how many the walk has taken
// so far), which keeps to the subtree it landed in. Its files then come in
// runs of neighbouring paths, and the store's path indexes, far larger than
// its page cache in a large tree, take their keys a page at a time instead
// of one page per file: over a million files, a first run's last tenth
// went at 76% of its fourth tenth's files per second with every directory
// taken at random, at 78-113% with these runs (bench/NOTES.md). The runs
// grow with the walk, so a small tree is still taken almost one directory
// at a time, and any share of a large one still holds hundreds of random
// picks: the sample the ETA needs.
const depthShare = 256

// walkSeed seeds each parallel walk's random order: fresh seeds in a run,
// one the tests log and can replay (with one worker, the walk's order is
// then the same each time).
var walkSeed = rand.Uint64

// testHookOutputWait, when set (by the tests), is called with true when a
// worker is about to wait for the consumer because the output channel is
// full, and with false when that wait ends: a test knows, without sleeping,
// when every worker waits, that is when the walk has run as far ahead of the
// consumer as it can.
var testHookOutputWait func(waiting bool)

// testHookIdle, when set (by the tests), is called with true when a worker
// (or the sorted walk) is about to wait for more work or for
// Options.UnchangedReady, and with false when it goes on. When every worker
// waits so, the walk cannot go on before UnchangedReady is closed.
var testHookIdle func(idle bool)

func (w *walkCtx) walkParallel(roots []string, out chan<- FileInfo) {
	seed := walkSeed()
	p := &pool{w: w, out: out, rnd: rand.New(rand.NewPCG(seed, seed))}
	p.cond.L = &p.mu
	stop := context.AfterFunc(w.ctx, func() {
		p.mu.Lock()
		p.cond.Broadcast()
		p.mu.Unlock()
	})
	defer stop()
	var explicit []candidate
	roots = w.prepareRoots(roots)
	w.cache = newCacheWalk(w.cfg.DirCache, w.cfg, roots)
	for i := len(roots) - 1; i >= 0; i-- {
		act, j, c, fi := w.root(roots[i])
		switch act {
		case actDir:
			j.root, j.cached = i, w.cache.rootRef(i)
			p.dirs = append(p.dirs, j)
		case actFile:
			explicit = append(explicit, c)
		default:
			if !p.emit(fi) {
				return
			}
		}
	}
	if len(explicit) > 0 {
		p.files = append(p.files, explicit)
	}
	if ready := w.cfg.UnchangedReady; ready != nil {
		// Wake the workers waiting with deferred candidates only.
		go func() {
			select {
			case <-ready:
				p.mu.Lock()
				p.cond.Broadcast()
				p.mu.Unlock()
			case <-w.ctx.Done():
			}
		}()
	}
	var wg sync.WaitGroup
	for range w.cfg.workers {
		wg.Go(p.work)
	}
	wg.Wait()
	if w.ctx.Err() == nil {
		w.cache.done()
	}
}

func (p *pool) work() {
	sc := newScratch()
	for {
		p.mu.Lock()
		idle := false
		for len(p.files) == 0 && len(p.dirs) == 0 && !(len(p.deferred) > 0 && p.w.ready()) &&
			(p.busy > 0 || len(p.deferred) > 0) && p.w.ctx.Err() == nil {
			if testHookIdle != nil && !idle {
				idle = true
				testHookIdle(true)
			}
			p.cond.Wait()
		}
		if idle {
			testHookIdle(false)
		}
		if p.w.ctx.Err() != nil || (len(p.files) == 0 && len(p.dirs) == 0 && len(p.deferred) == 0) {
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
		var files []candidate
		var dir dirJob
		var stats []statted
		isDir := false
		if n := len(p.deferred); n > 0 && p.w.ready() {
			stats, p.deferred[n-1] = p.deferred[n-1], nil
			p.deferred = p.deferred[:n-1]
			p.ndeferred -= len(stats)
		} else if n := len(p.files); n > 0 {
			files, p.files[n-1] = p.files[n-1], nil
			p.files = p.files[:n-1]
		} else {
			dir, isDir = p.takeDir(), true
		}
		p.busy++
		p.mu.Unlock()

		switch {
		case isDir:
			start := time.Now()
			sc.checked = 0
			p.walkDir(dir, sc)
			if p.w.cfg.Dir != nil {
				p.w.cfg.Dir(time.Since(start) - sc.checked)
			}
		case stats != nil:
			p.settle(stats, sc.head)
		default:
			p.checkFiles(files, sc.head)
		}

		p.mu.Lock()
		p.busy--
		if p.busy == 0 && len(p.files) == 0 && len(p.dirs) == 0 {
			p.cond.Broadcast()
		}
		p.mu.Unlock()
	}
}

// takeDir removes the next directory to walk from p.dirs (not empty) and
// returns it: at random, or the last one found (see randomFrontier and
// depthShare). p.mu held.
func (p *pool) takeDir() dirJob {
	n := len(p.dirs)
	switch {
	case n > randomFrontier:
	case p.run > 0:
		p.run--
	default:
		i := p.rnd.IntN(n)
		p.dirs[i], p.dirs[n-1] = p.dirs[n-1], p.dirs[i]
		p.run = p.taken / depthShare
	}
	p.taken++
	dir := p.dirs[n-1]
	p.dirs[n-1] = dirJob{}
	p.dirs = p.dirs[:n-1]
	return dir
}

func (p *pool) emit(fi FileInfo) bool {
	if fi.Unchanged && p.w.cfg.OmitUnchanged {
		return true
	}
	if p.w.cfg.Tally != nil && fi.Skip == "" && !fi.IsDir && fi.Err == nil {
		p.w.cfg.Tally(fi.Path, fi.Size)
		return true
	}
	if hook := testHookOutputWait; hook != nil {
		// (Told only when this send would block: a check of the length
		// before a blocking send could miss a worker that blocks.)
		select {
		case p.out <- fi:
			return true
		default:
		}
		hook(true)
		defer hook(false)
	}
	select {
	case p.out <- fi:
		return true
	case <-p.w.ctx.Done():
		return false
	}
}

func (p *pool) checkFiles(files []candidate, buf []byte) bool {
	for _, c := range files {
		if p.w.ctx.Err() != nil {
			return false
		}
		if fi, keep := p.w.check(c, buf); keep && !p.emit(fi) {
			return false
		}
	}
	return true
}

// dirOut is where one directory's walk sends what it finds: subdirectories
// to the queue, candidate files in batches to the workers (or, when enough
// batches are waiting, checked at once, which bounds the queue), reports to
// the output. With an Unchanged hook each candidate is stat'ed first (by
// stat) and the unchanged ones are settled at once.
type dirOut struct {
	p     *pool
	sc    *scratch
	stat  func(c candidate) (head, error)
	batch []candidate
}

func (o *dirOut) dir(sub dirJob) {
	o.p.mu.Lock()
	o.p.dirs = append(o.p.dirs, sub)
	o.p.cond.Signal()
	o.p.mu.Unlock()
}

// file takes one candidate; false when the walk must stop.
func (o *dirOut) file(c candidate) bool {
	p, w := o.p, o.p.w
	if w.cfg.ListOnly && w.cfg.ListStat && !c.shebang {
		fi := FileInfo{Path: c.path}
		if h, err := o.stat(c); err == nil {
			fi.Size, fi.ModTime = h.size, h.modTime
		}
		return p.emit(fi)
	}
	if w.cfg.Unchanged != nil && !w.cfg.ListOnly {
		c.asked = true
		if h, err := o.stat(c); err == nil {
			if !w.ready() {
				if p.deferFile(c, h) {
					return true
				}
				if !w.waitReady() {
					return false
				}
			}
			if fi, ok := w.unchangedHead(c.path, h); ok {
				return p.emit(fi)
			}
		}
	}
	o.batch = append(o.batch, c)
	return len(o.batch) < fileBatch || o.flush()
}

func (o *dirOut) flush() bool {
	if len(o.batch) == 0 {
		return true
	}
	p := o.p
	p.mu.Lock()
	if len(p.files) < 2*p.w.cfg.workers {
		p.files = append(p.files, o.batch)
		p.cond.Signal()
		p.mu.Unlock()
		o.batch = nil
		return true
	}
	p.mu.Unlock()
	start := time.Now()
	ok := p.checkFiles(o.batch, o.sc.head)
	o.sc.checked += time.Since(start)
	o.batch = o.batch[:0]
	return ok
}

// walkDir walks one directory: from the directory cache when its entry
// still holds, else by listing it in chunks (and recording the listing).
func (p *pool) walkDir(j dirJob, sc *scratch) {
	w := p.w
	e := w.cache.find(&j)
	if e != nil && e.trusted {
		if p.walkCached(j, e, sc) {
			return
		}
		w.cache.c.misses.Add(1)
	}
	l, report, ok := w.openDir(&j, false, sc)
	if !ok {
		if report != nil {
			p.emit(*report)
		}
		return
	}
	defer l.d.close()
	out := dirOut{p: p, sc: sc, stat: func(c candidate) (head, error) { return l.d.statAt(c.name, w.cfg.FollowSymlinks) }}
	entries, err := l.first, l.firstErr
	for {
		if w.ctx.Err() != nil {
			return
		}
		for _, ent := range entries {
			act, sub, c, fi := w.classify(&j, ent.name, ent.typ)
			switch act {
			case actDir:
				name := sub.path[len(sub.path)-len(ent.name):]
				if l.rec != nil {
					l.rec.subdirs = append(l.rec.subdirs, name)
				}
				sub.cached = e.subOff(name) + 1
				out.dir(sub)
			case actFile:
				if l.rec != nil {
					l.rec.files = append(l.rec.files, c.name)
				}
				if !out.file(c) {
					return
				}
			case actReport:
				if l.rec != nil {
					l.rec.trusted = false
				}
				if !p.emit(fi) {
					return
				}
			}
		}
		if err != nil {
			if !out.flush() {
				return
			}
			if err != io.EOF {
				p.emit(dirSkip(j.path, err))
				return
			}
			w.cache.finish(l.rec, e, &j, l.pushed, l.dotGit)
			return
		}
		entries, err = l.d.read(entries[:0], readChunk)
	}
}

// walkCached walks j from its cache entry e, after checking that the entry
// still holds: false (nothing done) when it does not.
func (p *pool) walkCached(j dirJob, e *cachedDir, sc *scratch) bool {
	w := p.w
	st, err := statDir(j.path, j.rel == "")
	if err != nil || !st.isDir || st.dev != e.dev || st.ino != e.ino || st.mtime != e.mtime || st.ctime != e.ctime || !w.cache.trusted(st.dev, j.path) {
		return false
	}
	if e.gitignore {
		if !j.ignoring {
			return false
		}
		j.frame = j.frame.push(filepath.Join(j.path, ".gitignore"), j.gitRel, false)
	}
	if rulesSum(&j) != e.rules {
		return false
	}
	w.cache.c.hits.Add(1)
	w.cache.keep(&j, e)
	out := dirOut{p: p, sc: sc, stat: func(c candidate) (head, error) { return statFile(c.path, false) }}
	for i, name := range e.subdirs {
		sub := dirJob{path: childPath(j.base, name), rel: joinRel(j.rel, name), ignoring: j.ignoring, frame: j.frame, root: j.root, cached: e.subOffs[i] + 1}
		sub.base = sub.path
		if j.ignoring {
			sub.gitRel = joinRel(j.gitRel, name)
		}
		if j.abs != "" {
			sub.abs = filepath.Join(j.abs, name)
		}
		out.dir(sub)
	}
	for _, name := range e.files {
		if w.ctx.Err() != nil {
			return true
		}
		path := childPath(j.base, name)
		if !out.file(candidate{path: path, name: path[len(path)-len(name):]}) {
			return true
		}
	}
	out.flush()
	return true
}
