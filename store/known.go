package store

import (
	"time"

	"github.com/pybatch/pybatch/result"
)

// Gone is the status the SQLite store gives a file that an earlier run
// recorded and a later complete walk of its source no longer found
// (see Run.MarkGone). It is never the status of a record a worker makes.
const Gone result.Status = "gone"

// FileState is what a store remembers about one file, enough for the batch
// engine to decide whether the file must be analyzed again.
type FileState struct {
	Size        int64
	MtimeNs     int64         // modification time in Unix nanoseconds
	SHA256      string        // hex content hash; "" unless the file was analyzed
	OptionsHash string        // the analysis options of the run that analyzed it
	ToolVersion string        // the pybatch version of that run
	Status      result.Status // analyzed, skipped, failed or Gone
}

// Unchanged reports whether a file scanned with this size and mtime needs
// no new analysis under these options and this tool version: the stored
// result is final (analyzed or skipped, never failed or gone), and path,
// size, mtime (to the nanosecond), options and version all match.
func (s FileState) Unchanged(size int64, mtime time.Time, optionsHash, toolVersion string) bool {
	if s.Status != result.Analyzed && s.Status != result.Skipped {
		return false
	}
	return s.Size == size && s.MtimeNs == unixNano(mtime) &&
		s.OptionsHash == optionsHash && s.ToolVersion == toolVersion
}

// SameContent reports whether the file, now with this size and content
// hash, holds the bytes that were analyzed, under the same options and
// version: only its record needs touching (Run.Touch), not a new analysis.
func (s FileState) SameContent(size int64, sha256, optionsHash, toolVersion string) bool {
	return s.Status == result.Analyzed && s.SHA256 != "" && s.SHA256 == sha256 &&
		s.Size == size && s.OptionsHash == optionsHash && s.ToolVersion == toolVersion
}
