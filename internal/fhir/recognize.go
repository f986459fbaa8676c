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

// scoreDef is a score read back from its variable.
type scoreDef struct {
	kind   string
	items  []string
	scores []string
	showIf *questionnaire.Condition
	values map[string]map[string]int // item -> code -> value, for choice items
	number map[string]numberDef      // item -> how its number counts
}

type numberDef struct {
	weight *int
	points []*questionnaire.Points
}

// isSum0 reads .aggregate($total + $this, 0).
func isSum0(n *node) bool {
	return n.is("aggregate", 2) && n.args[0].op == "+" && n.args[0].args[0].op == "total" && n.args[0].args[1].op == "this" &&
		n.args[1].op == "num" && n.args[1].name == "0"
}

// score reads a score's variable, as scoreExpr writes it.
func (r *recognizer) score(n *node) (*scoreDef, error) {
	d := &scoreDef{values: map[string]map[string]int{}, number: map[string]numberDef{}}
	if n.is("iif", 3) && n.args[2].op == "empty" {
		c, err := r.condition(n.args[0])
		if err != nil {
			return nil, err
		}
		d.showIf, n = c, n.args[1]
	}
	if isSum0(n) && (n.recv.is("max", 0) || n.recv.is("min", 0)) {
		d.kind = n.recv.name
		for _, t := range n.recv.recv.flat("|") {
			if err := r.term(d, t); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
	d.kind = questionnaire.Sum
	for _, t := range n.flat("+") {
		if err := r.term(d, t); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// term reads one term of a score: an item or another score.
func (r *recognizer) term(d *scoreDef, t *node) error {
	// iif(<answers>.exists(), V, {}): an item of a max or min.
	if t.is("iif", 3) && t.args[2].op == "empty" && t.args[0].is("exists", 0) {
		t = t.args[1]
	}
	// iif(X, 1, 0): a term of a count.
	if t.is("iif", 3) && t.args[1].op == "num" && t.args[1].name == "1" && t.args[2].op == "num" && t.args[2].name == "0" {
		d.kind = questionnaire.Count
		cond := t.args[0]
		switch {
		case cond.op == ">" && cond.args[0].op == "var": // a score above 0
			return r.subscore(d, cond.args[0])
		case cond.op == ">": // a number above 0
			return r.term(d, cond.args[0])
		case cond.is("exists", 0) && cond.recv.is("where", 1):
			link, ok := answerValues(cond.recv.recv)
			codes, okc := codeList(cond.recv.args[0])
			if !ok || !okc {
				return fmt.Errorf("cannot read %s", t)
			}
			item, err := r.addItem(d, link)
			if err != nil {
				return err
			}
			for _, c := range codes {
				d.values[item][r.codes(item, c)] = 1
			}
			return nil
		}
		return fmt.Errorf("cannot read %s", t)
	}
	if t.op == "var" {
		return r.subscore(d, t)
	}
	if !isSum0(t) {
		return fmt.Errorf("cannot read %s", t)
	}
	v := t.recv
	if v.op == "var" {
		return r.subscore(d, v)
	}
	if link, ok := answerValues(v); ok { // a number counted as it is
		item, err := r.addItem(d, link)
		d.number[item] = numberDef{}
		return err
	}
	if !v.is("select", 1) {
		return fmt.Errorf("cannot read %s", t)
	}
	link, ok := answerValues(v.recv)
	if !ok {
		return fmt.Errorf("cannot read %s", t)
	}
	item, err := r.addItem(d, link)
	if err != nil {
		return err
	}
	m := v.args[0]
	switch {
	case m.op == "*" && m.args[0].op == "this" && m.args[1].op == "num":
		w, _ := strconv.Atoi(m.args[1].name)
		d.number[item] = numberDef{weight: &w}
	case m.is("iif", 3) && m.args[0].op == "<=" && m.args[0].args[0].op == "this":
		nd, err := readPoints(m)
		if err != nil {
			return err
		}
		d.number[item] = nd
	default:
		// iif(code = 'a', 2, iif(code = 'b', 3, 0)): the options' values in this score.
		for m.is("iif", 3) {
			c, val := m.args[0], m.args[1]
			if c.op != "=" || !c.args[0].is("code", 0) || c.args[1].op != "str" || val.op != "num" {
				return fmt.Errorf("cannot read %s", m)
			}
			x, _ := strconv.Atoi(val.name)
			d.values[item][r.codes(item, c.args[1].name)] = x
			m = m.args[2]
		}
		if m.op != "num" || m.name != "0" {
			return fmt.Errorf("cannot read %s", m)
		}
	}
	return nil
}

// readPoints reads iif($this <= 0, 0, iif($this <= 3, 1, 2)); the items's range gives the
// first band's start, filled in by the caller.
func readPoints(m *node) (numberDef, error) {
	var pts []*questionnaire.Points
	for m.is("iif", 3) {
		c, val := m.args[0], m.args[1]
		if c.op != "<=" || c.args[0].op != "this" || c.args[1].op != "num" || val.op != "num" {
			return numberDef{}, fmt.Errorf("cannot read %s", m)
		}
		hi, _ := strconv.Atoi(c.args[1].name)
		v, _ := strconv.Atoi(val.name)
		pts = append(pts, &questionnaire.Points{Max: hi, Value: v})
		m = m.args[2]
	}
	if m.op != "num" {
		return numberDef{}, fmt.Errorf("cannot read %s", m)
	}
	v, _ := strconv.Atoi(m.name)
	pts = append(pts, &questionnaire.Points{Value: v})
	for i := 1; i < len(pts); i++ {
		pts[i].Min = pts[i-1].Max + 1
	}
	return numberDef{points: pts}, nil
}

func (r *recognizer) addItem(d *scoreDef, link string) (string, error) {
	item, ok := r.items[link]
	if !ok {
		return "", fmt.Errorf("a score counts %q, which is not an item", link)
	}
	d.items = append(d.items, item)
	if d.values[item] == nil {
		d.values[item] = map[string]int{}
	}
	return item, nil
}

func (r *recognizer) subscore(d *scoreDef, v *node) error {
	if v.is("aggregate", 2) {
		v = v.recv
	}
	id, ok := r.scores[v.name]
	if v.op != "var" || !ok {
		return fmt.Errorf("cannot read %s as a score", v)
	}
	d.scores = append(d.scores, id)
	return nil
}

// bandPick reads a band item's expression: the score's variable and each band's top but the
// last: iif(%s.exists(), %questionnaire....where(code = iif(%s <= 4, 'a', 'b')), {}).
func (r *recognizer) bandPick(n *node) (score string, tops map[string]int, last string, err error) {
	bad := fmt.Errorf("cannot read the band expression %s", n)
	if !n.is("iif", 3) || !n.args[0].is("exists", 0) || n.args[0].recv == nil || n.args[0].recv.op != "var" {
		return "", nil, "", bad
	}
	v := n.args[0].recv.name
	score, ok := r.scores[v]
	w := n.args[1]
	if !ok || !w.is("where", 1) || w.args[0].op != "=" || !w.args[0].args[0].is("code", 0) {
		return "", nil, "", bad
	}
	tops = map[string]int{}
	pick := w.args[0].args[1]
	for pick.is("iif", 3) {
		c := pick.args[0]
		if c.op != "<=" || c.args[0].op != "var" || c.args[0].name != v || c.args[1].op != "num" || pick.args[1].op != "str" {
			return "", nil, "", bad
		}
		tops[pick.args[1].name], _ = strconv.Atoi(c.args[1].name)
		pick = pick.args[2]
	}
	if pick.op != "str" {
		return "", nil, "", bad
	}
	return score, tops, pick.name, nil
}

// flagConditions reads the flags item's expression: each flag's code and condition.
func (r *recognizer) flagConditions(n *node) (map[string]*questionnaire.Condition, error) {
	if !n.is("where", 1) {
		return nil, fmt.Errorf("cannot read the flags expression %s", n)
	}
	out := map[string]*questionnaire.Condition{}
	for _, part := range n.args[0].flat("or") {
		if part.op != "and" || part.args[0].op != "=" || !part.args[0].args[0].is("code", 0) || part.args[0].args[1].op != "str" {
			return nil, fmt.Errorf("cannot read the flag condition %s", part)
		}
		// The flag's own condition is everything after "code = 'x' and".
		rest := part.flat("and")[1:]
		cn := rest[0]
		for _, x := range rest[1:] {
			cn = &node{op: "and", args: []*node{cn, x}}
		}
		c, err := r.condition(cn)
		if err != nil {
			return nil, err
		}
		out[part.args[0].args[1].name] = c
	}
	return out, nil
}
