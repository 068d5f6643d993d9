// Package analysis turns one Python file into a Report: definitions,
// imports, metrics, complexity and the syntax error if any. It is a pure
// function of (path, bytes, options), safe to call from many goroutines.
package analysis
