package report

import (
	"cmp"
	"container/heap"
	"math"
	"path"
	"slices"
	"strings"
	"time"
)

// Limits on what a page carries, whatever the size of the input: every list
// is a top-N and every chart is made of aggregates, so the page stays small
// and quick to open for a million files.
const (
	TopFunctions    = 50  // the most complex functions, in a table
	TopSlowest      = 50  // the files that took longest to analyze
	TopImports      = 30  // the most imported modules
	MatrixPackages  = 20  // packages in the import matrix
	MaxSyntaxErrors = 200 // syntax errors listed (the count is always exact)
	MaxRuns         = 100 // the latest runs shown
	scatterLabels   = 8   // the worst functions named on the scatter plot
)

// Data is everything a page shows: aggregates and top-N lists, built by
// FromSQLite or FromJSONL in one pass over the input. Its size does not
// depend on the number of files, except for the directory tree (one node
// per directory) and the per-directory import names.
type Data struct {
	Input     string    // the database or JSON Lines file read
	Format    string    // "sqlite", "jsonl" or "parquet"
	Generated time.Time // when the page was made
	Sources   []string  // the analyzed trees

	Files        int64            // files with a result (every status)
	Status       map[string]int64 // analyzed, skipped, failed, gone
	SkipReasons  []NameCount
	FailClasses  []NameCount
	Bytes        int64 // size of the analyzed files
	Lines        Lines
	Classes      int64
	Functions    int64 // functions and methods, sync or async
	Imports      int64 // import statements
	SyntaxErrors int64
	AnalysisTime time.Duration // the sum of the files' analysis times (worker time)

	Ranks     [6]int64 // functions by radon rank A..F
	CCBuckets []Bucket // histogram of the functions' cyclomatic complexity

	Tree      *Dir      // the directory tree, with figures summed up it
	Scatter   []Cell    // functions binned by (lines, complexity)
	ScatterX  []float64 // bin edges in lines (log scale)
	ScatterY  []float64 // bin edges in complexity (log scale)
	Worst     []Func    // the TopFunctions most complex functions, worst first
	Slowest   []FileTime
	TopMods   []NameCount // modules by the number of files that import them
	Packages  []string    // the matrix's packages (importers and imported)
	Matrix    [][]int64   // Matrix[i][j]: files of Packages[i] that import Packages[j]
	SynErrs   []SyntaxErr // the first MaxSyntaxErrors, by path
	Runs      []Run       // the latest MaxRuns runs, oldest first (SQLite only)
	LatestRun *Run        // the latest run that ended (SQLite only)
}

// Lines are summed line metrics (radon raw).
type Lines struct{ LOC, LLOC, SLOC, Comments, Multi, Blank int64 }

// NameCount is a name and how often it occurs.
type NameCount struct {
	Name  string
	Count int64
}

// Bucket is one bar of a histogram: values in [Lo, Hi].
type Bucket struct {
	Lo, Hi int
	Count  int64
}

// Func is a function or method with its place.
type Func struct {
	Path       string
	Line       int
	EndLine    int
	QualName   string
	Kind       string
	Complexity int
	Rank       string
	Doc        string // the first line of its docstring, clipped

	doc    *string // JSON Lines: the docstring, until the function is kept
	src    string  // the source, named in Path when there are several
	fileID int64   // SQLite: the file, to look the name up afterwards
	seq    int64   // SQLite: the definition's position in its file
}

// FileTime is a file and how long its analysis took.
type FileTime struct {
	Path     string
	Size     int64
	LOC      int64
	Status   string
	Duration time.Duration
	src      string
}

// SyntaxErr is where and why a file does not parse.
type SyntaxErr struct {
	Path      string
	Kind, Msg string
	Line, Col int
	src       string
}

// Run is one row of the runs table.
type Run struct {
	ID          int64
	Version     string
	Started     time.Time
	Ended       time.Time // zero while running or after a crash
	Outcome     string
	Files       int64
	Analyzed    int64
	Failed      int64
	Skipped     int64
	Wall        float64 // seconds
	FilesPerSec float64
	BytesPerSec float64
}

// Cell is a bin of the complexity-against-size plot.
type Cell struct {
	X, Y  int // bin indexes
	Count int64
}

// Dir is a directory of the analyzed tree with the figures of everything
// below it.
type Dir struct {
	Name     string
	Path     string // from the source's root ("" for a source itself)
	Children map[string]*Dir

	Files   int64
	LOC     int64
	Funcs   int64
	CCSum   int64               // the functions' complexity summed: CCSum/Funcs is the mean
	Worst   int                 // the highest function complexity below
	src     string              // the source it belongs to
	hasInit bool                // has an __init__.py: a package
	modImps map[string][]string // file stem → top-level names it imports (absolute imports only)
	parent  *Dir
}

// MeanCC is the mean complexity of the functions below d (0 with none).
func (d *Dir) MeanCC() float64 {
	if d.Funcs == 0 {
		return 0
	}
	return float64(d.CCSum) / float64(d.Funcs)
}

// rank is radon's cc_rank: A (1-5), B (6-10), C (11-20), D (21-30),
// E (31-40), F (41+). The report computes it from the complexity rather
// than reading the stored rank: one column less to read per definition.
func rank(cc int) int {
	switch {
	case cc <= 5:
		return 0
	case cc <= 10:
		return 1
	case cc <= 20:
		return 2
	case cc <= 30:
		return 3
	case cc <= 40:
		return 4
	}
	return 5
}

const rankLetters = "ABCDEF"

// ccEdges are the histogram's bucket bounds: a bucket holds [edge, next edge).
var ccEdges = []int{1, 2, 3, 4, 5, 6, 8, 11, 16, 21, 31, 41, 61, 101}

// Scatter bins: log-spaced, fine enough that a small tree shows one dot per
// function, coarse enough that a huge one stays a few thousand dots.
const (
	scatterNX = 90
	scatterNY = 60
	scatterMX = 20000.0 // lines
	scatterMY = 400.0   // complexity
)

// aggregator builds a Data from files, definitions and imports as they
// come. One goroutine owns it.
type aggregator struct {
	d       *Data
	sources map[string]*Dir
	skip    map[string]int64
	fail    map[string]int64
	mods    map[string]int64
	worst   funcHeap
	slow    slowHeap
	cells   map[[2]int]int64
	intern  map[string]string
	synErrs []SyntaxErr
}

func newAggregator(input, format string) *aggregator {
	return &aggregator{
		d: &Data{
			Input:     input,
			Format:    format,
			Generated: time.Now().UTC(),
			Status:    map[string]int64{},
			Tree:      &Dir{Name: "", Children: map[string]*Dir{}},
		},
		sources: map[string]*Dir{},
		skip:    map[string]int64{},
		fail:    map[string]int64{},
		mods:    map[string]int64{},
		cells:   map[[2]int]int64{},
		intern:  map[string]string{},
	}
}

func (a *aggregator) str(s string) string {
	if v, ok := a.intern[s]; ok {
		return v
	}
	s = strings.Clone(s)
	a.intern[s] = s
	return s
}

// fileRef is where a file sits in the tree.
type fileRef struct {
	dir  *Dir
	name string // base name
}

func (f fileRef) path() string {
	if f.dir.Path == "" {
		return f.name
	}
	return f.dir.Path + "/" + f.name
}

// fileRow is one file's figures, from a record or a file_results row.
type fileRow struct {
	source, path, status, skipReason, errClass string
	size, loc, lloc, sloc, comments, multi     int64
	blank                                      int64
	duration                                   time.Duration
	analyzed                                   bool
}

// relPath is p inside source: paths may be stored absolute (older runs) or
// relative to the source.
func relPath(source, p string) string {
	if source != "" && strings.HasPrefix(p, source) {
		r := p[len(source):]
		if r == "" || r[0] == '/' {
			return strings.TrimLeft(r, "/")
		}
	}
	return strings.TrimLeft(p, "/")
}

// addFile counts a file and returns its place in the tree.
func (a *aggregator) addFile(f fileRow) fileRef {
	d := a.d
	d.Files++
	d.Status[f.status]++
	switch f.status {
	case "skipped":
		a.skip[cmp.Or(f.skipReason, "unknown")]++
	case "failed":
		a.fail[cmp.Or(f.errClass, "unknown")]++
	}
	root := a.sources[f.source]
	if root == nil {
		name := cmp.Or(f.source, "(no source)")
		root = &Dir{Name: name, Children: map[string]*Dir{}, parent: d.Tree, src: f.source}
		a.sources[f.source] = root
		d.Tree.Children[name] = root
		d.Sources = append(d.Sources, f.source)
	}
	rel := relPath(f.source, f.path)
	dir, name := path.Split(rel)
	node := root
	for part := range strings.SplitSeq(strings.TrimSuffix(dir, "/"), "/") {
		if part == "" {
			continue
		}
		c := node.Children[part]
		if c == nil {
			p := part
			if node.Path != "" {
				p = node.Path + "/" + part
			}
			c = &Dir{Name: a.str(part), Path: p, Children: map[string]*Dir{}, parent: node, src: node.src}
			node.Children[c.Name] = c
		}
		node = c
	}
	if name == "__init__.py" {
		node.hasInit = true
	}
	if stem, ok := strings.CutSuffix(name, ".py"); ok && f.status != "gone" {
		// Every module is a name the import matrix may resolve to.
		if node.modImps == nil {
			node.modImps = map[string][]string{}
		}
		if _, ok := node.modImps[stem]; !ok {
			node.modImps[a.str(stem)] = nil
		}
	}
	if f.status != "gone" {
		for n := node; n != nil; n = n.parent {
			n.Files++
			n.LOC += f.loc
		}
	}
	if f.analyzed {
		d.Bytes += f.size
		d.Lines.LOC += f.loc
		d.Lines.LLOC += f.lloc
		d.Lines.SLOC += f.sloc
		d.Lines.Comments += f.comments
		d.Lines.Multi += f.multi
		d.Lines.Blank += f.blank
	}
	d.AnalysisTime += f.duration
	ref := fileRef{dir: node, name: name}
	if f.duration > 0 {
		if a.slow.Len() < TopSlowest || f.duration > a.slow[0].Duration {
			ft := FileTime{Path: ref.path(), Size: f.size, LOC: f.loc, Status: f.status, Duration: f.duration, src: f.source}
			if a.slow.Len() < TopSlowest {
				heap.Push(&a.slow, ft)
			} else {
				a.slow[0] = ft
				heap.Fix(&a.slow, 0)
			}
		}
	}
	return ref
}

// addDef counts a definition of the file at ref. qualname may be empty
// (SQLite reads it afterwards for the few that are kept).
func (a *aggregator) addDef(ref fileRef, fn Func) {
	d := a.d
	if fn.Kind == "class" {
		d.Classes++
		return
	}
	d.Functions++
	cc := fn.Complexity
	d.Ranks[rank(cc)]++
	i, _ := slices.BinarySearch(ccEdges, cc+1)
	if i > 0 {
		i--
	}
	if len(d.CCBuckets) == 0 {
		for j, lo := range ccEdges {
			hi := math.MaxInt
			if j+1 < len(ccEdges) {
				hi = ccEdges[j+1] - 1
			}
			d.CCBuckets = append(d.CCBuckets, Bucket{Lo: lo, Hi: hi})
		}
	}
	d.CCBuckets[i].Count++
	lines := max(fn.EndLine-fn.Line+1, 1)
	a.cells[[2]int{logBin(float64(lines), scatterMX, scatterNX), logBin(float64(max(cc, 1)), scatterMY, scatterNY)}]++
	for n := ref.dir; n != nil; n = n.parent {
		n.Funcs++
		n.CCSum += int64(cc)
		n.Worst = max(n.Worst, cc)
	}
	if a.worst.Len() < TopFunctions || cc >= a.worst[0].Complexity {
		fn.Path, fn.src = ref.path(), ref.dir.src
		switch {
		case a.worst.Len() < TopFunctions:
		case worse(a.worst[0], fn):
			heap.Pop(&a.worst)
		default:
			return
		}
		if fn.doc != nil {
			fn.Doc, fn.doc = firstLine(*fn.doc), nil
		}
		heap.Push(&a.worst, fn)
	}
}

// worse orders the functions for the top-N: less complex, then later by
// place. A total order, so that ties at the cut-off keep the same functions
// whatever order the input comes in.
func worse(x, y Func) bool {
	if x.Complexity != y.Complexity {
		return x.Complexity < y.Complexity
	}
	if c := cmp.Or(cmp.Compare(x.src, y.src), cmp.Compare(x.Path, y.Path), cmp.Compare(x.Line, y.Line)); c != 0 {
		return c > 0
	}
	return x.QualName > y.QualName
}

// firstLine is the first line of a docstring, at most 120 characters.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}

// logBin maps v in [1, max] to one of n log-spaced bins.
func logBin(v, maxV float64, n int) int {
	if v <= 1 {
		return 0
	}
	i := int(math.Log(v) / math.Log(maxV) * float64(n))
	return min(max(i, 0), n-1)
}

// addImports counts one file's import statements: modules (each once per
// file) and, for the package matrix, the top-level names it imports.
func (a *aggregator) addImports(ref fileRef, mods []string, levels []int) {
	a.d.Imports += int64(len(mods))
	seen := map[string]bool{}
	var tops []string
	for i, m := range mods {
		if levels[i] > 0 || m == "" {
			continue
		}
		if !seen[m] {
			seen[m] = true
			a.mods[a.str(m)]++
		}
		top, _, _ := strings.Cut(m, ".")
		if !seen["\x00"+top] {
			seen["\x00"+top] = true
			tops = append(tops, a.str(top))
		}
	}
	if len(tops) == 0 {
		return
	}
	stem := strings.TrimSuffix(strings.TrimSuffix(ref.name, ".py"), ".pyi")
	if ref.dir.modImps == nil {
		ref.dir.modImps = map[string][]string{}
	}
	ref.dir.modImps[a.str(stem)] = append(ref.dir.modImps[stem], tops...)
}

func (a *aggregator) addSyntaxError(e SyntaxErr) {
	a.d.SyntaxErrors++
	// Kept sorted, the first MaxSyntaxErrors by source and path, whatever
	// the input order.
	i, _ := slices.BinarySearchFunc(a.synErrs, e, compareSynErr)
	if len(a.synErrs) == MaxSyntaxErrors {
		if i == len(a.synErrs) {
			return
		}
		a.synErrs = a.synErrs[:len(a.synErrs)-1]
	}
	a.synErrs = slices.Insert(a.synErrs, i, e)
}

func compareSynErr(x, y SyntaxErr) int {
	return cmp.Or(cmp.Compare(x.src, y.src), cmp.Compare(x.Path, y.Path), cmp.Compare(x.Line, y.Line))
}

// finish sorts the top-N lists and derives the package matrix.
func (a *aggregator) finish() *Data {
	d := a.d
	d.SkipReasons = sortedCounts(a.skip, 0)
	d.FailClasses = sortedCounts(a.fail, 0)
	d.TopMods = sortedCounts(a.mods, TopImports)
	d.Worst = slices.Clone(a.worst)
	slices.SortFunc(d.Worst, func(x, y Func) int {
		if worse(y, x) {
			return -1
		}
		if worse(x, y) {
			return 1
		}
		return 0
	})
	for i := range d.Worst {
		d.Worst[i].Rank = rankLetters[rank(d.Worst[i].Complexity) : rank(d.Worst[i].Complexity)+1]
	}
	d.Slowest = slices.Clone(a.slow)
	slices.SortFunc(d.Slowest, func(x, y FileTime) int {
		return cmp.Or(cmp.Compare(y.Duration, x.Duration), cmp.Compare(x.Path, y.Path))
	})
	d.SynErrs = a.synErrs
	// With several sources, a path names its source too.
	if len(d.Sources) > 1 {
		for i := range d.Worst {
			d.Worst[i].Path = d.Worst[i].src + ":" + d.Worst[i].Path
		}
		for i := range d.Slowest {
			d.Slowest[i].Path = d.Slowest[i].src + ":" + d.Slowest[i].Path
		}
		for i := range d.SynErrs {
			d.SynErrs[i].Path = d.SynErrs[i].src + ":" + d.SynErrs[i].Path
		}
	}
	for k, n := range a.cells {
		d.Scatter = append(d.Scatter, Cell{X: k[0], Y: k[1], Count: n})
	}
	slices.SortFunc(d.Scatter, func(x, y Cell) int { return cmp.Or(cmp.Compare(x.X, y.X), cmp.Compare(x.Y, y.Y)) })
	// A single source is the root itself.
	if len(d.Tree.Children) == 1 {
		for _, c := range d.Tree.Children {
			d.Tree = c
			c.parent = nil
		}
	}
	a.matrix()
	return d
}

func sortedCounts(m map[string]int64, n int) []NameCount {
	out := make([]NameCount, 0, len(m))
	for k, v := range m {
		out = append(out, NameCount{k, v})
	}
	slices.SortFunc(out, func(x, y NameCount) int { return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Name, y.Name)) })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// matrix derives the import matrix between the top-level packages of the
// analyzed tree. A file belongs to the outermost package above it (the
// highest directory of an unbroken chain of __init__.py files), or is a
// top-level module of its own when its directory is not a package. An
// absolute import of a name that is such a package or module is an edge.
func (a *aggregator) matrix() {
	edges := map[[2]string]int64{}
	names := map[string]bool{}
	var walk func(d *Dir, pkg string)
	walk = func(d *Dir, pkg string) {
		if d.hasInit && pkg == "" {
			pkg = d.Name
		} else if !d.hasInit {
			pkg = ""
		}
		if pkg != "" {
			names[pkg] = true
		}
		for stem, tops := range d.modImps {
			src := pkg
			if src == "" {
				src = stem
				names[stem] = true
			}
			for _, t := range tops {
				edges[[2]string{src, t}]++
			}
		}
		for _, c := range d.Children {
			walk(c, pkg)
		}
	}
	walk(a.d.Tree, "")
	weight := map[string]int64{}
	for k, n := range edges {
		if k[0] == k[1] || !names[k[1]] {
			delete(edges, k)
			continue
		}
		weight[k[0]] += n
		weight[k[1]] += n
	}
	top := sortedCounts(weight, MatrixPackages)
	pkgs := make([]string, len(top))
	for i, t := range top {
		pkgs[i] = t.Name
	}
	slices.Sort(pkgs)
	idx := map[string]int{}
	for i, p := range pkgs {
		idx[p] = i
	}
	m := make([][]int64, len(pkgs))
	for i := range m {
		m[i] = make([]int64, len(pkgs))
	}
	for k, n := range edges {
		i, ok1 := idx[k[0]]
		j, ok2 := idx[k[1]]
		if ok1 && ok2 {
			m[i][j] += n
		}
	}
	a.d.Packages, a.d.Matrix = pkgs, m
}

// funcHeap is a min-heap on complexity: its root is the least complex of
// the kept functions, the one a worse function replaces.
type funcHeap []Func

func (h funcHeap) Len() int           { return len(h) }
func (h funcHeap) Less(i, j int) bool { return worse(h[i], h[j]) }
func (h funcHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *funcHeap) Push(x any)        { *h = append(*h, x.(Func)) }
func (h *funcHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type slowHeap []FileTime

func (h slowHeap) Len() int           { return len(h) }
func (h slowHeap) Less(i, j int) bool { return h[i].Duration < h[j].Duration }
func (h slowHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *slowHeap) Push(x any)        { *h = append(*h, x.(FileTime)) }
func (h *slowHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
