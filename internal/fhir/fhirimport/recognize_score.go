package fhirimport

import (
	"fmt"
	"strconv"

	"github.com/ketascreen/ketascreen/internal/fhir/fhirpath"
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
func isSum0(n *fhirpath.Node) bool {
	return n.Is("aggregate", 2) && n.Args[0].Op == "+" && n.Args[0].Args[0].Op == "total" && n.Args[0].Args[1].Op == "this" &&
		n.Args[1].Op == "num" && n.Args[1].Name == "0"
}

// score reads a score's variable, as scoreExpr writes it.
func (r *recognizer) score(n *fhirpath.Node) (*scoreDef, error) {
	d := &scoreDef{values: map[string]map[string]int{}, number: map[string]numberDef{}}
	if n.Is("iif", 3) && n.Args[2].Op == "empty" {
		c, err := r.condition(n.Args[0])
		if err != nil {
			return nil, err
		}
		d.showIf, n = c, n.Args[1]
	}
	if isSum0(n) && (n.Recv.Is("max", 0) || n.Recv.Is("min", 0)) {
		d.kind = n.Recv.Name
		for _, t := range n.Recv.Recv.Flat("|") {
			if err := r.term(d, t); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
	d.kind = questionnaire.Sum
	for _, t := range n.Flat("+") {
		if err := r.term(d, t); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// term reads one term of a score: an item or another score.
func (r *recognizer) term(d *scoreDef, t *fhirpath.Node) error {
	// iif(<answers>.exists(), V, {}): an item of a max or min.
	if t.Is("iif", 3) && t.Args[2].Op == "empty" && t.Args[0].Is("exists", 0) {
		t = t.Args[1]
	}
	// iif(X, 1, 0): a term of a count; iif(X or Y, 1, 0): a criterion met by any of its items.
	if t.Is("iif", 3) && t.Args[1].Op == "num" && t.Args[1].Name == "1" && t.Args[2].Op == "num" && t.Args[2].Name == "0" {
		cond := t.Args[0]
		if cond.Op == "or" {
			d.kind = questionnaire.Criteria
			for _, c := range cond.Flat("or") {
				if err := r.term(d, &fhirpath.Node{Op: "call", Name: "iif", Args: []*fhirpath.Node{c, t.Args[1], t.Args[2]}}); err != nil {
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
		case cond.Op == ">" && cond.Args[0].Op == "var": // a score above 0
			return r.subscore(d, cond.Args[0])
		case cond.Op == ">": // a number above 0
			return r.term(d, cond.Args[0])
		case cond.Is("exists", 0) && cond.Recv.Is("where", 1):
			link, ok := answerValues(cond.Recv.Recv)
			codes, okc := codeList(cond.Recv.Args[0])
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
	if t.Op == "var" {
		return r.subscore(d, t)
	}
	if !isSum0(t) {
		return fmt.Errorf("cannot read %s", t)
	}
	v := t.Recv
	if v.Op == "var" {
		return r.subscore(d, v)
	}
	if link, ok := answerValues(v); ok { // a number counted as it is
		item, err := r.addItem(d, link)
		d.number[item] = numberDef{}
		return err
	}
	if !v.Is("select", 1) {
		return fmt.Errorf("cannot read %s", t)
	}
	link, ok := answerValues(v.Recv)
	if !ok {
		return fmt.Errorf("cannot read %s", t)
	}
	item, err := r.addItem(d, link)
	if err != nil {
		return err
	}
	m := v.Args[0]
	switch {
	case m.Op == "*" && m.Args[0].Op == "this" && m.Args[1].Op == "num":
		w, _ := strconv.Atoi(m.Args[1].Name)
		d.number[item] = numberDef{weight: &w}
	case m.Is("iif", 3) && m.Args[0].Op == "<=" && m.Args[0].Args[0].Op == "this":
		nd, err := readPoints(m)
		if err != nil {
			return err
		}
		d.number[item] = nd
	default:
		// iif(code = 'a', 2, iif(code = 'b', 3, 0)): the options' values in this score.
		for m.Is("iif", 3) {
			c, val := m.Args[0], m.Args[1]
			if c.Op != "=" || !c.Args[0].Is("code", 0) || c.Args[1].Op != "str" || val.Op != "num" {
				return fmt.Errorf("cannot read %s", m)
			}
			x, _ := strconv.Atoi(val.Name)
			d.values[item][r.codes(item, c.Args[1].Name)] = x
			m = m.Args[2]
		}
		if m.Op != "num" || m.Name != "0" {
			return fmt.Errorf("cannot read %s", m)
		}
	}
	return nil
}

// readPoints reads iif($this <= 0, 0, iif($this <= 3, 1, 2)); the items's range gives the
// first band's start, filled in by the caller.
func readPoints(m *fhirpath.Node) (numberDef, error) {
	var pts []*questionnaire.Points
	for m.Is("iif", 3) {
		c, val := m.Args[0], m.Args[1]
		if c.Op != "<=" || c.Args[0].Op != "this" || c.Args[1].Op != "num" || val.Op != "num" {
			return numberDef{}, fmt.Errorf("cannot read %s", m)
		}
		hi, _ := strconv.Atoi(c.Args[1].Name)
		v, _ := strconv.Atoi(val.Name)
		pts = append(pts, &questionnaire.Points{Max: hi, Value: v})
		m = m.Args[2]
	}
	if m.Op != "num" {
		return numberDef{}, fmt.Errorf("cannot read %s", m)
	}
	v, _ := strconv.Atoi(m.Name)
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

func (r *recognizer) subscore(d *scoreDef, v *fhirpath.Node) error {
	if v.Is("aggregate", 2) {
		v = v.Recv
	}
	id, ok := r.scores[v.Name]
	if v.Op != "var" || !ok {
		return fmt.Errorf("cannot read %s as a score", v)
	}
	d.scores = append(d.scores, id)
	return nil
}

// bandPick reads a band item's expression: the score's variable and each band's top but the
// last: iif(%s.exists(), %questionnaire....where(code = iif(%s <= 4, 'a', 'b')), {}).
func (r *recognizer) bandPick(n *fhirpath.Node) (score string, tops map[string]int, last string, err error) {
	bad := fmt.Errorf("cannot read the band expression %s", n)
	if !n.Is("iif", 3) || !n.Args[0].Is("exists", 0) || n.Args[0].Recv == nil || n.Args[0].Recv.Op != "var" {
		return "", nil, "", bad
	}
	v := n.Args[0].Recv.Name
	score, ok := r.scores[v]
	w := n.Args[1]
	if !ok || !w.Is("where", 1) || w.Args[0].Op != "=" || !w.Args[0].Args[0].Is("code", 0) {
		return "", nil, "", bad
	}
	tops = map[string]int{}
	pick := w.Args[0].Args[1]
	for pick.Is("iif", 3) {
		c := pick.Args[0]
		if c.Op != "<=" || c.Args[0].Op != "var" || c.Args[0].Name != v || c.Args[1].Op != "num" || pick.Args[1].Op != "str" {
			return "", nil, "", bad
		}
		tops[pick.Args[1].Name], _ = strconv.Atoi(c.Args[1].Name)
		pick = pick.Args[2]
	}
	if pick.Op != "str" {
		return "", nil, "", bad
	}
	return score, tops, pick.Name, nil
}

// flagConditions reads the flags item's expression: each flag's code and condition.
func (r *recognizer) flagConditions(n *fhirpath.Node) (map[string]*questionnaire.Condition, error) {
	if !n.Is("where", 1) {
		return nil, fmt.Errorf("cannot read the flags expression %s", n)
	}
	out := map[string]*questionnaire.Condition{}
	for _, part := range n.Args[0].Flat("or") {
		if part.Op != "and" || part.Args[0].Op != "=" || !part.Args[0].Args[0].Is("code", 0) || part.Args[0].Args[1].Op != "str" {
			return nil, fmt.Errorf("cannot read the flag condition %s", part)
		}
		// The flag's own condition is everything after "code = 'x' and".
		rest := part.Flat("and")[1:]
		cn := rest[0]
		for _, x := range rest[1:] {
			cn = &fhirpath.Node{Op: "and", Args: []*fhirpath.Node{cn, x}}
		}
		c, err := r.condition(cn)
		if err != nil {
			return nil, err
		}
		out[part.Args[0].Args[1].Name] = c
	}
	return out, nil
}
