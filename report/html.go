package report

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"
)

//go:embed page.html
var pageHTML string

//go:embed page.css
var pageCSS string

//go:embed page.js
var pageJS string

// csp is the page's Content-Security-Policy: nothing may be loaded from
// anywhere (default-src 'none'), and the only style and script that run
// are the page's own inline ones, named by their SHA-256 — so a file name
// or docstring that slipped through escaping still could not run or load
// anything. Images are the SVG inlined in the page; no img-src is needed.
var csp = "default-src 'none'; style-src '" + hash(pageCSS) + "'; script-src '" + hash(pageJS) +
	"'; base-uri 'none'; form-action 'none'"

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

var tmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"human": func(v any) string {
		switch v := v.(type) {
		case int:
			return human(v)
		case int64:
			return human(v)
		}
		return fmt.Sprint(v)
	},
	"bytes":   humanBytes,
	"bytesf":  func(v float64) string { return humanBytes(int64(v)) },
	"dur":     humanDuration,
	"seconds": func(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 6, 64) },
	"fixed":   func(v float64, n int) string { return strconv.FormatFloat(v, 'f', n, 64) },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"lines": func(fn Func) int { return max(fn.EndLine-fn.Line+1, 1) },
	"pct": func(n, total int64) string {
		if total == 0 {
			return "0%"
		}
		return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 1, 64) + "%"
	},
	"rankClass": func(r string) string { return "rank-" + r },
}).Parse(pageHTML))

// page is what the template sees.
type page struct {
	D       *Data
	CSP     string
	CSS     template.CSS
	JS      template.JS
	Title   string
	Charts  charts
	Defs    int64
	Sources string
}

type charts struct {
	Status, Ranks, CC, Treemap, Scatter, Imports, Matrix, Runs template.HTML
}

// Write writes d as one self-contained HTML page: no script, style, font
// or image is loaded from anywhere, and it works from file://.
func Write(w io.Writer, d *Data) error {
	p := page{
		D:     d,
		CSP:   csp,
		CSS:   template.CSS(pageCSS),
		JS:    template.JS(pageJS),
		Title: "pybatch report",
		Defs:  d.Functions + d.Classes,
		Charts: charts{
			Status:  statusBar(d),
			Ranks:   rankChart(d),
			CC:      ccHistogram(d),
			Treemap: treemap(d),
			Scatter: scatterChart(d),
			Imports: barsH("chart-imports", "most imported modules", d.TopMods, "#1565c0"),
			Matrix:  matrixChart(d),
			Runs:    runsChart(d),
		},
	}
	if len(d.Sources) == 1 {
		p.Sources = d.Sources[0]
		p.Title += ": " + d.Sources[0]
	} else {
		p.Sources = fmt.Sprintf("%d sources", len(d.Sources))
	}
	return tmpl.Execute(w, p)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
	case d >= time.Millisecond:
		return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(float64(d)/1e3, 'f', 0, 64) + " µs"
}
