package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/pybatch/pybatch/result"
)

// recordsPage is how many files Records names per query.
const recordsPage = 1000

// Records yields every file the database holds, record and report as
// Record reads them back, ordered by source and path. It reads a page of
// names at a time: memory does not grow with the database. A gone file
// comes back with status gone.
func (db *DB) Records(ctx context.Context) iter.Seq2[*result.Record, error] {
	return func(yield func(*result.Record, error) bool) {
		var lastSource, lastPath string
		first := true
		for {
			rows, err := db.sql.QueryContext(ctx, `SELECT s.name, f.path FROM files f JOIN sources s ON s.id = f.source_id
				WHERE ? OR (s.name, f.path) > (?, ?) ORDER BY s.name, f.path LIMIT ?`, first, lastSource, lastPath, recordsPage)
			if err != nil {
				yield(nil, describe(db.path, "reading", err))
				return
			}
			var names [][2]string
			for rows.Next() {
				var n [2]string
				if err := rows.Scan(&n[0], &n[1]); err != nil {
					rows.Close()
					yield(nil, describe(db.path, "reading", err))
					return
				}
				names = append(names, n)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				yield(nil, describe(db.path, "reading", err))
				return
			}
			for _, n := range names {
				rec, err := db.Record(ctx, n[0], n[1])
				if !yield(rec, err) || err != nil {
					return
				}
			}
			if len(names) < recordsPage {
				return
			}
			first, lastSource, lastPath = false, names[len(names)-1][0], names[len(names)-1][1]
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
