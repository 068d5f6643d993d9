package scan

import (
	"os"
)

// unchanged stats a candidate and asks Options.Unchanged about it. ok is
// false when the file must be checked as usual: the stat failed (the open
// then reports why), it is not a regular file, it is too large, or the hook
// said no.
func (w *walkCtx) unchanged(path string, follow bool) (fi FileInfo, ok bool) {
	if !w.waitReady() {
		return fi, false
	}
	stat := os.Lstat
	if follow {
		stat = os.Stat
	}
	st, err := stat(path)
	if err != nil {
		return fi, false
	}
	h := head{size: st.Size(), modTime: st.ModTime(), regular: st.Mode().IsRegular()}
	h.id, h.idKnown = fileID(st)
	return w.unchangedHead(path, h)
}

// unchangedHead is unchanged for a file already stat'ed (h).
func (w *walkCtx) unchangedHead(path string, h head) (fi FileInfo, ok bool) {
	if !h.regular || (w.cfg.MaxSize > 0 && h.size > w.cfg.MaxSize) {
		return fi, false
	}
	if !w.cfg.Unchanged(path, h.size, h.modTime) {
		return fi, false
	}
	fi = FileInfo{Path: path, Size: h.size, ModTime: h.modTime, Dev: h.id.dev, Ino: h.id.ino, Unchanged: true}
	if w.seenFiles != nil && h.idKnown && !w.firstSeen(w.seenFiles, h.id) {
		fi.Skip, fi.Unchanged = SkipDuplicate, false
	}
	return fi, true
}

// ready reports whether Options.Unchanged can be asked without waiting.
func (w *walkCtx) ready() bool {
	if w.cfg.UnchangedReady == nil {
		return true
	}
	select {
	case <-w.cfg.UnchangedReady:
		return true
	default:
		return false
	}
}

// waitReady waits until Options.Unchanged can be asked; false if the walk
// was cancelled first.
func (w *walkCtx) waitReady() bool {
	if w.cfg.UnchangedReady == nil {
		return true
	}
	if testHookIdle != nil && !w.ready() {
		testHookIdle(true)
		defer testHookIdle(false)
	}
	select {
	case <-w.cfg.UnchangedReady:
		return true
	case <-w.ctx.Done():
		return false
	}
}

// maxDeferred bounds the candidates held for Options.UnchangedReady (about
// 5 MB); beyond it the walk waits. (A variable for the tests.)
var maxDeferred = 1 << 15

// statted is a candidate and what a stat said about it.
type statted struct {
	c candidate
	h head
}

// deferFile holds a stat'ed candidate until Options.UnchangedReady; false
// when enough are held already.
func (p *pool) deferFile(c candidate, h head) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ndeferred >= maxDeferred {
		return false
	}
	n := len(p.deferred)
	if n == 0 || len(p.deferred[n-1]) == fileBatch {
		p.deferred = append(p.deferred, make([]statted, 0, fileBatch))
		n++
	}
	p.deferred[n-1] = append(p.deferred[n-1], statted{c, h})
	p.ndeferred++
	return true
}

// settle asks Options.Unchanged about deferred candidates and checks the
// ones it does not declare unchanged.
func (p *pool) settle(stats []statted, buf []byte) bool {
	for _, s := range stats {
		if p.w.ctx.Err() != nil {
			return false
		}
		fi, ok := p.w.unchangedHead(s.c.path, s.h)
		keep := true
		if !ok {
			fi, keep = p.w.check(s.c, buf)
		}
		if keep && !p.emit(fi) {
			return false
		}
	}
	return true
}
