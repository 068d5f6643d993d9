package batch

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pybatch/pybatch/archive"
	"github.com/pybatch/pybatch/memory"
	"github.com/pybatch/pybatch/progress"
	"github.com/pybatch/pybatch/scan"
	"github.com/pybatch/pybatch/store"
)

// ArchiveOptions say how a run reads archives (package archive: tar,
// compressed tars, zip, wheels). An archive given as a root is always
// read as a source of its own.
type ArchiveOptions struct {
	// Walk also opens the archives a directory walk finds (by name:
	// *.tar, *.tar.gz, *.tgz, *.tar.bz2, *.tbz2, *.tar.xz, *.txz,
	// *.tar.zst, *.tzst, *.zip, *.whl), each a source of its own; without
	// it they are not Python files and are passed over.
	Walk bool
	// MaxTotal bounds the bytes decompressed from one archive (see
	// archive.Options.MaxTotal): 0 is archive.DefaultMaxTotal, negative
	// none.
	MaxTotal int64
}

// ArchiveInput is an Input of the members of one archive, read as a stream
// (nothing is extracted to disk). Its source is the archive's absolute,
// cleaned path with symbolic links resolved (see ArchiveSource), and each
// member's path is its name in the archive exactly as given (never
// cleaned: "../x.py" stays so). Members are chosen by Scan's Include and
// Exclude patterns and its directory rules (scan.Options.MemberSelector),
// read within Scan.MaxSize each and Archives.MaxTotal in all; a member
// with a NUL byte in its first scan.BinaryCheckSize bytes is skipped as
// binary, as a file on disk would be. Links, devices and other
// non-regular members become Skipped records; damage becomes one Failed
// record (recovery.CorruptArchive) for what was not read.
type ArchiveInput struct {
	Path     string // the archive file (as given)
	Scan     scan.Options
	Archives ArchiveOptions

	run *archiveRun // set by Run: incremental reads, progress
}

// ArchiveSource is the source that names an archive's members: the
// archive's absolute, cleaned path with symbolic links resolved.
func ArchiveSource(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// IsArchive reports whether the file at path is read as an archive when
// given as a root: a regular file whose name is an archive's
// (archive.NameFormat) or whose first bytes are (archive.Sniff).
func IsArchive(path string) bool {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	if archive.NameFormat(path) != archive.Unknown {
		return true
	}
	lower := strings.ToLower(path)
	if strings.HasSuffix(lower, ".py") || strings.HasSuffix(lower, ".pyi") {
		return false
	}
	f, _ := archive.Detect(path)
	return f != archive.Unknown
}

// Files implements Input.
func (a *ArchiveInput) Files(ctx context.Context) iter.Seq[File] {
	return func(yield func(File) bool) {
		source, err := ArchiveSource(a.Path)
		if err != nil {
			yield(File{Source: a.Path, Skip: scan.SkipNotFound, SkipErr: err})
			return
		}
		a.run.files(ctx, source, a.Path, a.Scan, a.Archives)(yield)
	}
}

// archiveRun is what the archives of one run share: the output (for what
// it holds of each archive), the progress tracker, and the archives read
// to their end (their held members not met are gone). Its methods are
// safe from several goroutines.
type archiveRun struct {
	out     store.Output
	held    map[string]bool
	rescan  bool
	tracker *progress.Tracker
	ctx     context.Context // the output's (not cancelled with the run)

	mu       sync.Mutex
	resume   map[string]store.Incremental
	complete []string // sources read to the end that the output held
	err      error    // the first error of the output
}

func newArchiveRun(ctx context.Context, out store.Output, held []string, rescan bool, tr *progress.Tracker) *archiveRun {
	r := &archiveRun{out: out, held: map[string]bool{}, rescan: rescan, tracker: tr, ctx: ctx, resume: map[string]store.Incremental{}}
	for _, h := range held {
		r.held[h] = true
	}
	return r
}

// incremental returns what the output holds of source (nil: nothing, or a
// fresh run), reading it once.
func (r *archiveRun) incremental(source string) store.Incremental {
	if r == nil || r.out == nil || r.rescan || !r.held[source] {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	in, ok := r.resume[source]
	if !ok {
		var err error
		if in, err = r.out.Resume(r.ctx, source); err != nil && r.err == nil {
			r.err = fmt.Errorf("reading what the output holds of %s: %w", source, err)
		}
		r.resume[source] = in
	}
	return in
}

// files yields the members of the archive at path (named source) as Files.
func (r *archiveRun) files(ctx context.Context, source, path string, so scan.Options, ao ArchiveOptions) iter.Seq[File] {
	return func(yield func(File) bool) {
		sel, err := so.MemberSelector()
		if err != nil {
			yield(File{Source: source, Skip: scan.SkipInvalidOptions, SkipErr: err})
			return
		}
		opts := archive.Options{Select: sel, MaxSize: so.MaxSize, MaxTotal: ao.MaxTotal}
		var tr *progress.Tracker
		if r != nil {
			tr = r.tracker
		}
		if tr != nil {
			if st, err := os.Stat(path); err == nil {
				tr.ExpectInput(st.Size())
			}
			opts.Read = func(n int64) { tr.InputRead(n, 0) }
		}
		in := r.incremental(source)
		if in != nil {
			opts.Known = func(name string, size int64, mtime time.Time) bool {
				done, err := in.Skip(r.ctx, name, size, mtime)
				if err != nil {
					r.fail(err)
				}
				return done
			}
		}
		complete := true
		for m := range archive.Members(ctx, path, opts) {
			f := File{Source: source, Path: m.Name, Size: m.Size, ModTime: m.ModTime, Data: m.Data, Skip: m.Skip, SkipErr: m.SkipErr, Err: m.Err}
			if m.Err != nil || m.Skip == scan.SkipArchiveLimit {
				complete = false
			}
			if f.Skip == "" && f.Err == nil {
				if bytes.IndexByte(f.Data[:min(len(f.Data), scan.BinaryCheckSize)], 0) >= 0 {
					f.Data, f.Skip = nil, scan.SkipBinary
				} else if f.Data == nil {
					f.Data = []byte{} // (an empty member is still content, not a path to read)
				}
			}
			if tr != nil {
				tr.InputRead(0, max(f.Size, 0))
			}
			if !yield(f) {
				return
			}
		}
		if complete && in != nil && ctx.Err() == nil {
			r.mu.Lock()
			r.complete = append(r.complete, source)
			r.mu.Unlock()
		}
	}
}

func (r *archiveRun) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil {
		r.err = err
	}
}

// walked marks gone, in every archive read to its end that the output
// held, the members it held and the read did not meet.
func (r *archiveRun) walked(ctx context.Context) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return 0, r.err
	}
	var gone int64
	for _, source := range r.complete {
		n, err := r.out.Walked(ctx, source, "")
		if err != nil {
			return gone, err
		}
		gone += n
	}
	return gone, nil
}

// counts adds up what the archives' incremental reads skipped and touched.
func (r *archiveRun) counts() (kept, touched int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, in := range r.resume {
		if in != nil {
			k, t := in.Counts()
			kept += k
			touched += t
		}
	}
	return kept, touched
}

// archiveRoots splits roots into the archives (each an ArchiveInput, each
// archive once) and the others.
func archiveRoots(roots []string, so scan.Options, ao ArchiveOptions) (rest []string, inputs []*ArchiveInput) {
	seen := map[string]bool{}
	for _, root := range roots {
		if !IsArchive(root) {
			rest = append(rest, root)
			continue
		}
		if src, err := ArchiveSource(root); err == nil {
			if seen[src] {
				continue
			}
			seen[src] = true
		}
		inputs = append(inputs, &ArchiveInput{Path: root, Scan: so, Archives: ao})
	}
	return rest, inputs
}

// archivePatterns are the include patterns that make a walk yield the
// archives it finds.
func archivePatterns() []string {
	var out []string
	for _, s := range archive.Suffixes() {
		out = append(out, "**/*"+s)
	}
	return out
}

// withArchives returns so with the archive patterns added to its Include.
func withArchives(so scan.Options) scan.Options {
	inc := so.Include
	if inc == nil {
		inc = scan.DefaultInclude()
	}
	so.Include = append(append([]string(nil), inc...), archivePatterns()...)
	return so
}

// walkedArchive reports whether fi, found by a walk with ArchiveOptions.Walk,
// is an archive to read rather than a file (a link to one, or an unreadable
// one, stays a file record with its skip reason).
func walkedArchive(fi scan.FileInfo) bool {
	if archive.NameFormat(fi.Path) == archive.Unknown {
		return false
	}
	return fi.Skip == "" || fi.Skip == scan.SkipBinary || fi.Skip == scan.SkipTooLarge
}

// walkArchive yields the members of an archive a walk found, admitted as
// Run admits files.
func (r *archiveRun) walkArchive(ctx context.Context, fi scan.FileInfo, so scan.Options, ao ArchiveOptions, mm *memory.Manager, first func(), yield func(File) bool) bool {
	source, err := ArchiveSource(fi.Path)
	if err != nil {
		source = fi.Path
	}
	for f := range r.files(ctx, source, fi.Path, so, ao) {
		if !admit(&f, mm, r.tracker, first) || !yield(f) {
			return false
		}
	}
	return true
}

// notFiles drops from sources those that are files on disk (archives):
// only a directory can hold a root or be merged into one.
func notFiles(sources []string) []string {
	var out []string
	for _, s := range sources {
		if st, err := os.Stat(s); err == nil && !st.IsDir() {
			continue
		}
		out = append(out, s)
	}
	return out
}

// archiveRootsOf names archive roots as RunSummary.Roots lists them: the
// archive as its own source, all of it (Prefix "").
func archiveRootsOf(inputs []*ArchiveInput) []Root {
	var out []Root
	for _, a := range inputs {
		if src, err := ArchiveSource(a.Path); err == nil {
			out = append(out, Root{Given: a.Path, Source: src})
		}
	}
	return out
}
