package fhir

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Recognisers for the FHIRPath forms the export writes (expr.go): each reads one form back
// into the questionnaire format, or says why it cannot.

// answersItem reads the answers to an item: %resource.item.where(linkId='section.s')
// .item.where(linkId='q').answer, or %resource.repeat(item).where(linkId='q').answer.
func answersItem(n *node) (string, bool) {
	if !n.is("answer", 0) {
		return "", false
	}
	w := n.recv
	if !w.is("where", 1) || w.args[0].op != "=" || !w.args[0].args[0].is("linkId", 0) || w.args[0].args[1].op != "str" {
		return "", false
	}
	link := w.args[0].args[1].name
	switch r := w.recv; {
	case r.is("repeat", 1) && r.recv != nil && r.recv.op == "var" && r.recv.name == "resource":
		return link, true
	case r.is("item", 0) && isGroupPath(r.recv):
		return link, true
	}
	return "", false
}

// isGroupPath reads %resource.item.where(...), the way to a section's group.
func isGroupPath(n *node) bool {
	return n.is("where", 1) && n.recv.is("item", 0) && n.recv.recv != nil && n.recv.recv.op == "var" && n.recv.recv.name == "resource"
}

// answerValues reads <answers>.value: the item's id.
func answerValues(n *node) (string, bool) {
	if !n.is("value", 0) || n.recv == nil {
		return "", false
	}
	return answersItem(n.recv)
}

// codeList reads code = 'a' or code = 'b' (or false, no code).
func codeList(n *node) ([]string, bool) {
	if n.is("false", 0) {
		return []string{}, true
	}
	var out []string
	for _, part := range n.flat("or") {
		if part.op != "=" || !part.args[0].is("code", 0) || part.args[1].op != "str" {
			return nil, false
		}
		out = append(out, part.args[1].name)
	}
	return out, true
}

// boundsOf reads $this >= 3 and $this <= 5 (either may be missing).
func boundsOf(n *node) (lo, hi *int, ok bool) {
	for _, part := range n.flat("and") {
		if len(part.args) != 2 || part.args[0].op != "this" || part.args[1].op != "num" {
			return nil, nil, false
		}
		v, _ := strconv.Atoi(part.args[1].name)
		switch part.op {
		case ">=":
			lo = &v
		case "<=":
			hi = &v
		default:
			return nil, nil, false
		}
	}
	return lo, hi, lo != nil || hi != nil
}

// recognizer holds what reading expressions back needs.
type recognizer struct {
	items     map[string]string // link id -> item id
	scores    map[string]string // variable name -> score id
	codes     func(item, code string) string
	anyAnswer func(item string) *questionnaire.Condition // "answered at all"
}

// condition reads a condition, as condExpr writes it.
func (r *recognizer) condition(n *node) (*questionnaire.Condition, error) {
	c, err := r.cond(n)
	if err != nil {
		return nil, err
	}
	return r.answered(c), nil
}

// cond reads a condition; "answered" (the first half of a none_of, <answers>.exists()) comes
// back as an item condition with neither any_of nor none_of, for the caller to join.
func (r *recognizer) cond(n *node) (*questionnaire.Condition, error) {
	switch {
	case n.op == "and" || n.op == "or":
		var subs []*questionnaire.Condition
		for _, part := range n.flat(n.op) {
			sub, err := r.cond(part)
			if err != nil {
				return nil, err
			}
			subs = append(subs, sub)
		}
		if n.op == "and" {
			subs = joinNoneOf(subs)
		}
		for i := range subs {
			subs[i] = r.answered(subs[i])
		}
		if len(subs) == 1 {
			return subs[0], nil
		}
		if n.op == "and" {
			return &questionnaire.Condition{All: subs}, nil
		}
		return &questionnaire.Condition{Any: subs}, nil
	case n.is("exists", 0) && n.recv.is("where", 1):
		where := n.recv
		if v := where.recv; v != nil && v.op == "var" {
			id, ok := r.scores[v.name]
			lo, hi, okb := boundsOf(where.args[0])
			if !ok || !okb {
				return nil, fmt.Errorf("cannot read %s", n)
			}
			return &questionnaire.Condition{Score: id, Min: lo, Max: hi}, nil
		}
		link, ok := answerValues(where.recv)
		item, known := r.items[link]
		if !ok || !known {
			return nil, fmt.Errorf("cannot read %s", n)
		}
		if codes, ok := codeList(where.args[0]); ok {
			return &questionnaire.Condition{Item: item, AnyOf: r.mapCodes(item, codes)}, nil
		}
		if lo, hi, ok := boundsOf(where.args[0]); ok {
			return &questionnaire.Condition{Item: item, Min: lo, Max: hi}, nil
		}
	case n.is("exists", 0) && n.recv != nil:
		if link, ok := answersItem(n.recv); ok {
			if item, known := r.items[link]; known {
				return &questionnaire.Condition{Item: item}, nil
			}
		}
	case n.is("empty", 0) && n.recv.is("where", 1):
		link, ok := answerValues(n.recv.recv)
		item, known := r.items[link]
		codes, okc := codeList(n.recv.args[0])
		if ok && known && okc {
			return &questionnaire.Condition{Item: item, NoneOf: r.mapCodes(item, codes)}, nil
		}
	}
	return nil, fmt.Errorf("cannot read %s", n)
}

// joinNoneOf drops "answered" where a none_of on the same item says it already.
func joinNoneOf(subs []*questionnaire.Condition) []*questionnaire.Condition {
	var out []*questionnaire.Condition
	for _, c := range subs {
		if isAnswered(c) && slices.ContainsFunc(subs, func(o *questionnaire.Condition) bool { return o.Item == c.Item && o.NoneOf != nil }) {
			continue
		}
		out = append(out, c)
	}
	return out
}

func isAnswered(c *questionnaire.Condition) bool {
	return c.Item != "" && c.AnyOf == nil && c.NoneOf == nil && c.Min == nil && c.Max == nil
}

// answered turns a lone "answered" into "answered with any option" (or any number).
func (r *recognizer) answered(c *questionnaire.Condition) *questionnaire.Condition {
	if !isAnswered(c) {
		return c
	}
	return r.anyAnswer(c.Item)
}

func (r *recognizer) mapCodes(item string, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = r.codes(item, c)
	}
	return out
}
