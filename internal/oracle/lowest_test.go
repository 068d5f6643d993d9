package oracle

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/python/parser"
	"github.com/pybatch/pybatch/python/source"
)

// TestLowestVersions is item 4 of issue 17: where an oracle exists, a
// file's lowest version (parser.Lowest of parser.Features, what the report
// gives) is proved: for a lowest version L from 3.11 to 3.14, CPython L
// accepts the file and CPython L-1 rejects it; for L up to 3.10 (no older
// CPython runs here), CPython 3.10 accepts it. The files: testdata/versions,
// corpus (a) (CPython 3.14's standard library) and parser.LowestSnippets
// (a small file per feature). Each CPython gets one batch: the files it
// must accept and those it must reject; its verdicts are cached by content
// as the other corpus tests cache theirs.
func TestLowestVersions(t *testing.T) {
	env := Require(t)
	ctx := context.Background()
	root := t.TempDir()
	dirA := filepath.Join(root, "a")
	if err := ExtractZip(filepath.Join(env.PyodideDir, "python_stdlib.zip"), dirA); err != nil {
		t.Fatal(err)
	}
	filesA, err := CorpusFiles(dirA)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range filesA {
		files = append(files, "a/"+f)
	}
	dirV := filepath.Join("..", "..", "testdata", "versions")
	filesV, err := CorpusFiles(dirV)
	if err != nil || len(filesV) == 0 {
		t.Fatalf("testdata/versions: %d files, %v", len(filesV), err)
	}
	if err := os.MkdirAll(filepath.Join(root, "v"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range filesV {
		b, err := os.ReadFile(filepath.Join(dirV, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "v", filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, "v/"+filepath.Base(f))
	}
	if err := os.MkdirAll(filepath.Join(root, "s"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i, s := range parser.LowestSnippets {
		name := fmt.Sprintf("s/s%03d.py", i)
		if err := os.WriteFile(filepath.Join(root, name), []byte(s.Src), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}

	// Each file's lowest version; what each CPython must say of which.
	lowest := map[string]parser.Version{}
	accept := map[string][]string{} // by CPython version: files it must accept
	reject := map[string][]string{} // and reject
	count := map[parser.Version]int{}
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		text, _, err := source.Decode(raw)
		if err != nil {
			continue
		}
		var facts parser.Facts
		mod, err := parser.Parse(text, parser.Options{Facts: &facts})
		if err != nil {
			continue // a file 3.14 rejects has no lowest version
		}
		// As analysis finds them (parse facts), checked against the walk
		// of the whole tree.
		fs := parser.FeaturesFacts(mod, text, nil, &facts)
		if all := parser.Features(mod, text); !reflect.DeepEqual(fs, all) {
			t.Errorf("%s: FeaturesFacts %v, Features %v", f, names(fs), names(all))
		}
		l := parser.Lowest(fs)
		lowest[f] = l
		count[l]++
		at := max(l, 10)
		accept[at.String()] = append(accept[at.String()], f)
		if l > 10 {
			prev := (l - 1).String()
			reject[prev] = append(reject[prev], f)
		}
	}
	var dist []string
	for v := range parser.Latest + 1 {
		if count[v] > 0 {
			dist = append(dist, fmt.Sprintf("%s: %d", versionName(v), count[v]))
		}
	}
	t.Logf("%d files parse; lowest versions: %s", len(lowest), strings.Join(dist, ", "))
	for _, py := range Versions {
		batch := append(append([]string(nil), accept[py]...), reject[py]...)
		if len(batch) == 0 {
			continue
		}
		t.Run(py, func(t *testing.T) {
			env := RequireVersion(t, py)
			path, cached, err := env.CPythonErrors(ctx, root, batch, DefaultCacheDir())
			if err != nil {
				t.Fatal(err)
			}
			mustAccept := map[string]bool{}
			for _, f := range accept[py] {
				mustAccept[f] = true
			}
			var n, bad int
			err = ReadVerdicts(path, func(v Verdict) error {
				n++
				if v.OK == mustAccept[v.Path] {
					return nil
				}
				bad++
				if bad <= 20 {
					raw, _ := os.ReadFile(filepath.Join(root, filepath.FromSlash(v.Path)))
					text, _, _ := source.Decode(raw)
					mod, _ := parser.Parse(text, parser.Options{})
					fs := parser.Features(mod, text)
					if mustAccept[v.Path] {
						t.Errorf("%s: lowest version %s, but CPython %s says %s; features %v", v.Path, versionName(lowest[v.Path]), py, describe(v), names(fs))
					} else {
						t.Errorf("%s: lowest version %s, but CPython %s accepts it; features %v", v.Path, versionName(lowest[v.Path]), py, names(fs))
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != len(batch) {
				t.Errorf("%d verdicts for %d files", n, len(batch))
			}
			t.Logf("CPython %s (pyodide %s, cached %v): %d files to accept, %d to reject; %d wrong", py, env.PyodideVers, cached, len(accept[py]), len(reject[py]), bad)
		})
	}
}

// versionName is "3.N", 3.0 included (parser.Version's String gives 3.14 for 0).
func versionName(v parser.Version) string { return fmt.Sprintf("3.%d", int(v)) }

func names(fs []parser.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %s at %d:%d", f.Name, versionName(f.Version), f.Pos.Line, f.Pos.Col)
	}
	return out
}
