package fhir

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// A reader for the part of FHIRPath that the export writes (expr.go), so that Import can turn
// the expressions back into conditions and scores. It parses any expression made of paths,
// function calls, literals, variables and operators; import.go then recognises the forms.

// node is a parsed FHIRPath expression.
type node struct {
	op   string  // an operator ("and", "+", "|", "<="...), "call", "var", "str", "num", "this", "total", "empty"
	name string  // the function, variable or literal
	recv *node   // for a call on something: what it is called on
	args []*node // a call's arguments, or an operator's two operands
}

// maxExpression bounds what Import parses: the export's longest are a few kilobytes.
const maxExpression = 64 << 10

type fpParser struct {
	toks []string
	pos  int
}

// parseFHIRPath parses an expression, or says where it stops making sense.
func parseFHIRPath(s string) (*node, error) {
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

func (p *fpParser) binary(level int) (*node, error) {
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
		left = &node{op: op, args: []*node{left, right}}
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

func (p *fpParser) postfix() (*node, error) {
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
		call.recv = n
		n = call
	}
	return n, nil
}

func (p *fpParser) primary() (*node, error) {
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
		return &node{op: "empty"}, p.expect("}")
	case t[0] == '\'':
		p.pos++
		s, err := unquote(t)
		return &node{op: "str", name: s}, err
	case t[0] == '%':
		p.pos++
		return &node{op: "var", name: t[1:]}, nil
	case t == "$this" || t == "$total":
		p.pos++
		return &node{op: t[1:]}, nil
	case t == "-":
		p.pos++
		if n, err := strconv.Atoi(p.peek()); err == nil {
			p.pos++
			return &node{op: "num", name: strconv.Itoa(-n)}, nil
		}
		return nil, fmt.Errorf("expected a number after -")
	case unicode.IsDigit(rune(t[0])):
		p.pos++
		if _, err := strconv.Atoi(t); err != nil {
			return nil, fmt.Errorf("not a whole number: %s", t)
		}
		return &node{op: "num", name: t}, nil
	}
	return p.call()
}

// call is a name, with arguments when it is a function.
func (p *fpParser) call() (*node, error) {
	name := p.peek()
	if name == "" || !(name[0] == '_' || unicode.IsLetter(rune(name[0]))) {
		return nil, fmt.Errorf("expected a name, found %q", name)
	}
	p.pos++
	n := &node{op: "call", name: name}
	if p.peek() != "(" {
		return n, nil
	}
	p.pos++
	for p.peek() != ")" {
		arg, err := p.binary(0)
		if err != nil {
			return nil, err
		}
		n.args = append(n.args, arg)
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

// is reports whether n calls the function with the arity given.
func (n *node) is(name string, arity int) bool {
	return n != nil && n.op == "call" && n.name == name && len(n.args) == arity
}

// flat lists the operands of a chain of one operator: a and b and c.
func (n *node) flat(op string) []*node {
	if n.op != op {
		return []*node{n}
	}
	return append(n.args[0].flat(op), n.args[1].flat(op)...)
}

func (n *node) String() string {
	switch n.op {
	case "call":
		var args []string
		for _, a := range n.args {
			args = append(args, a.String())
		}
		s := n.name + "(" + strings.Join(args, ", ") + ")"
		if n.recv != nil {
			s = n.recv.String() + "." + s
		}
		return s
	case "var":
		return "%" + n.name
	case "str":
		return quote(n.name)
	case "num":
		return n.name
	case "this", "total":
		return "$" + n.op
	case "empty":
		return "{}"
	}
	return "(" + n.args[0].String() + " " + n.op + " " + n.args[1].String() + ")"
}
