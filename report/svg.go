package report

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The charts are SVG written here, on the server side, as strings. Every
// piece of text from the input goes through esc; numbers are formatted by
// strconv. The page's template inserts the finished SVG as template.HTML.

func esc(s string) string { return template.HTMLEscapeString(s) }

// f formats a coordinate with at most one decimal.
func f(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func itoa[T int | int64](v T) string { return strconv.FormatInt(int64(v), 10) }

// human formats a count with thousands separators.
func human[T int | int64](v T) string {
	s := strconv.FormatInt(int64(v), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// short formats a count compactly (1.2k, 3.4M).
func short(v float64) string {
	switch {
	case v >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', 1, 64) + "G"
	case v >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	case v >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 0, 64) + "k"
	case v >= 1e3:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

var rankColors = [6]string{"#2e7d32", "#7cb342", "#fbc02d", "#fb8c00", "#e64a19", "#b71c1c"}

// ccColor maps a mean complexity to a colour from green (1.5 and less)
// through yellow (about 3.5) to red (6 and more): most code has a mean
// between 1.5 and 5, so that is where the scale spends its colours.
func ccColor(mean float64) string {
	if mean <= 0 {
		return "#cfd8dc"
	}
	t := min(max((mean-1.5)/4.5, 0), 1)
	stops := [][3]float64{{46, 125, 50}, {251, 192, 45}, {183, 28, 28}}
	var c [3]float64
	if t < 0.5 {
		u := t / 0.5
		for i := range c {
			c[i] = stops[0][i] + (stops[1][i]-stops[0][i])*u
		}
	} else {
		u := (t - 0.5) / 0.5
		for i := range c {
			c[i] = stops[1][i] + (stops[2][i]-stops[1][i])*u
		}
	}
	return fmt.Sprintf("#%02x%02x%02x", int(c[0]), int(c[1]), int(c[2]))
}

type svgb struct{ strings.Builder }

func (b *svgb) open(id, label string, w, h int) {
	fmt.Fprintf(b, `<svg id="%s" class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, id, w, h, esc(label))
}

func (b *svgb) text(x, y float64, anchor, class, s string) {
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, f(x), f(y), anchor, class, esc(s))
}

func (b *svgb) rect(x, y, w, h float64, fill, title string) {
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s">`, f(x), f(y), f(max(w, 0)), f(max(h, 0)), fill)
	if title != "" {
		fmt.Fprintf(b, `<title>%s</title>`, esc(title))
	}
	b.WriteString(`</rect>`)
}

func (b *svgb) done() template.HTML {
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// statusBar is one horizontal bar split by file status.
func statusBar(d *Data) template.HTML {
	var b svgb
	b.open("chart-status", "files by status", 1200, 70)
	order := []struct{ name, color string }{{"analyzed", "#2e7d32"}, {"skipped", "#90a4ae"}, {"failed", "#c62828"}, {"gone", "#cfd8dc"}}
	total := float64(max(d.Files, 1))
	x := 0.0
	lx := 0.0
	for _, s := range order {
		n := d.Status[s.name]
		w := float64(n) / total * 1200
		b.rect(x, 0, w, 34, s.color, fmt.Sprintf("%s: %s files", s.name, human(n)))
		x += w
		b.rect(lx, 48, 12, 12, s.color, "")
		b.text(lx+16, 59, "start", "lbl", fmt.Sprintf("%s %s", s.name, human(n)))
		lx += 300
	}
	return b.done()
}

// barsV is a vertical bar chart; ylog draws counts on a log scale.
func barsV(id, label string, labels []string, counts []int64, colors []string, ylog bool) template.HTML {
	const W, H, top, bottom, left = 800, 300, 20, 40, 10
	var b svgb
	b.open(id, label, W, H)
	n := len(labels)
	if n == 0 {
		b.text(W/2, H/2, "middle", "lbl", "nothing to show")
		return b.done()
	}
	var mx int64 = 1
	for _, c := range counts {
		mx = max(mx, c)
	}
	scale := func(c int64) float64 {
		if c <= 0 {
			return 0
		}
		if ylog {
			return math.Log10(float64(c)+1) / math.Log10(float64(mx)+1)
		}
		return float64(c) / float64(mx)
	}
	slot := float64(W-2*left) / float64(n)
	bw := slot * 0.8
	for i := range labels {
		h := scale(counts[i]) * (H - top - bottom)
		x := left + float64(i)*slot + (slot-bw)/2
		y := H - bottom - h
		color := colors[i%len(colors)]
		b.rect(x, y, bw, h, color, fmt.Sprintf("%s: %s", labels[i], human(counts[i])))
		b.text(x+bw/2, y-4, "middle", "val", short(float64(counts[i])))
		b.text(x+bw/2, H-bottom+16, "middle", "lbl", labels[i])
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, H-bottom, W-left, H-bottom)
	return b.done()
}

func rankChart(d *Data) template.HTML {
	labels := make([]string, 6)
	counts := make([]int64, 6)
	for i := range 6 {
		labels[i] = rankLetters[i : i+1]
		counts[i] = d.Ranks[i]
	}
	return barsV("chart-ranks", "functions by complexity rank", labels, counts, rankColors[:], false)
}

func ccHistogram(d *Data) template.HTML {
	var labels []string
	var counts []int64
	var colors []string
	for _, bk := range d.CCBuckets {
		l := itoa(bk.Lo)
		switch {
		case bk.Hi == math.MaxInt:
			l += "+"
		case bk.Hi > bk.Lo:
			l += "–" + itoa(bk.Hi)
		}
		labels = append(labels, l)
		counts = append(counts, bk.Count)
		colors = append(colors, rankColors[rank(bk.Lo)])
	}
	return barsV("chart-cc", "histogram of cyclomatic complexity", labels, counts, colors, true)
}

// barsH is a horizontal bar chart of names and counts.
func barsH(id, label string, items []NameCount, color string) template.HTML {
	const W, rowH, nameW = 800, 20, 260
	H := max(len(items), 1)*rowH + 10
	var b svgb
	b.open(id, label, W, H)
	if len(items) == 0 {
		b.text(W/2, 15, "middle", "lbl", "nothing to show")
		return b.done()
	}
	mx := float64(max(items[0].Count, 1))
	for _, it := range items {
		mx = max(mx, float64(it.Count))
	}
	for i, it := range items {
		y := float64(i*rowH + 5)
		w := float64(it.Count) / mx * (W - nameW - 70)
		b.text(nameW-6, y+14, "end", "lbl", clip(it.Name, 40))
		b.rect(nameW, y+2, w, rowH-5, color, fmt.Sprintf("%s: %s", it.Name, human(it.Count)))
		b.text(nameW+w+4, y+14, "start", "val", human(it.Count))
	}
	return b.done()
}

// clip shortens s to n runes, keeping the end (the informative part of a
// path or dotted name).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n+1:])
}

// matrixChart is a heat map: row i, column j is how many files of package i
// import package j.
func matrixChart(d *Data) template.HTML {
	n := len(d.Packages)
	const cell, labelW = 26, 150
	W := labelW + max(n, 1)*cell + 10
	H := labelW + max(n, 1)*cell + 10
	var b svgb
	if n == 0 {
		b.open("chart-matrix", "imports between the top-level packages", 800, 40)
		b.text(400, 25, "middle", "lbl", "no imports between the packages of this tree")
		return b.done()
	}
	// Drawn at its own size (not stretched to the column): a matrix of a
	// few packages would otherwise have giant cells.
	fmt.Fprintf(&b, `<svg id="chart-matrix" class="chart fit" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="imports between the top-level packages" xmlns="http://www.w3.org/2000/svg">`, W, H, W, H)
	var mx int64 = 1
	for _, row := range d.Matrix {
		for _, v := range row {
			mx = max(mx, v)
		}
	}
	for i, p := range d.Packages {
		y := float64(labelW + i*cell)
		b.text(labelW-6, y+cell*0.65, "end", "lbl", clip(p, 22))
		x := float64(labelW+i*cell) + cell*0.65
		fmt.Fprintf(&b, `<text x="%s" y="%d" transform="rotate(-60 %s %d)" class="lbl">%s</text>`, f(x), labelW-6, f(x), labelW-6, esc(clip(p, 22)))
	}
	for i, row := range d.Matrix {
		for j, v := range row {
			x := float64(labelW + j*cell)
			y := float64(labelW + i*cell)
			fill := "#f5f5f5"
			if v > 0 {
				t := math.Log1p(float64(v)) / math.Log1p(float64(mx))
				fill = fmt.Sprintf("#%02x%02x%02x", int(227-t*(227-13)), int(242-t*(242-71)), int(253-t*(253-161)))
			}
			b.rect(x+1, y+1, cell-2, cell-2, fill, fmt.Sprintf("%s imports %s: %s files", d.Packages[i], d.Packages[j], human(v)))
		}
	}
	return b.done()
}

// scatterChart plots the functions by size (lines) and complexity, both on
// log scales, binned: each dot is a bin, its area grows with the number of
// functions in it. The worst functions are labelled.
func scatterChart(d *Data) template.HTML {
	const W, H, left, bottom, top, right = 800, 420, 50, 40, 15, 15
	var b svgb
	b.open("chart-scatter", "complexity against size, one dot per bin of functions", W, H)
	pw, ph := float64(W-left-right), float64(H-top-bottom)
	xOf := func(lines float64) float64 { return left + math.Log(max(lines, 1))/math.Log(scatterMX)*pw }
	yOf := func(cc float64) float64 { return H - bottom - math.Log(max(cc, 1))/math.Log(scatterMY)*ph }
	// axes and grid
	for _, v := range []float64{1, 10, 100, 1000, 10000} {
		x := xOf(v)
		fmt.Fprintf(&b, `<line x1="%s" y1="%d" x2="%s" y2="%d" class="grid"/>`, f(x), top, f(x), H-bottom)
		b.text(x, H-bottom+16, "middle", "lbl", short(v))
	}
	for _, v := range []float64{1, 5, 10, 20, 40, 100, 300, 1000} {
		y := yOf(v)
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s" class="grid"/>`, left, f(y), W-right, f(y))
		b.text(left-6, y+4, "end", "lbl", short(v))
	}
	b.text(left+pw/2, H-6, "middle", "lbl", "lines of the function (log)")
	fmt.Fprintf(&b, `<text x="12" y="%s" transform="rotate(-90 12 %s)" text-anchor="middle" class="lbl">cyclomatic complexity (log)</text>`, f(top+ph/2), f(top+ph/2))
	if len(d.Scatter) == 0 {
		b.text(W/2, H/2, "middle", "lbl", "no functions")
		return b.done()
	}
	var mx int64 = 1
	for _, c := range d.Scatter {
		mx = max(mx, c.Count)
	}
	// Bin centres back to values.
	cx := func(i int) float64 { return math.Exp((float64(i) + 0.5) / scatterNX * math.Log(scatterMX)) }
	cy := func(i int) float64 { return math.Exp((float64(i) + 0.5) / scatterNY * math.Log(scatterMY)) }
	b.WriteString(`<g class="dots">`)
	for _, c := range d.Scatter {
		r := 1.8 + 5*math.Sqrt(math.Log1p(float64(c.Count))/math.Log1p(float64(mx)))
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="%s"><title>%s functions: about %s lines, complexity about %s</title></circle>`,
			f(xOf(cx(c.X))), f(yOf(cy(c.Y))), f(r), rankColors[rank(int(math.Round(cy(c.Y))))], human(c.Count), short(math.Round(cx(c.X))), short(math.Round(cy(c.Y))))
	}
	b.WriteString(`</g>`)
	// The worst functions: numbered on the plot, named in the empty upper
	// left corner (short and complex is rare).
	seen := map[string]bool{}
	i := 0
	for _, fn := range d.Worst {
		if i >= scatterLabels {
			break
		}
		// Copies of one function (vendored or copied trees) are named once.
		key := fmt.Sprint(fn.QualName, fn.Complexity, fn.EndLine-fn.Line)
		if seen[key] {
			continue
		}
		seen[key] = true
		i++
		x, y := xOf(float64(max(fn.EndLine-fn.Line+1, 1))), yOf(float64(fn.Complexity))
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="5" class="worst"><title>%s</title></circle>`, f(x), f(y),
			esc(fmt.Sprintf("%s (complexity %d, %d lines) %s:%d", fn.QualName, fn.Complexity, fn.EndLine-fn.Line+1, fn.Path, fn.Line)))
		b.text(x+7, y-5, "start", "val", itoa(i))
		b.text(left+10, top+14+float64(i-1)*15, "start", "val", fmt.Sprintf("%d. %s (%d)", i, clip(fn.QualName, 50), fn.Complexity))
	}
	return b.done()
}

// runsChart shows the latest runs: files per run (failed in red) and the
// run's wall time as a line.
func runsChart(d *Data) template.HTML {
	const W, H, left, bottom, top, right = 800, 260, 50, 40, 20, 50
	var b svgb
	b.open("chart-runs", "runs over time", W, H)
	runs := d.Runs
	if len(runs) == 0 {
		msg := "no run history"
		if d.Format == "jsonl" {
			msg = "JSON Lines keep no run history: report a database for this chart"
		}
		b.text(W/2, H/2, "middle", "lbl", msg)
		return b.done()
	}
	var mxFiles int64 = 1
	mxWall := 0.001
	for _, r := range runs {
		mxFiles = max(mxFiles, r.Files)
		mxWall = max(mxWall, r.Wall)
	}
	pw, ph := float64(W-left-right), float64(H-top-bottom)
	slot := pw / float64(len(runs))
	bw := min(max(slot*0.7, 1), 40)
	var pts []string
	for i, r := range runs {
		x := left + float64(i)*slot + (slot-bw)/2
		hAll := float64(r.Files) / float64(mxFiles) * ph
		hFail := float64(r.Failed) / float64(mxFiles) * ph
		title := fmt.Sprintf("run %d, %s, %s: %s files, %s analyzed, %s failed, %.1f s", r.ID, r.Started.Format("2006-01-02 15:04"), r.Outcome, human(r.Files), human(r.Analyzed), human(r.Failed), r.Wall)
		b.rect(x, H-bottom-hAll, bw, hAll-hFail, "#64b5f6", title)
		b.rect(x, H-bottom-hFail, bw, hFail, "#c62828", title)
		pts = append(pts, f(x+bw/2)+","+f(H-bottom-r.Wall/mxWall*ph))
		if len(runs) <= 12 || i%((len(runs)+11)/12) == 0 {
			b.text(x+bw/2, H-bottom+16, "middle", "lbl", "#"+itoa(r.ID))
		}
	}
	fmt.Fprintf(&b, `<polyline points="%s" class="wall"/>`, strings.Join(pts, " "))
	b.text(left-6, top+8, "end", "lbl", short(float64(mxFiles)))
	b.text(left-6, H-bottom, "end", "lbl", "0")
	b.text(W-right+6, top+8, "start", "lbl", strconv.FormatFloat(mxWall, 'f', 1, 64)+" s")
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, left, H-bottom, W-right, H-bottom)
	return b.done()
}

// Treemap views: one SVG per directory that can be opened, the root first.
// Each shows the directory's children (area = lines of code, colour = mean
// complexity) and, inside each child, its own children.
const (
	tmW, tmH        = 1000, 560
	tmMaxViews      = 30  // directories with a view of their own
	tmMaxChildren   = 40  // rectangles per view at the first level
	tmMaxGrandchild = 400 // rectangles per view at the second level, in all
)

type tmRect struct{ x, y, w, h float64 }

// squarify lays out areas (sorted in decreasing order, positive) in r with
// rectangles as close to squares as it can (Bruls, Huizing, van Wijk).
func squarify(vals []float64, r tmRect) []tmRect {
	out := make([]tmRect, len(vals))
	total := 0.0
	for _, v := range vals {
		total += v
	}
	if total <= 0 || r.w <= 0 || r.h <= 0 {
		return out
	}
	scale := r.w * r.h / total
	areas := make([]float64, len(vals))
	for i, v := range vals {
		areas[i] = v * scale
	}
	worst := func(row []float64, side float64) float64 {
		s, mx, mn := 0.0, 0.0, math.Inf(1)
		for _, a := range row {
			s += a
			mx = max(mx, a)
			mn = min(mn, a)
		}
		if s == 0 || mn == 0 {
			return math.Inf(1)
		}
		return max(side*side*mx/(s*s), s*s/(side*side*mn))
	}
	for i := 0; i < len(areas); {
		side := min(r.w, r.h)
		j := i + 1
		best := worst(areas[i:j], side)
		for j < len(areas) {
			w := worst(areas[i:j+1], side)
			if w > best {
				break
			}
			best = w
			j++
		}
		s := 0.0
		for _, a := range areas[i:j] {
			s += a
		}
		if r.w >= r.h {
			cw := s / r.h
			y := r.y
			for k := i; k < j; k++ {
				hk := areas[k] / cw
				out[k] = tmRect{r.x, y, cw, hk}
				y += hk
			}
			r.x += cw
			r.w -= cw
		} else {
			rh := s / r.w
			x := r.x
			for k := i; k < j; k++ {
				wk := areas[k] / rh
				out[k] = tmRect{x, r.y, wk, rh}
				x += wk
			}
			r.y += rh
			r.h -= rh
		}
		i = j
	}
	return out
}

// tmItem is a rectangle of a view: a directory, the files directly in a
// directory, or the smaller directories taken together.
type tmItem struct {
	label string
	dir   *Dir // nil for a group
	loc   int64
	files int64
	funcs int64
	ccsum int64
	worst int
}

func (it tmItem) mean() float64 {
	if it.funcs == 0 {
		return 0
	}
	return float64(it.ccsum) / float64(it.funcs)
}

// items lists d's children by lines of code, the smallest beyond limit
// taken together, and the files directly in d as one item.
func items(d *Dir, limit int) []tmItem {
	kids := make([]*Dir, 0, len(d.Children))
	var sub tmItem
	for _, c := range d.Children {
		kids = append(kids, c)
		sub.loc += c.LOC
		sub.files += c.Files
		sub.funcs += c.Funcs
		sub.ccsum += c.CCSum
	}
	slices.SortFunc(kids, func(x, y *Dir) int { return cmp.Or(cmp.Compare(y.LOC, x.LOC), cmp.Compare(x.Name, y.Name)) })
	var out []tmItem
	own := tmItem{label: "(files here)", loc: d.LOC - sub.loc, files: d.Files - sub.files, funcs: d.Funcs - sub.funcs, ccsum: d.CCSum - sub.ccsum}
	if own.loc > 0 {
		out = append(out, own)
	}
	var rest tmItem
	restN := 0
	for i, c := range kids {
		if c.LOC <= 0 {
			continue
		}
		if i < limit {
			out = append(out, tmItem{label: c.Name, dir: c, loc: c.LOC, files: c.Files, funcs: c.Funcs, ccsum: c.CCSum, worst: c.Worst})
			continue
		}
		restN++
		rest.loc += c.LOC
		rest.files += c.Files
		rest.funcs += c.Funcs
		rest.ccsum += c.CCSum
		rest.worst = max(rest.worst, c.Worst)
	}
	rest.label = fmt.Sprintf("(%d smaller directories)", restN)
	if rest.loc > 0 {
		out = append(out, rest)
	}
	slices.SortFunc(out, func(x, y tmItem) int { return cmp.Compare(y.loc, x.loc) })
	return out
}

func (it tmItem) title(parent *Dir) string {
	p := it.label
	if it.dir != nil {
		p = cmp.Or(it.dir.Path, it.dir.Name)
	} else if parent != nil && parent.Path != "" {
		p = parent.Path + "/ " + it.label
	}
	s := fmt.Sprintf("%s — %s lines, %s files, %s functions", p, human(it.loc), human(it.files), human(it.funcs))
	if it.funcs > 0 {
		s += fmt.Sprintf(", mean complexity %.2f", it.mean())
		if it.worst > 0 {
			s += fmt.Sprintf(", worst %d", it.worst)
		}
	}
	return s
}

// treemap renders the views of the directory tree. Which directories get a
// view is decided breadth first from the root, largest first, up to
// tmMaxViews: that bounds the page whatever the tree.
func treemap(d *Data) template.HTML {
	root := d.Tree
	ids := map[*Dir]int{root: 0}
	order := []*Dir{root}
	for i := 0; i < len(order) && len(order) < tmMaxViews; i++ {
		for _, it := range items(order[i], tmMaxChildren) {
			if it.dir != nil && len(it.dir.Children) > 0 && len(order) < tmMaxViews {
				if _, ok := ids[it.dir]; !ok {
					ids[it.dir] = len(order)
					order = append(order, it.dir)
				}
			}
		}
	}
	var b strings.Builder
	for vi, dir := range order {
		hidden := ""
		if vi > 0 {
			hidden = " off" // shown by the page's script
		}
		parent := -1
		for p := dir.parent; p != nil; p = p.parent {
			if id, ok := ids[p]; ok {
				parent = id
				break
			}
		}
		name := cmp.Or(dir.Path, dir.Name, "/")
		fmt.Fprintf(&b, `<svg id="tm-%d" class="chart tm%s" data-parent="%d" data-name="%s" viewBox="0 0 %d %d" role="img" aria-label="treemap of %s" xmlns="http://www.w3.org/2000/svg">`,
			vi, hidden, parent, esc(name), tmW, tmH, esc(name))
		its := items(dir, tmMaxChildren)
		vals := make([]float64, len(its))
		for i, it := range its {
			vals[i] = float64(it.loc)
		}
		rects := squarify(vals, tmRect{0, 0, tmW, tmH})
		budget := tmMaxGrandchild
		for i, it := range its {
			r := rects[i]
			goTo := ""
			if id, ok := ids[it.dir]; ok && it.dir != nil && vi != id {
				goTo = fmt.Sprintf(` data-go="%d"`, id)
			}
			fmt.Fprintf(&b, `<g class="node"%s>`, goTo)
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" class="l1"><title>%s</title></rect>`,
				f(r.x), f(r.y), f(r.w), f(r.h), ccColor(it.mean()), esc(it.title(dir)))
			// The second level: the child's own children, inside it.
			if it.dir != nil && len(it.dir.Children) > 0 && budget > 0 && r.w > 30 && r.h > 30 {
				inner := tmRect{r.x + 2, r.y + 16, r.w - 4, r.h - 18}
				sub := items(it.dir, min(budget, 30))
				budget -= len(sub)
				sv := make([]float64, len(sub))
				for k, s := range sub {
					sv[k] = float64(s.loc)
				}
				for k, sr := range squarify(sv, inner) {
					if sr.w < 1 || sr.h < 1 {
						continue
					}
					fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" class="l2"><title>%s</title></rect>`,
						f(sr.x), f(sr.y), f(sr.w), f(sr.h), ccColor(sub[k].mean()), esc(sub[k].title(it.dir)))
				}
			}
			if r.w > 40 && r.h > 14 {
				maxChars := int(r.w / 7)
				fmt.Fprintf(&b, `<text x="%s" y="%s" class="tml">%s</text>`, f(r.x+3), f(r.y+12), esc(clip(it.label, maxChars)))
			}
			b.WriteString(`</g>`)
		}
		b.WriteString(`</svg>`)
	}
	return template.HTML(b.String())
}
