package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TextOptions shape WriteText's output.
type TextOptions struct {
	// Width is the terminal's width in columns; 0 means 100. Long paths
	// are cut (from the left) to fit.
	Width int
	// Color marks headings and ranks with ANSI escapes (the caller decides:
	// a terminal, and NO_COLOR unset).
	Color bool
}

// rankRange is the complexity each radon rank covers.
var rankRange = [6]string{"1-5", "6-10", "11-20", "21-30", "31-40", "41+"}

// rankColor is the ANSI color of each rank: green to red.
var rankColor = [6]string{"32", "32", "33", "33", "31", "31"}

// WriteText prints the summary for a person at a terminal.
func (s *Summary) WriteText(w io.Writer, o TextOptions) error {
	width := o.Width
	if width <= 0 {
		width = 100
	}
	width = max(width, 40)
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	esc := func(code, text string) string {
		if !o.Color {
			return text
		}
		return "\x1b[" + code + "m" + text + "\x1b[0m"
	}
	head := func(text string) { p("\n%s\n", esc("1", text)) }
	// fit cuts a path from the left to n columns.
	fit := func(path string, n int) string {
		n = max(n, 10)
		if utf8.RuneCountInString(path) <= n {
			return path
		}
		r := []rune(path)
		return "…" + string(r[len(r)-n+1:])
	}

	src := ""
	switch len(s.Sources) {
	case 0:
	case 1:
		src = " — " + s.Sources[0]
	default:
		src = fmt.Sprintf(" — %d sources", len(s.Sources))
	}
	p("%s%s\n", esc("1", "pybatch report: "+s.Input), src)

	head("Files")
	var parts []string
	for _, c := range s.Status {
		parts = append(parts, fmt.Sprintf("%s %s", num(c.Count), c.Name))
	}
	p("  %s files: %s\n", num(s.Files), strings.Join(parts, ", "))
	p("  %s analyzed, %s lines, %s with syntax errors\n", mb(s.Bytes), num(s.LOC), num(s.SyntaxErrors))
	if s.Duplicates > 0 {
		p("  %s of them with the bytes of another file (%s not analyzed again)\n", num(s.Duplicates), mb(s.DuplicateBytes))
	}
	if len(s.SkipReasons) > 0 {
		p("  skipped: %s\n", counts(s.SkipReasons))
	}
	if len(s.FailClasses) > 0 {
		p("  failed:  %s\n", counts(s.FailClasses))
	}
	if s.Warnings > 0 {
		p("  %s in %s (as CPython 3.14's ast.parse emits them)\n", plural(s.Warnings, "SyntaxWarning"), plural(s.WarnedFiles, "file"))
	}
	if len(s.Versions) > 0 {
		var parts []string
		for _, c := range s.Versions {
			parts = append(parts, fmt.Sprintf("%s: %s", c.Name, num(c.Count)))
		}
		p("  files by the lowest Python version that parses them: %s\n", strings.Join(parts, ", "))
	}

	head(fmt.Sprintf("Complexity: %s functions and methods by radon rank", num(s.Functions)))
	var most int64
	for _, n := range s.Ranks {
		most = max(most, n)
	}
	barMax := max(width-40, 10)
	for i, n := range s.Ranks {
		bar := 0
		if most > 0 {
			bar = int((n*int64(barMax) + most - 1) / most)
		}
		pct := 0.0
		if s.Functions > 0 {
			pct = 100 * float64(n) / float64(s.Functions)
		}
		p("  %s %-6s %9s %5.1f%%  %s\n", esc(rankColor[i], string(rune('A'+i))), rankRange[i], num(n), pct, esc(rankColor[i], strings.Repeat("█", bar)))
	}

	if len(s.Complex) > 0 {
		head(fmt.Sprintf("Most complex functions (top %d)", len(s.Complex)))
		for _, f := range s.Complex {
			place := f.Path + ":" + strconv.Itoa(f.Line)
			name := f.QualName
			room := width - 12
			if utf8.RuneCountInString(place)+1+utf8.RuneCountInString(name) > room {
				name = fit(name, max(room/3, 20))
				place = fit(place, room-1-utf8.RuneCountInString(name))
			}
			p("  %4d %s  %s %s\n", f.Complexity, esc(rankColor[max(0, min(5, int(f.Rank[0]-'A')))], f.Rank), place, name)
		}
	}

	if s.SyntaxErrors > 0 {
		head(fmt.Sprintf("Files with syntax errors (%s)", num(s.SyntaxErrors)))
		for _, e := range s.SynErrs {
			place := fit(e.Path, width/2)
			switch {
			case e.Line >= 1 && e.Col >= 1:
				place += fmt.Sprintf(":%d:%d", e.Line, e.Col)
			case e.Line >= 1:
				place += fmt.Sprintf(":%d", e.Line)
			}
			p("  %s: %s: %s\n", place, e.Kind, e.Msg)
		}
		if more := s.SyntaxErrors - int64(len(s.SynErrs)); more > 0 {
			p("  … and %s more (--top N lists more)\n", num(more))
		}
	}

	if len(s.TopModules) > 0 {
		head("Most imported modules (files importing them)")
		for _, m := range s.TopModules {
			p("  %9s  %s\n", num(m.Count), m.Name)
		}
	}

	if len(s.Slowest) > 0 {
		head("Slowest files (analysis time)")
		for _, f := range s.Slowest {
			p("  %9s  %s (%s, %s lines)\n", shortDur(f.Duration), fit(f.Path, width-40), kb(f.Size), num(f.LOC))
		}
	}
	if len(s.Largest) > 0 {
		head("Largest files")
		for _, f := range s.Largest {
			p("  %9s  %s (%s lines)\n", kb(f.Size), fit(f.Path, width-30), num(f.LOC))
		}
	}

	if s.Last != nil {
		head("Runs")
		p("  latest    %s\n", runLine(s.Last))
		if c := s.Change; c != nil {
			p("            %s new or changed, %s unchanged, %s vanished\n", num(c.NewOrChanged), num(c.Unchanged), num(c.Vanished))
		}
		if s.Previous != nil {
			p("  previous  %s\n", runLine(s.Previous))
			if s.Previous.Wall > 0 && s.Last.Wall > 0 {
				p("            the latest took %s of the previous one's time\n", ratio(s.Last.Wall/s.Previous.Wall))
			}
		}
	}
	return bw.Flush()
}

func runLine(r *SumRun) string {
	return fmt.Sprintf("#%d %s, %s, %s in %s (%s files/s), pybatch %s", r.ID, r.Started.Local().Format("2006-01-02 15:04"), r.Outcome,
		num(r.Files)+" files", shortDur(time.Duration(r.Wall*float64(time.Second))), num(int64(r.FilesPerSec)), r.Version)
}

func ratio(x float64) string {
	if x < 0.01 {
		return "under 1%"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

func counts(cs []Count) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + " " + num(c.Count)
	}
	return strings.Join(parts, ", ")
}

// num writes n with thousands separators: 11,659.
func num(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

func kb(n int64) string {
	if n >= 1e6 {
		return mb(n)
	}
	return fmt.Sprintf("%.1f kB", float64(n)/1e3)
}

func shortDur(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%dµs", d.Microseconds())
}

// plural is n and the noun, with an s unless n is 1.
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return num(n) + " " + noun + "s"
}
