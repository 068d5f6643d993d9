package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/pybatch/pybatch/batch"
	"github.com/pybatch/pybatch/dataset"
	"github.com/pybatch/pybatch/gitrev"
	"github.com/pybatch/pybatch/scan"
)

// sourceFlags choose sources other than directory trees: git revisions
// (the PATHs are then repositories) and datasets.
type sourceFlags struct {
	revs                      []string
	datasets                  []string
	contentColumn, pathColumn string
}

func (s *sourceFlags) add(fs *pflag.FlagSet) {
	fs.StringArrayVar(&s.datasets, "dataset", nil, "analyze the rows of this dataset file (Parquet or JSON Lines, .gz/.zst), each row's --content-column as a file named by its --path-column; repeatable")
	fs.StringVar(&s.contentColumn, "content-column", "content", "with --dataset: the column (field) that holds the source text")
	fs.StringVar(&s.pathColumn, "path-column", "path", "with --dataset: the column (field) that names the file")
	fs.StringArrayVar(&s.revs, "rev", nil, "analyze this revision of each PATH, a git repository (a commit, branch or tag; A..B: every commit reachable from B and not from A), read from its objects; repeatable")
}

// any reports whether a flag names a source other than PATHs.
func (s *sourceFlags) any() bool { return len(s.revs) > 0 || len(s.datasets) > 0 }

// inputs opens the sources the flags name. With --rev, every PATH is a
// repository. A revision that does not resolve, or a PATH that is not a
// repository, is a usage error naming it.
func (s *sourceFlags) inputs(fs *pflag.FlagSet, paths []string, so scan.Options) (inputs []batch.Input, roots []string, err error) {
	for _, name := range []string{"content-column", "path-column"} {
		v, _ := fs.GetString(name)
		if fs.Changed(name) && len(s.datasets) == 0 {
			return nil, nil, usageError{fmt.Errorf("--%s applies to --dataset", name)}
		}
		if strings.TrimSpace(v) == "" {
			return nil, nil, usageError{fmt.Errorf("--%s is empty (name a column)", name)}
		}
	}
	for _, p := range s.datasets {
		if p == "" {
			return nil, nil, usageError{errors.New("--dataset is empty (name a Parquet or JSON Lines file)")}
		}
		in, err := batch.OpenDataset(p, dataset.Options{ContentColumn: s.contentColumn, PathColumn: s.pathColumn}, so)
		if err != nil {
			return nil, nil, usageError{fmt.Errorf("--dataset %s", pathError(p, err))}
		}
		inputs = append(inputs, in)
	}
	if len(s.revs) == 0 {
		return inputs, paths, nil
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
