package raw

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pybatch/pybatch/internal/testenv"
)

// radonRaw is one file's entry in `radon raw -j`.
type radonRaw struct {
	Counts
	Error string `json:"error"`
}

// runRadonRaw runs `radon raw -j` once over files.
func runRadonRaw(t *testing.T, radon string, files []string) map[string]radonRaw {
	t.Helper()
	cmd := exec.Command(radon, append([]string{"raw", "-j"}, files...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("radon raw: %v\n%s", err, stderr.String())
	}
	res := map[string]radonRaw{}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("radon raw output: %v", err)
	}
	return res
}

// radonText is what radon reads: the file opened as UTF-8 text with
// universal newlines. ok is false when Python could not decode it.
func radonText(raw []byte) (string, bool) {
	if !utf8.Valid(raw) {
		return "", false
	}
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), true
}

// TestMatchesRadon compares Metrics with `radon raw -j` on a fixed sample of
// the standard library.
//
//	go test ./analysis/internal/raw -run TestMatchesRadon -v
//
// PYBATCH_RAW_SAMPLE sets the sample size (400 files by default).
func TestMatchesRadon(t *testing.T) {
	radon := testenv.RequireCommand(t, "radon")
	n := 400
	if v, err := strconv.Atoi(os.Getenv("PYBATCH_RAW_SAMPLE")); err == nil && v > 0 {
		n = v // e.g. PYBATCH_RAW_SAMPLE=100000 for the whole library
	}
	files := testenv.Sample(testenv.StdlibFiles(t, testenv.Stdlib(t)), n)
	want := runRadonRaw(t, radon, files)
	var compared, same, radonErr, bothErr int
	var diffs []string
	for _, f := range files {
		w, ok := want[f]
		if !ok {
			t.Errorf("%s: no radon result", f)
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text, decoded := radonText(raw)
		if w.Error != "" {
			radonErr++
			if !decoded {
				continue
			}
			if _, err := Metrics([]byte(text), nil); err != nil {
				bothErr++
			} else {
				diffs = append(diffs, f+": radon error "+w.Error+", we computed metrics")
			}
			continue
		}
		compared++
		got, err := Metrics([]byte(text), nil)
		if err != nil {
			diffs = append(diffs, f+": "+err.Error())
			continue
		}
		if got == w.Counts {
			same++
			continue
		}
		diffs = append(diffs, f+": got "+fmtCounts(got)+" radon "+fmtCounts(w.Counts))
	}
	for _, d := range diffs {
		t.Log("DIFF", d)
	}
	pct := 100 * float64(same) / float64(max(compared, 1))
	t.Logf("radon raw: %d files sampled, %d compared, %d identical (%.2f%%); radon failed on %d (we also fail on %d)",
		len(files), compared, same, pct, radonErr, bothErr)
	if pct < 99 {
		t.Errorf("line metrics identical for %.2f%% of files, want >= 99%%", pct)
	}
}

func fmtCounts(m Counts) string {
	b, _ := json.Marshal(m)
	return string(b)
}
