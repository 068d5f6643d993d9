package check

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/scan"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// branches is a function of complexity n+1 (n if statements).
func branches(name string, n int, indent string) string {
	var b strings.Builder
	b.WriteString(indent + "def " + name + "(x):\n")
	for i := range n {
		b.WriteString(indent + "    if x == " + string(rune('0'+i%10)) + ":\n" + indent + "        return x\n")
	}
	b.WriteString(indent + "    return 0\n")
	return b.String()
}

// writeTree writes files (slash paths) under a new temporary directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sampleTree: simple.py (one A block), complex.py (a C function of
// complexity 13, a class with a B method, a closure of rank D that radon
// does not count), broken.py (a syntax error after a non-ASCII character),
// empty.py (no blocks).
func sampleTree(t *testing.T) string {
	return writeTree(t, map[string]string{
		"pkg/simple.py": "def f(x):\n    return x\n",
		"pkg/complex.py": "import os\n\n" + branches("g", 12, "") + "\n\nclass K:\n" + branches("m", 6, "    ") +
			"\n\ndef outer():\n" + branches("inner", 25, "    ") + "    return inner\n",
		"pkg/broken.py": "s = 'é' +\n",
		"pkg/empty.py":  `"""Nothing here."""` + "\n",
	})
}

func run(t *testing.T, dir string, o Options) *Result {
	t.Helper()
	o.Paths = []string{dir}
	o.Scan = scan.DefaultOptions()
	o.Dir = dir
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rules(res *Result) []string {
	var out []string
	for _, v := range res.Violations {
		out = append(out, string(v.Rule)+" "+v.Path+" "+v.Name+" "+v.Rank)
	}
	return out
}

func TestRankOf(t *testing.T) {
	// radon's cc_rank: chr(min(ceil(cc/10) or 1) - H(5-cc), 5) + 65), with
	// H(x) = 0 for x < 0 and 1 otherwise.
	radon := func(cc float64) string {
		i := int(math.Ceil(cc / 10))
		if i == 0 {
			i = 1
		}
		if 5-cc >= 0 {
			i--
		}
		return string(rune('A' + min(i, 5)))
	}
	for cc := 0.0; cc <= 60; cc += 0.25 {
		if got, want := RankOf(cc), radon(cc); got != want {
			t.Errorf("RankOf(%v) = %s, radon %s", cc, got, want)
		}
	}
	for cc, want := range map[float64]string{1: "A", 5: "A", 5.5: "B", 10: "B", 11: "C", 20: "C", 20.5: "D", 30: "D", 31: "E", 40: "E", 41: "F", 500: "F"} {
		if got := RankOf(cc); got != want {
			t.Errorf("RankOf(%v) = %s, want %s", cc, got, want)
		}
	}
	for in, want := range map[string]string{"": "", "a": "A", "F": "F"} {
		if got, err := ParseRank(in); got != want || err != nil {
			t.Errorf("ParseRank(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"G", "AB", "1", "-"} {
		if _, err := ParseRank(bad); err == nil {
			t.Errorf("ParseRank(%q) accepted", bad)
		}
	}
}

func TestBlocksAreRadons(t *testing.T) {
	res := run(t, sampleTree(t), Options{MaxAbsolute: "A"})
	// g (13, C), the class K (7, B) and K.m (7, B) are over A; outer is A; inner (26, D)
	// is a closure, which radon does not list.
	want := []string{"max-absolute pkg/complex.py g C", "max-absolute pkg/complex.py K B", "max-absolute pkg/complex.py K.m B"}
	if got := rules(res); !reflect.DeepEqual(got, want) {
		t.Errorf("violations %q, want %q", got, want)
	}
	// complex.py: g 13, K 7 (a class's complexity: its methods' sum + 1 -
	// methods, as radon), K.m 7, outer 2; simple.py: f 1.
	if res.Files != 4 || res.SyntaxErrors != 1 || res.Blocks != 5 {
		t.Errorf("files %d, syntax errors %d, blocks %d; want 4, 1, 5", res.Files, res.SyntaxErrors, res.Blocks)
	}
	v := res.Violations[0]
	if v.Line != 3 || v.Col != 1 || v.EndLine != 28 || v.Kind != "function" || v.Complexity != 13 || v.Limit != "A" {
		t.Errorf("g's violation: %+v", v)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "broken.py:1:") {
		t.Errorf("warnings %q, want the syntax error of broken.py", res.Warnings)
	}
}

func TestModulesAndAverage(t *testing.T) {
	dir := sampleTree(t)
	// complex.py: (13+7+7+2)/4 = 7.25, B; simple.py 1, A. All: 30/5 = 6, B.
	res := run(t, dir, Options{MaxModules: "A", MaxAverage: "A"})
	want := []string{"max-modules pkg/complex.py  B", "max-average " + dir + "  B"}
	if got := rules(res); !reflect.DeepEqual(got, want) {
		t.Errorf("violations %q, want %q", got, want)
	}
	if res.Average != 6 || res.AverageRank != "B" || res.Violations[0].Complexity != 7.25 {
		t.Errorf("average %v %s, module %v", res.Average, res.AverageRank, res.Violations[0].Complexity)
	}
	if got := run(t, dir, Options{MaxModules: "B", MaxAverage: "b", MaxAbsolute: "C"}); len(got.Violations) != 0 {
		t.Errorf("at B/B/C: %q", rules(got))
	}
	n := 5.9
	if got := rules(run(t, dir, Options{MaxAverageNum: &n})); len(got) != 1 || !strings.HasPrefix(got[0], "max-average-num") {
		t.Errorf("--max-average-num 5.9: %q", got)
	}
	n = 6
	if got := run(t, dir, Options{MaxAverageNum: &n}); len(got.Violations) != 0 {
		t.Errorf("--max-average-num 6: %q", rules(got))
	}
}

func TestSyntaxError(t *testing.T) {
	res := run(t, sampleTree(t), Options{FailOnSyntaxError: true})
	if len(res.Violations) != 1 || len(res.Warnings) != 0 {
		t.Fatalf("violations %q, warnings %q", rules(res), res.Warnings)
	}
	v := res.Violations[0]
	// CPython puts the error at the end of the line: offset 10, in
	// characters (11 in bytes).
	if v.Rule != RuleSyntaxError || v.Path != filepath.Join("pkg", "broken.py") || v.Line != 1 || v.Col != 10 || !strings.HasPrefix(v.Message, "SyntaxError: ") {
		t.Errorf("%+v", v)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, o := range []Options{{}, {Paths: []string{"/no/such/dir"}}, {Paths: []string{"."}, MaxAbsolute: "G"}} {
		if _, err := Run(context.Background(), o); !errorsAsUsage(err) {
			t.Errorf("%+v: error %v, want a UsageError", o, err)
		}
	}
}

func errorsAsUsage(err error) bool {
	_, ok := err.(UsageError)
	return ok
}

func TestCache(t *testing.T) {
	dir := sampleTree(t)
	db := filepath.Join(t.TempDir(), "cache.db")
	first := run(t, dir, Options{MaxAbsolute: "A", FailOnSyntaxError: true, Cache: db})
	second := run(t, dir, Options{MaxAbsolute: "A", FailOnSyntaxError: true, Cache: db})
	if first.Analyzed != 4 || first.Cached != 0 || second.Analyzed != 0 || second.Cached != 4 {
		t.Errorf("analyzed/cached: first %d/%d, second %d/%d; want 4/0, 0/4", first.Analyzed, first.Cached, second.Analyzed, second.Cached)
	}
	first.Analyzed, first.Cached, second.Analyzed, second.Cached = 0, 0, 0, 0
	if !reflect.DeepEqual(first, second) {
		t.Errorf("a cached re-run differs:\n%+v\n%+v", first, second)
	}
	// One file changes, one goes: only that one is analyzed, the other
	// no longer counts.
	if err := os.WriteFile(filepath.Join(dir, "pkg", "simple.py"), []byte(branches("f", 10, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "pkg", "broken.py")); err != nil {
		t.Fatal(err)
	}
	third := run(t, dir, Options{MaxAbsolute: "A", FailOnSyntaxError: true, Cache: db})
	want := []string{"max-absolute pkg/complex.py g C", "max-absolute pkg/complex.py K B", "max-absolute pkg/complex.py K.m B", "max-absolute pkg/simple.py f C"}
	if got := rules(third); third.Analyzed != 1 || third.Cached != 2 || !reflect.DeepEqual(got, want) {
		t.Errorf("after a change: analyzed %d, cached %d, violations %q; want 1, 2, %q", third.Analyzed, third.Cached, got, want)
	}
}

func TestNoAssert(t *testing.T) {
	src := "def f(x):\n" + strings.Repeat("    assert x\n", 6) + "    return x\n"
	dir := writeTree(t, map[string]string{"a.py": src})
	db := filepath.Join(t.TempDir(), "cache.db")
	// Each assert adds one (radon counts it as a branch): 7 is B.
	if got := rules(run(t, dir, Options{MaxAbsolute: "A", Cache: db})); len(got) != 1 || got[0] != "max-absolute a.py f B" {
		t.Errorf("asserts counted: %q", got)
	}
	res := run(t, dir, Options{MaxAbsolute: "A", NoAssert: true, Cache: db})
	if len(res.Violations) != 0 || res.Average != 1 {
		t.Errorf("--no-assert: %q, average %v", rules(res), res.Average)
	}
	if res.Analyzed != 1 {
		t.Errorf("--no-assert took %d results made with asserts counted from the cache", res.Cached)
	}
}

func TestFormats(t *testing.T) {
	dir := sampleTree(t)
	res := run(t, dir, Options{MaxAbsolute: "A", MaxModules: "A", MaxAverage: "A", FailOnSyntaxError: true})
	var text bytes.Buffer
	if err := Write(&text, "text", res); err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^[^:]+:\d+:\d+: \S.*$`)
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	if len(lines) != len(res.Violations) {
		t.Errorf("%d lines for %d violations:\n%s", len(lines), len(res.Violations), text.String())
	}
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("not path:line:col: message: %q", l)
		}
	}
	var gh bytes.Buffer
	if err := Write(&gh, "github", &Result{Violations: []Violation{{Rule: RuleAbsolute, Path: "a,b:c.py", Line: 2, Col: 5, EndLine: 2, EndCol: 9, Message: "100% bad\nreally"}}}); err != nil {
		t.Fatal(err)
	}
	if want := "::error file=a%2Cb%3Ac.py,line=2,col=5,endLine=2,endColumn=9,title=pybatch check%3A max-absolute::100%25 bad%0Areally\n"; gh.String() != want {
		t.Errorf("github:\n%s\nwant\n%s", gh.String(), want)
	}
	var js bytes.Buffer
	if err := Write(&js, "json", res); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || !reflect.DeepEqual(&back, res) {
		t.Errorf("json round trip: %v\n%+v\n%+v", err, &back, res)
	}
	if err := Write(&js, "xml", res); !errorsAsUsage(err) {
		t.Errorf("unknown format: %v", err)
	}
	validateSARIF(t, res)
	// The schema does reject what is not SARIF.
	if err := ValidateSARIF([]byte(`{"version": "2.1.0", "runs": [{"tool": {}}]}`)); err == nil {
		t.Error("a run without tool.driver validates")
	}
}

// validateSARIF writes res as SARIF and validates it against the published
// SARIF 2.1.0 schema (testdata/sarif, vendored with its notice), formats
// asserted.
func validateSARIF(t *testing.T, res *Result) {
	t.Helper()
	var out bytes.Buffer
	if err := Write(&out, "sarif", res); err != nil {
		t.Fatal(err)
	}
	if err := ValidateSARIF(out.Bytes()); err != nil {
		t.Fatalf("SARIF output does not validate: %v\n%s", err, out.String())
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil || len(log.Runs) != 1 || len(log.Runs[0].Results) != len(res.Violations) {
		t.Fatalf("SARIF: %v, %d runs", err, len(log.Runs))
	}
	t.Logf("SARIF: %d bytes, %d results, valid against the SARIF 2.1.0 schema", out.Len(), len(log.Runs[0].Results))
}

// ValidateSARIF validates a SARIF log against testdata/sarif's schema.
func ValidateSARIF(b []byte) error {
	const id = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	f, err := os.Open(filepath.Join("testdata", "sarif", "sarif-schema-2.1.0.json"))
	if err != nil {
		return err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(id, doc); err != nil {
		return err
	}
	sch, err := c.Compile(id)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
