package check

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/pybatch/pybatch/batch"
)

// Formats are the output formats Write knows.
var Formats = []string{"text", "json", "github", "sarif"}

// Write prints the result's violations in format: "text" (one line per
// violation, path:line:col: message, the form editors and CI parse; in a
// notebook path:cell N:line:col: message, as ruff writes it), "json"
// (the Result), "github" (workflow commands, which annotate the files of a
// GitHub Actions run) or "sarif" (SARIF 2.1.0, for code scanning).
func Write(w io.Writer, format string, res *Result) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "text", "":
		for _, v := range res.Violations {
			fmt.Fprintf(bw, "%s: %s\n", v.Where(), v.Message)
		}
	case "json":
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	case "github":
		writeGitHub(bw, res)
	case "sarif":
		enc := json.NewEncoder(bw)
		enc.SetIndent("", "  ")
		err = enc.Encode(SARIF(res))
	default:
		return UsageError{fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))}
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// located is the message, which in a notebook says the cell and the line
// in it: the formats that place a violation by the file's lines (GitHub,
// SARIF) are given the line of the joined code cells, which is not a line
// of the .ipynb file.
func (v *Violation) located() string {
	if v.Cell > 0 {
		return fmt.Sprintf("%s (cell %d, line %d)", v.Message, v.Cell, v.CellLine)
	}
	return v.Message
}

// writeGitHub prints one ::error workflow command per violation. Values
// are escaped as the runner unescapes them: %, CR and LF in the message,
// and also : and , in properties.
func writeGitHub(w io.Writer, res *Result) {
	data := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	prop := strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	for _, v := range res.Violations {
		title := "pybatch check: " + string(v.Rule)
		if v.Rule == RuleAverage || v.Rule == RuleAverageNum {
			// Not about one file: an annotation of the run.
			fmt.Fprintf(w, "::error title=%s::%s\n", prop.Replace(title), data.Replace(v.Message))
			continue
		}
		loc := fmt.Sprintf("file=%s,line=%d,col=%d", prop.Replace(filepath.ToSlash(v.Path)), v.Line, v.Col)
		if v.EndLine > 0 {
			loc += fmt.Sprintf(",endLine=%d", v.EndLine)
			if v.EndLine == v.Line && v.EndCol > 0 {
				loc += fmt.Sprintf(",endColumn=%d", v.EndCol) // only meaningful on one line
			}
		}
		fmt.Fprintf(w, "::error %s,title=%s::%s\n", loc, prop.Replace(title), data.Replace(v.located()))
	}
}

// rules describes each Rule for SARIF's tool.driver.rules.
var ruleDocs = []struct {
	id               Rule
	short, full, doc string
}{
	{RuleAbsolute, "Block complexity over --max-absolute",
		"A function, method or class has a cyclomatic complexity (as radon computes it) whose rank is worse than the --max-absolute threshold.",
		"Split the block: move branches into functions of their own, replace chains of conditions by lookups, return early."},
	{RuleModules, "Module complexity over --max-modules",
		"The average cyclomatic complexity of a module's blocks (functions, methods, classes) ranks worse than the --max-modules threshold.",
		"Simplify the module's most complex blocks, or split the module."},
	{RuleAverage, "Average complexity over --max-average",
		"The average cyclomatic complexity of all blocks checked ranks worse than the --max-average threshold.",
		"Simplify the most complex blocks of the code base."},
	{RuleAverageNum, "Average complexity over --max-average-num",
		"The average cyclomatic complexity of all blocks checked is above the --max-average-num threshold.",
		"Simplify the most complex blocks of the code base."},
	{RuleSyntaxError, "File does not parse",
		"The file is not valid Python 3.14 syntax: CPython 3.14 would refuse to compile it.",
		"Fix the syntax error at the reported position."},
}

// SARIF returns the result as a SARIF 2.1.0 log, one run of the tool
// "pybatch" with a rule per kind of violation. Locations are relative to the
// directory the paths are shown from (uriBaseId SRCROOT) or absolute file
// URIs; columns count Unicode code points.
func SARIF(res *Result) any {
	type (
		obj  = map[string]any
		list = []any
	)
	index := map[Rule]int{}
	var rs list
	for i, r := range ruleDocs {
		index[r.id] = i
		rs = append(rs, obj{
			"id":                   string(r.id),
			"name":                 sarifName(r.id),
			"shortDescription":     obj{"text": r.short},
			"fullDescription":      obj{"text": r.full},
			"help":                 obj{"text": r.doc},
			"defaultConfiguration": obj{"level": "error"},
		})
	}
	results := list{}
	for _, v := range res.Violations {
		r := obj{
			"ruleId":    string(v.Rule),
			"ruleIndex": index[v.Rule],
			"level":     "error",
			"message":   obj{"text": v.located()},
		}
		region := obj{"startLine": v.Line, "startColumn": v.Col}
		if v.EndLine >= v.Line && v.EndLine > 0 {
			region["endLine"] = v.EndLine
			if v.EndCol > 0 && (v.EndLine > v.Line || v.EndCol > v.Col) {
				region["endColumn"] = v.EndCol
			}
		}
		if v.Rule != RuleAverage && v.Rule != RuleAverageNum {
			r["locations"] = list{obj{"physicalLocation": obj{"artifactLocation": artifact(v.Path), "region": region}}}
			if v.Name != "" {
				r["locations"].(list)[0].(obj)["logicalLocations"] = list{obj{"name": v.Name, "kind": sarifKind(v.Kind)}}
			}
		}
		props := obj{"rank": v.Rank, "complexity": v.Complexity}
		if v.Limit != "" {
			props["limit"] = v.Limit
		}
		if v.Rule == RuleSyntaxError {
			props = obj{}
		}
		if len(props) > 0 {
			r["properties"] = props
		}
		results = append(results, r)
	}
	return obj{
		"$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
		"version": "2.1.0",
		"runs": list{obj{
			"tool": obj{"driver": obj{
				"name":           "pybatch",
				"version":        batch.Version,
				"informationUri": "https://github.com/pybatch/pybatch",
				"rules":          rs,
			}},
			"columnKind": "unicodeCodePoints",
			"results":    results,
			"properties": obj{"files": res.Files, "blocks": res.Blocks, "average": res.Average, "averageRank": res.AverageRank},
		}},
	}
}

// sarifName is a rule's PascalCase name, as SARIF's reportingDescriptor.name
// suggests.
func sarifName(r Rule) string {
	var b strings.Builder
	for _, part := range strings.Split(string(r), "-") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// sarifKind is SARIF's logicalLocation kind of a radon block kind.
func sarifKind(k string) string {
	switch k {
	case "class":
		return "type"
	case "method":
		return "member"
	}
	return "function"
}

// artifact is a SARIF artifactLocation: a relative path under SRCROOT, or
// an absolute file URI.
func artifact(p string) map[string]any {
	if filepath.IsAbs(p) {
		u := url.URL{Scheme: "file", Path: filepath.ToSlash(p)}
		if !strings.HasPrefix(u.Path, "/") {
			u.Path = "/" + u.Path // a Windows drive letter
		}
		return map[string]any{"uri": u.String()}
	}
	u := url.URL{Path: filepath.ToSlash(p)}
	return map[string]any{"uri": u.String(), "uriBaseId": "SRCROOT"}
}
