package varblob

import (
	"encoding/binary"
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var b []byte
	b = binary.AppendUvarint(b, math.MaxUint64)
	b = binary.AppendVarint(b, math.MinInt64)
	b = binary.AppendVarint(b, -1)
	b = binary.LittleEndian.AppendUint64(b, 0x0102030405060708)
	b = append(b, 7)
	b = AppendString(b, "héllo")
	b = AppendString(b, "")
	d := Decoder{S: string(b)}
	if u, v, w, x, y, s, e := d.Uvarint(), d.Varint(), d.Varint(), d.Uint64(), d.Byte(), d.String(), d.String(); u != math.MaxUint64 || v != math.MinInt64 || w != -1 ||
		x != 0x0102030405060708 || y != 7 || s != "héllo" || e != "" || d.Err != nil || d.S != "" {
		t.Fatalf("%d %d %d %x %d %q %q %v %q", u, v, w, x, y, s, e, d.Err, d.S)
	}
}

// Truncated input, at every length, gives ErrCorrupt and zeros, never a
// panic or a value read past the end.
func TestTruncated(t *testing.T) {
	b := AppendString(binary.AppendUvarint(nil, 1<<40), "abcdef")
	for n := range len(b) {
		d := Decoder{S: string(b[:n])}
		u, s := d.Uvarint(), d.String()
		if d.Err != ErrCorrupt || s != "" || (n < 6 && u != 0) {
			t.Errorf("%d bytes: %d %q %v", n, u, s, d.Err)
		}
	}
	d := Decoder{S: "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"}
	if d.Uvarint(); d.Err != ErrCorrupt {
		t.Error("an overlong varint is accepted")
	}
}
