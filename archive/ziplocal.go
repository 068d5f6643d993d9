package archive

import (
	"bufio"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Zip signatures.
const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigEnd        = 0x06054b50
	sigEnd64      = 0x06064b50
	sigDescriptor = 0x08074b50
)

// readLocal reads a zip whose central directory could not be read
// (dirErr: a truncated download, a damaged end) member by member from
// its local headers, as a streaming unzip does, and yields one failed
// record for the rest where the data ends or is damaged. Only stored and
// deflated members can be read this way (the methods of wheels and of
// nearly every zip).
func readLocal(ctx context.Context, rd *reader, sr io.Reader, dirErr error, yield func(Member) bool) {
	counted := &countingReader{r: sr, report: rd.opts.Read}
	br := bufio.NewReaderSize(counted, 64<<10)
	var total int64
	first := true
	for ctx.Err() == nil {
		var fixed [30]byte
		if _, err := io.ReadFull(br, fixed[:4]); err != nil {
			yield(rd.corrupt("", fmt.Errorf("%w (and the central directory: %v)", unexpected(err), dirErr)))
			return
		}
		switch binary.LittleEndian.Uint32(fixed[:4]) {
		case sigLocal:
		case sigCentral, sigEnd, sigEnd64:
			// The members are all read; the damage is in the directory.
			yield(rd.corrupt("", fmt.Errorf("the central directory: %v", dirErr)))
			return
		default:
			if first {
				yield(rd.corrupt("", dirErr))
			} else {
				yield(rd.corrupt("", fmt.Errorf("no member header where one should be (and the central directory: %v)", dirErr)))
			}
			return
		}
		first = false
		if _, err := io.ReadFull(br, fixed[4:]); err != nil {
			yield(rd.corrupt("", unexpected(err)))
			return
		}
		le := binary.LittleEndian
		flags := le.Uint16(fixed[6:])
		method := le.Uint16(fixed[8:])
		mtime := msDosTime(le.Uint16(fixed[12:]), le.Uint16(fixed[10:]))
		csize, usize := int64(le.Uint32(fixed[18:])), int64(le.Uint32(fixed[22:]))
		nameLen, extraLen := int(le.Uint16(fixed[26:])), int(le.Uint16(fixed[28:]))
		nameExtra := make([]byte, nameLen+extraLen)
		if _, err := io.ReadFull(br, nameExtra); err != nil {
			yield(rd.corrupt("", unexpected(err)))
			return
		}
		name := string(nameExtra[:nameLen])
		if csize == 0xffffffff || usize == 0xffffffff {
			csize, usize = zip64Sizes(nameExtra[nameLen:], csize, usize)
		}
		descriptor := flags&0x8 != 0
		if flags&0x1 != 0 {
			yield(rd.corrupt(name, fmt.Errorf("an encrypted member (and the central directory: %v)", dirErr)))
			return
		}
		var data io.Reader
		var fl io.ReadCloser
		switch method {
		case 0: // stored
			if descriptor {
				yield(rd.corrupt(name, fmt.Errorf("a stored member of unknown size (and the central directory: %v)", dirErr)))
				return
			}
			data = io.LimitReader(br, csize)
		case 8: // deflated: the stream says where it ends
			fl = flate.NewReader(br)
			data = fl
			if !descriptor {
				data = io.LimitReader(fl, max(usize, 0)+1)
			}
		default:
			yield(rd.corrupt(name, fmt.Errorf("compression method %d (and the central directory: %v)", method, dirErr)))
			return
		}
		isDir := len(name) > 0 && name[len(name)-1] == '/'
		want := !isDir && rd.selected(name)
		m := Member{Name: name, Size: usize, ModTime: mtime}
		switch {
		case !want, rd.known(name, usize, mtime):
			want = false
			n, err := io.Copy(io.Discard, &limitedReader{r: data, limit: max(rd.opts.MaxTotal-total, -1)})
			total += n
			if err != nil {
				if errors.Is(err, errTotal) {
					yield(rd.overTotal("", 0, time.Time{}, "; the members after it were not read"))
				} else {
					yield(rd.corrupt("", unexpected(err)))
				}
				return
			}
		case rd.opts.MaxSize > 0 && usize > rd.opts.MaxSize && !descriptor:
			m = rd.tooLarge(name, usize, mtime)
			if _, err := io.Copy(io.Discard, io.LimitReader(br, csize)); err != nil {
				yield(rd.corrupt(name, unexpected(err)))
				return
			}
			fl = nil // (the compressed bytes were passed over)
		default:
			m.Data, m.Skip, m.SkipErr, m.Err = rd.readMember(data, name, usize, &total)
			if m.Err != nil || m.Skip != "" {
				// A member cut short leaves the stream at an unknown place:
				// nothing after it can be found.
				if m.Err == nil {
					m.SkipErr = fmt.Errorf("%w; the members after it were not read", m.SkipErr)
				}
				yield(m)
				return
			}
			if descriptor {
				m.Size = int64(len(m.Data))
			}
		}
		if fl != nil {
			fl.Close()
		}
		if descriptor {
			if err := skipDescriptor(br); err != nil {
				yield(rd.corrupt(name, unexpected(err)))
				return
			}
		}
		if want && !yield(m) {
			return
		}
	}
}

// skipDescriptor passes over a data descriptor (crc, sizes; with or without
// its signature; 32- or 64-bit sizes, told apart by what follows).
func skipDescriptor(br *bufio.Reader) error {
	head, err := br.Peek(4)
	if err != nil {
		return err
	}
	if binary.LittleEndian.Uint32(head) == sigDescriptor {
		if _, err := br.Discard(4); err != nil {
			return err
		}
	}
	// crc32 and two 4-byte sizes, unless a signature follows only after
	// two 8-byte sizes (zip64).
	if next, err := br.Peek(16); err == nil && isSig(next[12:16]) {
		_, err = br.Discard(12)
		return err
	}
	if next, err := br.Peek(24); err == nil && isSig(next[20:24]) {
		_, err = br.Discard(20)
		return err
	}
	_, err = br.Discard(12)
	return err
}

func isSig(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	switch binary.LittleEndian.Uint32(b) {
	case sigLocal, sigCentral, sigEnd, sigEnd64:
		return true
	}
	return false
}

// zip64Sizes reads the sizes from a zip64 extra field.
func zip64Sizes(extra []byte, csize, usize int64) (int64, int64) {
	for len(extra) >= 4 {
		id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		body := extra[4:]
		if n > len(body) {
			break
		}
		if id == 0x0001 {
			b := body[:n]
			if usize == 0xffffffff && len(b) >= 8 {
				usize, b = int64(binary.LittleEndian.Uint64(b)&(1<<62-1)), b[8:]
			}
			if csize == 0xffffffff && len(b) >= 8 {
				csize = int64(binary.LittleEndian.Uint64(b) & (1<<62 - 1))
			}
			break
		}
		extra = body[n:]
	}
	return csize, usize
}

// msDosTime is archive/zip's reading of a DOS date and time.
func msDosTime(date, tm uint16) time.Time {
	return time.Date(int(date>>9+1980), time.Month(date>>5&0xf), int(date&0x1f),
		int(tm>>11), int(tm>>5&0x3f), int(tm&0x1f*2), 0, time.UTC)
}

// unexpected turns the end of the data where more was due into
// io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
