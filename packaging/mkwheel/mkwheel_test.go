package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
)

func TestNormalizeVersion(t *testing.T) {
	for in, want := range map[string]string{
		"0.1.0-dev": "0.1.0.dev0", "1.2.3": "1.2.3", "v1.2.3": "1.2.3", "1.0-rc1": "1.0rc1", "1.0.0-beta.2": "1.0.0b2",
		"2.0.dev3": "2.0.dev3", "1.0-post1": "1.0.post1", "1.0+ubuntu-1": "1.0+ubuntu.1", "1.0.0-alpha": "1.0.0a0",
	} {
		if got, err := NormalizeVersion(in); got != want || err != nil {
			t.Errorf("NormalizeVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "dev", "1.0-garbage", "1..0"} {
		if got, err := NormalizeVersion(bad); err == nil {
			t.Errorf("NormalizeVersion(%q) = %q, want an error", bad, got)
		}
	}
}

// TestWheel checks a wheel's layout against the binary distribution format:
// the file name, WHEEL's tags, METADATA, a RECORD last that lists every
// other file with its sha256 and size, an executable script.
func TestWheel(t *testing.T) {
	for platform := range platformTags {
		w := &Wheel{Version: "1.2.0rc1", Platform: platform, Binary: []byte("\x7fELF fake binary"), Readme: "# pybatch\n\nhello\n",
			License: []byte("licence text\n"), LicenseExpr: "MIT", Time: time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}
		var buf bytes.Buffer
		if err := w.Write(&buf); err != nil {
			t.Fatal(err)
		}
		fn, _ := w.FileName()
		if !strings.HasPrefix(fn, "pybatch-1.2.0rc1-py3-none-") || !strings.HasSuffix(fn, ".whl") {
			t.Errorf("file name %s", fn)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		var names []string
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			files[f.Name] = b
			names = append(names, f.Name)
			exe := strings.Contains(f.Name, ".data/scripts/")
			if mode := f.Mode().Perm(); exe && mode != 0o755 || !exe && mode != 0o644 {
				t.Errorf("%s: mode %v", f.Name, mode)
			}
		}
		script := "pybatch-1.2.0rc1.data/scripts/pybatch"
		if strings.HasPrefix(platform, "windows/") {
			script += ".exe"
		}
		if !bytes.Equal(files[script], w.Binary) {
			t.Errorf("%s: no %s in %q", platform, script, names)
		}
		if last := names[len(names)-1]; last != "pybatch-1.2.0rc1.dist-info/RECORD" {
			t.Errorf("last entry %s, want RECORD", last)
		}
		// RECORD: every other file, with its hash and size; itself without.
		listed := map[string]bool{}
		sc := bufio.NewScanner(bytes.NewReader(files["pybatch-1.2.0rc1.dist-info/RECORD"]))
		for sc.Scan() {
			parts := strings.Split(sc.Text(), ",")
			if len(parts) != 3 {
				t.Fatalf("RECORD line %q", sc.Text())
			}
			listed[parts[0]] = true
			if strings.HasSuffix(parts[0], "/RECORD") {
				if parts[1] != "" || parts[2] != "" {
					t.Errorf("RECORD's own line %q", sc.Text())
				}
				continue
			}
			sum := sha256.Sum256(files[parts[0]])
			if want := "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]); parts[1] != want || parts[2] != fmt.Sprint(len(files[parts[0]])) {
				t.Errorf("RECORD %q, want %s,%d", sc.Text(), want, len(files[parts[0]]))
			}
		}
		for _, n := range names {
			if !listed[n] {
				t.Errorf("%s not in RECORD", n)
			}
		}
		wheel := string(files["pybatch-1.2.0rc1.dist-info/WHEEL"])
		for _, tag := range platformTags[platform] {
			if !strings.Contains(wheel, "Tag: py3-none-"+tag+"\n") || !strings.Contains(fn, tag) {
				t.Errorf("%s: tag %s missing from WHEEL or %s", platform, tag, fn)
			}
		}
		if !strings.Contains(wheel, "Root-Is-Purelib: false\n") {
			t.Errorf("WHEEL:\n%s", wheel)
		}
		meta := string(files["pybatch-1.2.0rc1.dist-info/METADATA"])
		for _, want := range []string{"Metadata-Version: 2.4\n", "Name: pybatch\n", "Version: 1.2.0rc1\n", "License-Expression: MIT\n", "License-File: LICENSE\n",
			"Project-URL: Source, https://github.com/pybatch/pybatch\n", "Description-Content-Type: text/markdown", "\n\n# pybatch\n\nhello\n"} {
			if !strings.Contains(meta, want) {
				t.Errorf("METADATA lacks %q:\n%s", want, meta)
			}
		}
		if string(files["pybatch-1.2.0rc1.dist-info/licenses/LICENSE"]) != "licence text\n" {
			t.Error("no licence file")
		}
		if !strings.Contains(string(files["pybatch/__init__.py"]), `__version__ = "1.2.0rc1"`) {
			t.Error("__init__.py without the version")
		}
	}
}

// TestWheelInstall builds the linux/amd64 wheel with build-wheels.sh,
// installs it with pip --no-index into a fresh venv, and runs `pybatch
// version`, `python -m pybatch version` and an analyze of a small tree.
//
//	go test ./packaging/mkwheel -run TestWheelInstall -v
func TestWheelInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a release binary")
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("the test installs the linux/amd64 wheel; this is %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	bash := testenv.RequireCommand(t, "bash")
	python := testenv.RequireCommand(t, "python3")
	testenv.RequireCommand(t, "go")
	testenv.RequireCommand(t, "git")
	dir := t.TempDir()
	venv := filepath.Join(dir, "venv")
	step := func(what string, cmd *exec.Cmd) string {
		t.Helper()
		start := time.Now()
		out, err := cmd.CombinedOutput()
		t.Logf("%s (%v):\n%s", what, time.Since(start).Round(time.Millisecond), strings.TrimRight(string(out), "\n"))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return string(out)
	}
	if out, err := exec.Command(python, "-m", "venv", venv).CombinedOutput(); err != nil {
		testenv.SkipOrFail(t, "python3 -m venv does not work here (Debian: apt-get install python3-venv): %v\n%s", err, out)
	}

	build := exec.Command(bash, "build-wheels.sh", filepath.Join(dir, "wheels"))
	build.Dir = ".."
	build.Env = append(os.Environ(), "PYBATCH_PLATFORMS=linux/amd64")
	step("bash packaging/build-wheels.sh (linux/amd64 only)", build)
	wheels, _ := filepath.Glob(filepath.Join(dir, "wheels", "*.whl"))
	if len(wheels) != 1 {
		t.Fatalf("wheels built: %q, want one", wheels)
	}
	st, err := os.Stat(wheels[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wheel %s: %d bytes", filepath.Base(wheels[0]), st.Size())

	bin := filepath.Join(venv, "bin")
	step("pip install --no-index", exec.Command(filepath.Join(bin, "pip"), "install", "--no-index", "--disable-pip-version-check", wheels[0]))
	version := step("pybatch version", exec.Command(filepath.Join(bin, "pybatch"), "version"))
	if !strings.HasPrefix(version, "pybatch ") || !strings.Contains(version, "\ngo      go") {
		t.Errorf("pybatch version printed %q", version)
	}
	if out := step("python -m pybatch version", exec.Command(filepath.Join(bin, "python"), "-m", "pybatch", "version")); out != version {
		t.Errorf("python -m pybatch version printed %q, pybatch version %q", out, version)
	}

	tree := filepath.Join(dir, "tree")
	for name, src := range map[string]string{
		"app/__init__.py": "",
		"app/core.py":     "import os\n\ndef run(n):\n    if n > 1:\n        return n\n    return 0\n",
		"app/broken.py":   "def f(:\n",
	} {
		p := filepath.Join(tree, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	jsonl := filepath.Join(dir, "out.jsonl")
	step("pybatch analyze", exec.Command(filepath.Join(bin, "pybatch"), "analyze", "--progress", "none", "-o", jsonl, tree))
	b, err := os.ReadFile(jsonl)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 3 || !strings.Contains(string(b), `"complexity":2`) {
		t.Errorf("analyze wrote %d records:\n%s", n, b)
	}
	check := exec.Command(filepath.Join(bin, "pybatch"), "check", "--max-absolute", "A", "--fail-on-syntax-error", tree)
	out, err := check.CombinedOutput()
	t.Logf("pybatch check:\n%s", strings.TrimRight(string(out), "\n"))
	if code := check.ProcessState.ExitCode(); code != 1 || !strings.Contains(string(out), "broken.py:1:") {
		t.Errorf("pybatch check: exit %d (%v), want 1 for broken.py's syntax error", code, err)
	}
}
