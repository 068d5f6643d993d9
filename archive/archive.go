// Package archive reads the members of source archives as streams, never
// extracting anything to disk: tar, plain or compressed with gzip (.tar.gz,
// .tgz, sdists), bzip2, xz or zstd, and zip (.zip, wheels). The format is
// found by the archive's first bytes (its magic numbers), and by its name
// only when the content has no magic (an old tar).
//
// Members are yielded one at a time, each read only when the previous one
// was taken, so that memory is bounded by the consumer. Every member name
// is kept exactly as the archive gives it — "..", absolute paths, NUL
// bytes, invalid UTF-8 included — since nothing is ever written to disk.
// Links, devices, directories and other non-regular members are never
// read: links and devices that the selection picks are yielded with a skip
// reason. Two limits stop compression bombs: Options.MaxSize per member,
// and Options.MaxTotal on the decompressed bytes of the whole archive
// (each counted on what is really decompressed, not on what the headers
// declare). A truncated or damaged archive yields the members read before
// the damage and then one member whose Err (class
// recovery.CorruptArchive) stands for the rest.
//
// Written on the standard library's archive/tar, archive/zip,
// compress/gzip and compress/bzip2, with github.com/ulikunitz/xz (pure Go
// xz) and github.com/klauspost/compress/zstd (the maintained pure-Go zstd).
// What is written here is what none of them do: detection by content,
// the limits, the one-record-for-the-rest rule on damage, and a
// sequential read of a zip's local headers when its central directory is
// lost (a truncated wheel).
package archive

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// Format is an archive format.
type Format string

const (
	Unknown  Format = ""
	Tar      Format = "tar"
	TarGzip  Format = "tar.gz"
	TarBzip2 Format = "tar.bz2"
	TarXz    Format = "tar.xz"
	TarZstd  Format = "tar.zst"
	Zip      Format = "zip"
)

// nameSuffixes are the archive names this package recognises, lower case.
var nameSuffixes = []struct {
	suffix string
	format Format
}{
	{".tar.gz", TarGzip}, {".tgz", TarGzip},
	{".tar.bz2", TarBzip2}, {".tbz2", TarBzip2}, {".tbz", TarBzip2},
	{".tar.xz", TarXz}, {".txz", TarXz},
	{".tar.zst", TarZstd}, {".tzst", TarZstd},
	{".tar", Tar},
	{".zip", Zip}, {".whl", Zip},
}

// NameFormat returns the format an archive's name says (case-insensitive
// suffix), or Unknown.
func NameFormat(name string) Format {
	lower := strings.ToLower(name)
	for _, s := range nameSuffixes {
		if strings.HasSuffix(lower, s.suffix) && len(lower) > len(s.suffix) {
			return s.format
		}
	}
	return Unknown
}

// Suffixes returns the name suffixes NameFormat recognises (".tar.gz",
// ".whl", ...), lower case.
func Suffixes() []string {
	out := make([]string, len(nameSuffixes))
	for i, s := range nameSuffixes {
		out[i] = s.suffix
	}
	return out
}

// SniffSize is how many leading bytes Sniff needs to see every format.
const SniffSize = 512

// Sniff returns the format the first bytes of a file say, or Unknown. A
// compressed stream is taken for a compressed tar (what is inside is
// checked when it is read). A tar is recognised by its first header's
// checksum, so an old (pre-POSIX) tar is found too.
func Sniff(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return TarGzip
	case len(head) >= 10 && bytes.HasPrefix(head, []byte("BZh")) && head[3] >= '1' && head[3] <= '9' && bytes.Equal(head[4:10], []byte("1AY&SY")):
		return TarBzip2
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		return TarXz
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return TarZstd
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return Zip
	case isTarHeader(head):
		return Tar
	}
	return Unknown
}

// isTarHeader reports whether head starts with a tar header whose checksum
// holds (unsigned or signed sum, as archive/tar accepts).
func isTarHeader(head []byte) bool {
	if len(head) < 512 {
		return false
	}
	h := head[:512]
	field := bytes.TrimRight(bytes.TrimLeft(h[148:156], " \x00"), " \x00")
	if len(field) == 0 {
		return false
	}
	var want int64
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int64(c-'0')
	}
	var unsigned, signed int64
	for i, c := range h {
		if i >= 148 && i < 156 {
			c = ' '
		}
		unsigned += int64(c)
		signed += int64(int8(c))
	}
	return want == unsigned || want == signed
}

// Detect returns the format of the file at path: by its content, or, when
// its content has no magic, by its name. It returns Unknown for a file
// that is neither (and for an empty one).
func Detect(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return Unknown, err
	}
	defer f.Close()
	head := make([]byte, SniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Unknown, err
	}
	return detect(head[:n], path), nil
}

// detect is Detect on the first bytes and the name.
func detect(head []byte, name string) Format {
	if f := Sniff(head); f != Unknown {
		return f
	}
	if len(head) == 0 {
		return Unknown
	}
	if NameFormat(name) == Tar {
		return Tar // (a tar whose first header is damaged: reading it says so)
	}
	return Unknown
}

// decompressor returns the reader of format's compressed stream over r,
// and a function that releases it.
func decompressor(format Format, r io.Reader) (io.Reader, func(), error) {
	switch format {
	case Tar:
		return r, func() {}, nil
	case TarGzip:
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return z, func() { z.Close() }, nil
	case TarBzip2:
		return bzip2.NewReader(r), func() {}, nil
	case TarXz:
		z, err := xz.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return z, func() {}, nil
	case TarZstd:
		// One goroutine, and a window no larger than zstd's usual maximum
		// for files (the format allows 3.75 TB: a hostile frame header
		// must not make us allocate it).
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxZstdWindow), zstd.WithDecoderMaxMemory(maxZstdMemory))
		if err != nil {
			return nil, nil, err
		}
		return z, z.Close, nil
	}
	return nil, nil, fmt.Errorf("not a tar format: %q", format)
}

const (
	// maxZstdWindow is the largest window a zstd frame may ask for: 128
	// MiB, zstd's own limit for --long=27 (what `zstd --ultra -22` and
	// `tar --zstd` use at most without --long=31).
	maxZstdWindow = 128 << 20
	// maxZstdMemory bounds what the decoder allocates for one frame.
	maxZstdMemory = 256 << 20
)

// countingReader counts the bytes read through it and hands them to
// report, a buffer's worth at a time.
type countingReader struct {
	r      io.Reader
	n      int64
	report func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.report != nil && n > 0 {
		c.report(int64(n))
	}
	return n, err
}

// errTotal is what limitedReader returns past the archive's limit.
var errTotal = errors.New("the archive's decompressed bytes reached their limit")

// limitedReader fails with errTotal once more than limit bytes were read
// through it (limit < 0: none).
type limitedReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.limit >= 0 && l.n >= l.limit {
		// One byte more says whether the stream ends exactly at the limit.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, errTotal
		}
		return 0, err
	}
	if l.limit >= 0 && int64(len(p)) > l.limit-l.n {
		p = p[:l.limit-l.n]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// bufioReader reads r through a buffer (which also lets flate and gzip
// read byte by byte without reading past their stream's end).
func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 64<<10) }
