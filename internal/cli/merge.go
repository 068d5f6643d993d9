package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pybatch/pybatch/store"
)

// mergeFlags are merge's flags, parsed.
type mergeFlags struct {
	output, format string
	quiet          bool
	parts          []string
}

// mergeCommand is "pybatch merge -o OUT PARTS...": the parts of one
// sharded run (store.FindParts) into one output (store.MergeParts).
func (a *app) mergeCommand() *cobra.Command {
	var o mergeFlags
	cmd := &cobra.Command{
		Use:   "merge -o OUT [flags] PART|DIR...",
		Short: "Merge the parts of a sharded run (analyze --shard) into one database, JSON Lines file or Parquet directory",
		Long: "Merge the parts that pybatch analyze --shard K/N wrote (SQLite databases or JSON Lines files\n" +
			"named part-KKKKK-of-NNNNN, or the directories that hold them, Parquet ones included) into one\n" +
			"output of any format, the same as one\n" +
			"machine's run of the whole tree would have written. Every shard of the run must be there once\n" +
			"and complete (its _SUCCESS marker and statistics beside it); a missing, duplicated, incomplete\n" +
			"or foreign part is refused, named. OUT is written under a temporary name and replaces any\n" +
			"earlier OUT when complete.\n\n" +
			"Exit status: 0 merged, 2 usage error, 3 the parts were refused or the output failed.",
		Example: "  pybatch merge -o pybatch.db pybatch.parts\n" +
			"  pybatch merge -o all.jsonl parts/part-*-of-00008.jsonl",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.parts = args
			a.code = a.runMerge(cmd, &o)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.output, "output", "o", "", "the merged output: a SQLite database, a JSON Lines file (*.jsonl, *.ndjson) or a Parquet directory (*.parquet)")
	fs.StringVar(&o.format, "format", "", "output format: sqlite, jsonl or parquet (default: from the output's name)")
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print nothing but errors")
	return cmd
}

func (a *app) runMerge(cmd *cobra.Command, o *mergeFlags) int {
	fs := cmd.Flags()
	if strings.TrimSpace(o.output) == "" {
		return a.usage(cmd, "-o/--output is required: name the merged database or .jsonl file")
	}
	if o.output == "-" {
		return a.usage(cmd, "-o -: merge writes a file (name a database or a .jsonl file)")
	}
	if fs.Changed("format") {
		if err := oneOf("--format", o.format, "sqlite", "jsonl", "parquet"); err != nil {
			return a.usage(cmd, "%v", err)
		}
	}
	if len(o.parts) == 0 {
		return a.usage(cmd, "no part given (pybatch merge -o OUT DIR, or the part files)")
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(a.stderr, "pybatch merge: "+format+"\n", args...)
		return ExitError
	}
	start := time.Now()
	parts, err := store.FindParts(o.parts)
	if err != nil {
		return fail("%s", plainError(err))
	}
	format := o.format
	if format == "" {
		format = "sqlite"
		switch ext := strings.ToLower(filepath.Ext(o.output)); {
		case ext == ".jsonl", ext == ".ndjson":
			format = "jsonl"
		case ext == ".parquet", store.IsParquetDir(o.output):
			format = "parquet"
		}
	}
	ctx := context.WithoutCancel(a.ctx) // (an interruption is checked between records)
	tmp := filepath.Join(filepath.Dir(o.output), fmt.Sprintf(".%s.merge-%d", filepath.Base(o.output), os.Getpid()))
	removeOutput(tmp)
	defer removeOutput(tmp)
	if format == "parquet" {
		_ = os.RemoveAll(tmp)
		defer os.RemoveAll(tmp)
	}
	first := parts[0].Stats
	var (
		out     store.Output
		release func()
	)
	switch format {
	case "parquet":
		p, err := store.OpenParquet(ctx, tmp, store.ParquetOptions{OptionsHash: first.OptionsHash, ToolVersion: first.ToolVersion,
			Options: map[string]any{"merged_from": first.Run, "roots": first.Roots}})
		if err != nil {
			return fail("%s", plainError(err))
		}
		out, release = p, func() { _ = p.Close() }
	case "jsonl":
		s, err := store.OpenJSONLFile(ctx, tmp, store.JSONLFileOptions{OptionsHash: first.OptionsHash, ToolVersion: first.ToolVersion})
		if err != nil {
			return fail("%s", plainError(err))
		}
		out, release = s, func() { _ = s.Close() }
	default:
		db, err := store.Open(ctx, tmp, store.Options{})
		if err != nil {
			return fail("%s", plainError(err))
		}
		// The merged run is the sharded run: its options (from a SQLite
		// part, else what the parts say), so that an incremental run or a
		// retry on the merged database treats its results as its own.
		options := any(map[string]any{"merged_from": first.Run, "roots": first.Roots})
		if first.Format == "sqlite" {
			if pdb, err := store.Open(ctx, parts[0].Files.Part, store.Options{ReadOnly: true}); err == nil {
				if r, err := pdb.LastResultRun(ctx); err == nil {
					options = r.Options
				}
				pdb.Close()
			}
		}
		run, err := db.BeginRun(ctx, store.RunInfo{ToolVersion: first.ToolVersion, OptionsHash: first.OptionsHash, Options: options})
		if err != nil {
			db.Close()
			return fail("%s", plainError(err))
		}
		out, release = run, func() { _ = run.Close(); _ = db.Close() }
	}
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(a.ctx, cancel)
	defer stop()
	sum, err := store.MergeParts(mctx, parts, out)
	outcome := store.Completed
	if err != nil {
		outcome = store.FailedRun
	}
	if ferr := out.Finish(ctx, outcome, sum); err == nil {
		err = ferr
	}
	release()
	if a.ctx.Err() != nil {
		fmt.Fprintf(a.stderr, "pybatch merge: interrupted; %s is unchanged\n", o.output)
		return ExitInterrupted
	}
	if err != nil {
		return fail("%s", plainError(err))
	}
	if format == "jsonl" {
		if err := store.CompleteJSONLFile(ctx, tmp); err != nil {
			return fail("%s", plainError(err))
		}
	}
	if format == "parquet" {
		// A directory: the earlier one is moved aside, then removed.
		old := tmp + ".old"
		if err := os.Rename(o.output, old); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fail("%s", plainError(err))
		}
		defer os.RemoveAll(old)
	}
	if err := os.Rename(tmp, o.output); err != nil {
		return fail("%s", plainError(err))
	}
	if !o.quiet {
		fmt.Fprintf(a.stderr, "pybatch merge: %d records from %d parts of run %s (%d shards) in %s; %s\n",
			sum.Records, sum.Parts, sum.Run, first.Shards, time.Since(start).Round(time.Millisecond), o.output)
		fmt.Fprintf(a.stderr, "pybatch: results in %s; pybatch report %s shows them\n", o.output, shellQuote(o.output))
	}
	return ExitOK
}
