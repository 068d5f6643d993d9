package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/pflag"

	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// verbosity is -q, -v and --log, which analyze and retry share.
type verbosity struct {
	quiet, verbose bool
	log            string
	logGiven       bool
}

func (v *verbosity) add(fs *pflag.FlagSet) {
	fs.BoolVarP(&v.quiet, "quiet", "q", false, "print errors only: no progress, summary or warnings")
	fs.BoolVarP(&v.verbose, "verbose", "v", false, "print each file that is skipped or fails, with its reason, as it happens")
	fs.StringVar(&v.log, "log", "", "write one JSON line per file (file, status, duration, error class, attempts) to FILE (appended), with log/slog")
}

func (v *verbosity) check(fs *pflag.FlagSet) error {
	v.logGiven = fs.Changed("log")
	if v.quiet && v.verbose {
		return fmt.Errorf("-q/--quiet and -v/--verbose contradict each other: choose one")
	}
	if v.logGiven && strings.TrimSpace(v.log) == "" {
		return fmt.Errorf("--log is empty (name a file for the JSON lines)")
	}
	return nil
}

// maxUnreadable is how many unreadable files or directories are named one
// by one on stderr; the others are counted.
const maxUnreadable = 20

// notes says what happens to files as records come (on the goroutine that
// runs batch.Run, through OnRecord): unreadable files and directories on
// stderr (capped, then counted), with -v every skipped or failed file, with
// --log one JSON line per file.
type notes struct {
	mu         sync.Mutex // w may be shared with a progress renderer's goroutine
	w          io.Writer
	prefix     string
	quiet      bool
	verbose    bool
	unreadable int
	json       bool // --progress json: each note is a JSON object
	log        *slog.Logger
	logBuf     *bufio.Writer
	logFile    *os.File
}

func newNotes(w io.Writer, prefix string, v verbosity, jsonLines bool) (*notes, error) {
	n := &notes{w: w, prefix: prefix, quiet: v.quiet, verbose: v.verbose, json: jsonLines}
	if v.log != "" {
		f, err := os.OpenFile(v.log, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return nil, err
		}
		n.logFile = f
		n.logBuf = bufio.NewWriterSize(f, 64<<10)
		n.log = slog.New(slog.NewJSONHandler(n.logBuf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return n, nil
}

// printf writes one line on stderr.
func (n *notes) printf(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.json {
		_ = json.NewEncoder(n.w).Encode(struct {
			Event   string `json:"event"`
			Command string `json:"command"`
			Message string `json:"message"`
		}{"message", n.prefix, fmt.Sprintf(format, args...)})
		return
	}
	fmt.Fprintf(n.w, n.prefix+": "+format+"\n", args...)
}

// reason is the part of a record's error after its path and system call
// ("open /x/y.py: permission denied" says "permission denied").
func reason(err string) string {
	if i := strings.LastIndex(err, ": "); i >= 0 {
		return err[i+2:]
	}
	return err
}

func (n *notes) record(rec *result.Record) {
	if n.log != nil {
		n.logRecord(rec)
	}
	if rec.Status == result.Analyzed {
		return
	}
	where := filepath.Join(rec.Source, filepath.FromSlash(rec.Path))
	switch {
	case rec.SkipReason == scan.SkipIgnored:
		if !n.quiet {
			n.printf("%s is ignored by git (a .gitignore above it); nothing under it is analyzed unless you pass --no-ignore", where)
		}
	case rec.SkipReason == scan.SkipUnreadable || rec.SkipReason == scan.SkipUnreadableDir:
		n.unreadable++
		if n.unreadable <= maxUnreadable {
			what := "file"
			if rec.SkipReason == scan.SkipUnreadableDir {
				what = "directory"
			}
			n.printf("cannot read %s %s: %s", what, where, reason(rec.Err))
		}
	case n.verbose && rec.Status == result.Skipped:
		n.printf("skipped %s: %s", where, rec.SkipReason)
	case n.verbose && rec.Status == result.Failed:
		n.printf("failed %s: %s after %d attempt(s): %s", where, rec.ErrClass, rec.Attempts, rec.Err)
	}
}

func (n *notes) logRecord(rec *result.Record) {
	attrs := []slog.Attr{
		slog.String("source", rec.Source),
		slog.String("path", rec.Path),
		slog.String("status", string(rec.Status)),
		slog.Int64("size", rec.Size),
		slog.Float64("duration_ms", float64(rec.Duration.Microseconds())/1000),
	}
	switch rec.Status {
	case result.Skipped:
		attrs = append(attrs, slog.String("skip_reason", string(rec.SkipReason)))
	case result.Failed:
		attrs = append(attrs, slog.String("error_class", string(rec.ErrClass)), slog.String("error", rec.Err))
	case result.Analyzed:
		if rec.Report != nil && rec.Report.SyntaxError != nil {
			attrs = append(attrs, slog.Bool("syntax_error", true))
		}
		if rec.Reused {
			attrs = append(attrs, slog.Bool("reused", true))
		}
		if rec.Waited > 0 {
			attrs = append(attrs, slog.Float64("waited_ms", float64(rec.Waited.Microseconds())/1000))
		}
	}
	if rec.Attempts > 0 {
		attrs = append(attrs, slog.Int("attempts", rec.Attempts))
	}
	level := slog.LevelInfo
	if rec.Status == result.Failed {
		level = slog.LevelWarn
	}
	n.log.LogAttrs(context.Background(), level, "file", attrs...)
}

// finish counts the unreadable files not named, and closes the log.
func (n *notes) finish() error {
	if extra := n.unreadable - maxUnreadable; extra > 0 {
		n.printf("%d more files or directories could not be read (%d in all)", extra, n.unreadable)
	}
	if n.logFile == nil {
		return nil
	}
	err := n.logBuf.Flush()
	if cerr := n.logFile.Close(); err == nil {
		err = cerr
	}
	return err
}
