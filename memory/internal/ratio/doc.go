// Package ratio holds the benchmark that measures memory.DefaultRatio: how
// many bytes of memory analyzing a Python file takes per byte of source, on
// the machine's Python standard library with the real decoder and parser.
// It lives apart from package memory so that memory's own tests never
// depend on the parser compiling.
//
//	go test -run '^$' -bench Ratio -benchtime 1x ./memory/internal/ratio/
package ratio
