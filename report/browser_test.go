package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pybatch/pybatch/internal/testenv"
)

// The browser test loads pages in headless Chromium (Debian's chromium
// package) from file:// and reads three things back: the DOM after load
// (--dump-dom), the console (--enable-logging: script errors and
// Content-Security-Policy violations are console messages) and the network
// log (--log-net-log: every request the page started, whatever CSP says).
// Screenshots go to $PYBATCH_REPORT_ARTIFACTS, or pybatch-report-artifacts
// in the temp directory, for a person to look at; they are never committed.

// artifactDir is where the test leaves pages and screenshots.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("PYBATCH_REPORT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "pybatch-report-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// loaded is what Chromium saw of a page.
type loaded struct {
	dom      string
	console  []string // every console message: errors, CSP violations, logs
	requests []string // network requests the page started
}

func chromiumArgs(profile string) []string {
	return []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-default-apps", "--hide-scrollbars",
		"--user-data-dir=" + profile,
	}
}

func load(t *testing.T, chromium, page string) loaded {
	t.Helper()
	return loadURL(t, chromium, "file://"+page)
}

func loadURL(t *testing.T, chromium, url string) loaded {
	t.Helper()
	dir := t.TempDir()
	netlog := filepath.Join(dir, "net.json")
	args := append(chromiumArgs(filepath.Join(dir, "profile")),
		"--enable-logging=stderr", "--v=0", "--log-net-log="+netlog,
		"--window-size=1280,800", "--dump-dom", url)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, stderr.String())
	}
	var l loaded
	l.dom = stdout.String()
	for line := range strings.Lines(stderr.String()) {
		if strings.Contains(line, ":CONSOLE") {
			l.console = append(l.console, strings.TrimSpace(line))
		}
	}
	l.requests = pageRequests(t, netlog)
	return l
}

// pageRequests lists the URL requests of a Chromium network log that a
// page started. The browser's own (time sync, accounts) have the initiator
// "not an origin"; a file:// page's have its opaque origin, "null".
func pageRequests(t *testing.T, netlog string) []string {
	t.Helper()
	b, err := os.ReadFile(netlog)
	if err != nil {
		t.Fatalf("chromium wrote no network log: %v", err)
	}
	var log struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int `json:"type"`
			Params struct {
				URL       string `json:"url"`
				Initiator string `json:"initiator"`
			} `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatalf("reading chromium's network log: %v", err)
	}
	start, ok := log.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		t.Fatal("chromium's network log has no URL_REQUEST_START_JOB event type")
	}
	var out []string
	for _, e := range log.Events {
		if e.Type == start && e.Params.URL != "" && e.Params.Initiator != "not an origin" && !strings.HasPrefix(e.Params.URL, "file:") {
			out = append(out, e.Params.URL+" (initiator "+e.Params.Initiator+")")
		}
	}
	return out
}

func screenshot(t *testing.T, chromium, page, png string, w, h int) {
	t.Helper()
	args := append(chromiumArgs(filepath.Join(t.TempDir(), "profile")),
		fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+png, "file://"+page)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, chromium, args...).CombinedOutput(); err != nil {
		t.Fatalf("chromium screenshot: %v\n%s", err, out)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", png, err)
	}
	t.Logf("screenshot %dx%d: %s", w, h, png)
}

// TestBrowserChecksCatchProblems shows that the checks of TestBrowser can
// fail: a page that loads an image from the network, and one with a script
// error and an inline script that CSP blocks.
func TestBrowserChecksCatchProblems(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	chromium := testenv.RequireCommand(t, "chromium")
	dir := t.TempDir()
	net := filepath.Join(dir, "net.html")
	os.WriteFile(net, []byte(`<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png"><p>x</p></body></html>`), 0o644)
	if l := load(t, chromium, net); len(l.requests) == 0 {
		t.Errorf("a page loading http://127.0.0.1:9/x.png: no request seen")
	}
	bad := filepath.Join(dir, "bad.html")
	os.WriteFile(bad, []byte(`<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-`+
		strings.TrimPrefix(hash("undefinedFunction()"), "sha256-")+`'"></head><body><script>undefinedFunction()</script><script>alert(1)</script></body></html>`), 0o644)
	l := load(t, chromium, bad)
	if len(l.console) < 2 {
		t.Errorf("a page with a script error and a blocked script: console %q, want both", l.console)
	}
}

// TestBrowser loads reports of a small tree with hostile names and of the
// machine's Python standard library in headless Chromium.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium and analyses the standard library")
	}
	chromium := testenv.RequireCommand(t, "chromium")
	arts := artifactDir(t)
	pages := map[string]string{}

	hostileDB := filepath.Join(t.TempDir(), "hostile.db")
	analyze(t, writeTree(t, hostile), hostileDB)
	pages["hostile"] = writePage(t, hostileDB, filepath.Join(arts, "report-hostile.html"))

	stdDB := filepath.Join(t.TempDir(), "stdlib.db")
	analyze(t, testenv.Stdlib(t), stdDB, "--exclude", "**/site-packages/**")
	pages["stdlib"] = writePage(t, stdDB, filepath.Join(arts, "report-stdlib.html"))

	for _, name := range []string{"hostile", "stdlib"} {
		page := pages[name]
		t.Run(name, func(t *testing.T) {
			l := load(t, chromium, page)
			if len(l.console) > 0 {
				t.Errorf("console messages (script errors or CSP violations):\n%s", strings.Join(l.console, "\n"))
			}
			if len(l.requests) > 0 {
				t.Errorf("network requests:\n%s", strings.Join(l.requests, "\n"))
			}
			if !strings.Contains(l.dom, `data-js="ok"`) {
				t.Error("the page's script did not run to its end")
			}
			if m := regexp.MustCompile(`data-load-ms="(\d+)"`).FindStringSubmatch(l.dom); m != nil {
				t.Logf("%s: load fired %s ms after navigation", name, m[1])
			}
			for _, id := range chartIDs {
				if !nonEmpty(l.dom, id) {
					t.Errorf("element %s is missing or empty", id)
				}
			}
			if name == "hostile" {
				for _, bad := range []string{"<img", "<svg onload", "<b>bold", "<style>*"} {
					if strings.Contains(l.dom, bad) {
						t.Errorf("the DOM has %q: a hostile name became markup", bad)
					}
				}
				if n := strings.Count(l.dom, "<script"); n != 1 {
					t.Errorf("the DOM has %d scripts, want 1", n)
				}
				for _, text := range []string{"&lt;img src=x onerror=alert(1)&gt;.py", "&lt;/script&gt;&lt;img src=x onerror=alert(3)&gt;", `"&gt;&lt;svg onload=alert(4)&gt;/m.py`} {
					if !strings.Contains(l.dom, text) {
						t.Errorf("the DOM lacks the text %q", text)
					}
				}
			}
			if name == "stdlib" {
				// A link to a directory's view opens it: the script's
				// treemap navigation works.
				l := loadURL(t, chromium, "file://"+page+"#tm-1")
				if len(l.console) > 0 {
					t.Errorf("console messages with #tm-1:\n%s", strings.Join(l.console, "\n"))
				}
				if !strings.Contains(l.dom, `<svg id="tm-1" class="chart tm"`) || !strings.Contains(l.dom, `<svg id="tm-0" class="chart tm off"`) {
					t.Error("#tm-1 did not open the treemap's view 1 in place of view 0")
				}
				name1 := regexp.MustCompile(`<svg id="tm-1"[^>]* data-name="([^"]*)"`).FindStringSubmatch(l.dom)
				if name1 == nil || !strings.Contains(l.dom, `<span id="tm-crumb">`+name1[1]+`</span>`) {
					t.Errorf("the treemap's path does not name view 1 (%q)", name1)
				}
			}
			screenshot(t, chromium, page, filepath.Join(arts, "report-"+name+"-1280x800.png"), 1280, 800)
			screenshot(t, chromium, page, filepath.Join(arts, "report-"+name+"-390x844.png"), 390, 844)
			screenshot(t, chromium, page, filepath.Join(arts, "report-"+name+"-full.png"), 1280, 7000)
		})
	}
}

func writePage(t *testing.T, db, out string) string {
	t.Helper()
	d, err := Load(context.Background(), db, "")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(f, d); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("page: %s", out)
	return out
}

// nonEmpty says whether the element with the id is in the DOM with child
// elements.
func nonEmpty(dom, id string) bool {
	i := strings.Index(dom, `id="`+id+`"`)
	if i < 0 {
		return false
	}
	j := strings.IndexByte(dom[i:], '>')
	if j < 0 {
		return false
	}
	rest := strings.TrimLeft(dom[i+j+1:], " \n\t")
	return strings.HasPrefix(rest, "<") && !strings.HasPrefix(rest, "</")
}
