package batch

import (
	"context"
	"iter"

	"github.com/pybatch/pybatch/dataset"
	"github.com/pybatch/pybatch/scan"
)

// DatasetInput is an Input of the rows of a dataset file (package dataset:
// Parquet, JSON Lines, gzip or zstd compressed), each row a file named by
// its path column, with its content column as its bytes. The source is the
// dataset file's absolute path (links resolved); every file has the
// dataset file's mtime and its content's length as its size. The include
// and exclude patterns choose rows by their path column, as files by path
// (a row with no name, "#N", is always kept); a content with a NUL byte in its first 8 KB
// is skipped as binary, as a file on disk is. A row without content is a
// failed record (recovery.InvalidRow).
type DatasetInput struct {
	path string
	opts dataset.Options
	sel  func(string) bool
	// Source is the dataset's source.
	Source string
}

// OpenDataset checks the dataset at path (its format, and for Parquet its
// columns) and returns it as an Input.
func OpenDataset(path string, opts dataset.Options, so scan.Options) (*DatasetInput, error) {
	sel, err := so.Selector()
	if err != nil {
		return nil, err
	}
	d, err := dataset.Open(path, opts)
	if err != nil {
		return nil, err
	}
	d.Close()
	return &DatasetInput{path: d.Source, opts: opts, sel: sel, Source: d.Source}, nil
}

// Files implements Input.
func (in *DatasetInput) Files(ctx context.Context) iter.Seq[File] {
	return func(yield func(File) bool) {
		d, err := dataset.Open(in.path, in.opts)
		if err != nil {
			yield(File{Source: in.Source, Path: "", Err: err})
			return
		}
		defer d.Close()
		for e := range d.Rows() {
			if ctx.Err() != nil {
				return
			}
			if e.Name != "" && !in.sel(e.Name) {
				continue
			}
			if e.Err == nil && e.Data == nil {
				e.Data = []byte{} // (nil would mean "read OSPath")
			}
			f := File{Source: d.Source, Path: e.Path, OSPath: d.Source, Size: int64(len(e.Data)), ModTime: d.ModTime, Data: e.Data, Err: e.Err}
			if e.Err == nil && scan.IsBinary(e.Data) {
				f.Skip, f.Data = scan.SkipBinary, nil
			}
			if !yield(f) {
				return
			}
		}
	}
}
