// Package varblob writes and reads the blobs of varints and length-prefixed
// strings that the scanner's directory cache and the store's snapshot of
// known files are made of: compact, and decoded without an allocation per
// field (strings are substrings of the decoder's input). encoding/binary
// has the varints but no reader over a string that keeps the first error.
package varblob

import (
	"encoding/binary"
	"errors"
)

// ErrCorrupt is the error of a Decoder that ran out of input or met a bad
// varint.
var ErrCorrupt = errors.New("varblob: corrupt data")

// AppendString appends s with its length before it.
func AppendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// Decoder reads S from its start. After the first error every read returns
// zero and Err is ErrCorrupt.
type Decoder struct {
	S   string
	Err error
}

func (d *Decoder) fail() { d.Err, d.S = ErrCorrupt, "" }

// Uvarint reads what binary.AppendUvarint wrote.
func (d *Decoder) Uvarint() uint64 {
	var v uint64
	for i := 0; i < len(d.S) && i < binary.MaxVarintLen64; i++ {
		c := d.S[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.S = d.S[i+1:]
			return v
		}
	}
	d.fail()
	return 0
}

// Varint reads what binary.AppendVarint wrote.
func (d *Decoder) Varint() int64 {
	u := d.Uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// Uint64 reads what binary.LittleEndian.AppendUint64 wrote.
func (d *Decoder) Uint64() uint64 {
	if len(d.S) < 8 {
		d.fail()
		return 0
	}
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(d.S[i])
	}
	d.S = d.S[8:]
	return v
}

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	if len(d.S) == 0 {
		d.fail()
		return 0
	}
	c := d.S[0]
	d.S = d.S[1:]
	return c
}

// String reads what AppendString wrote, as a substring of S.
func (d *Decoder) String() string {
	n := d.Uvarint()
	if n > uint64(len(d.S)) {
		d.fail()
		return ""
	}
	v := d.S[:n]
	d.S = d.S[n:]
	return v
}
