package scan

import (
	"io"
	"slices"
	"strings"
	"time"
)

// walkSorted walks sequentially in the caller's goroutine, each directory's
// entries in lexical order.
func (w *walkCtx) walkSorted(roots []string, yield func(FileInfo) bool) {
	sc := newScratch()
	emitFile := func(c candidate) bool {
		if fi, keep := w.check(c, sc.head); keep && !(fi.Unchanged && w.cfg.OmitUnchanged) {
			if w.cfg.Tally != nil && fi.Skip == "" && fi.Err == nil {
				w.cfg.Tally(fi.Path, fi.Size)
				return true
			}
			return yield(fi)
		}
		return true
	}
	var walkDir func(j dirJob) bool
	walkDir = func(j dirJob) bool {
		if w.ctx.Err() != nil {
			return false
		}
		start := time.Now()
		l, report, ok := w.openDir(&j, true, sc)
		if !ok {
			if report != nil {
				return yield(*report)
			}
			return true
		}
		l.d.close()
		// (A copy: the walk of a subdirectory reuses sc.)
		entries, err := slices.Clone(l.first), l.firstErr
		if err == io.EOF {
			err = nil
		}
		slices.SortFunc(entries, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
		if w.cfg.Dir != nil {
			w.cfg.Dir(time.Since(start))
		}
		for _, e := range entries {
			if w.ctx.Err() != nil {
				return false
			}
			act, sub, c, fi := w.classify(&j, e.name, e.typ)
			var cont bool
			switch act {
			case actNone:
				cont = true
			case actDir:
				cont = walkDir(sub)
			case actFile:
				cont = emitFile(c)
			case actReport:
				cont = yield(fi)
			}
			if !cont {
				return false
			}
		}
		if err != nil {
			return yield(dirSkip(j.path, err))
		}
		return true
	}
	for _, r := range w.prepareRoots(roots) {
		act, j, c, fi := w.root(r)
		var cont bool
		switch act {
		case actDir:
			cont = walkDir(j)
		case actFile:
			cont = emitFile(c)
		default:
			cont = yield(fi)
		}
		if !cont {
			return
		}
	}
}
