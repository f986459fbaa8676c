// Package fhirpath reads the part of FHIRPath that the FHIR export writes (package fhir,
// expr.go), so that the import (package fhirimport) can turn the expressions back into
// conditions and scores. It parses any expression made of paths, function calls, literals,
// variables and operators; fhirimport then recognises the forms.
package fhirpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Node is a parsed FHIRPath expression.
type Node struct {
	Op   string  // an operator ("and", "+", "|", "<="...), "call", "var", "str", "num", "this", "total", "empty"
	Name string  // the function, variable or literal
	Recv *Node   // for a call on something: what it is called on
	Args []*Node // a call's arguments, or an operator's two operands
}

// maxExpression bounds what Import parses: the export's longest are a few kilobytes.
const maxExpression = 64 << 10

type fpParser struct {
	toks []string
	pos  int
}

// Parse parses an expression, or says where it stops making sense.
func Parse(s string) (*Node, error) {
	if len(s) > maxExpression {
		return nil, fmt.Errorf("expression longer than %d characters", maxExpression)
	}
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &fpParser{toks: toks}
	n, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return n, nil
}

func tokenize(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			j := i + 1
			for ; j < len(s) && s[j] != '\''; j++ {
				if s[j] == '\\' {
					j++
				}
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			out = append(out, s[i:j+1])
			i = j + 1
		case strings.HasPrefix(s[i:], "<=") || strings.HasPrefix(s[i:], ">=") || strings.HasPrefix(s[i:], "!="):
			out = append(out, s[i:i+2])
			i += 2
		case strings.ContainsRune("().,|+-*=<>{}", rune(c)):
			out = append(out, s[i:i+1])
			i++
		case c == '%' || c == '$' || c == '_' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)):
			j := i + 1
			for j < len(s) && (s[j] == '_' || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q", c)
		}
	}
	return out, nil
}

// Binary operators from the loosest to the tightest, as FHIRPath orders them.
var precedence = [][]string{{"or"}, {"and"}, {"=", "!="}, {"<", ">", "<=", ">="}, {"|"}, {"+", "-"}, {"*"}}

func (p *fpParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *fpParser) expect(t string) error {
	if p.peek() != t {
		return fmt.Errorf("expected %q, found %q", t, p.peek())
	}
	p.pos++
	return nil
}

func (p *fpParser) binary(level int) (*Node, error) {
	if level == len(precedence) {
		return p.postfix()
	}
	left, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for contains(precedence[level], p.peek()) {
		op := p.toks[p.pos]
		p.pos++
		right, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		left = &Node{Op: op, Args: []*Node{left, right}}
	}
	return left, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *fpParser) postfix() (*Node, error) {
	n, err := p.primary()
	if err != nil {
		return nil, err
	}
	for p.peek() == "." {
		p.pos++
		call, err := p.call()
		if err != nil {
			return nil, err
		}
		call.Recv = n
		n = call
	}
	return n, nil
}

func (p *fpParser) primary() (*Node, error) {
	t := p.peek()
	switch {
	case t == "":
		return nil, fmt.Errorf("the expression ends too early")
	case t == "(":
		p.pos++
		n, err := p.binary(0)
		if err != nil {
			return nil, err
		}
		return n, p.expect(")")
	case t == "{":
		p.pos++
		return &Node{Op: "empty"}, p.expect("}")
	case t[0] == '\'':
		p.pos++
		s, err := unquote(t)
		return &Node{Op: "str", Name: s}, err
	case t[0] == '%':
		p.pos++
		return &Node{Op: "var", Name: t[1:]}, nil
	case t == "$this" || t == "$total":
		p.pos++
		return &Node{Op: t[1:]}, nil
	case t == "-":
		p.pos++
		if n, err := strconv.Atoi(p.peek()); err == nil {
			p.pos++
			return &Node{Op: "num", Name: strconv.Itoa(-n)}, nil
		}
		return nil, fmt.Errorf("expected a number after -")
	case unicode.IsDigit(rune(t[0])):
		p.pos++
		if _, err := strconv.Atoi(t); err != nil {
			return nil, fmt.Errorf("not a whole number: %s", t)
		}
		return &Node{Op: "num", Name: t}, nil
	}
	return p.call()
}

// call is a name, with arguments when it is a function.
func (p *fpParser) call() (*Node, error) {
	name := p.peek()
	if name == "" || !(name[0] == '_' || unicode.IsLetter(rune(name[0]))) {
		return nil, fmt.Errorf("expected a name, found %q", name)
	}
	p.pos++
	n := &Node{Op: "call", Name: name}
	if p.peek() != "(" {
		return n, nil
	}
	p.pos++
	for p.peek() != ")" {
		arg, err := p.binary(0)
		if err != nil {
			return nil, err
		}
		n.Args = append(n.Args, arg)
		if p.peek() == "," {
			p.pos++
		}
	}
	p.pos++
	return n, nil
}

func unquote(t string) (string, error) {
	var b strings.Builder
	for i := 1; i < len(t)-1; i++ {
		if t[i] == '\\' && i+1 < len(t)-1 {
			i++
		}
		b.WriteByte(t[i])
	}
	return b.String(), nil
}

// Is reports whether n calls the function with the arity given.
func (n *Node) Is(name string, arity int) bool {
	return n != nil && n.Op == "call" && n.Name == name && len(n.Args) == arity
}

// Flat lists the operands of a chain of one operator: a and b and c.
func (n *Node) Flat(op string) []*Node {
	if n.Op != op {
		return []*Node{n}
	}
	return append(n.Args[0].Flat(op), n.Args[1].Flat(op)...)
}

func (n *Node) String() string {
	switch n.Op {
	case "call":
		var args []string
		for _, a := range n.Args {
			args = append(args, a.String())
		}
		s := n.Name + "(" + strings.Join(args, ", ") + ")"
		if n.Recv != nil {
			s = n.Recv.String() + "." + s
		}
		return s
	case "var":
		return "%" + n.Name
	case "str":
		return Quote(n.Name)
	case "num":
		return n.Name
	case "this", "total":
		return "$" + n.Op
	case "empty":
		return "{}"
	}
	return "(" + n.Args[0].String() + " " + n.Op + " " + n.Args[1].String() + ")"
}

// Quote writes s as a FHIRPath string literal.
func Quote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
