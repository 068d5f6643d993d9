package archive

import (
	"archive/tar"
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"time"

	"github.com/pybatch/pybatch/recovery"
	"github.com/pybatch/pybatch/scan"
)

// Member is one member of an archive, or the record that stands for the
// rest of a damaged or over-limit archive.
type Member struct {
	// Name is the member's name exactly as the archive gives it (never
	// cleaned; it may hold "..", a leading "/", NUL bytes or invalid
	// UTF-8). "" stands for the archive itself: a damage met outside any
	// member, or an archive that could not be opened at all.
	Name string
	// Size is the member's size as the archive declares it (for a tar,
	// the size its header gives; for a zip, its uncompressed size).
	Size    int64
	ModTime time.Time
	// Data is the member's content when Skip and Err are empty.
	Data []byte
	// Skip, when set, says why the member was not read: scan.SkipSymlink,
	// scan.SkipHardLink, scan.SkipNotRegular, scan.SkipTooLarge,
	// scan.SkipArchiveLimit. SkipErr says more.
	Skip    scan.SkipReason
	SkipErr error
	// Err, when set, is why the member (or, with Name "", the archive)
	// could not be read: a *recovery.CorruptArchiveError for damage, or
	// the error opening the archive. In a tar (read in order) nothing
	// after it is yielded; a zip's members are independent, and the others
	// are still read.
	Err error
}

// Options choose and bound what Members reads. The zero value yields
// every regular member of any size, within DefaultMaxTotal.
type Options struct {
	// Select chooses the members to yield by name (as given); nil: all.
	// Members it does not choose are passed over without being read (in a
	// tar their bytes are still decompressed, to reach the next header).
	Select func(name string) bool
	// Known, when set, is asked about every chosen regular member before
	// it is read; when it returns true the member is neither read nor
	// yielded (an earlier run holds it: same name, size and time).
	Known func(name string, size int64, mtime time.Time) bool
	// MaxSize is the most bytes read of one member: a larger one is
	// yielded with scan.SkipTooLarge, unread (0: no limit).
	MaxSize int64
	// MaxTotal bounds the decompressed bytes read from the archive (member
	// data, headers and padding, the members passed over): once it is
	// reached, the member being read is yielded with
	// scan.SkipArchiveLimit and nothing after it is read (in a zip, every
	// chosen member after it is yielded with that reason, unread). 0 means
	// DefaultMaxTotal(the archive's size); negative means no limit.
	MaxTotal int64
	// Read, when set, is told of the archive's bytes (compressed, as on
	// disk) as they are read, a buffer at a time: progress.
	Read func(n int64)
}

// DefaultMaxTotal is the decompressed-bytes limit of an archive of size
// bytes when Options.MaxTotal is 0: the larger of 1 GiB and 100 times its
// size. Source archives expand 3 to 20 times; a compression bomb expands
// a thousand times and more, and stops here within a second or two of
// decompression.
func DefaultMaxTotal(size int64) int64 {
	return max(1<<30, 100*size)
}

// Members opens the archive at path and yields its members in the
// archive's order, reading each only when the previous one was taken. The
// format is found by content (Detect). A file that cannot be opened, or
// is not an archive, yields one Member with Name "" and Err. Ranging may
// stop early; ctx ends it too (check ctx.Err()).
func Members(ctx context.Context, path string, opts Options) iter.Seq[Member] {
	return func(yield func(Member) bool) {
		f, err := os.Open(path)
		if err != nil {
			yield(Member{Err: err})
			return
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			yield(Member{Err: err})
			return
		}
		if !st.Mode().IsRegular() {
			yield(Member{Err: &recovery.NotRegularError{Path: path, Mode: st.Mode()}})
			return
		}
		head := make([]byte, SniffSize)
		n, err := f.ReadAt(head, 0)
		if err != nil && !errors.Is(err, io.EOF) {
			yield(Member{Err: err})
			return
		}
		format := detect(head[:n], path)
		if format == Unknown {
			yield(Member{Err: &recovery.CorruptArchiveError{Archive: path, Err: errors.New("not a tar or zip archive (no known magic number)")}})
			return
		}
		for m := range Read(ctx, f, st.Size(), format, path, opts) {
			if !yield(m) {
				return
			}
		}
	}
}

// Read yields the members of an archive of the given format held in r
// (size bytes), as Members does; name names the archive in errors.
func Read(ctx context.Context, r io.ReaderAt, size int64, format Format, name string, opts Options) iter.Seq[Member] {
	if opts.MaxTotal == 0 {
		opts.MaxTotal = DefaultMaxTotal(size)
	}
	if format == Zip {
		return readZip(ctx, r, size, name, opts)
	}
	return readTar(ctx, io.NewSectionReader(r, 0, size), format, name, opts)
}

// reader is the state of one archive's read.
type reader struct {
	name string
	opts Options
}

func (rd *reader) corrupt(member string, err error) Member {
	return Member{Name: member, Err: &recovery.CorruptArchiveError{Archive: rd.name, Member: member, Err: err}}
}

func (rd *reader) overTotal(member string, size int64, mtime time.Time, more string) Member {
	return Member{Name: member, Size: size, ModTime: mtime, Skip: scan.SkipArchiveLimit,
		SkipErr: fmt.Errorf("the archive's decompressed bytes reached the limit of %d%s", rd.opts.MaxTotal, more)}
}

func (rd *reader) tooLarge(name string, size int64, mtime time.Time) Member {
	return Member{Name: name, Size: size, ModTime: mtime, Skip: scan.SkipTooLarge,
		SkipErr: fmt.Errorf("%d bytes, over the size limit of %d", size, rd.opts.MaxSize)}
}

func (rd *reader) selected(name string) bool {
	return rd.opts.Select == nil || rd.opts.Select(name)
}

func (rd *reader) known(name string, size int64, mtime time.Time) bool {
	return rd.opts.Known != nil && rd.opts.Known(name, size, mtime)
}

// readTar yields a tar's members, through format's decompressor.
func readTar(ctx context.Context, r io.Reader, format Format, name string, opts Options) iter.Seq[Member] {
	return func(yield func(Member) bool) {
		rd := &reader{name: name, opts: opts}
		counted := &countingReader{r: r, report: opts.Read}
		z, release, err := decompressor(format, bufioReader(counted))
		if err != nil {
			yield(rd.corrupt("", err))
			return
		}
		defer release()
		lim := &limitedReader{r: z, limit: opts.MaxTotal}
		tr := tar.NewReader(lim)
		for ctx.Err() == nil {
			hdr, err := tr.Next()
			if errors.Is(err, tar.ErrInsecurePath) {
				err = nil // names are kept as given: nothing is extracted
			}
			if err == io.EOF {
				// The end of the tar; the compressed stream's end (its
				// checksum) is checked too.
				_, err = io.Copy(io.Discard, lim)
				if err == nil {
					return
				}
			}
			if err != nil {
				if errors.Is(err, errTotal) {
					yield(rd.overTotal("", 0, time.Time{}, "; the members after it were not read"))
				} else {
					yield(rd.corrupt("", err))
				}
				return
			}
			if hdr.Typeflag == tar.TypeDir || !rd.selected(hdr.Name) {
				continue
			}
			m := Member{Name: hdr.Name, Size: hdr.Size, ModTime: hdr.ModTime}
			switch hdr.Typeflag {
			case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
				if hdr.Typeflag == tar.TypeGNUSparse || hdr.Format == tar.FormatPAX && hasSparse(hdr) {
					m.Skip, m.SkipErr = scan.SkipNotRegular, errors.New("a sparse file")
					break
				}
				if rd.known(hdr.Name, hdr.Size, hdr.ModTime) {
					continue
				}
				if opts.MaxSize > 0 && hdr.Size > opts.MaxSize {
					m = rd.tooLarge(hdr.Name, hdr.Size, hdr.ModTime)
					break
				}
				data := make([]byte, hdr.Size)
				if _, err := io.ReadFull(tr, data); err != nil {
					if errors.Is(err, errTotal) {
						yield(rd.overTotal(hdr.Name, hdr.Size, hdr.ModTime, "; the members after it were not read"))
					} else {
						if errors.Is(err, io.EOF) {
							err = io.ErrUnexpectedEOF
						}
						yield(rd.corrupt(hdr.Name, err))
					}
					return
				}
				m.Data = data
			case tar.TypeSymlink:
				m.Skip, m.SkipErr = scan.SkipSymlink, fmt.Errorf("a symbolic link to %q", hdr.Linkname)
			case tar.TypeLink:
				m.Skip, m.SkipErr = scan.SkipHardLink, fmt.Errorf("a hard link to %q", hdr.Linkname)
			default:
				m.Skip, m.SkipErr = scan.SkipNotRegular, fmt.Errorf("a %s", tarType(hdr.Typeflag))
			}
			if !yield(m) {
				return
			}
		}
	}
}

// hasSparse reports a PAX header that makes the member a sparse file.
func hasSparse(h *tar.Header) bool {
	for k := range h.PAXRecords {
		if len(k) > 11 && k[:11] == "GNU.sparse." {
			return true
		}
	}
	return false
}

func tarType(t byte) string {
	switch t {
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "FIFO"
	case tar.TypeCont:
		return "contiguous file"
	}
	return fmt.Sprintf("tar entry of type %q", t)
}

// readZip yields a zip's members by its central directory, or, when that
// cannot be read (a truncated download), by its local headers in order.
func readZip(ctx context.Context, r io.ReaderAt, size int64, name string, opts Options) iter.Seq[Member] {
	return func(yield func(Member) bool) {
		rd := &reader{name: name, opts: opts}
		cr := &countingReaderAt{r: r, report: opts.Read}
		zr, err := zip.NewReader(cr, size)
		if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
			dirErr := err
			readLocal(ctx, rd, io.NewSectionReader(r, 0, size), dirErr, yield)
			return
		}
		var total int64
		over := false
		for _, f := range zr.File {
			if ctx.Err() != nil {
				return
			}
			mode := f.Mode()
			if mode.IsDir() || !rd.selected(f.Name) {
				continue
			}
			usize := int64(f.UncompressedSize64)
			if f.UncompressedSize64 > 1<<62 {
				usize = 1 << 62
			}
			m := Member{Name: f.Name, Size: usize, ModTime: f.Modified}
			switch {
			case mode&fs.ModeSymlink != 0:
				m.Skip, m.SkipErr = scan.SkipSymlink, errors.New("a symbolic link")
			case !mode.IsRegular():
				m.Skip, m.SkipErr = scan.SkipNotRegular, fmt.Errorf("a member of mode %v", mode)
			case rd.known(f.Name, usize, f.Modified):
				continue
			case opts.MaxSize > 0 && usize > opts.MaxSize:
				m = rd.tooLarge(f.Name, usize, f.Modified)
			case over:
				m = rd.overTotal(f.Name, usize, f.Modified, "")
			default:
				m.Data, m.Skip, m.SkipErr, m.Err = rd.readZipFile(f, &total)
				if m.Skip == scan.SkipArchiveLimit {
					over = true
				}
			}
			if !yield(m) {
				return
			}
		}
	}
}

// readZipFile reads one member of a zip, within the member and archive
// limits (on the bytes really decompressed: the sizes a zip declares may
// lie).
func (rd *reader) readZipFile(f *zip.File, total *int64) ([]byte, scan.SkipReason, error, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, "", nil, &recovery.CorruptArchiveError{Archive: rd.name, Member: f.Name, Err: err}
	}
	defer rc.Close()
	return rd.readMember(rc, f.Name, int64(min(f.UncompressedSize64, 1<<62)), total)
}

// readMember reads a member's decompressed stream whole, within the member
// and archive limits. The declared size is only a first capacity.
func (rd *reader) readMember(r io.Reader, name string, declared int64, total *int64) ([]byte, scan.SkipReason, error, error) {
	limit := int64(-1)
	if rd.opts.MaxSize > 0 {
		limit = rd.opts.MaxSize
	}
	if rd.opts.MaxTotal >= 0 {
		left := max(rd.opts.MaxTotal-*total, 0)
		if limit < 0 || left < limit {
			limit = left
		}
	}
	capacity := min(declared, 1<<20)
	if limit >= 0 {
		capacity = min(capacity, limit+1)
	}
	buf := make([]byte, 0, max(capacity, 512))
	lr := io.Reader(r)
	if limit >= 0 {
		lr = io.LimitReader(r, limit+1)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			*total += int64(len(buf))
			return nil, "", nil, &recovery.CorruptArchiveError{Archive: rd.name, Member: name, Err: err}
		}
	}
	*total += int64(len(buf))
	if limit >= 0 && int64(len(buf)) > limit {
		if rd.opts.MaxSize > 0 && int64(len(buf)) > rd.opts.MaxSize {
			return nil, scan.SkipTooLarge, fmt.Errorf("more than %d bytes decompressed (the size limit); the archive declares %d", rd.opts.MaxSize, declared), nil
		}
		return nil, scan.SkipArchiveLimit, fmt.Errorf("the archive's decompressed bytes reached the limit of %d", rd.opts.MaxTotal), nil
	}
	return buf, "", nil, nil
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r      io.ReaderAt
	report func(int64)
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	if c.report != nil && n > 0 {
		c.report(int64(n))
	}
	return n, err
}
