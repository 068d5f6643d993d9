package ast

import (
	"math/big"
	"slices"
	"testing"
)

func TestEnumNames(t *testing.T) {
	cases := []struct {
		got, want string
	}{
		{Load.String(), "Load"}, {Del.String(), "Del"},
		{Or.String(), "Or"}, {Mod.String(), "Mod"}, {FloorDiv.String(), "FloorDiv"},
		{MatMult.String(), "MatMult"}, {USub.String(), "USub"}, {NotIn.String(), "NotIn"},
		{IsNot.String(), "IsNot"}, {ExprContext(9).String(), "?"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestPreorderAndInspect(t *testing.T) {
	// f(x, *a, k=1)[0] = None
	call := &Call{
		Func:     &Name{Id: "f"},
		Args:     []Expr{&Name{Id: "x"}, &Starred{Value: &Name{Id: "a"}}},
		Keywords: []*Keyword{{Arg: "k", Value: &Constant{Value: big.NewInt(1)}}},
	}
	mod := &Module{Body: []Stmt{&Assign{
		Targets: []Expr{&Subscript{Value: call, Slice: &Constant{Value: big.NewInt(0)}, Ctx: Store}},
		Value:   &Constant{Value: None{}},
	}}}
	var names []string
	for n := range Preorder(mod) {
		names = append(names, n.PyName())
	}
	want := []string{"Module", "Assign", "Subscript", "Call", "Name", "Name", "Starred", "Name", "keyword", "Constant", "Constant", "Constant"}
	if !slices.Equal(names, want) {
		t.Fatalf("Preorder = %v, want %v", names, want)
	}
	// Early stop.
	count := 0
	for range Preorder(mod) {
		count++
		if count == 3 {
			break
		}
	}
	if count != 3 {
		t.Fatalf("early stop: %d", count)
	}
	// Inspect pruning the call.
	names = names[:0]
	Inspect(mod, func(n Node) bool {
		names = append(names, n.PyName())
		return n.PyName() != "Call"
	})
	want = []string{"Module", "Assign", "Subscript", "Call", "Constant", "Constant"}
	if !slices.Equal(names, want) {
		t.Fatalf("Inspect = %v, want %v", names, want)
	}
}
