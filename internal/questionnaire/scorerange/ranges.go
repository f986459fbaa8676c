// Package scorerange finds the lowest and highest value each score of a questionnaire can
// take, over every way of answering it that skip logic allows: lint checks that a score's bands
// cover exactly those values, and the engine shows them (Score.Range).
package scorerange

import (
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// How lint finds the lowest and highest value of a score. The items that skip logic looks at
// (and the items of scores it looks at) are "controllers": lint tries every way of answering
// them, in order, as a person could. Every other item only adds to scores, so for each of
// those ways its lowest and highest answers are taken without trying them one by one. That
// is exact whenever no item counts twice in one score. When the controllers have too many ways
// between them (over 32,768 for a score with bands, 1,024 for one without, whose range is only
// shown), lint falls back to a bound (each item may or may not be shown) and to values seen on
// random paths: it then refuses only bands that the bound rules out or that leave a value seen
// on a path without a band, so it never refuses a correct file.
const (
	enumerationBudget = 1 << 15
	witnessPaths      = 1000
	// workBudget bounds lint's work on one file, counted in items looked at: past it, the
	// remaining scores are only bounded, so that no file (hostile or huge) can make lint, or
	// the server starting, take long.
	workBudget = 1 << 23
)

// Bounds is what was found of a score's range.
type Bounds struct {
	Lo, Hi int
	Exact  bool // found by enumerating every way of answering; otherwise only bounded
	// SeenLo and SeenHi are the lowest and highest values seen on the ways of answering tried.
	SeenLo, SeenHi int
}

// Ranges are the ranges found so far, as [lo, hi] by score id: what Questionnaire.Link takes.
func (r *Finder) Ranges() map[string][2]int {
	out := make(map[string][2]int, len(r.found))
	for s, b := range r.found {
		out[s.ID] = [2]int{b.Lo, b.Hi}
	}
	return out
}

// Bounds is what Find found of the score's range, or nil when it was not looked for.
func (r *Finder) Bounds(s *questionnaire.Score) *Bounds { return r.found[s] }

// Finder finds the ranges of the scores of one questionnaire, within a budget of work for the
// whole file.
type Finder struct {
	m          questionnaire.Model
	items      []*questionnaire.Item
	byID       map[string]*questionnaire.Item
	scores     map[string]*questionnaire.Score
	found      map[*questionnaire.Score]*Bounds
	thresholds map[string][]int // number item -> values where some condition on it changes
	work       int              // items looked at so far, for workBudget
	// For the score being ranged: the multiple-choice controllers that no score counts, with
	// the codes skip logic looks at. Only those codes tell answers apart, so the others are
	// tried as one (ASSIST's ten substances make 1,024 sets, of which 4 differ for one of them).
	lookedAt map[string]map[string]bool
}

// New is the range finder for a questionnaire that lint is checking, its items placed in their
// sections (Questionnaire.PlaceItems): byID and scores are its items and scores by id, as lint
// resolves references. A reference to nothing counts nothing.
func New(q *questionnaire.Questionnaire, byID map[string]*questionnaire.Item, scores map[string]*questionnaire.Score) *Finder {
	r := &Finder{byID: byID, scores: scores, found: map[*questionnaire.Score]*Bounds{}, thresholds: map[string][]int{}}
	var conds []*questionnaire.Condition
	for _, s := range q.Sections {
		conds = append(conds, s.ShowIf)
		for _, it := range s.Items {
			r.items = append(r.items, it)
			conds = append(conds, it.ShowIf)
		}
	}
	for _, s := range q.Scores {
		conds = append(conds, s.ShowIf)
	}
	r.m = questionnaire.NewModel(r.items, byID, scores)
	var walk func(c *questionnaire.Condition)
	walk = func(c *questionnaire.Condition) {
		if c == nil {
			return
		}
		if c.Item != "" && c.Min != nil {
			r.thresholds[c.Item] = append(r.thresholds[c.Item], *c.Min-1, *c.Min)
		}
		if c.Item != "" && c.Max != nil {
			r.thresholds[c.Item] = append(r.thresholds[c.Item], *c.Max, *c.Max+1)
		}
		for _, sub := range append(slices.Clone(c.All), c.Any...) {
			walk(sub)
		}
	}
	for _, c := range conds {
		walk(c)
	}
	return r
}

// Find finds the score's range (then in Bounds and Ranges); ever is false when the score can
// never have a value. With boundOnly (the file has other problems, so skip logic may name what
// does not exist) it only bounds the range, and sees no path.
func (r *Finder) Find(s *questionnaire.Score, boundOnly bool) (ever bool) {
	// Bands need an exact range; other scores' ranges are only shown, so they get a smaller budget.
	b := &Bounds{}
	r.found[s] = b
	ctrl := r.controllers(s)
	n := r.ways(ctrl)
	cost := n * len(r.items)
	limit := enumerationBudget
	if len(s.Bands) == 0 {
		limit = enumerationBudget >> 5
	}
	if !boundOnly && n <= limit && r.work+cost <= workBudget {
		r.work += cost
		b.Exact = true
		first := true
		r.enumerate(ctrl, func(a questionnaire.Answers) {
			sp := r.span(s, a, ctrl, false, map[string]bool{})
			if !sp.present {
				return
			}
			if first {
				b.Lo, b.Hi, first = sp.lo, sp.hi, false
			}
			b.Lo, b.Hi = min(b.Lo, sp.lo), max(b.Hi, sp.hi)
			b.Exact = b.Exact && sp.exact
		})
		if first {
			return false
		}
		b.SeenLo, b.SeenHi = b.Lo, b.Hi
		return true
	}
	sp := r.span(s, nil, nil, true, map[string]bool{})
	b.Lo, b.Hi, b.Exact = sp.lo, sp.hi, false
	b.SeenLo, b.SeenHi = b.Hi, b.Lo
	if cost = witnessPaths * len(r.items); boundOnly || len(s.Bands) == 0 || r.work+cost > workBudget {
		return true // paths only matter to check bands
	}
	r.work += cost
	rng := rand.New(rand.NewPCG(1, uint64(len(s.ID))))
	for i := range witnessPaths {
		a := r.m.RandomAnswers(rng, i%3-1)
		if v, ok := r.m.Value(s, a); ok {
			b.SeenLo, b.SeenHi = min(b.SeenLo, v), max(b.SeenHi, v)
		}
	}
	return true
}

// controllers are the items, in questionnaire order, whose answers decide what is shown to
// the score: items that its skip logic and show_if look at, and the items of scores they look at.
func (r *Finder) controllers(s *questionnaire.Score) []*questionnaire.Item {
	ctrl := map[string]bool{}
	seenS, seenI := map[string]bool{}, map[string]bool{}
	var addScore func(s *questionnaire.Score, control bool)
	var addItem func(id string, control bool)
	counted := map[string]bool{}
	looked := map[string]map[string]bool{}
	addCond := func(c *questionnaire.Condition) {
		walkConditions(c, func(c *questionnaire.Condition) {
			if c.Item != "" {
				if looked[c.Item] == nil {
					looked[c.Item] = map[string]bool{}
				}
				for _, code := range append(slices.Clone(c.AnyOf), c.NoneOf...) {
					looked[c.Item][code] = true
				}
			}
		})
		for _, id := range c.ItemIDs() {
			addItem(id, true)
		}
		for _, id := range c.ScoreIDs() {
			if sub := r.scores[id]; sub != nil {
				addScore(sub, true)
			}
		}
	}
	addItem = func(id string, control bool) {
		it := r.byID[id]
		if it == nil || seenI[id] && (!control || ctrl[id]) {
			return
		}
		seenI[id] = true
		if control {
			ctrl[id] = true
		}
		addCond(it.ShowIf)
		if it.Section() != nil {
			addCond(it.Section().ShowIf)
		}
	}
	addScore = func(s *questionnaire.Score, control bool) {
		key := s.ID
		if control {
			key += "!"
		}
		if seenS[key] {
			return
		}
		seenS[key] = true
		for _, id := range s.Items {
			counted[id] = true
			addItem(id, control)
		}
		for _, id := range s.Scores {
			if sub := r.scores[id]; sub != nil {
				addScore(sub, control)
			}
		}
		addCond(s.ShowIf)
	}
	addScore(s, false)
	var out []*questionnaire.Item
	r.lookedAt = map[string]map[string]bool{}
	for _, it := range r.items {
		if ctrl[it.ID] {
			out = append(out, it)
			if it.Type == questionnaire.Multiple && !counted[it.ID] {
				r.lookedAt[it.ID] = looked[it.ID]
			}
		}
	}
	return out
}

// walkConditions calls f with a condition and every condition inside it.
func walkConditions(c *questionnaire.Condition, f func(*questionnaire.Condition)) {
	if c == nil {
		return
	}
	f(c)
	for _, sub := range append(slices.Clone(c.All), c.Any...) {
		walkConditions(sub, f)
	}
}

// ways is how many ways the controllers can be answered, at most, capped past the budget.
func (r *Finder) ways(ctrl []*questionnaire.Item) int {
	n := 1
	for _, it := range ctrl {
		n *= len(r.choices(it, enumerationBudget+1))
		if n > enumerationBudget {
			return n
		}
	}
	return n
}

// choices are the answers tried for a controller (nil: no answer), at most limit of them.
func (r *Finder) choices(it *questionnaire.Item, limit int) [][]string {
	var out [][]string
	if !it.IsRequired() {
		out = append(out, nil)
	}
	switch it.Type {
	case questionnaire.Single:
		for _, o := range it.Options {
			out = append(out, []string{o.Code})
		}
	case questionnaire.Number:
		lo, hi := it.Range()
		vals := []int{lo, hi}
		vals = append(vals, r.thresholds[it.ID]...)
		for _, p := range it.Points {
			vals = append(vals, p.Min, p.Max)
		}
		slices.Sort(vals)
		for _, v := range slices.Compact(vals) {
			if v >= lo && v <= hi {
				out = append(out, []string{strconv.Itoa(v)})
			}
		}
	case questionnaire.Multiple:
		var free []string
		looked, reduce := r.lookedAt[it.ID]
		other := ""
		for _, o := range it.Options {
			switch {
			case reduce && !looked[o.Code]:
				// Any option skip logic does not look at stands for all of them: alone.
				if other == "" {
					other = o.Code
					out = append(out, []string{o.Code})
				}
			case o.Exclusive:
				out = append(out, []string{o.Code})
			default:
				free = append(free, o.Code)
			}
		}
		for mask := 1; mask < 1<<len(free) && len(out) <= limit; mask++ {
			var set []string
			for i, code := range free {
				if mask&(1<<i) != 0 {
					set = append(set, code)
				}
			}
			out = append(out, set)
		}
	}
	return out
}

// enumerate calls leaf with every way of answering the controllers, in order, each shown only
// when skip logic shows it given the answers before it.
func (r *Finder) enumerate(ctrl []*questionnaire.Item, leaf func(questionnaire.Answers)) {
	a := questionnaire.Answers{}
	var rec func(k int)
	rec = func(k int) {
		if k == len(ctrl) {
			leaf(a)
			return
		}
		it := ctrl[k]
		if !r.shown(it, a) {
			rec(k + 1)
			return
		}
		for _, c := range r.choices(it, enumerationBudget) {
			if c == nil {
				delete(a, it.ID)
			} else {
				a[it.ID] = c
			}
			rec(k + 1)
		}
		delete(a, it.ID)
	}
	rec(0)
}

func (r *Finder) shown(it *questionnaire.Item, a questionnaire.Answers) bool { return r.m.Shown(it, a) }

// sectionShowIf is the skip logic of the item's section, if any.
func sectionShowIf(it *questionnaire.Item) *questionnaire.Condition {
	if it.Section() == nil {
		return nil
	}
	return it.Section().ShowIf
}
