package fhirimport

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/ketascreen/ketascreen/internal/fhir/fhirpath"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Recognisers for the FHIRPath forms the export writes (expr.go): each reads one form back
// into the questionnaire format, or says why it cannot.

// answersItem reads the answers to an item: %resource.item.where(linkId='section.s')
// .item.where(linkId='q').answer, or %resource.repeat(item).where(linkId='q').answer.
func answersItem(n *fhirpath.Node) (string, bool) {
	if !n.Is("answer", 0) {
		return "", false
	}
	w := n.Recv
	if !w.Is("where", 1) || w.Args[0].Op != "=" || !w.Args[0].Args[0].Is("linkId", 0) || w.Args[0].Args[1].Op != "str" {
		return "", false
	}
	link := w.Args[0].Args[1].Name
	switch r := w.Recv; {
	case r.Is("repeat", 1) && r.Recv != nil && r.Recv.Op == "var" && r.Recv.Name == "resource":
		return link, true
	case r.Is("item", 0) && isGroupPath(r.Recv):
		return link, true
	}
	return "", false
}

// isGroupPath reads %resource.item.where(...), the way to a section's group.
func isGroupPath(n *fhirpath.Node) bool {
	return n.Is("where", 1) && n.Recv.Is("item", 0) && n.Recv.Recv != nil && n.Recv.Recv.Op == "var" && n.Recv.Recv.Name == "resource"
}

// answerValues reads <answers>.value: the item's id.
func answerValues(n *fhirpath.Node) (string, bool) {
	if !n.Is("value", 0) || n.Recv == nil {
		return "", false
	}
	return answersItem(n.Recv)
}

// codeList reads code = 'a' or code = 'b' (or false, no code).
func codeList(n *fhirpath.Node) ([]string, bool) {
	if n.Is("false", 0) {
		return []string{}, true
	}
	var out []string
	for _, part := range n.Flat("or") {
		if part.Op != "=" || !part.Args[0].Is("code", 0) || part.Args[1].Op != "str" {
			return nil, false
		}
		out = append(out, part.Args[1].Name)
	}
	return out, true
}

// boundsOf reads $this >= 3 and $this <= 5 (either may be missing).
func boundsOf(n *fhirpath.Node) (lo, hi *int, ok bool) {
	for _, part := range n.Flat("and") {
		if len(part.Args) != 2 || part.Args[0].Op != "this" || part.Args[1].Op != "num" {
			return nil, nil, false
		}
		v, _ := strconv.Atoi(part.Args[1].Name)
		switch part.Op {
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
func (r *recognizer) condition(n *fhirpath.Node) (*questionnaire.Condition, error) {
	c, err := r.cond(n)
	if err != nil {
		return nil, err
	}
	return r.answered(c), nil
}

// cond reads a condition; "answered" (the first half of a none_of, <answers>.exists()) comes
// back as an item condition with neither any_of nor none_of, for the caller to join.
func (r *recognizer) cond(n *fhirpath.Node) (*questionnaire.Condition, error) {
	switch {
	case n.Op == "and" || n.Op == "or":
		var subs []*questionnaire.Condition
		for _, part := range n.Flat(n.Op) {
			sub, err := r.cond(part)
			if err != nil {
				return nil, err
			}
			subs = append(subs, sub)
		}
		if n.Op == "and" {
			subs = joinNoneOf(subs)
		}
		for i := range subs {
			subs[i] = r.answered(subs[i])
		}
		if len(subs) == 1 {
			return subs[0], nil
		}
		if n.Op == "and" {
			return &questionnaire.Condition{All: subs}, nil
		}
		return &questionnaire.Condition{Any: subs}, nil
	case n.Is("exists", 0) && n.Recv.Is("where", 1):
		where := n.Recv
		if v := where.Recv; v != nil && v.Op == "var" {
			id, ok := r.scores[v.Name]
			lo, hi, okb := boundsOf(where.Args[0])
			if !ok || !okb {
				return nil, fmt.Errorf("cannot read %s", n)
			}
			return &questionnaire.Condition{Score: id, Min: lo, Max: hi}, nil
		}
		link, ok := answerValues(where.Recv)
		item, known := r.items[link]
		if !ok || !known {
			return nil, fmt.Errorf("cannot read %s", n)
		}
		if codes, ok := codeList(where.Args[0]); ok {
			return &questionnaire.Condition{Item: item, AnyOf: r.mapCodes(item, codes)}, nil
		}
		if lo, hi, ok := boundsOf(where.Args[0]); ok {
			return &questionnaire.Condition{Item: item, Min: lo, Max: hi}, nil
		}
	case n.Is("exists", 0) && n.Recv != nil:
		if link, ok := answersItem(n.Recv); ok {
			if item, known := r.items[link]; known {
				return &questionnaire.Condition{Item: item}, nil
			}
		}
	case n.Is("empty", 0) && n.Recv.Is("where", 1):
		link, ok := answerValues(n.Recv.Recv)
		item, known := r.items[link]
		codes, okc := codeList(n.Recv.Args[0])
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
