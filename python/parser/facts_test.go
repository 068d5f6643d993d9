package parser

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/internal/testenv"
	"github.com/pybatch/pybatch/python/source"
)

// TestFeaturesFacts checks that FeaturesFacts, which walks only the
// expressions Parse's facts lead to, finds what the walk of the whole tree
// (FeaturesLines) finds: on the per-feature snippets, testdata/versions and
// the local standard library with its site-packages.
func TestFeaturesFacts(t *testing.T) {
	var srcs [][]byte
	for _, s := range LowestSnippets {
		srcs = append(srcs, []byte(s.Src))
	}
	versions, _ := filepath.Glob("../../testdata/versions/*.py")
	files := versions
	if !testing.Short() {
		// The whole tree, site-packages included (more decorated code).
		filepath.WalkDir(testenv.Stdlib(t), func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && strings.HasSuffix(path, ".py") {
				files = append(files, path)
			}
			return nil
		})
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src, _, err := source.Decode(raw)
		if err == nil {
			srcs = append(srcs, src)
		}
	}
	checked := 0
	for i, src := range srcs {
		var facts Facts
		mod, err := Parse(src, Options{Facts: &facts})
		if err != nil {
			continue
		}
		checked++
		want := FeaturesLines(mod, src, nil)
		got := FeaturesFacts(mod, src, nil, &facts)
		if !reflect.DeepEqual(got, want) {
			name := "snippet"
			if j := i - len(LowestSnippets); j >= 0 {
				name = files[j]
			}
			t.Errorf("%s (%q...):\nFeaturesFacts %+v\nFeaturesLines %+v", name, src[:min(len(src), 60)], got, want)
		}
	}
	t.Logf("%d sources compared", checked)
	if checked < len(LowestSnippets) {
		t.Fatalf("only %d sources parsed", checked)
	}
}
