// Package token defines the lexical tokens of Python 3.14, their source
// positions, and the syntax error type shared by the tokenizer and parser.
//
// Kind values and names are exactly CPython's (Lib/token.py), so a token
// stream can be compared one to one with CPython's C tokenizer.
package token

import "strconv"

// Kind is the type of a token. Its numeric values equal CPython 3.14's token
// numbers (token.NAME == 1, ...), and String returns CPython's name.
type Kind uint8

// The token kinds, in CPython's order and with CPython's values.
const (
	ENDMARKER Kind = iota
	NAME
	NUMBER
	STRING
	NEWLINE
	INDENT
	DEDENT
	LPAR
	RPAR
	LSQB
	RSQB
	COLON
	COMMA
	SEMI
	PLUS
	MINUS
	STAR
	SLASH
	VBAR
	AMPER
	LESS
	GREATER
	EQUAL
	DOT
	PERCENT
	LBRACE
	RBRACE
	EQEQUAL
	NOTEQUAL
	LESSEQUAL
	GREATEREQUAL
	TILDE
	CIRCUMFLEX
	LEFTSHIFT
	RIGHTSHIFT
	DOUBLESTAR
	PLUSEQUAL
	MINEQUAL
	STAREQUAL
	SLASHEQUAL
	PERCENTEQUAL
	AMPEREQUAL
	VBAREQUAL
	CIRCUMFLEXEQUAL
	LEFTSHIFTEQUAL
	RIGHTSHIFTEQUAL
	DOUBLESTAREQUAL
	DOUBLESLASH
	DOUBLESLASHEQUAL
	AT
	ATEQUAL
	RARROW
	ELLIPSIS
	COLONEQUAL
	EXCLAMATION
	OP
	TYPE_IGNORE
	TYPE_COMMENT
	SOFT_KEYWORD
	FSTRING_START
	FSTRING_MIDDLE
	FSTRING_END
	TSTRING_START
	TSTRING_MIDDLE
	TSTRING_END
	COMMENT
	NL
	ERRORTOKEN
	ENCODING
	// NumKinds is the number of token kinds (CPython's N_TOKENS).
	NumKinds
)

var names = [NumKinds]string{
	"ENDMARKER", "NAME", "NUMBER", "STRING", "NEWLINE", "INDENT", "DEDENT",
	"LPAR", "RPAR", "LSQB", "RSQB", "COLON", "COMMA", "SEMI", "PLUS", "MINUS",
	"STAR", "SLASH", "VBAR", "AMPER", "LESS", "GREATER", "EQUAL", "DOT",
	"PERCENT", "LBRACE", "RBRACE", "EQEQUAL", "NOTEQUAL", "LESSEQUAL",
	"GREATEREQUAL", "TILDE", "CIRCUMFLEX", "LEFTSHIFT", "RIGHTSHIFT",
	"DOUBLESTAR", "PLUSEQUAL", "MINEQUAL", "STAREQUAL", "SLASHEQUAL",
	"PERCENTEQUAL", "AMPEREQUAL", "VBAREQUAL", "CIRCUMFLEXEQUAL",
	"LEFTSHIFTEQUAL", "RIGHTSHIFTEQUAL", "DOUBLESTAREQUAL", "DOUBLESLASH",
	"DOUBLESLASHEQUAL", "AT", "ATEQUAL", "RARROW", "ELLIPSIS", "COLONEQUAL",
	"EXCLAMATION", "OP", "TYPE_IGNORE", "TYPE_COMMENT", "SOFT_KEYWORD",
	"FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END", "TSTRING_START",
	"TSTRING_MIDDLE", "TSTRING_END", "COMMENT", "NL", "ERRORTOKEN", "ENCODING",
}

// String returns CPython's name for the kind ("NAME", "LPAR", ...).
func (k Kind) String() string {
	if k < NumKinds {
		return names[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// IsOperator reports whether k is one of the exact operator kinds
// (LPAR through EXCLAMATION), i.e. what the tokenize module reports as OP.
func (k Kind) IsOperator() bool { return k >= LPAR && k <= EXCLAMATION }

// operators maps operator text to its exact kind (CPython's EXACT_TOKEN_TYPES).
var operators = map[string]Kind{
	"!": EXCLAMATION, "!=": NOTEQUAL, "%": PERCENT, "%=": PERCENTEQUAL,
	"&": AMPER, "&=": AMPEREQUAL, "(": LPAR, ")": RPAR, "*": STAR,
	"**": DOUBLESTAR, "**=": DOUBLESTAREQUAL, "*=": STAREQUAL, "+": PLUS,
	"+=": PLUSEQUAL, ",": COMMA, "-": MINUS, "-=": MINEQUAL, "->": RARROW,
	".": DOT, "...": ELLIPSIS, "/": SLASH, "//": DOUBLESLASH,
	"//=": DOUBLESLASHEQUAL, "/=": SLASHEQUAL, ":": COLON, ":=": COLONEQUAL,
	";": SEMI, "<": LESS, "<<": LEFTSHIFT, "<<=": LEFTSHIFTEQUAL,
	"<=": LESSEQUAL, "=": EQUAL, "==": EQEQUAL, ">": GREATER,
	">=": GREATEREQUAL, ">>": RIGHTSHIFT, ">>=": RIGHTSHIFTEQUAL, "@": AT,
	"@=": ATEQUAL, "[": LSQB, "]": RSQB, "^": CIRCUMFLEX, "^=": CIRCUMFLEXEQUAL,
	"{": LBRACE, "|": VBAR, "|=": VBAREQUAL, "}": RBRACE, "~": TILDE,
}

// Operator returns the exact kind of an operator's text ("+=" → PLUSEQUAL),
// or OP and false when s is not an operator.
func Operator(s string) (Kind, bool) {
	k, ok := operators[s]
	if !ok {
		return OP, false
	}
	return k, true
}

// Pos is a source position as CPython reports it: Line is 1-based, Col is the
// 0-based offset in UTF-8 bytes from the start of the line (CPython's
// col_offset).
type Pos struct{ Line, Col int32 }

// String formats the position as "line:col".
func (p Pos) String() string {
	return strconv.Itoa(int(p.Line)) + ":" + strconv.Itoa(int(p.Col))
}

// Less reports whether p comes before q.
func (p Pos) Less(q Pos) bool {
	return p.Line < q.Line || (p.Line == q.Line && p.Col < q.Col)
}

// Token is one lexical token: its kind, its CPython start and end positions
// (lineno, col_offset, end_lineno, end_col_offset) and the byte offsets of its
// text in the source buffer, src[Off:EndOff].
type Token struct {
	Kind        Kind
	Start, End  Pos
	Off, EndOff int32
}

// Text returns the token's text in src.
func (t Token) Text(src []byte) []byte { return src[t.Off:t.EndOff] }

// SyntaxError is a syntax error found by the tokenizer or parser, with
// CPython's exception class and message.
type SyntaxError struct {
	// Kind is CPython's exception class: "SyntaxError", "IndentationError"
	// or "TabError".
	Kind string
	// Msg is CPython's message where known, e.g.
	// "unterminated string literal (detected at line 3)".
	Msg string
	// Start and End are where CPython's SyntaxError puts the error:
	// lineno and offset, end_lineno and end_offset, with 0-based columns
	// (Col is offset - 1). Package parser counts columns in characters of
	// the error's line, as CPython's offsets do; package tokenizer counts
	// UTF-8 bytes, like Token positions (the two differ only on lines that
	// are not ASCII). Where CPython gives no end column, End.Col is
	// -1 (end_offset 0: errors the tokenizer signals with an error code,
	// such as "'(' was never closed" or TabError) or -2 (end_offset -1:
	// errors at a token without a position, such as "unexpected indent").
	Start, End Pos
	// NoStart and NoEnd say that CPython leaves the start (lineno and
	// offset) or the end (end_lineno and end_offset) None, as for the
	// errors found before tokenizing: null bytes (both), an undecodable
	// source (the end; its start is line 0, offset -1). Start or End is
	// then the zero Pos, or as described.
	NoStart, NoEnd bool
}

// Error returns "line L:C: Msg".
func (e *SyntaxError) Error() string {
	return "line " + e.Start.String() + ": " + e.Msg
}

// Warning is a warning CPython 3.14's tokenizer or parser emits while
// ast.parse builds the tree: a SyntaxWarning for an invalid escape sequence
// in a string, bytes, f-string or t-string literal (only the first of each
// literal, or of each literal part of an f-string, as CPython warns), for an
// invalid octal escape above \377, or for a number glued to a keyword
// ("invalid decimal literal" for 1if). CPython's warnings carry a message
// and a line, no column.
type Warning struct {
	// Kind is CPython's warning class: "SyntaxWarning".
	Kind string
	// Msg is CPython's message, e.g. `"\d" is an invalid escape sequence.
	// Such sequences will not work in the future. Did you mean "\\d"? A raw
	// string is also an option.`
	Msg string
	// Line is the line CPython's warning gives (WarningMessage.lineno).
	// For a literal part of a multi-line f-string or t-string CPython
	// counts from the line of the closing quote, so Line may lie past the
	// text warned about (even past the end of the file).
	Line int32
	// Col is the 1-based column, in characters, of the text warned about
	// (the backslash of an escape, the first digit of a number) on Line;
	// 0 where that text is not on Line (see Line). CPython gives none: it
	// is pybatch's.
	Col int32
	// Off is the byte offset of the text warned about in the source.
	Off int32
	// At is the byte offset of the token whose reading or parsing makes
	// CPython emit the warning (a string's own token, the end of an
	// f-string for its literal parts): warnings come in CPython's order
	// when sorted by At, then Off.
	At int32
}
