package scan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pybatch/pybatch/scan"
)

func Example() {
	dir, _ := os.MkdirTemp("", "scan-example-")
	defer os.RemoveAll(dir)
	for name, content := range map[string]string{
		"app.py":                 "print('hi')\n",
		"README.md":              "# docs\n",
		"pkg/__init__.py":        "",
		"pkg/blob.py":            "\x00\x01",
		"pkg/__pycache__/app.py": "",
		".venv/pyvenv.cfg":       "",
		".venv/lib/site.py":      "",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	opts := scan.DefaultOptions()
	opts.Sorted = true // deterministic order for the example; parallel otherwise
	for fi := range scan.Scan(context.Background(), []string{dir}, opts) {
		rel, _ := filepath.Rel(dir, fi.Path)
		if fi.Valid() {
			fmt.Println("analyse", rel, fi.Size)
		} else {
			fmt.Println("skip   ", rel, fi.Skip)
		}
	}
	// Output:
	// analyse app.py 12
	// analyse pkg/__init__.py 0
	// skip    pkg/blob.py binary
}
