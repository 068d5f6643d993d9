// Package gitrev reads the Python files of git revisions straight from a
// repository's objects (github.com/go-git/go-git/v5: no checkout, no git
// binary), with the name rules of a directory walk (scan.TreeRules: the same
// include and exclude patterns, hidden and skipped directories,
// virtualenvs, and the .gitignore files committed in the revision's tree).
//
// A revision is a snapshot: its files are named by the source
// "/abs/repo@<commit id>" (Source: the repository's work tree, or its git
// directory for a bare repository, absolute, cleaned, links resolved, then
// "@" and the full hexadecimal commit id) and their slash-separated path in
// the tree, as git records it. Each file carries its blob id, so that a file
// unchanged between revisions is recognised without reading it
// (Entry.Seen), and its content is read only when needed (Repo.ReadBlob).
//
// Revisions are named as git names them (Resolve): a commit id or a unique
// prefix of one, a branch, a tag (annotated tags are peeled to their
// commit), HEAD, with ~N and ^N suffixes; "A..B" is every commit reachable
// from B and not from A, as `git rev-list A..B` lists them (oldest first
// here). A name that does not resolve is a *RevisionError.
//
// Not followed in a revision: symbolic links (reported with
// scan.SkipSymlink when their name is a candidate; a link's target is a
// path, not content) and submodules (scan.SkipSubmodule: another
// repository's commit). The user's global excludes file and
// .git/info/exclude do not apply: they belong to a work tree, not to a
// revision.
//
// go-git's repository reads are not safe for concurrent use; Repo
// serialises them.
package gitrev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/pybatch/pybatch/scan"
)

// Repo is an open repository.
type Repo struct {
	// Path is the repository as sources name it: the work tree's root (or
	// the git directory of a bare repository), absolute, cleaned, with
	// symbolic links resolved.
	Path string

	mu   sync.Mutex // go-git's object reads are not safe for concurrent use
	repo *git.Repository
}

// Open opens the repository at path: a work tree (its root or any
// directory in it) or a bare repository.
func Open(path string) (*Repo, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, err
	}
	r, err := git.PlainOpenWithOptions(abs, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("%s: not a git repository: %w", path, err)
	}
	root := abs
	if wt, err := r.Worktree(); err == nil {
		root = wt.Filesystem.Root()
		if root, err = filepath.EvalSymlinks(root); err != nil {
			return nil, err
		}
	}
	return &Repo{Path: filepath.Clean(root), repo: r}, nil
}

// Commit is a resolved revision.
type Commit struct {
	ID    string    // full hexadecimal commit id
	Given string    // the revision as the user named it ("v1.0", "main~2", "A..B")
	Time  time.Time // the committer's time: every file of the revision has it as its mtime
	tree  plumbing.Hash
}

// Source is the source of the revision's files: Repo.Path + "@" + the
// commit id.
func (r *Repo) Source(c Commit) string { return r.Path + "@" + c.ID }

// RevisionError is a revision that does not name a commit of the
// repository.
type RevisionError struct {
	Rev  string // as given ("v1..nosuch")
	Name string // what does not resolve ("nosuch"; Rev itself unless a side of A..B)
	Repo string
	Err  error
}

func (e *RevisionError) Error() string { return fmt.Sprintf("revision %q: %s", e.Rev, e.Problem()) }

// Problem says what is wrong, without the revision as given.
func (e *RevisionError) Problem() string {
	var u unsupported
	if errors.As(e.Err, &u) {
		return string(u)
	}
	what := fmt.Sprintf("%q is not a commit, branch or tag of %s", e.Name, e.Repo)
	if e.Name == "" {
		what = "an empty revision"
	}
	if e.Err != nil && !errors.Is(e.Err, plumbing.ErrReferenceNotFound) && !errors.Is(e.Err, plumbing.ErrObjectNotFound) && !errors.Is(e.Err, io.EOF) {
		what += " (" + e.Err.Error() + ")"
	}
	return what
}

func (e *RevisionError) Unwrap() error { return e.Err }

// unsupported is a revision syntax that Resolve refuses.
type unsupported string

func (u unsupported) Error() string { return string(u) }

// Resolve names the commits of revs, in order, each once: a revision, or
// "A..B" for the commits reachable from B and not from A (oldest first; an
// empty side is HEAD). "A...B" (a symmetric difference) is refused.
func (r *Repo) Resolve(revs []string) ([]Commit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Commit
	seen := map[plumbing.Hash]bool{}
	add := func(c *object.Commit, given string) {
		if !seen[c.Hash] {
			seen[c.Hash] = true
			out = append(out, Commit{ID: c.Hash.String(), Given: given, Time: c.Committer.When, tree: c.TreeHash})
		}
	}
	for _, rev := range revs {
		switch {
		case strings.Contains(rev, "..."):
			return nil, &RevisionError{Rev: rev, Name: rev, Repo: r.Path, Err: unsupported("A...B (a symmetric difference) is not supported; use A..B")}
		case strings.Contains(rev, ":") || strings.Contains(rev, "@{"):
			// (go-git would resolve "main:dir" to main, silently.)
			return nil, &RevisionError{Rev: rev, Name: rev, Repo: r.Path, Err: unsupported("REV:PATH, :/text and @{...} are not supported: name a commit, branch or tag (~N and ^N allowed), or A..B")}
		}
		if a, b, ok := strings.Cut(rev, ".."); ok {
			cs, err := r.between(rev, a, b)
			if err != nil {
				return nil, err
			}
			for _, c := range cs {
				add(c, rev)
			}
			continue
		}
		c, err := r.commit(rev)
		if err != nil {
			return nil, err
		}
		add(c, rev)
	}
	return out, nil
}

func (r *Repo) commit(rev string) (*object.Commit, error) {
	if rev == "" {
		return nil, &RevisionError{Rev: rev, Name: rev, Repo: r.Path}
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, &RevisionError{Rev: rev, Name: rev, Repo: r.Path, Err: err}
	}
	c, err := r.repo.CommitObject(*h)
	if err != nil {
		return nil, &RevisionError{Rev: rev, Name: rev, Repo: r.Path, Err: err}
	}
	return c, nil
}

// between is git rev-list a..b, oldest first (by committer time, then in
// the reverse of the walk's order, as rev-list --reverse does for a
// linear history).
func (r *Repo) between(given, a, b string) ([]*object.Commit, error) {
	if a == "" {
		a = "HEAD"
	}
	if b == "" {
		b = "HEAD"
	}
	ca, err := r.commit(a)
	if err != nil {
		err.(*RevisionError).Rev = given
		return nil, err
	}
	cb, err := r.commit(b)
	if err != nil {
		err.(*RevisionError).Rev = given
		return nil, err
	}
	excluded := map[plumbing.Hash]bool{}
	if err := object.NewCommitPreorderIter(ca, nil, nil).ForEach(func(c *object.Commit) error {
		excluded[c.Hash] = true
		return nil
	}); err != nil {
		return nil, fmt.Errorf("reading the history of %s: %w", a, err)
	}
	var cs []*object.Commit
	// The walk does not go below an excluded commit: all its ancestors are
	// excluded too.
	if err := object.NewCommitPreorderIter(cb, excluded, nil).ForEach(func(c *object.Commit) error {
		if !excluded[c.Hash] {
			cs = append(cs, c)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("reading the history of %s: %w", b, err)
	}
	slices.Reverse(cs)
	slices.SortStableFunc(cs, func(x, y *object.Commit) int { return x.Committer.When.Compare(y.Committer.When) })
	return cs, nil
}

// Entry is one file of a revision, or one entry reported with a skip
// reason.
type Entry struct {
	Path string // slash-separated, as in the tree
	Blob string // the blob id (hexadecimal); "" for a submodule
	Size int64
	// Data is the content, read when this walk met the blob for the first
	// time (and it is a candidate); nil when Seen, skipped or on error.
	Data []byte
	// Seen: a file whose blob the walk has met before, as a candidate to
	// analyze (an unchanged file of an earlier revision, a copy): its
	// content was not read (Repo.ReadBlob reads it).
	Seen bool
	Skip scan.SkipReason
	Err  error // why, with Skip (scan.SkipUnreadable: a missing or corrupt object)
}

// Walker walks revisions of one repository with one set of rules,
// remembering what it learnt about each blob (a candidate to analyze, a
// binary file, an extension-less file that is not Python) so that a blob
// met again is neither read nor checked again. Walk one revision at a
// time.
type Walker struct {
	repo  *Repo
	rules *scan.TreeRules
	// verdicts of the blobs met: bounded (cleared when full: forgetting
	// only costs a read).
	verdicts map[plumbing.Hash]verdict
}

type verdict struct {
	size     int64
	skip     scan.SkipReason
	notFound bool // a shebang candidate that is not Python
}

// maxVerdicts bounds Walker's memory of blobs (about 60 bytes each).
const maxVerdicts = 1 << 20

// NewWalker returns a walker of r's revisions with rules.
func NewWalker(r *Repo, rules *scan.TreeRules) *Walker {
	return &Walker{repo: r, rules: rules, verdicts: map[plumbing.Hash]verdict{}}
}

// Files yields the files of revision c that the rules choose, one at a
// time: the next tree or blob is read only when the previous entry was
// taken. Directories are walked depth first, entries in the tree's order.
func (w *Walker) Files(ctx context.Context, c Commit) iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		tree, err := w.repo.tree(c.tree)
		if err != nil {
			yield(Entry{Skip: scan.SkipUnreadableDir, Err: fmt.Errorf("tree of commit %s: %w", c.ID, err)})
			return
		}
		w.walk(ctx, tree, "", nil, yield)
	}
}

func (w *Walker) walk(ctx context.Context, tree *object.Tree, dir string, ig *scan.Ignore, yield func(Entry) bool) bool {
	join := func(name string) string {
		if dir == "" {
			return name
		}
		return dir + "/" + name
	}
	if w.rules.Ignores() {
		for _, e := range tree.Entries {
			if e.Name == ".gitignore" && e.Mode.IsFile() && e.Mode != filemode.Symlink {
				// (git does not follow a symbolic link .gitignore in a
				// work tree either.)
				if data, err := w.repo.ReadBlob(e.Hash.String()); err == nil {
					ig = ig.Push(dir, data)
				}
			}
		}
	}
	for _, e := range tree.Entries {
		if ctx.Err() != nil {
			return false
		}
		rel := join(e.Name)
		switch e.Mode {
		case filemode.Dir:
			sub, err := w.repo.tree(e.Hash)
			has := func(name string) bool {
				if err != nil {
					return false
				}
				_, ferr := w.repo.findEntry(sub, name)
				return ferr == nil
			}
			if !w.rules.Dir(rel, ig, has) {
				continue
			}
			if err != nil {
				if !yield(Entry{Path: rel, Skip: scan.SkipUnreadableDir, Err: err}) {
					return false
				}
				continue
			}
			if !w.walk(ctx, sub, rel, ig, yield) {
				return false
			}
			continue
		case filemode.Submodule:
			if !w.rules.Dir(rel, ig, nil) {
				continue
			}
			if !yield(Entry{Path: rel, Skip: scan.SkipSubmodule, Err: fmt.Errorf("submodule at commit %s", e.Hash)}) {
				return false
			}
			continue
		}
		regular := e.Mode == filemode.Regular || e.Mode == filemode.Executable || e.Mode == filemode.Deprecated
		ok, shebang := w.rules.File(rel, ig, regular)
		if !ok {
			continue
		}
		ent, keep := w.file(e, rel, regular, shebang)
		if keep && !yield(ent) {
			return false
		}
	}
	return true
}

// file reads or recalls one candidate file.
func (w *Walker) file(e object.TreeEntry, rel string, regular, shebang bool) (Entry, bool) {
	ent := Entry{Path: rel, Blob: e.Hash.String()}
	if !regular {
		ent.Skip = scan.SkipNotRegular
		if e.Mode == filemode.Symlink {
			ent.Skip = scan.SkipSymlink
		}
		ent.Size, _ = w.repo.blobSize(e.Hash)
		return ent, true
	}
	if v, ok := w.verdicts[e.Hash]; ok {
		if v.notFound {
			return ent, false
		}
		ent.Size, ent.Skip, ent.Seen = v.size, v.skip, v.skip == ""
		return ent, true
	}
	// Not a shebang candidate over the limit: its size says enough.
	limit := w.rules.MaxSize()
	if shebang {
		limit = 0
	}
	data, size, err := w.repo.readBlob(e.Hash, limit)
	ent.Size = size
	if err != nil {
		ent.Skip, ent.Err = scan.SkipUnreadable, err
		return ent, !shebang
	}
	v := verdict{size: size}
	switch {
	case data == nil:
		v.skip = scan.SkipTooLarge
	case shebang && !scan.IsPythonShebang(data):
		v.notFound = true
	default:
		v.skip = w.rules.Check(size, data)
	}
	if v.skip == "" && !v.notFound {
		ent.Data = data
	}
	if len(w.verdicts) >= maxVerdicts {
		clear(w.verdicts)
	}
	w.verdicts[e.Hash] = v
	if v.notFound {
		return ent, false
	}
	ent.Skip = v.skip
	return ent, true
}

// ReadBlob reads the blob with this (hexadecimal) id whole.
func (r *Repo) ReadBlob(id string) ([]byte, error) {
	if !plumbing.IsHash(id) {
		return nil, fmt.Errorf("bad blob id %q", id)
	}
	data, _, err := r.readBlob(plumbing.NewHash(id), 0)
	return data, err
}

// readBlob reads blob h whole, unless it is larger than limit (> 0): the
// data is then nil. The size is the blob's.
func (r *Repo) readBlob(h plumbing.Hash, limit int64) ([]byte, int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, 0, fmt.Errorf("blob %s: %w", h, err)
	}
	if limit > 0 && b.Size > limit {
		return nil, b.Size, nil
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, b.Size, fmt.Errorf("blob %s: %w", h, err)
	}
	defer rd.Close()
	data, err := readAll(rd, make([]byte, 0, b.Size))
	if err != nil {
		return nil, b.Size, fmt.Errorf("blob %s: %w", h, err)
	}
	return data, b.Size, nil
}

func readAll(rd io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, max(512, len(buf)))
		}
		n, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func (r *Repo) tree(h plumbing.Hash) (*object.Tree, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.repo.TreeObject(h)
}

func (r *Repo) findEntry(t *object.Tree, path string) (*object.TreeEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return t.FindEntry(path)
}

func (r *Repo) blobSize(h plumbing.Hash) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.repo.Storer.EncodedObjectSize(h)
}
