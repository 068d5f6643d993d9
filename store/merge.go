package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"time"

	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/result"
	"github.com/pybatch/pybatch/scan"
)

// recordsPage is how many files Records reads per query.
const recordsPage = 1000

// Records yields every file the database holds, record and report as
// Record reads them back, ordered by source and path. It reads a page of
// files at a time: memory does not grow with the database. A gone file
// comes back with status gone.
func (db *DB) Records(ctx context.Context) iter.Seq2[*result.Record, error] {
	return func(yield func(*result.Record, error) bool) {
		rr, err := db.reportReader(ctx, false)
		if err != nil {
			yield(nil, err)
			return
		}
		type row struct {
			rec     *result.Record
			content sql.NullInt64
		}
		var lastSource, lastPath string
		first := true
		for {
			rows, err := db.sql.QueryContext(ctx, `SELECT s.name, f.path, f.size, f.mtime_ns, f.status, f.skip_reason, f.error_class, f.error,
				f.attempts, f.duration_ns, f.content_id FROM files f JOIN sources s ON s.id = f.source_id
				WHERE ? OR (s.name, f.path) > (?, ?) ORDER BY s.name, f.path LIMIT ?`, first, lastSource, lastPath, recordsPage)
			if err != nil {
				yield(nil, describe(db.path, "reading", err))
				return
			}
			var page []row
			for rows.Next() {
				var (
					r                row
					mtime, dur       int64
					status           string
					skip, class, msg sql.NullString
				)
				r.rec = &result.Record{}
				if err := rows.Scan(&r.rec.Source, &r.rec.Path, &r.rec.Size, &mtime, &status, &skip, &class, &msg, &r.rec.Attempts, &dur, &r.content); err != nil {
					rows.Close()
					yield(nil, describe(db.path, "reading", err))
					return
				}
				r.rec.ModTime, r.rec.Duration, r.rec.Status = fromUnixNano(mtime), time.Duration(dur), result.Status(status)
				r.rec.SkipReason, r.rec.ErrClass, r.rec.Err = scan.SkipReason(skip.String), recovery.Class(class.String), msg.String
				page = append(page, r)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(nil, describe(db.path, "reading", err))
				return
			}
			for _, r := range page {
				if r.content.Valid {
					rep, _, err := rr.read(ctx, rr.byID, r.content.Int64, true)
					if err != nil {
						yield(nil, fmt.Errorf("store: %s: %w", r.rec.Path, err))
						return
					}
					rep.Path = r.rec.Path
					r.rec.Report = rep
				}
				if !yield(r.rec, nil) {
					return
				}
			}
			if len(page) < recordsPage {
				return
			}
			first, lastSource, lastPath = false, page[len(page)-1].rec.Source, page[len(page)-1].rec.Path
		}
	}
}

// ReadJSONL yields the records of a JSON Lines output, one line at a time
// (a line may be of any length). An incomplete last line is an error: a
// complete output ends with a newline.
func ReadJSONL(r io.Reader) iter.Seq2[*result.Record, error] {
	return func(yield func(*result.Record, error) bool) {
		br := bufio.NewReaderSize(r, 1<<20)
		for line := 1; ; line++ {
			b, err := br.ReadBytes('\n')
			if errors.Is(err, io.EOF) {
				if len(b) > 0 {
					yield(nil, fmt.Errorf("line %d is cut short (no newline at the end): the output is incomplete", line))
				}
				return
			}
			if err != nil {
				yield(nil, err)
				return
			}
			rec, err := DecodeLine(b)
			if err != nil {
				err = fmt.Errorf("line %d: %w", line, err)
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// PartRecords yields the records of one part of a sharded run, whatever
// its format.
func PartRecords(ctx context.Context, p Part) iter.Seq2[*result.Record, error] {
	return func(yield func(*result.Record, error) bool) {
		switch p.Stats.Format {
		case "sqlite":
			db, err := Open(ctx, p.Files.Part, Options{ReadOnly: true})
			if err != nil {
				yield(nil, err)
				return
			}
			defer db.Close()
			for rec, err := range db.Records(ctx) {
				if !yield(rec, err) || err != nil {
					return
				}
			}
		case "jsonl":
			f, err := os.Open(p.Files.Part)
			if err != nil {
				yield(nil, fmt.Errorf("store: %w", err))
				return
			}
			defer f.Close()
			for rec, err := range ReadJSONL(f) {
				if err != nil {
					err = fmt.Errorf("store: %s: %w", p.Files.Part, err)
				}
				if !yield(rec, err) || err != nil {
					return
				}
			}
		case "parquet":
			chunks, err := ParquetChunks(p.Files.Part)
			if err != nil {
				yield(nil, err)
				return
			}
			sh, found := p.Stats.ShardOf(), false
			for _, c := range chunks {
				if c.Shard != sh.Index || c.Shards != sh.Count {
					continue
				}
				found = true
				for rec, err := range c.Records(ctx) {
					if !yield(rec, err) || err != nil {
						return
					}
				}
			}
			if !found && p.Stats.Files > 0 {
				yield(nil, fmt.Errorf("store: %s holds no chunk of shard %s, whose statistics count %d files: the part was removed", p.Files.Part, sh, p.Stats.Files))
			}
		default:
			yield(nil, fmt.Errorf("store: %s: cannot read parts of format %q", p.Files.Part, p.Stats.Format))
		}
	}
}

// MergeSummary is what MergeParts did.
type MergeSummary struct {
	Parts   int         `json:"parts"`
	Run     string      `json:"run"`
	Records int         `json:"records"`
	Shards  []PartStats `json:"shards"`
}

// MergeParts writes every record of parts (one whole run, as FindParts
// returns it) to out, one part after the other, streaming: it holds one
// record at a time, and out batches as it does in a run. A record whose
// path does not belong to its part's shard is refused (the part was
// renamed, or made by another split). It does not finish out.
func MergeParts(ctx context.Context, parts []Part, out Output) (MergeSummary, error) {
	sum := MergeSummary{Parts: len(parts)}
	for _, p := range parts {
		sum.Run = p.Stats.Run
		sum.Shards = append(sum.Shards, p.Stats)
		sh := p.Stats.ShardOf()
		placed := map[PlacedFile]bool{}
		for _, f := range p.Stats.Placed {
			placed[f] = true
		}
		for rec, err := range PartRecords(ctx, p) {
			if err != nil {
				return sum, err
			}
			if !sh.Has(rec.Path) && !placed[PlacedFile{rec.Source, rec.Path}] {
				return sum, fmt.Errorf("store: %s holds %s, which belongs to shard %d/%d, not %s: the part is foreign", p.Files.Part, rec.Path, ShardOf(rec.Path, sh.Count), sh.Count, sh)
			}
			if err := out.Write(ctx, rec); err != nil {
				return sum, err
			}
			sum.Records++
		}
	}
	return sum, nil
}
