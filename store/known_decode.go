package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/pybatch/pybatch/result"
)

// knownLine is what a resume needs of one JSON line: the FileState fields.
type knownLine struct {
	source, path string
	size, mtime  int64
	status       result.Status
	sha          string
}

// decodeKnown extracts the fields of a knownLine from one JSON line. Lines
// this package writes (AppendLine) have every one of them before the
// report, and the report's sha256 among its first members, so a scan of
// the line's head finds them all without decoding the definitions and
// imports that make up most of a line (a full decode of every line costs
// about as much as the analysis a resume saves). Any line that the head
// scan cannot read with certainty (escaped characters, another member
// order, anything unexpected) is decoded by encoding/json instead.
func decodeKnown(b []byte) (knownLine, error) {
	if k, ok := decodeKnownHead(b); ok {
		return k, nil
	}
	var l struct {
		Source      string        `json:"source"`
		SourceBytes []byte        `json:"source_bytes"`
		Path        string        `json:"path"`
		PathBytes   []byte        `json:"path_bytes"`
		Size        int64         `json:"size"`
		MtimeNs     int64         `json:"mtime_ns"`
		Status      result.Status `json:"status"`
		Report      *struct {
			SHA256 string `json:"sha256"`
		} `json:"report"`
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return knownLine{}, fmt.Errorf("store: decoding a JSON line: %w", err)
	}
	if l.Path == "" {
		return knownLine{}, errors.New("store: decoding a JSON line: no path")
	}
	k := knownLine{source: orBytes(l.Source, l.SourceBytes), path: orBytes(l.Path, l.PathBytes), size: l.Size, mtime: l.MtimeNs, status: l.Status}
	if l.Report != nil {
		k.sha = l.Report.SHA256
	}
	return k, nil
}

// headScanner reads the head of a JSON object written by encoding/json.
// Every method returns false when the input is not what it expects; the
// caller then falls back to a full decode.
type headScanner struct {
	b []byte
	i int
}

func (s *headScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *headScanner) byte(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// plainString reads a string without escapes and returns its bytes.
func (s *headScanner) plainString() ([]byte, bool) {
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	start := s.i + 1
	end := bytes.IndexByte(s.b[start:], '"')
	if end < 0 {
		return nil, false
	}
	v := s.b[start : start+end]
	if bytes.IndexByte(v, '\\') >= 0 {
		return nil, false // escapes: let encoding/json decode them
	}
	s.i = start + end + 1
	return v, true
}

func (s *headScanner) int() (int64, bool) {
	s.ws()
	start := s.i
	for s.i < len(s.b) && (s.b[s.i] == '-' || s.b[s.i] >= '0' && s.b[s.i] <= '9') {
		s.i++
	}
	n, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	return n, err == nil
}

// skip passes over one value of any kind.
func (s *headScanner) skip() bool {
	s.ws()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		return s.skipString()
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if !s.skipString() {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				return true
			}
		}
		return false
	}
	start := s.i // a number, true, false or null
	for s.i < len(s.b) && bytes.IndexByte([]byte(",}] \t\r\n"), s.b[s.i]) < 0 {
		s.i++
	}
	return s.i > start
}

// skipString passes over a string, escapes included.
func (s *headScanner) skipString() bool {
	for s.i++; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '\\':
			s.i++
		case '"':
			s.i++
			return true
		}
	}
	return false
}

// decodeKnownHead is decodeKnown's fast path.
func decodeKnownHead(b []byte) (k knownLine, ok bool) {
	b = bytes.TrimRight(b, " \t\r\n")
	if len(b) == 0 || b[len(b)-1] != '}' {
		return k, false
	}
	s := &headScanner{b: b}
	if !s.byte('{') {
		return k, false
	}
	const (
		haveSource = 1 << iota
		havePath
		haveSize
		haveMtime
		haveStatus
		haveAll = haveSource | havePath | haveSize | haveMtime | haveStatus
	)
	have := 0
	for first := true; ; first = false {
		if s.byte('}') {
			// No report (a skipped or failed file).
			return k, have == haveAll && k.path != ""
		}
		if !first && !s.byte(',') {
			return k, false
		}
		key, ok := s.plainString()
		if !ok || !s.byte(':') {
			return k, false
		}
		var v []byte
		switch string(key) {
		case "source":
			v, ok = s.plainString()
			k.source, have = string(v), have|haveSource
		case "path":
			v, ok = s.plainString()
			k.path, have = string(v), have|havePath
		case "status":
			v, ok = s.plainString()
			k.status, have = result.Status(v), have|haveStatus
		case "size":
			k.size, ok = s.int()
			have |= haveSize
		case "mtime_ns":
			k.mtime, ok = s.int()
			have |= haveMtime
		case "source_bytes", "path_bytes":
			return k, false // (a name that is not UTF-8: the full decode)
		case "report":
			if have != haveAll || k.path == "" {
				return k, false
			}
			return k, s.reportSHA(&k)
		default:
			ok = s.skip()
		}
		if !ok {
			return k, false
		}
	}
}

// reportSHA reads the report object's members up to sha256.
func (s *headScanner) reportSHA(k *knownLine) bool {
	s.ws()
	if bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		return true
	}
	if !s.byte('{') {
		return false
	}
	for first := true; ; first = false {
		if s.byte('}') {
			return true // a report without a hash
		}
		if !first && !s.byte(',') {
			return false
		}
		key, ok := s.plainString()
		if !ok || !s.byte(':') {
			return false
		}
		if string(key) == "sha256" {
			v, ok := s.plainString()
			k.sha = string(v)
			return ok
		}
		if !s.skip() {
			return false
		}
	}
}
