package store

import (
	"fmt"
	"strings"

	"github.com/pybatch/pybatch/analysis"
)

// The compact forms of a report's facts in the SQLite tables (schema 9):
// small integer codes for the kinds of definitions and the scopes of
// imports, and parameter and import-name lists written as Python writes
// them. Each has its inverse here, so that DB.Record gives back exactly the
// Report that was written.

var defKinds = [...]string{"class", "function", "method", "async_function", "async_method"}

var importScopes = [...]string{"module", "conditional", "try_import_error", "type_checking", "class", "function"}

// code returns the index of s in names.
func code(names []string, s string) (int, error) {
	for i, n := range names {
		if n == s {
			return i, nil
		}
	}
	return 0, fmt.Errorf("store: no code for %q", s)
}

// name returns names[c].
func name(names []string, c int64) (string, error) {
	if c < 0 || int(c) >= len(names) {
		return "", fmt.Errorf("store: unknown code %d", c)
	}
	return names[c], nil
}

// encodeParams writes a parameter list as Python writes it: "/" after the
// positional-only parameters, "*" before keyword-only ones when there is no
// *args, "*" and "**" before the variadic ones; a name is followed by ":"
// when annotated and "=" when it has a default. ("self, a, /, b:=, *args,
// c=, **kw"). An empty list is "".
func encodeParams(ps []analysis.Param) string {
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
	}
	varPos := false
	for _, p := range ps {
		varPos = varPos || p.Kind == "var_positional"
	}
	star := false
	for i, p := range ps {
		if p.Kind == "keyword_only" && !varPos && !star {
			sep()
			b.WriteByte('*')
			star = true
		}
		sep()
		switch p.Kind {
		case "var_positional":
			b.WriteByte('*')
		case "var_keyword":
			b.WriteString("**")
		}
		b.WriteString(p.Name)
		if p.Annotation {
			b.WriteByte(':')
		}
		if p.Default {
			b.WriteByte('=')
		}
		if p.Kind == "positional_only" && (i+1 == len(ps) || ps[i+1].Kind != "positional_only") {
			b.WriteString(", /")
		}
	}
	return b.String()
}

// decodeParams is encodeParams' inverse.
func decodeParams(s string) ([]analysis.Param, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ", ")
	var ps []analysis.Param
	kind := "positional"
	for _, part := range parts {
		if part == "/" { // the parameters so far are positional-only
			for i := range ps {
				ps[i].Kind = "positional_only"
			}
			continue
		}
		if part == "*" {
			kind = "keyword_only"
			continue
		}
		var p analysis.Param
		switch {
		case strings.HasPrefix(part, "**"):
			p.Kind, part = "var_keyword", part[2:]
		case strings.HasPrefix(part, "*"):
			p.Kind, part = "var_positional", part[1:]
			kind = "keyword_only"
		default:
			p.Kind = kind
		}
		if p.Default = strings.HasSuffix(part, "="); p.Default {
			part = part[:len(part)-1]
		}
		if p.Annotation = strings.HasSuffix(part, ":"); p.Annotation {
			part = part[:len(part)-1]
		}
		if part == "" {
			return nil, fmt.Errorf("store: bad parameter list %q", s)
		}
		p.Name = part
		ps = append(ps, p)
	}
	return ps, nil
}

// encodeNames writes an import's names as Python writes them: "join as j,
// exists".
func encodeNames(ns []analysis.ImportName) string {
	var b strings.Builder
	for i, n := range ns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n.Name)
		if n.As != "" {
			b.WriteString(" as ")
			b.WriteString(n.As)
		}
	}
	return b.String()
}

// decodeNames is encodeNames' inverse.
func decodeNames(s string) []analysis.ImportName {
	ns := []analysis.ImportName{}
	if s == "" {
		return ns
	}
	for part := range strings.SplitSeq(s, ", ") {
		name, as, _ := strings.Cut(part, " as ")
		ns = append(ns, analysis.ImportName{Name: name, As: as})
	}
	return ns
}
