package fhir

import (
	"fmt"
	"strconv"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

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
	// iif(X, 1, 0): a term of a count; iif(X or Y, 1, 0): a criterion met by any of its items.
	if t.is("iif", 3) && t.args[1].op == "num" && t.args[1].name == "1" && t.args[2].op == "num" && t.args[2].name == "0" {
		cond := t.args[0]
		if cond.op == "or" {
			d.kind = questionnaire.Criteria
			for _, c := range cond.flat("or") {
				if err := r.term(d, &node{op: "call", name: "iif", args: []*node{c, t.args[1], t.args[2]}}); err != nil {
					return err
				}
			}
			d.kind = questionnaire.Criteria
			return nil
		}
		if d.kind != questionnaire.Criteria {
			d.kind = questionnaire.Count
		}
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
