package ast

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pybatch/pybatch/internal/oracle"
	"github.com/pybatch/pybatch/internal/testenv"
)

// wtf8 encodes code points as WTF-8 (surrogates as 3-byte sequences).
func wtf8(cps []rune) string {
	var b []byte
	for _, r := range cps {
		if r >= 0xD800 && r <= 0xDFFF {
			b = append(b, 0xED, byte(0xA0|(r>>6)&0x1F), byte(0x80|r&0x3F))
			continue
		}
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// TestReprOracle compares Repr with CPython 3.14's repr() on generated
// floats, complexes, ints, strs (every kind of code point, lone surrogates,
// quotes) and bytes.
func TestReprOracle(t *testing.T) {
	env := oracle.Require(t)
	rng := rand.New(rand.NewPCG(testenv.SeedOr(t, 1), 2)) // the inputs of every run unless PYBATCH_SEED says otherwise
	var in strings.Builder
	var got []string
	add := func(kind, arg string, v any) {
		fmt.Fprintf(&in, "%s %s\n", kind, arg)
		got = append(got, Repr(v))
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e16, 1e15, 9999999999999998, 1e-4, 1e-5, 0.00012, 1.5e300,
		5e-324, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), 123456789012345678, 1.0 / 3, 2.5e-5, 1e22, 1e21, 12345.678}
	for range 3000 {
		floats = append(floats, math.Float64frombits(rng.Uint64()))
		floats = append(floats, float64(rng.IntN(1e6))/math.Pow(10, float64(rng.IntN(25)-5)))
	}
	for _, f := range floats {
		add("f", fmt.Sprintf("%x", math.Float64bits(f)), f)
	}
	for i := 0; i+1 < len(floats) && i < 400; i += 2 {
		re, im := floats[i], floats[i+1]
		if i%4 == 0 {
			re = 0
		}
		add("c", fmt.Sprintf("%x %x", math.Float64bits(re), math.Float64bits(im)), complex(re, im))
	}
	for _, s := range []string{"0", "-1", "123456789012345678901234567890", "-99999999999999999999999"} {
		n, _ := new(big.Int).SetString(s, 10)
		add("i", s, n)
	}
	add("o", "None", None{})
	add("o", "Ellipsis", Ellipsis{})
	add("o", "True", true)
	add("o", "False", false)
	// Strings: every BMP code point once (in chunks), then random astral ones,
	// surrogates, quotes and escapes.
	cpArg := func(cps []rune) string {
		parts := make([]string, len(cps))
		for i, r := range cps {
			parts[i] = fmt.Sprintf("%x", r)
		}
		return strings.Join(parts, ",")
	}
	for lo := rune(0); lo < 0x10000; lo += 64 {
		var cps []rune
		for r := lo; r < lo+64; r++ {
			cps = append(cps, r)
		}
		add("s", cpArg(cps), Str(wtf8(cps)))
	}
	for range 2000 {
		cps := []rune{rune(0x10000 + rng.IntN(0x100000))}
		add("s", cpArg(cps), Str(wtf8(cps)))
	}
	for _, q := range [][]rune{{'\''}, {'"'}, {'\'', '"'}, {'a', '\\', '\''}, {}, {'\t', '\n', '\r', 0, 0x7f}, {0xD800}, {0xDFFF, 'x'}, {0xD83D, 0xDE00}} {
		add("s", cpArg(q), Str(wtf8(q)))
	}
	for _, b := range [][]byte{{}, []byte("'"), []byte(`"`), []byte(`'"`), []byte("a\\b\t\n\r\x00\x7f\x80\xff"), {0x1f, ' ', '~'}} {
		add("b", fmt.Sprintf("%x", b), Bytes(b))
	}
	var all []byte
	for i := range 256 {
		all = append(all, byte(i))
	}
	add("b", fmt.Sprintf("%x", all), Bytes(all))

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "in.txt"), []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := env.Run(context.Background(), dir, reprScript)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(want) != len(got) {
		t.Fatalf("oracle gave %d lines, want %d", len(want), len(got))
	}
	inLines := strings.Split(in.String(), "\n")
	bad := 0
	for i := range want {
		if want[i] != got[i] {
			bad++
			if bad <= 20 {
				t.Errorf("input %q: Repr = %s, CPython %s", inLines[i], got[i], want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d reprs differ", bad, len(got))
	}
}

const reprScript = `
import struct, sys
out = []
for line in open("in.txt", encoding="ascii"):
    kind, _, arg = line.rstrip("\n").partition(" ")
    if kind == "f":
        v = struct.unpack(">d", bytes.fromhex(arg.rjust(16, "0")))[0]
    elif kind == "c":
        a, b = arg.split()
        v = complex(struct.unpack(">d", bytes.fromhex(a.rjust(16, "0")))[0], struct.unpack(">d", bytes.fromhex(b.rjust(16, "0")))[0])
    elif kind == "i":
        v = int(arg)
    elif kind == "o":
        v = {"None": None, "Ellipsis": ..., "True": True, "False": False}[arg]
    elif kind == "s":
        v = "".join(chr(int(x, 16)) for x in arg.split(",") if x)
    elif kind == "b":
        v = bytes.fromhex(arg)
    out.append(repr(v))
sys.stdout.write("\n".join(out) + "\n")
`

func TestIsPrintableSpotChecks(t *testing.T) {
	for _, c := range []struct {
		r    rune
		want bool
	}{{' ', true}, {'a', true}, {0xA0, false}, {0x7F, false}, {0xAD, false}, {0x3000, false}, {0x2028, false}, {0xD800, false}, {0xE000, false}, {0x4E00, true}, {0x1F600, true}, {0x10FFFF, false}, {-1, false}} {
		if got := IsPrintable(c.r); got != c.want {
			t.Errorf("IsPrintable(%#x) = %v, want %v", c.r, got, c.want)
		}
	}
}
