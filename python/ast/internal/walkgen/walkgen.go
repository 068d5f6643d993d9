// Package walkgen generates python/ast's child walk (walk.go) from the node
// definitions, so that adding or changing a node cannot leave a child
// unvisited. `go generate ./python/ast` runs it (see ../../gen_walk.go);
// python/ast's tests fail when walk.go differs from what it generates.
//
// It reads the package's Go files with go/parser (no type checking): a node
// type is a type with a PyName method, a node interface is an interface that
// embeds Node or another node interface. A field is a child when its type is
// a node interface, a pointer to a node type, or a slice of either; any other
// mention of a node type in a field (a map, a slice of slices, a struct) is
// an error, so that the walk is never silently incomplete.
package walkgen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The generated files, in the package directory: the walk, and the list of
// node types that the package's tests check it against.
const (
	Walk      = "walk.go"
	NodeTypes = "nodetypes_test.go"
)

// Generate returns the sources of Walk and NodeTypes (by file name) for the
// python/ast package in dir. The cases follow the order in which the node
// types are declared (files in name order), the yields the order of the
// fields (ASDL order).
func Generate(dir string) (map[string][]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, f := range files {
		base := filepath.Base(f)
		if base == Walk || strings.HasSuffix(base, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pf, err := parser.ParseFile(fset, f, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if pf.Name.Name != "ast" { // gen_walk.go
			continue
		}
		parsed = append(parsed, pf)
	}

	structs := map[string]*ast.StructType{}
	ifaces := map[string]*ast.InterfaceType{}
	var order []string // struct types in declaration order
	nodes := map[string]bool{}
	for _, pf := range parsed {
		for _, d := range pf.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					ts, ok := s.(*ast.TypeSpec)
					if !ok {
						continue
					}
					switch t := ts.Type.(type) {
					case *ast.StructType:
						structs[ts.Name.Name] = t
						order = append(order, ts.Name.Name)
					case *ast.InterfaceType:
						ifaces[ts.Name.Name] = t
					}
				}
			case *ast.FuncDecl:
				if d.Recv != nil && d.Name.Name == "PyName" && len(d.Recv.List) == 1 {
					if st, ok := d.Recv.List[0].Type.(*ast.StarExpr); ok {
						if id, ok := st.X.(*ast.Ident); ok {
							nodes[id.Name] = true
						}
					}
				}
			}
		}
	}
	if _, ok := ifaces["Node"]; !ok {
		return nil, fmt.Errorf("walkgen: no Node interface in %s", dir)
	}

	// Node interfaces: Node and every interface embedding one (to a fixed point).
	nodeIfaces := map[string]bool{"Node": true}
	for changed := true; changed; {
		changed = false
		for name, it := range ifaces {
			if nodeIfaces[name] {
				continue
			}
			for _, m := range it.Methods.List {
				if id, ok := m.Type.(*ast.Ident); ok && len(m.Names) == 0 && nodeIfaces[id.Name] {
					nodeIfaces[name] = true
					changed = true
					break
				}
			}
		}
	}

	var b bytes.Buffer
	b.WriteString(header + `
// children calls yield for each direct child of n in ASDL field order and
// reports whether the iteration should continue.
func children(n Node, yield func(Node) bool) bool {
	switch n := n.(type) {
`)
	var listed []string
	for _, name := range order {
		if !nodes[name] {
			continue
		}
		listed = append(listed, name)
		var body bytes.Buffer
		for _, f := range structs[name].Fields.List {
			kind, err := classify(f.Type, nodes, nodeIfaces)
			if err != nil {
				return nil, fmt.Errorf("walkgen: %s.%s: %v", name, fieldName(f), err)
			}
			if kind == notChild {
				continue
			}
			if len(f.Names) == 0 {
				return nil, fmt.Errorf("walkgen: %s: embedded child field %s", name, fieldName(f))
			}
			for _, fn := range f.Names {
				switch kind {
				case single:
					fmt.Fprintf(&body, "if n.%s != nil && !yield(n.%[1]s) {\nreturn false\n}\n", fn.Name)
				case slice:
					fmt.Fprintf(&body, "for _, c := range n.%s {\nif c != nil && !yield(c) {\nreturn false\n}\n}\n", fn.Name)
				}
			}
		}
		if body.Len() > 0 {
			fmt.Fprintf(&b, "case *%s:\n", name)
			b.Write(body.Bytes())
		}
	}
	b.WriteString("}\nreturn true\n}\n")
	walk, err := format.Source(b.Bytes())
	if err != nil {
		return nil, err
	}

	b.Reset()
	b.WriteString(header + "\n// nodeTypes holds a nil pointer of every node type.\nvar nodeTypes = [...]Node{\n")
	for _, name := range listed {
		fmt.Fprintf(&b, "(*%s)(nil),\n", name)
	}
	b.WriteString("}\n")
	types, err := format.Source(b.Bytes())
	if err != nil {
		return nil, err
	}
	return map[string][]byte{Walk: walk, NodeTypes: types}, nil
}

const header = `// Code generated by python/ast/internal/walkgen from the node definitions; DO NOT EDIT.

package ast
`

type childKind int

const (
	notChild childKind = iota
	single             // a node interface or a pointer to a node
	slice              // a slice of those
)

// classify says whether a field of type t is a child, and fails when t
// mentions a node type in a shape the walk does not handle.
func classify(t ast.Expr, nodes, ifaces map[string]bool) (childKind, error) {
	if isNode(t, nodes, ifaces) {
		return single, nil
	}
	if at, ok := t.(*ast.ArrayType); ok && at.Len == nil && isNode(at.Elt, nodes, ifaces) {
		return slice, nil
	}
	found := false
	ast.Inspect(t, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && (nodes[id.Name] || ifaces[id.Name]) {
			found = true
		}
		return !found
	})
	if found {
		return notChild, fmt.Errorf("unsupported field type %s containing nodes", types(t))
	}
	return notChild, nil
}

func isNode(t ast.Expr, nodes, ifaces map[string]bool) bool {
	switch t := t.(type) {
	case *ast.Ident:
		return ifaces[t.Name]
	case *ast.StarExpr:
		id, ok := t.X.(*ast.Ident)
		return ok && nodes[id.Name]
	}
	return false
}

func types(t ast.Expr) string {
	var b bytes.Buffer
	format.Node(&b, token.NewFileSet(), t)
	return b.String()
}

func fieldName(f *ast.Field) string {
	if len(f.Names) > 0 {
		return f.Names[0].Name
	}
	return types(f.Type)
}
