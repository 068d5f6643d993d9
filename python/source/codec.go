package source

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"

	"github.com/pybatch/pybatch/python/token"
)

// pyCodec is one module of CPython's encodings package.
type pyCodec struct {
	name  string // CodecInfo.name
	text  bool   // a text encoding (false for rot_13, hex_codec, ...)
	table string // for single-byte codecs: the 256 decoded characters, U+FFFE where undefined
}

// multiByte maps CPython's multi-byte codec modules to golang.org/x/text
// decoders. x/text follows the WHATWG Encoding Standard, whose Shift_JIS,
// EUC-KR and Big5 are the Windows supersets (cp932, cp949, big5-hkscs): a file
// using a character only the superset has decodes here and fails in CPython's
// stricter codec.
var multiByte = map[string]encoding.Encoding{
	"euc_jp":     japanese.EUCJP,
	"shift_jis":  japanese.ShiftJIS,
	"cp932":      japanese.ShiftJIS,
	"iso2022_jp": japanese.ISO2022JP,
	"gbk":        simplifiedchinese.GBK,
	"gb2312":     simplifiedchinese.GBK,
	"gb18030":    simplifiedchinese.GB18030,
	"hz":         simplifiedchinese.HZGB2312,
	"big5":       traditionalchinese.Big5,
	"cp950":      traditionalchinese.Big5,
	"big5hkscs":  traditionalchinese.Big5,
	"euc_kr":     korean.EUCKR,
	"cp949":      korean.EUCKR,
	"utf_16":     unicode.UTF16(unicode.LittleEndian, unicode.UseBOM),
	"utf_16_le":  unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"utf_16_be":  unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
	"utf_32":     utf32.UTF32(utf32.LittleEndian, utf32.UseBOM),
	"utf_32_le":  utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM),
	"utf_32_be":  utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM),
}

// normalizeEncoding is codecs.lookup's normalisation (lower case) followed by
// encodings.normalize_encoding: runs of characters other than letters,
// digits and '.' become one '_', leading and trailing ones are dropped.
func normalizeEncoding(name string) string {
	var b strings.Builder
	punct := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' {
			if punct && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteByte(c)
			punct = false
		} else {
			punct = true
		}
	}
	return b.String()
}

// lookupCodec finds the encodings module for name as encodings.search_function does.
func lookupCodec(name string) (string, pyCodec, bool) {
	norm := normalizeEncoding(name)
	alias := pyAliases[norm]
	if alias == "" {
		alias = pyAliases[strings.ReplaceAll(norm, ".", "_")]
	}
	for _, mod := range []string{alias, norm} {
		if mod == "" || strings.Contains(mod, ".") {
			continue
		}
		if c, ok := pyCodecs[mod]; ok {
			return mod, c, true
		}
	}
	return "", pyCodec{}, false
}

func codecError(msg string) error {
	// _PyPegen_raise_tokenizer_init_error: lineno 0, offset -1, no end.
	return &token.SyntaxError{Kind: "SyntaxError", Msg: msg, Start: token.Pos{Line: 0, Col: -2}, End: token.Pos{Line: 0, Col: -2}, NoEnd: true}
}

func decodeError(codec string, buf []byte, start, end int, reason string) error {
	if end-start == 1 {
		return codecError(fmt.Sprintf("'%s' codec can't decode byte 0x%02x in position %d: %s", codec, buf[start], start, reason))
	}
	return codecError(fmt.Sprintf("'%s' codec can't decode bytes in position %d-%d: %s", codec, start, end-1, reason))
}

// decodeWith decodes buf (newlines translated, BOM removed) with the
// declared encoding spec as PyUnicode_Decode does, returning UTF-8.
func decodeWith(spec string, buf []byte) ([]byte, error) {
	mod, c, ok := lookupCodec(spec)
	if !ok {
		return nil, codecError("unknown encoding: " + spec)
	}
	if !c.text {
		return nil, codecError(fmt.Sprintf("'%s' is not a text encoding; use codecs.decode() to handle arbitrary codecs", spec))
	}
	switch {
	case c.table != "":
		table := []rune(c.table)
		out := make([]byte, 0, len(buf)+len(buf)/2)
		for i, b := range buf {
			r := table[b]
			if r == 0xFFFE {
				return nil, decodeError("charmap", buf, i, i+1, "character maps to <undefined>")
			}
			out = utf8.AppendRune(out, r)
		}
		return out, nil
	case mod == "undefined":
		return nil, codecError("undefined encoding")
	case mod == "latin_1" || mod == "charmap": // charmap without a mapping is latin-1
		out := make([]byte, 0, len(buf)+len(buf)/2)
		for _, b := range buf {
			out = utf8.AppendRune(out, rune(b))
		}
		return out, nil
	case mod == "ascii" || mod == "idna":
		for i, b := range buf {
			if b >= 0x80 {
				return nil, decodeError(c.name, buf, i, i+1, "ordinal not in range(128)")
			}
		}
		return buf, nil
	case mod == "utf_8" || mod == "utf_8_sig":
		if start, end, reason, bad := pyUTF8Error(buf); bad {
			return nil, decodeError("utf-8", buf, start, end, reason)
		}
		if mod == "utf_8_sig" && len(buf) >= 3 && string(buf[:3]) == "\xef\xbb\xbf" {
			return buf[3:], nil
		}
		return buf, nil
	}
	if enc, ok := multiByte[mod]; ok {
		return decodeMultiByte(mod, c.name, enc, buf)
	}
	return nil, codecError(fmt.Sprintf("pybatch: decoding Python source with the %q codec is not supported", c.name))
}

// leadRange restricts the lead and trail bytes of double-byte characters
// for CPython codecs that are strict subsets of the x/text decoder used
// (which follows the WHATWG superset).
type leadRange struct{ lead0, lead1, trail0, trail1 byte }

var strictRanges = map[string]leadRange{
	"gb2312":    {0xA1, 0xF7, 0xA1, 0xFE}, // EUC-CN
	"euc_kr":    {0xA1, 0xFE, 0xA1, 0xFE}, // KS X 1001 in EUC
	"big5":      {0xA1, 0xF9, 0x40, 0xFE},
	"cp950":     {0x81, 0xFE, 0x40, 0xFE},
	"shift_jis": {0x81, 0xEF, 0x40, 0xFC},
	"big5hkscs": {0x88, 0xFE, 0x40, 0xFE},
}

// cp932Single are cp932's single bytes above 0x7F that Windows maps and
// WHATWG's Shift_JIS does not.
var cp932Single = map[byte]rune{0x80: 0x80, 0xA0: 0xF8F0, 0xFD: 0xF8F1, 0xFE: 0xF8F2, 0xFF: 0xF8F3}

// stateful codecs switch modes with escape sequences, so characters cannot
// be decoded one at a time to locate an error.
var stateful = map[string]bool{"iso2022_jp": true, "hz": true, "utf_16": true, "utf_16_le": true, "utf_16_be": true, "utf_32": true, "utf_32_le": true, "utf_32_be": true}

// decodeMultiByte decodes with an x/text decoder character by character so
// that the first undecodable byte is reported as CPython's codec reports it
// ("illegal multibyte sequence" at its position, "incomplete multibyte
// sequence" at the end). x/text replaces undecodable input with U+FFFD.
func decodeMultiByte(mod, name string, enc encoding.Encoding, buf []byte) ([]byte, error) {
	if stateful[mod] {
		return decodeWhole(name, enc, buf)
	}
	dec := enc.NewDecoder()
	rng, strict := strictRanges[mod]
	out := make([]byte, 0, len(buf)+len(buf)/2)
	var dst [16]byte
	for pos := 0; pos < len(buf); {
		c := buf[pos]
		if c < 0x80 {
			out = append(out, c)
			pos++
			continue
		}
		if mod == "cp932" {
			if r, ok := cp932Single[c]; ok {
				out = utf8.AppendRune(out, r)
				pos++
				continue
			}
			// User-defined area: leads 0xF0-0xF9 map to the Private Use Area.
			if c >= 0xF0 && c <= 0xF9 && pos+1 < len(buf) {
				if t := buf[pos+1]; t >= 0x40 && t <= 0xFC && t != 0x7F {
					off := rune(t) - 0x40
					if t > 0x7F {
						off--
					}
					out = utf8.AppendRune(out, 0xE000+rune(c-0xF0)*188+off)
					pos += 2
					continue
				}
			}
		}
		if mod == "gb18030" && pos+1 < len(buf) {
			if r, ok := gb18030UserDefined(c, buf[pos+1]); ok {
				out = utf8.AppendRune(out, r)
				pos += 2
				continue
			}
		}
		if strict && (c < rng.lead0 || c > rng.lead1 || pos+1 < len(buf) && (buf[pos+1] < rng.trail0 || buf[pos+1] > rng.trail1)) {
			return nil, decodeError(name, buf, pos, pos+1, "illegal multibyte sequence")
		}
		// Find how many bytes the next character takes: the shortest prefix
		// that produces output.
		done := false
		for k := 1; k <= 4 && pos+k <= len(buf); k++ {
			dec.Reset()
			nDst, _, err := dec.Transform(dst[:], buf[pos:pos+k], pos+k == len(buf))
			if nDst == 0 && err == transform.ErrShortSrc {
				continue
			}
			r, _ := utf8.DecodeRune(dst[:nDst])
			if nDst == 0 || r == utf8.RuneError {
				return nil, decodeError(name, buf, pos, pos+1, "illegal multibyte sequence")
			}
			out = append(out, dst[:nDst]...)
			pos += k
			done = true
			break
		}
		if !done {
			return nil, decodeError(name, buf, pos, len(buf), "incomplete multibyte sequence")
		}
	}
	return out, nil
}

// gb18030UserDefined maps GB18030's three user-defined areas to the Private
// Use Area as CPython's gb18030 codec does (x/text leaves them undecodable).
func gb18030UserDefined(lead, trail byte) (rune, bool) {
	switch {
	case lead >= 0xAA && lead <= 0xAF && trail >= 0xA1 && trail <= 0xFE:
		return 0xE000 + rune(lead-0xAA)*94 + rune(trail-0xA1), true
	case lead >= 0xF8 && lead <= 0xFE && trail >= 0xA1 && trail <= 0xFE:
		return 0xE234 + rune(lead-0xF8)*94 + rune(trail-0xA1), true
	case lead >= 0xA1 && lead <= 0xA7 && trail >= 0x40 && trail <= 0xA0 && trail != 0x7F:
		off := rune(trail) - 0x40
		if trail > 0x7F {
			off--
		}
		return 0xE4C6 + rune(lead-0xA1)*96 + off, true
	}
	return 0, false
}

// decodeWhole decodes with a stateful decoder in one go; an error's position
// is only approximate (the first U+FFFD's source offset is not known).
func decodeWhole(name string, enc encoding.Encoding, buf []byte) ([]byte, error) {
	if strings.HasPrefix(name, "utf-16") && len(buf)%2 != 0 || strings.HasPrefix(name, "utf-32") && len(buf)%4 != 0 {
		unit := 2
		if strings.HasPrefix(name, "utf-32") {
			unit = 4
		}
		start := len(buf) / unit * unit
		return nil, decodeError(name, buf, start, len(buf), "truncated data")
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), buf)
	if err != nil || strings.Contains(string(out), "\uFFFD") {
		return nil, codecError(fmt.Sprintf("'%s' codec can't decode the source", name))
	}
	return out, nil
}

// pyUTF8Error finds the first error of CPython's strict UTF-8 decoder: the
// byte range it reports and the reason ("invalid start byte", "invalid
// continuation byte", "unexpected end of data").
func pyUTF8Error(b []byte) (start, end int, reason string, bad bool) {
	n := len(b)
	for i := 0; i < n; {
		c := b[i]
		if c < 0x80 {
			i++
			continue
		}
		var need int
		lo, hi := byte(0x80), byte(0xBF)
		switch {
		case c >= 0xC2 && c <= 0xDF:
			need = 1
		case c >= 0xE0 && c <= 0xEF:
			need = 2
			if c == 0xE0 {
				lo = 0xA0
			} else if c == 0xED {
				hi = 0x9F
			}
		case c >= 0xF0 && c <= 0xF4:
			need = 3
			if c == 0xF0 {
				lo = 0x90
			} else if c == 0xF4 {
				hi = 0x8F
			}
		default:
			return i, i + 1, "invalid start byte", true
		}
		for k := 1; k <= need; k++ {
			if i+k >= n {
				return i, n, "unexpected end of data", true
			}
			x := b[i+k]
			l, h := byte(0x80), byte(0xBF)
			if k == 1 {
				l, h = lo, hi
			}
			if x < l || x > h {
				return i, i + k, "invalid continuation byte", true
			}
		}
		i += need + 1
	}
	return 0, 0, "", false
}
