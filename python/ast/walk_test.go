package ast

import (
	"bytes"
	goast "go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pybatch/pybatch/python/ast/internal/walkgen"
)

// TestWalkGenerated fails when walk.go or nodetypes_test.go is not what
// the generator makes from the node definitions today.
func TestWalkGenerated(t *testing.T) {
	files, err := walkgen.Generate(".")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./python/ast", name)
		}
	}
}

// TestNodeTypesComplete checks nodeTypes against the source: every type
// with a PyName method (what makes a Node) is listed.
func TestNodeTypesComplete(t *testing.T) {
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var want []string
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != "ast" {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*goast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == "PyName" {
				if st, ok := fd.Recv.List[0].Type.(*goast.StarExpr); ok {
					want = append(want, st.X.(*goast.Ident).Name)
				}
			}
		}
	}
	var got []string
	for _, n := range nodeTypes {
		got = append(got, reflect.TypeOf(n).Elem().Name())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("nodeTypes = %v,\nthe source declares %v", got, want)
	}
}

var (
	nodeIface = reflect.TypeFor[Node]()
	anyType   = reflect.TypeFor[any]()
)

// TestWalkVisitsEveryChild fills every field of every node type that can
// hold a node (a node interface, a pointer to a node, a slice of either)
// with fresh nodes and checks that Children yields exactly those, in field
// order. A field that could hold nodes in any other shape fails the test, so
// a new kind of field cannot be skipped silently.
func TestWalkVisitsEveryChild(t *testing.T) {
	for _, proto := range nodeTypes {
		typ := reflect.TypeOf(proto).Elem()
		v := reflect.New(typ)
		var want []Node
		for i := range typ.NumField() {
			f := typ.Field(i)
			fv := v.Elem().Field(i)
			switch {
			case isChild(f.Type):
				c := newNode(t, f.Type)
				fv.Set(reflect.ValueOf(c))
				want = append(want, c)
			case f.Type.Kind() == reflect.Slice && isChild(f.Type.Elem()):
				s := reflect.MakeSlice(f.Type, 2, 2)
				for j := range 2 {
					c := newNode(t, f.Type.Elem())
					s.Index(j).Set(reflect.ValueOf(c))
					want = append(want, c)
				}
				fv.Set(s)
			case mayHoldNode(f.Type, nil):
				t.Errorf("%s.%s: a field of type %s can hold nodes but is neither a node nor a slice of nodes", typ.Name(), f.Name, f.Type)
			}
		}
		got := slices.Collect(Children(v.Interface().(Node)))
		if len(got) != len(want) {
			t.Errorf("%s: Children yields %d nodes, want %d", typ.Name(), len(got), len(want))
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: child %d is a %T, want the %T of the fields", typ.Name(), i, got[i], want[i])
			}
		}
	}
}

// isChild reports whether a value of type t is one node: a node interface
// or a pointer to a node type.
func isChild(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return t.Implements(nodeIface)
	case reflect.Pointer:
		return t.Elem().Kind() == reflect.Struct && t.Implements(nodeIface)
	}
	return false
}

// newNode returns a new node assignable to t (for an interface, one of the
// node types that implement it).
func newNode(t *testing.T, typ reflect.Type) Node {
	if typ.Kind() == reflect.Pointer {
		return reflect.New(typ.Elem()).Interface().(Node)
	}
	for _, proto := range nodeTypes {
		if reflect.TypeOf(proto).Implements(typ) {
			return reflect.New(reflect.TypeOf(proto).Elem()).Interface().(Node)
		}
	}
	t.Fatalf("no node type implements %s", typ)
	return nil
}

// mayHoldNode reports whether a value of type t can contain a node other
// than through an `any` (constant values are never nodes).
func mayHoldNode(t reflect.Type, seen []reflect.Type) bool {
	if slices.Contains(seen, t) {
		return false
	}
	seen = append(seen, t)
	switch t.Kind() {
	case reflect.Interface:
		return t != anyType && t.Implements(nodeIface)
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return t.Implements(nodeIface) || mayHoldNode(t.Elem(), seen)
	case reflect.Map:
		return mayHoldNode(t.Key(), seen) || mayHoldNode(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if mayHoldNode(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}
