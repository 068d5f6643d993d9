//go:build ignore

// gen_walk writes walk.go (and nodetypes_test.go) from the node
// definitions: go generate ./python/ast
package main

import (
	"log"
	"os"

	"github.com/pybatch/pybatch/python/ast/internal/walkgen"
)

func main() {
	files, err := walkgen.Generate(".")
	if err != nil {
		log.Fatal(err)
	}
	for name, src := range files {
		if err := os.WriteFile(name, src, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
