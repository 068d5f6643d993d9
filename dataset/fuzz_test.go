package dataset

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRows: any bytes, read as a dataset, give rows or an error of Open,
// never a panic or a hang.
func FuzzRows(f *testing.F) {
	f.Add([]byte(`{"path": "a.py", "content": "x = 1\n"}` + "\n" + `{"content": null}`))
	f.Add([]byte("PAR1\x00\x00PAR1"))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"))
	f.Add([]byte("\x28\xb5\x2f\xfd\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "d")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := Open(p, Options{MaxLine: 1 << 10})
		if err != nil {
			return
		}
		defer d.Close()
		n := 0
		for e := range d.Rows() {
			if e.Err != nil && e.Data != nil {
				t.Fatalf("row %d: data and an error", e.Row)
			}
			if e.Path == "" || e.Row <= 0 {
				t.Fatalf("row %d: named %q", e.Row, e.Path)
			}
			n++
		}
	})
}
