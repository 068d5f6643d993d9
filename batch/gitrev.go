package batch

import (
	"context"
	"iter"
	"sync/atomic"

	"github.com/pybatch/pybatch/gitrev"
	"github.com/pybatch/pybatch/scan"
)

// GitRevisions is an Input of the files of revisions of a git repository,
// read from its objects (package gitrev): each revision is a source,
// "/abs/repo@<commit id>", and each file its path in the revision's tree.
// The name rules are those of a directory walk (scan.Options: include and
// exclude patterns, hidden and skipped directories, and the .gitignore
// files committed in the tree). A file whose blob an earlier revision of
// the run already had is handed over without its content and with the
// blob id as its Key, so that the pipeline's dedup (Options.Dedup) answers
// it with the report of those bytes instead of reading and analyzing it
// again; its content is read only if that report is no longer at hand.
type GitRevisions struct {
	repo    *gitrev.Repo
	commits []gitrev.Commit
	rules   *scan.TreeRules
	loads   atomic.Int64 // contents read again (Load), for the tests
}

// OpenGitRevisions opens the repository at repo and resolves revs (see
// gitrev.Repo.Resolve: commits, branches, tags, "A..B"). A revision that
// does not resolve is a *gitrev.RevisionError naming it; bad options are
// scan.Options.Validate's error.
func OpenGitRevisions(repo string, revs []string, so scan.Options) (*GitRevisions, error) {
	rules, err := scan.NewTreeRules(so)
	if err != nil {
		return nil, err
	}
	r, err := gitrev.Open(repo)
	if err != nil {
		return nil, err
	}
	commits, err := r.Resolve(revs)
	if err != nil {
		return nil, err
	}
	return &GitRevisions{repo: r, commits: commits, rules: rules}, nil
}

// Commits are the revisions, in the order they are read.
func (g *GitRevisions) Commits() []gitrev.Commit { return g.commits }

// Source is the source of commit c's files.
func (g *GitRevisions) Source(c gitrev.Commit) string { return g.repo.Source(c) }

// Files implements Input.
func (g *GitRevisions) Files(ctx context.Context) iter.Seq[File] {
	return func(yield func(File) bool) {
		w := gitrev.NewWalker(g.repo, g.rules)
		for _, c := range g.commits {
			src := g.repo.Source(c)
			for e := range w.Files(ctx, c) {
				f := File{Source: src, Path: e.Path, OSPath: src + "/" + e.Path, Size: e.Size, ModTime: c.Time, Skip: e.Skip, SkipErr: e.Err, Data: e.Data}
				if f.Skip == "" {
					f.Key = "git:" + e.Blob
					if e.Data == nil {
						blob := e.Blob
						f.Load = func() ([]byte, error) { g.loads.Add(1); return g.repo.ReadBlob(blob) }
					}
				}
				if !yield(f) {
					return
				}
			}
		}
	}
}
