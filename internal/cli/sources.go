package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/gitrev"
	"github.com/pybatch/pybatch/scan"
)

// sourceFlags choose sources other than directory trees: git revisions
// (the PATHs are then repositories) and datasets.
type sourceFlags struct {
	revs []string
}

func (s *sourceFlags) add(fs *pflag.FlagSet) {
	fs.StringArrayVar(&s.revs, "rev", nil, "analyze this revision of each PATH, a git repository (a commit, branch or tag; A..B: every commit reachable from B and not from A), read from its objects; repeatable")
}

// any reports whether a flag names a source other than PATHs.
func (s *sourceFlags) any() bool { return len(s.revs) > 0 }

// inputs opens the sources the flags name. With --rev, every PATH is a
// repository. A revision that does not resolve, or a PATH that is not a
// repository, is a usage error naming it.
func (s *sourceFlags) inputs(paths []string, so scan.Options) (inputs []batch.Input, roots []string, err error) {
	if len(s.revs) == 0 {
		return nil, paths, nil
	}
	for _, r := range s.revs {
		if r == "" {
			return nil, nil, usageError{errors.New("--rev is empty (name a commit, branch or tag, or A..B)")}
		}
	}
	if len(paths) == 0 {
		return nil, nil, usageError{errors.New("--rev needs a repository: pybatch analyze --rev REV REPO")}
	}
	for _, p := range paths {
		g, err := batch.OpenGitRevisions(p, s.revs, so)
		if err != nil {
			var re *gitrev.RevisionError
			if errors.As(err, &re) {
				return nil, nil, usageError{fmt.Errorf("--rev %s: %s", re.Rev, re.Problem())}
			}
			return nil, nil, usageError{err}
		}
		inputs = append(inputs, g)
	}
	return inputs, nil, nil
}
