package ast

import (
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// DumpOptions configures Dump.
type DumpOptions struct {
	// Indent is ast.dump's indent: negative for None (one line), else the
	// number of spaces per level (0 puts every field on its own line, unindented,
	// as ast.dump(indent=0) does).
	Indent int
}

// Dump returns the text CPython 3.14 prints for
// ast.dump(n, include_attributes=True, show_empty=True, indent=...) byte for
// byte: fields in ASDL order, optional fields that are None left out, empty
// lists shown, position attributes after the fields, constants as repr() shows
// them. It is written by hand (reflection over the `py` struct tags) because
// it must follow Lib/ast.py's formatting rules exactly, including when a node
// stays on one line under indent.
func Dump(n Node, opts DumpOptions) string {
	d := dumper{}
	if opts.Indent >= 0 {
		d.indent = true
		d.unit = strings.Repeat(" ", opts.Indent)
	}
	if n == nil {
		return "None"
	}
	d.value(reflect.ValueOf(n), 0)
	return d.b.String()
}

type dumper struct {
	b      strings.Builder
	indent bool
	unit   string
}

// fieldInfo describes one dumped field of a node struct.
type fieldInfo struct {
	name  string
	index []int
	// keepEmpty: an empty string is a value (TypeIgnore.tag), not an absent optional.
	keepEmpty bool
}

type typeInfo struct {
	fields []fieldInfo
	attrs  []fieldInfo
}

// typeInfos caches typeInfo per node struct type (a cache, not configuration).
var typeInfos sync.Map

var (
	locType   = reflect.TypeFor[Loc]()
	nodeType  = reflect.TypeFor[Node]()
	bytesType = reflect.TypeFor[Bytes]()
)

// enumValueName returns the Python class name of an operator or context enum value.
func enumValueName(v reflect.Value) (string, bool) {
	switch v.Type() {
	case reflect.TypeFor[ExprContext]():
		return ExprContext(v.Uint()).String(), true
	case reflect.TypeFor[Operator]():
		return Operator(v.Uint()).String(), true
	case reflect.TypeFor[BoolOperator]():
		return BoolOperator(v.Uint()).String(), true
	case reflect.TypeFor[UnaryOperator]():
		return UnaryOperator(v.Uint()).String(), true
	case reflect.TypeFor[CmpOp]():
		return CmpOp(v.Uint()).String(), true
	}
	return "", false
}

func infoOf(t reflect.Type) *typeInfo {
	if v, ok := typeInfos.Load(t); ok {
		return v.(*typeInfo)
	}
	ti := &typeInfo{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type == locType {
			for j := 0; j < locType.NumField(); j++ {
				lf := locType.Field(j)
				if name := lf.Tag.Get("py"); name != "" {
					ti.attrs = append(ti.attrs, fieldInfo{name: name, index: []int{i, j}})
				}
			}
			continue
		}
		name := f.Tag.Get("py")
		if name == "" {
			continue
		}
		ti.fields = append(ti.fields, fieldInfo{name: name, index: []int{i}, keepEmpty: t.Name() == "TypeIgnore" && name == "tag"})
	}
	v, _ := typeInfos.LoadOrStore(t, ti)
	return v.(*typeInfo)
}

type arg struct {
	name string
	v    reflect.Value
}

// args returns the fields and attributes of node struct sv that ast.dump shows.
func (d *dumper) args(sv reflect.Value, buf []arg) []arg {
	ti := infoOf(sv.Type())
	for _, f := range ti.fields {
		v := sv.FieldByIndex(f.index)
		switch v.Kind() {
		case reflect.Interface:
			// An optional node (expr?, pattern?) that is absent; a constant
			// field (type any) is never optional and nil stands for None.
			if v.IsNil() && v.Type() != reflect.TypeFor[any]() {
				continue
			}
		case reflect.Pointer:
			if v.IsNil() {
				continue
			}
		case reflect.String:
			if v.Len() == 0 && !f.keepEmpty {
				continue // identifier? or string? that is None
			}
		}
		buf = append(buf, arg{f.name, v})
	}
	for _, f := range ti.attrs {
		buf = append(buf, arg{f.name, sv.FieldByIndex(f.index)})
	}
	return buf
}

// simple reports whether ast.dump's _format returns simple=True for v.
func (d *dumper) simple(v reflect.Value) bool {
	for v.Kind() == reflect.Interface {
		if v.IsNil() {
			return true
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return true
		}
		if v.Elem().Kind() == reflect.Struct && v.Type().Implements(nodeType) {
			var buf [8]arg
			return len(d.args(v.Elem(), buf[:0])) == 0
		}
		return true
	case reflect.Slice:
		if v.Type() == reflect.TypeFor[Bytes]() || v.Type() == reflect.TypeFor[[]byte]() {
			return true
		}
		return v.Len() == 0
	}
	return true
}

func (d *dumper) newline(level int) {
	d.b.WriteByte('\n')
	for range level {
		d.b.WriteString(d.unit)
	}
}

// value writes v as _format(v, level) does.
func (d *dumper) value(v reflect.Value, level int) {
	if d.indent {
		level++
	}
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			d.b.WriteString("None")
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Uint8:
		// The operator and context enums dump as nodes without fields.
		if name, ok := enumValueName(v); ok {
			d.b.WriteString(name)
			d.b.WriteString("()")
			return
		}
	case reflect.String: // identifiers, Str
		appendStrRepr(&d.b, v.String())
		return
	case reflect.Bool:
		appendRepr(&d.b, v.Bool())
		return
	case reflect.Float64:
		d.b.WriteString(FloatRepr(v.Float()))
		return
	case reflect.Complex128:
		d.b.WriteString(ComplexRepr(v.Complex()))
		return
	case reflect.Struct: // None{}, Ellipsis{}
		appendRepr(&d.b, v.Interface())
		return
	}
	if v.Type() == bytesType {
		appendBytesRepr(&d.b, v.Bytes())
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			d.b.WriteString("None")
			return
		}
		n, ok := v.Interface().(Node)
		if !ok || v.Elem().Kind() != reflect.Struct {
			appendRepr(&d.b, v.Interface())
			return
		}
		d.node(n.PyName(), v.Elem(), level)
	case reflect.Slice:
		if v.Len() == 0 {
			d.b.WriteString("[]")
			return
		}
		d.b.WriteByte('[')
		if d.indent {
			d.newline(level)
		}
		for i := range v.Len() {
			if i > 0 {
				d.b.WriteByte(',')
				if d.indent {
					d.newline(level)
				} else {
					d.b.WriteByte(' ')
				}
			}
			d.value(v.Index(i), level)
		}
		d.b.WriteByte(']')
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		d.b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		d.b.WriteString(strconv.FormatUint(v.Uint(), 10))
	default:
		appendRepr(&d.b, v.Interface())
	}
}

func (d *dumper) node(name string, sv reflect.Value, level int) {
	var buf [12]arg
	args := d.args(sv, buf[:0])
	multi := false
	if d.indent {
		if len(args) > 3 {
			multi = true
		} else {
			for _, a := range args {
				if !d.simple(a.v) {
					multi = true
					break
				}
			}
		}
	}
	d.b.WriteString(name)
	d.b.WriteByte('(')
	if multi {
		d.newline(level)
	}
	for i, a := range args {
		if i > 0 {
			d.b.WriteByte(',')
			if multi {
				d.newline(level)
			} else {
				d.b.WriteByte(' ')
			}
		}
		d.b.WriteString(a.name)
		d.b.WriteByte('=')
		d.value(a.v, level)
	}
	d.b.WriteByte(')')
}
