package store

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/pybatch/pybatch/analysis"
	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// Line is the JSON form of a result.Record: one JSON object per line of a
// JSON Lines output. Times are integers (Unix nanoseconds, durations in
// nanoseconds) so that nothing is lost and a line compares byte for byte.
//
// Source and Path are JSON strings, which hold only Unicode: a name that is
// not valid UTF-8 (a file name on Linux may be any bytes) is written with
// U+FFFD for each invalid byte in Source or Path, and its exact bytes in
// SourceBytes or PathBytes (base64, as encoding/json writes []byte), which a
// reader takes instead when present.
type Line struct {
	Source      string           `json:"source"`
	SourceBytes []byte           `json:"source_bytes,omitempty"`
	Path        string           `json:"path"`
	PathBytes   []byte           `json:"path_bytes,omitempty"`
	Size        int64            `json:"size"`
	MtimeNs     int64            `json:"mtime_ns"`
	Status      result.Status    `json:"status"`
	SkipReason  scan.SkipReason  `json:"skip_reason,omitempty"`
	ErrClass    recovery.Class   `json:"error_class,omitempty"`
	Err         string           `json:"error,omitempty"`
	Attempts    int              `json:"attempts"`
	DurationNs  int64            `json:"duration_ns"`
	Report      *analysis.Report `json:"report,omitempty"`
}

// rawBytes is s's bytes when s is not valid UTF-8 (JSON cannot hold it as a
// string), else nil.
// errPartial refuses a record whose report was read back without its
// facts (analysis.Report.Partial): only the database it came from can
// store it.
func errPartial(r *result.Record) error {
	return fmt.Errorf("store: %s: its report was read back from a database without its facts, and can only be written there", r.Path)
}

func rawBytes(s string) []byte {
	if utf8.ValidString(s) {
		return nil
	}
	return []byte(s)
}

// orBytes is b as a string when b is set, else s.
func orBytes(s string, b []byte) string {
	if b != nil {
		return string(b)
	}
	return s
}

// unixNano is t in Unix nanoseconds, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromUnixNano is the inverse of unixNano.
func fromUnixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// LineOf converts a record to its JSON Lines form.
func LineOf(r *result.Record) Line {
	return Line{
		Source:      r.Source,
		SourceBytes: rawBytes(r.Source),
		Path:        r.Path,
		PathBytes:   rawBytes(r.Path),
		Size:        r.Size,
		MtimeNs:     unixNano(r.ModTime),
		Status:      r.Status,
		SkipReason:  r.SkipReason,
		ErrClass:    r.ErrClass,
		Err:         r.Err,
		Attempts:    r.Attempts,
		DurationNs:  int64(r.Duration),
		Report:      r.Report,
	}
}

// Record converts a line back to a record.
func (l Line) Record() *result.Record {
	return &result.Record{
		Source:     orBytes(l.Source, l.SourceBytes),
		Path:       orBytes(l.Path, l.PathBytes),
		Size:       l.Size,
		ModTime:    fromUnixNano(l.MtimeNs),
		Status:     l.Status,
		SkipReason: l.SkipReason,
		ErrClass:   l.ErrClass,
		Err:        l.Err,
		Attempts:   l.Attempts,
		Duration:   time.Duration(l.DurationNs),
		Report:     l.Report,
	}
}

// AppendLine appends the JSON form of r and a newline to dst: exactly
// json.Marshal(LineOf(r)). The envelope is encoded by encoding/json (a few
// scalars), the report, which is most of the line, by
// analysis.Report.AppendJSON (no reflection); the report is Line's last
// member, so the two splice into json.Marshal's bytes.
func AppendLine(dst []byte, r *result.Record) ([]byte, error) {
	if r.Report != nil && r.Report.Partial {
		return dst, errPartial(r)
	}
	l := LineOf(r)
	l.Report = nil // omitted (omitempty): appended below
	b, err := json.Marshal(l)
	if err != nil {
		return dst, fmt.Errorf("store: encoding the record of %s: %w", r.Path, err)
	}
	if r.Report == nil {
		dst = append(dst, b...)
		return append(dst, '\n'), nil
	}
	dst = append(dst, b[:len(b)-1]...)
	dst = append(dst, `,"report":`...)
	dst = r.Report.AppendJSON(dst)
	return append(dst, '}', '\n'), nil
}

// DecodeLine parses one line (with or without its newline) of a JSON Lines
// output.
func DecodeLine(b []byte) (*result.Record, error) {
	var l Line
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("store: decoding a JSON line: %w", err)
	}
	if l.Path == "" {
		return nil, fmt.Errorf("store: decoding a JSON line: no path")
	}
	return l.Record(), nil
}
