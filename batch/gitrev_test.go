package batch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/gitrev"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// testRepo is a repository built in a test with go-git.
type testRepo struct {
	t    *testing.T
	dir  string
	repo *git.Repository
	wt   *git.Worktree
	n    int
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := r.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &testRepo{t: t, dir: dir, repo: r, wt: wt}
}

// gone, as a file's content in testRepo.commit, removes it.
const gone = "\x00gone"

// commit writes files (name → content; gone removes, "->target" makes a
// symbolic link) and commits them all, returning the commit.
func (r *testRepo) commit(files map[string]string, parents ...plumbing.Hash) plumbing.Hash {
	r.t.Helper()
	for name, content := range files {
		p := filepath.Join(r.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			r.t.Fatal(err)
		}
		_ = os.Remove(p)
		switch {
		case content == gone:
			if _, err := r.wt.Remove(name); err != nil {
				r.t.Fatal(err)
			}
			continue
		case strings.HasPrefix(content, "->"):
			if err := os.Symlink(content[2:], p); err != nil {
				r.t.Fatal(err)
			}
		default:
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				r.t.Fatal(err)
			}
		}
		if _, err := r.wt.Add(name); err != nil {
			r.t.Fatal(err)
		}
	}
	r.n++
	when := time.Date(2026, 1, 1, 0, 0, r.n, 0, time.UTC)
	h, err := r.wt.Commit(fmt.Sprintf("commit %d", r.n), &git.CommitOptions{
		Author:            &object.Signature{Name: "t", Email: "t@example.com", When: when},
		Parents:           parents,
		AllowEmptyCommits: true,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// checkout writes the tree of commit h into a new directory, through a
// clone (go-git's checkout), independently of package gitrev.
func (r *testRepo) checkout(h plumbing.Hash) string {
	r.t.Helper()
	dir := r.t.TempDir()
	c, err := git.PlainClone(dir, false, &git.CloneOptions{URL: r.dir, NoCheckout: true})
	if err != nil {
		r.t.Fatal(err)
	}
	wt, err := c.Worktree()
	if err != nil {
		r.t.Fatal(err)
	}
	if err := wt.Checkout(&git.CheckoutOptions{Hash: h, Force: true}); err != nil {
		r.t.Fatal(err)
	}
	return dir
}

// isolatedScan keeps the user's git configuration (a global excludes
// file) out of a test's walks.
func isolatedScan(t *testing.T, so scan.Options) scan.Options {
	home := t.TempDir()
	so.Getenv = func(k string) string {
		switch k {
		case "HOME", "XDG_CONFIG_HOME":
			return home
		case "GIT_CONFIG_NOSYSTEM":
			return "1"
		}
		return ""
	}
	return so
}

// runRecords runs the pipeline and returns its records.
func pipelineRecords(t *testing.T, cfg Config) []*result.Record {
	t.Helper()
	var recs []*result.Record
	cfg.OnRecord = func(r *result.Record) { recs = append(recs, r) }
	if _, err := Run(t.Context(), cfg); err != nil {
		t.Fatal(err)
	}
	return recs
}

// comparable is what must be the same for a file of a revision and of its
// checkout.
type comparable struct {
	Status result.Status
	Skip   scan.SkipReason
	Size   int64
	Report *analysis.Report
}

func recordsByPath(t *testing.T, recs []*result.Record, source string) map[string]comparable {
	t.Helper()
	m := map[string]comparable{}
	for _, r := range recs {
		if r.Source != source {
			t.Errorf("%s has source %q, want %q", r.Path, r.Source, source)
		}
		if _, dup := m[r.Path]; dup {
			t.Errorf("%s twice in %s", r.Path, source)
		}
		m[r.Path] = comparable{r.Status, r.SkipReason, r.Size, r.Report}
	}
	return m
}

func diffRecords(t *testing.T, what string, got, want map[string]comparable) {
	t.Helper()
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: %s missing (want %s %s)", what, p, w.Status, w.Skip)
		case g.Status != w.Status || g.Skip != w.Skip || g.Size != w.Size:
			t.Errorf("%s: %s is %s %q %d bytes, want %s %q %d bytes", what, p, g.Status, g.Skip, g.Size, w.Status, w.Skip, w.Size)
		case !reflect.DeepEqual(g.Report, w.Report):
			t.Errorf("%s: %s: report differs from the checkout's\n got %+v\nwant %+v", what, p, g.Report, w.Report)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s is not in the checkout's records", what, p)
		}
	}
}

// history builds a repository whose revisions exercise the name rules:
// .gitignore files at two levels (one added after the file it ignores was
// committed), hidden directories, a virtualenv, links, a binary file,
// stubs and shebang scripts, a file removed, a syntax error.
func history(t *testing.T) (*testRepo, []plumbing.Hash) {
	r := newTestRepo(t)
	var hs []plumbing.Hash
	hs = append(hs, r.commit(map[string]string{
		"pkg/__init__.py":         "",
		"pkg/__init__.py ":        "x = 1\n", // a name ending in a space is not *.py
		"pkg/core.py":             "import os\n\ndef f(x):\n    if x:\n        return 1\n    return 2\n",
		"pkg/build/gen.py":        "GENERATED = True\n",
		"tools/run":               "#!/usr/bin/env python3\nprint('hi')\n",
		"tools/notes":             "#!/bin/sh\necho\n",
		"stubs/core.pyi":          "def f(x: int) -> int: ...\n",
		".hidden/secret.py":       "s = 1\n",
		"venv/pyvenv.cfg":         "home = /usr\n",
		"venv/lib/site.py":        "v = 1\n",
		"data/blob.py":            "x = 1\x00\x01\n",
		"bad.py":                  "def (:\n",
		"link.py":                 "->pkg/core.py",
		"node_modules/m/x.py":     "n = 1\n",
		"docs/conf.py":            "project = 'p'\n",
		"docs/_build/page.py":     "p = 1\n",
		"deep/a/b/c/d/mod.py":     "class C:\n    def m(self):\n        pass\n",
		"pkg/sub/.gitignore":      "*.py\n!keep.py\n",
		"pkg/sub/keep.py":         "k = 1\n",
		"pkg/sub/drop.py":         "d = 1\n",
		"pkg/sub/nested/n.py":     "n = 2\n",
		"empty.py":                "\n",
		"utf16.py":                "\xff\xfe#\x00\n\x00",
		"weird name (1).py":       "w = 1\n",
		"pkg/ünïcode.py":          "u = 'ü'\n",
		"pkg/core_copy.py":        "import os\n\ndef f(x):\n    if x:\n        return 1\n    return 2\n",
		"tests/test_core.py":      "def test(): assert True\n",
		"docs/_build/.keep":       "",
		"build_not_ignored.py":    "b = 1\n",
		"pkg/build/more/m.py":     "m = 1\n",
		"pkg/build/README":        "r\n",
		"tools/run2":              "#!/usr/bin/python3.14 -u\nimport sys\n",
		"tools/sub/python-ish":    "#!/usr/bin/env pythonista\n",
		"venv2/bin/activate":      "# activate\n",
		"venv2/x.py":              "x = 2\n",
		"env/bin/activate":        "# activate\n",
		"env/lib/e.py":            "e = 1\n",
		"pkg/__pycache__/c.py":    "c = 1\n",
		"pkg/.mypy_cache/m.py":    "m = 1\n",
		"pkg/deep/.gitignore":     "/only_here.py\n",
		"pkg/deep/only_here.py":   "o = 1\n",
		"pkg/deep/x/only_here.py": "o = 2\n",
	}))
	hs = append(hs, r.commit(map[string]string{
		".gitignore":  "build/\n_build\n*.log\n",
		"pkg/core.py": "import os, sys\n\ndef f(x):\n    for i in x:\n        if i:\n            return i\n    return 2\n",
		"new.py":      "from pkg import core\n",
	}))
	hs = append(hs, r.commit(map[string]string{
		"bad.py":       gone,
		"docs/conf.py": "project = 'q'\n",
		".gitignore":   "build/\n_build\n*.log\n/deep/\n",
	}))
	return r, hs
}

func TestGitRevisionsEqualCheckouts(t *testing.T) {
	r, hs := history(t)
	for _, opts := range []struct {
		name string
		so   scan.Options
	}{
		{"default", scan.DefaultOptions()},
		{"stubs+shebang+hidden+exclude", scan.Options{Stubs: true, Shebang: true, Hidden: true, Exclude: []string{"tests", "/docs/conf.py"}}},
		{"no-ignore+venvs", scan.Options{NoIgnore: true, Virtualenvs: true, SkipDirs: []string{}, MaxSize: 10}},
	} {
		t.Run(opts.name, func(t *testing.T) {
			so := isolatedScan(t, opts.so)
			var ids []string
			for _, h := range hs {
				ids = append(ids, h.String())
			}
			g, err := OpenGitRevisions(r.dir, ids, so)
			if err != nil {
				t.Fatal(err)
			}
			all := pipelineRecords(t, Config{Inputs: []Input{g}, Scan: so, Batch: Options{Workers: 2}})
			for i, h := range hs {
				dir := r.checkout(h)
				want := recordsByPath(t, pipelineRecords(t, Config{Roots: []string{dir}, Scan: so}), mustEval(t, dir))
				src := g.Source(g.Commits()[i])
				if wantSrc := mustEval(t, r.dir) + "@" + h.String(); src != wantSrc {
					t.Fatalf("source %q, want %q", src, wantSrc)
				}
				var mine []*result.Record
				for _, rec := range all {
					if rec.Source == src {
						mine = append(mine, rec)
					}
				}
				if len(want) < 5 {
					t.Fatalf("only %d records in the checkout of commit %d", len(want), i+1)
				}
				diffRecords(t, fmt.Sprintf("commit %d", i+1), recordsByPath(t, mine, src), want)
			}
		})
	}
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGitRevisionsReuseUnchangedBlobs: a file unchanged between revisions
// (or copied) is analyzed once; its records in the other revisions are the
// same, re-named.
func TestGitRevisionsReuseUnchangedBlobs(t *testing.T) {
	r := newTestRepo(t)
	base := map[string]string{}
	for i := range 20 {
		base[fmt.Sprintf("pkg/m%02d.py", i)] = fmt.Sprintf("def f%d(x):\n    return x + %d\n", i, i)
	}
	var ids []string
	ids = append(ids, r.commit(base).String())
	for i := range 4 {
		ids = append(ids, r.commit(map[string]string{
			fmt.Sprintf("pkg/m%02d.py", i): fmt.Sprintf("def changed%d():\n    pass\n", i),
			fmt.Sprintf("copy%d.py", i):    base["pkg/m19.py"],
		}).String())
	}
	var calls atomic.Int64
	analyze := func(path string, src []byte) *analysis.Report {
		calls.Add(1)
		return DefaultAnalyze(path, src)
	}
	for _, tc := range []struct {
		iso     bool
		workers int
	}{{false, 3}, {false, 1}, {true, 2}} {
		iso := tc.iso
		calls.Store(0)
		so := isolatedScan(t, scan.DefaultOptions())
		g, err := OpenGitRevisions(r.dir, ids, so)
		if err != nil {
			t.Fatal(err)
		}
		bo := Options{Analyze: analyze, Workers: tc.workers}
		if iso {
			bo = Options{Isolate: true, WorkerCommand: workerCommand, Workers: tc.workers}
		}
		recs := pipelineRecords(t, Config{Inputs: []Input{g}, Scan: so, Batch: bo})
		if want := 20 + 21 + 22 + 23 + 24; len(recs) != want {
			t.Fatalf("%d records, want %d", len(recs), want)
		}
		// 20 files, then one changed file per commit; copies are the same blob.
		if !iso && calls.Load() != 24 {
			t.Errorf("analyzed %d times, want 24 (each distinct blob once)", calls.Load())
		}
		// With one worker, files reach it in the walk's order: a blob met
		// again is never read again. With several, a file can overtake the
		// first of its blob before that one is read, and reads it itself
		// (it is still analyzed once).
		if n := g.loads.Load(); tc.workers == 1 && n != 0 {
			t.Errorf("%d blobs read again, want 0: each is read once, when first met", n)
		}
		byKey := map[string]*result.Record{}
		for _, rec := range recs {
			if rec.Status != result.Analyzed || rec.Report == nil {
				t.Fatalf("%s: %s %s", rec.Path, rec.Status, rec.Err)
			}
			if rec.Report.Path != rec.Path {
				t.Errorf("%s: report names %s", rec.Path, rec.Report.Path)
			}
			if first, ok := byKey[rec.Report.SHA256]; ok {
				a, b := *first.Report, *rec.Report
				a.Path, b.Path = "", ""
				if !reflect.DeepEqual(a, b) {
					t.Errorf("%s and %s: same bytes, different reports", first.Path, rec.Path)
				}
			} else {
				byKey[rec.Report.SHA256] = rec
			}
		}
	}
}

func TestGitRevisionNames(t *testing.T) {
	r := newTestRepo(t)
	c1 := r.commit(map[string]string{"a.py": "a = 1\n"})
	c2 := r.commit(map[string]string{"a.py": "a = 2\n"})
	// A branch off c2, and a merge of it into main.
	c3 := r.commit(map[string]string{"b.py": "b = 3\n"})
	if err := r.wt.Checkout(&git.CheckoutOptions{Hash: c2, Branch: plumbing.NewBranchReferenceName("feature"), Create: true}); err != nil {
		t.Fatal(err)
	}
	f1 := r.commit(map[string]string{"f.py": "f = 1\n"})
	if err := r.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName("master")}); err != nil {
		t.Fatal(err)
	}
	m := r.commit(map[string]string{"f.py": "f = 1\n"}, c3, f1)
	if _, err := r.repo.CreateTag("v1", c1, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.repo.CreateTag("v2", c2, &git.CreateTagOptions{Message: "release 2", Tagger: &object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	repo, err := gitrev.Open(filepath.Join(r.dir, "."))
	if err != nil {
		t.Fatal(err)
	}
	names := map[plumbing.Hash]string{c1: "c1", c2: "c2", c3: "c3", f1: "f1", m: "m"}
	for _, tc := range []struct {
		revs []string
		want []string
	}{
		{[]string{"v1"}, []string{"c1"}},
		{[]string{"v2"}, []string{"c2"}}, // annotated: peeled to its commit
		{[]string{"feature"}, []string{"f1"}},
		{[]string{"master", "HEAD"}, []string{"m"}},
		{[]string{c3.String()[:10]}, []string{"c3"}},
		{[]string{"master~1"}, []string{"c3"}},
		{[]string{"master^2"}, []string{"f1"}},
		{[]string{"v1..master"}, []string{"c2", "c3", "f1", "m"}},
		{[]string{"v2..master"}, []string{"c3", "f1", "m"}},
		{[]string{"feature..master"}, []string{"c3", "m"}},
		{[]string{"master..feature"}, nil},
		{[]string{c3.String() + "..feature"}, []string{"f1"}},
		{[]string{"v1", "v1..v2", "v2"}, []string{"c1", "c2"}},
	} {
		cs, err := repo.Resolve(tc.revs)
		if err != nil {
			t.Errorf("%q: %v", tc.revs, err)
			continue
		}
		var got []string
		for _, c := range cs {
			got = append(got, names[plumbing.NewHash(c.ID)])
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v, want %v", tc.revs, got, tc.want)
		}
	}
	for _, bad := range []string{"nosuch", "v1..nosuch", "nosuch..v1", "v1...v2", "0123456789abcdef0123456789abcdef01234567", "master~9", "master:a.py", "master@{1}", ""} {
		_, err := OpenGitRevisions(r.dir, []string{"v1", bad}, scan.Options{})
		var re *gitrev.RevisionError
		if !errors.As(err, &re) || re.Rev != bad {
			t.Errorf("%q: %v, want a RevisionError naming it", bad, err)
		}
	}
	if _, err := OpenGitRevisions(t.TempDir(), []string{"HEAD"}, scan.Options{}); err == nil {
		t.Error("a directory that is not a repository was opened")
	}
}
