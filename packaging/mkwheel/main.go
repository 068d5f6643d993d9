// Command mkwheel packs a pybatch binary into a platform wheel, the way
// Python developers install tools (pip, pipx, uv tool install): the binary
// goes to pybatch-VERSION.data/scripts, so installers put it on PATH, and a
// small package "pybatch" makes `python -m pybatch` run it.
//
//	go run ./packaging/mkwheel -binary dist/pybatch -goos linux -goarch amd64 -out dist
//	go run ./packaging/mkwheel -print-version
//
// The wheel follows the binary distribution format (PyPA's "Binary
// distribution format" specification): METADATA (version from batch.Version
// in PEP 440 form, project URLs, the README as the description, the licence
// when the repository has one), WHEEL with the platform tags, and a RECORD
// with the sha256 and size of every file. Entries are stored with a fixed
// time ($SOURCE_DATE_EPOCH when set), so the same binary gives the same
// wheel. packaging/build-wheels.sh builds the binaries and runs this.
package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pybatch/pybatch/batch"
)

//go:embed python/__init__.py
var initPy string

//go:embed python/__main__.py
var mainPy string

const (
	name    = "pybatch"
	summary = "Analyze Python codebases at scale: definitions, imports, metrics and radon's complexity, parsed exactly as CPython 3.14 parses them"
	home    = "https://github.com/pybatch/pybatch"
)

// platformTags are the wheel platform tags of each GOOS/GOARCH. The binary
// is static (CGO_ENABLED=0), so one Linux wheel serves glibc (manylinux)
// and musl (musllinux) systems alike; Go 1.26 needs macOS 12 or later.
var platformTags = map[string][]string{
	"linux/amd64":   {"manylinux_2_17_x86_64", "manylinux2014_x86_64", "musllinux_1_1_x86_64"},
	"linux/arm64":   {"manylinux_2_17_aarch64", "manylinux2014_aarch64", "musllinux_1_1_aarch64"},
	"darwin/amd64":  {"macosx_12_0_x86_64"},
	"darwin/arm64":  {"macosx_12_0_arm64"},
	"windows/amd64": {"win_amd64"},
	"windows/arm64": {"win_arm64"},
}

// pep440 reads the version forms pybatch uses (1.2.3, 1.2.3-rc1, 0.1.0-dev,
// v1.2.3, 1.2.3+local) into their PEP 440 normal form.
var pep440 = regexp.MustCompile(`^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$`)

// NormalizeVersion returns v in PEP 440's normal form: 0.1.0-dev is
// 0.1.0.dev0, 1.0-rc1 is 1.0rc1.
func NormalizeVersion(v string) (string, error) {
	m := pep440.FindStringSubmatch(strings.ToLower(strings.TrimSpace(v)))
	if m == nil {
		return "", fmt.Errorf("version %q is not a PEP 440 version", v)
	}
	out := m[1]
	zero := func(s string) string {
		if s == "" {
			return "0"
		}
		n, _ := strconv.Atoi(s)
		return strconv.Itoa(n)
	}
	if m[2] != "" {
		pre := map[string]string{"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc", "pre": "rc", "preview": "rc"}[m[2]]
		out += pre + zero(m[3])
	}
	if m[4] != "" {
		out += ".post" + zero(m[5])
	}
	if m[6] != "" {
		out += ".dev" + zero(m[7])
	}
	if m[8] != "" {
		out += "+" + strings.NewReplacer("-", ".", "_", ".").Replace(m[8])
	}
	return out, nil
}

// Wheel is what goes into one wheel.
type Wheel struct {
	Version     string // PEP 440, normalized
	Platform    string // GOOS/GOARCH
	Binary      []byte // the pybatch executable
	Readme      string // Markdown, the long description
	License     []byte // the licence text, if any
	LicenseExpr string // an SPDX expression, if any
	Time        time.Time
}

// FileName is the wheel's file name: pybatch-VERSION-py3-none-TAGS.whl.
func (w *Wheel) FileName() (string, error) {
	tags, ok := platformTags[w.Platform]
	if !ok {
		return "", fmt.Errorf("no wheel platform tag for %s", w.Platform)
	}
	return fmt.Sprintf("%s-%s-py3-none-%s.whl", name, w.Version, strings.Join(tags, ".")), nil
}

func (w *Wheel) metadata() string {
	var b strings.Builder
	version := "2.1"
	if w.LicenseExpr != "" {
		version = "2.4" // License-Expression and License-File
	}
	fmt.Fprintf(&b, "Metadata-Version: %s\nName: %s\nVersion: %s\nSummary: %s\n", version, name, w.Version, summary)
	if w.LicenseExpr != "" {
		fmt.Fprintf(&b, "License-Expression: %s\n", w.LicenseExpr)
		if w.License != nil {
			b.WriteString("License-File: LICENSE\n")
		}
	}
	fmt.Fprintf(&b, "Project-URL: Homepage, %s\nProject-URL: Source, %s\nProject-URL: Issues, %s/issues\n", home, home, home)
	b.WriteString("Keywords: python,static-analysis,ast,complexity,radon,xenon,sarif,pre-commit\n")
	for _, c := range []string{
		"Development Status :: 3 - Alpha",
		"Environment :: Console",
		"Intended Audience :: Developers",
		"Programming Language :: Go",
		"Programming Language :: Python :: 3",
		"Topic :: Software Development :: Quality Assurance",
		"Topic :: Software Development :: Libraries :: Python Modules",
	} {
		fmt.Fprintf(&b, "Classifier: %s\n", c)
	}
	b.WriteString("Requires-Python: >=3.8\nDescription-Content-Type: text/markdown; charset=UTF-8; variant=GFM\n\n")
	b.WriteString(w.Readme)
	return b.String()
}

func (w *Wheel) wheelFile() string {
	var b strings.Builder
	b.WriteString("Wheel-Version: 1.0\nGenerator: pybatch mkwheel\nRoot-Is-Purelib: false\n")
	for _, t := range platformTags[w.Platform] {
		fmt.Fprintf(&b, "Tag: py3-none-%s\n", t)
	}
	return b.String()
}

// Write writes the wheel to out.
func (w *Wheel) Write(out io.Writer) error {
	if _, err := w.FileName(); err != nil {
		return err
	}
	exe := name
	if strings.HasPrefix(w.Platform, "windows/") {
		exe += ".exe"
	}
	distInfo := fmt.Sprintf("%s-%s.dist-info", name, w.Version)
	data := fmt.Sprintf("%s-%s.data", name, w.Version)
	type file struct {
		path string
		mode os.FileMode
		body []byte
	}
	files := []file{
		{name + "/__init__.py", 0o644, []byte(strings.Replace(initPy, "@VERSION@", w.Version, 1))},
		{name + "/__main__.py", 0o644, []byte(mainPy)},
		{data + "/scripts/" + exe, 0o755, w.Binary},
		{distInfo + "/METADATA", 0o644, []byte(w.metadata())},
		{distInfo + "/WHEEL", 0o644, []byte(w.wheelFile())},
	}
	if w.License != nil {
		files = append(files, file{distInfo + "/licenses/LICENSE", 0o644, w.License})
	}
	zw := zip.NewWriter(out)
	var record bytes.Buffer
	add := func(f file) error {
		h := &zip.FileHeader{Name: f.path, Method: zip.Deflate, Modified: w.Time}
		h.SetMode(f.mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = fw.Write(f.body)
		return err
	}
	for _, f := range files {
		if err := add(f); err != nil {
			return err
		}
		sum := sha256.Sum256(f.body)
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", f.path, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.body))
	}
	// RECORD lists itself without a hash, and comes last.
	recordPath := distInfo + "/RECORD"
	fmt.Fprintf(&record, "%s,,\n", recordPath)
	if err := add(file{recordPath, 0o644, record.Bytes()}); err != nil {
		return err
	}
	return zw.Close()
}

func main() {
	var (
		binary, platform, outDir, readme, license, version string
		licenseExpr                                        string
		printVersion, pep                                  bool
	)
	flag.StringVar(&binary, "binary", "", "the pybatch executable to pack")
	flag.StringVar(&platform, "platform", "", "its GOOS/GOARCH, e.g. linux/amd64")
	flag.StringVar(&outDir, "out", ".", "directory to write the wheel into")
	flag.StringVar(&readme, "readme", "README.md", "the long description (Markdown)")
	flag.StringVar(&license, "license", "", "the licence file, if any (goes to dist-info/licenses)")
	flag.StringVar(&licenseExpr, "license-expression", "", "the SPDX licence expression, if any")
	flag.StringVar(&version, "version", batch.Version, "the version (normalized to PEP 440)")
	flag.BoolVar(&printVersion, "print-version", false, "print the version and exit (PEP 440 form with -pep440)")
	flag.BoolVar(&pep, "pep440", false, "with -print-version, print the PEP 440 form")
	flag.Parse()
	if err := run(binary, platform, outDir, readme, license, licenseExpr, version, printVersion, pep); err != nil {
		fmt.Fprintln(os.Stderr, "mkwheel:", err)
		os.Exit(1)
	}
}

func run(binary, platform, outDir, readme, license, licenseExpr, version string, printVersion, pep bool) error {
	v, err := NormalizeVersion(version)
	if err != nil {
		return err
	}
	if printVersion {
		if pep {
			fmt.Println(v)
		} else {
			fmt.Println(version)
		}
		return nil
	}
	if binary == "" || platform == "" {
		return errors.New("-binary and -platform are required")
	}
	w := &Wheel{Version: v, Platform: platform, LicenseExpr: licenseExpr, Time: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		sec, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH: %w", err)
		}
		if t := time.Unix(sec, 0).UTC(); t.Year() >= 1980 {
			w.Time = t
		}
	}
	if w.Binary, err = os.ReadFile(binary); err != nil {
		return err
	}
	rd, err := os.ReadFile(readme)
	if err != nil {
		return err
	}
	w.Readme = string(rd)
	if license != "" {
		if w.License, err = os.ReadFile(license); err != nil {
			return err
		}
	}
	fn, err := w.FileName()
	if err != nil {
		return err
	}
	path := filepath.Join(outDir, fn)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := w.Write(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Println(path)
	return nil
}
