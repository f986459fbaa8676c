package questionnaire

import (
	"fmt"
	"slices"
	"strings"
)

// scoreInfo is what a score knows once the file is checked.
type scoreInfo struct {
	subs []*Score
}

// derived is what a questionnaire knows once the file is checked.
type derived struct {
	levels     []*Score // level, then levels
	scoreSkips bool     // some skip logic looks at a score
}

// Subscores are the scores this score adds up, counts, or takes the highest or lowest of.
func (s *Score) Subscores() []*Score { return s.subs }

// ItemList is the items this score counts, in the order written.
func (s *Score) ItemList() []*Item { return s.items }

// Entry is the entry a repeated score was made for, and its block's id; "" for others.
func (s *Score) Entry() (block, code string) { return s.Origin.entry() }

// model is what evaluation needs: the items in order and lookups by id. The checker builds one
// before the questionnaire is linked (references may then be wrong: they are skipped), and the
// questionnaire has one after.
type model struct {
	items  []*Item
	byID   map[string]*Item
	scores map[string]*Score
}

func (q *Questionnaire) model() model {
	return model{items: q.items, byID: q.itemIDs, scores: q.scores}
}

// scorer computes scores from the answers skip logic shows, each score once, the scores it
// uses first. A score whose show_if does not hold, or that is part of a cycle (which lint
// refuses), has no value.
type scorer struct {
	m     model
	a     Answers
	vals  map[string]int
	state map[string]uint8 // 1 while being computed, 2 when done
	// mark, when set, hears of every answer that added something to a score.
	mark func(s *Score, it *Item, code string)
}

func newScorer(m model, a Answers) *scorer {
	return &scorer{m: m, a: a, vals: map[string]int{}, state: map[string]uint8{}}
}

// all computes every score and returns the ones that have a value.
func (e *scorer) all(scores []*Score) map[string]int {
	for _, s := range scores {
		e.value(s)
	}
	return e.vals
}

func (e *scorer) value(s *Score) (int, bool) {
	switch e.state[s.ID] {
	case 1:
		return 0, false
	case 2:
		v, ok := e.vals[s.ID]
		return v, ok
	}
	e.state[s.ID] = 1
	defer func() { e.state[s.ID] = 2 }()
	for _, id := range conditionScores(s.ShowIf, nil) {
		if sub := e.m.scores[id]; sub != nil {
			e.value(sub)
		}
	}
	if s.ShowIf != nil && !s.ShowIf.holds(e.a, e.vals) {
		return 0, false
	}
	if s.Kind == Criteria {
		v := e.criteria(s)
		e.vals[s.ID] = v
		return v, true
	}
	var terms []int
	for _, id := range s.Items {
		if it := e.m.byID[id]; it != nil {
			if v, counted, ok := e.itemValue(s, it); ok {
				if s.Kind == Count {
					v = boolInt(counted)
				}
				terms = append(terms, v)
			}
		}
	}
	for _, id := range s.Scores {
		if sub := e.m.scores[id]; sub != nil {
			if v, ok := e.value(sub); ok {
				if s.Kind == Count {
					v = boolInt(v > 0)
				}
				terms = append(terms, v)
			}
		}
	}
	v := combine(s.Kind, terms)
	e.vals[s.ID] = v
	return v, true
}

// criteria is how many distinct DSM-5 criteria the counted answers meet: two items mapped to
// one criterion count once.
func (e *scorer) criteria(s *Score) int {
	met := map[string]bool{}
	for _, id := range s.Items {
		it := e.m.byID[id]
		if it == nil || it.DSM5 == "" {
			continue // lint refuses it; it meets nothing
		}
		if _, counted, ok := e.itemValue(s, it); ok && counted {
			met[it.DSM5] = true
		}
	}
	return len(met)
}

// combine is a score's value from its terms' values (counts already turned into 0 or 1).
func combine(kind string, terms []int) int {
	if len(terms) == 0 {
		return 0
	}
	switch kind {
	case Max:
		return slices.Max(terms)
	case Min:
		return slices.Min(terms)
	}
	v := 0
	for _, t := range terms {
		v += t
	}
	return v
}

// itemValue is what an answered item adds to a score, and whether it counts (a chosen option
// worth more than 0, or a number that adds more than 0); ok is false when it has no answer.
func (e *scorer) itemValue(s *Score, it *Item) (v int, counted, ok bool) {
	codes := e.a[it.ID]
	if len(codes) == 0 {
		return 0, false, false
	}
	if it.Type == Number {
		n, good := NumberValue(codes)
		if !good {
			return 0, false, false
		}
		v = it.numberValue(n)
		if v > 0 && e.mark != nil {
			e.mark(s, it, codes[0])
		}
		return v, v > 0, true
	}
	for _, code := range codes {
		o := it.Option(code)
		if o == nil {
			continue
		}
		x := o.ValueFor(s.ID)
		v += x
		if x > 0 {
			counted = true
			if e.mark != nil {
				e.mark(s, it, code)
			}
		}
	}
	return v, counted, true
}

// conditionScores appends the ids of the scores a condition looks at.
func conditionScores(c *Condition, out []string) []string {
	if c == nil {
		return out
	}
	if c.Score != "" {
		out = append(out, c.Score)
	}
	for _, sub := range c.All {
		out = conditionScores(sub, out)
	}
	for _, sub := range c.Any {
		out = conditionScores(sub, out)
	}
	return out
}

// conditionItems appends the ids of the items a condition looks at.
func conditionItems(c *Condition, out []string) []string {
	if c == nil {
		return out
	}
	if c.Item != "" {
		out = append(out, c.Item)
	}
	for _, sub := range c.All {
		out = conditionItems(sub, out)
	}
	for _, sub := range c.Any {
		out = conditionItems(sub, out)
	}
	return out
}

// checkScoreGraph checks what scores refer to: scores that exist, items or scores to count, a
// main level that always has a value, and no cycle (a score that, through the scores it uses
// or its show_if, depends on itself).
func (c *checker) checkScoreGraph() {
	q := c.q
	for i, s := range q.Scores {
		p := fmt.Sprintf("$.scores[%d]", i)
		if len(s.Items) == 0 && len(s.Scores) == 0 {
			c.pl.Add(p, "score %q needs items or scores to count", s.ID)
		}
		for j, id := range s.Scores {
			if c.scores[id] == nil {
				c.pl.Add(fmt.Sprintf("%s.scores[%d]", p, j), "score %q uses score %q, which does not exist", s.ID, id)
			}
		}
		c.condition(p+".show_if", s.ShowIf, len(c.items), true)
	}
	if ls := c.scores[q.Level]; ls != nil && ls.ShowIf != nil {
		c.pl.Add("$.level", "the level score %q must always have a value, so it cannot have show_if", q.Level)
	}
	for i, id := range q.Levels {
		p := fmt.Sprintf("$.levels[%d]", i)
		switch s := c.scores[id]; {
		case s == nil:
			c.pl.Add(p, "levels names score %q, which does not exist", id)
		case len(s.Bands) == 0:
			c.pl.Add(p, "levels names score %q, which has no bands", id)
		case id == q.Level:
			c.pl.Add(p, "score %q is already the level", id)
		}
	}
	// Depth-first over "uses": an edge back to a score still open is a cycle.
	state := map[string]uint8{}
	var path []string
	var visit func(s *Score) bool
	visit = func(s *Score) bool {
		switch state[s.ID] {
		case 1:
			// Reported where the edge back to the start is written.
			from := c.scores[path[len(path)-1]]
			key := ".show_if"
			if slices.Contains(from.Scores, s.ID) {
				key = ".scores"
			}
			start := slices.Index(path, s.ID)
			c.pl.Add(c.scorePath(from.ID)+key, "scores depend on each other in a cycle: %s", strings.Join(append(path[start:], s.ID), " -> "))
			return false
		case 2:
			return true
		}
		state[s.ID] = 1
		path = append(path, s.ID)
		ok := true
		for _, id := range append(slices.Clone(s.Scores), conditionScores(s.ShowIf, nil)...) {
			if sub := c.scores[id]; sub != nil && !visit(sub) {
				ok = false
				break
			}
		}
		path = path[:len(path)-1]
		state[s.ID] = 2
		return ok
	}
	for _, s := range q.Scores {
		if state[s.ID] == 0 && !visit(s) {
			c.cyclic = true
			return // one cycle at a time: the others often go through it
		}
	}
}

func (c *checker) scorePath(id string) string {
	for i, s := range c.q.Scores {
		if s.ID == id {
			return fmt.Sprintf("$.scores[%d]", i)
		}
	}
	return "$.scores"
}

// earlierScore checks that skip logic looking at a score only looks at earlier answers: every
// item the score counts, through the scores it uses and their show_if, comes before.
func (c *checker) earlierScore(p, id string, before int) bool {
	s := c.scores[id]
	if s == nil {
		return true // reported as unknown by the caller
	}
	seen := map[string]bool{}
	var items []string
	var walk func(s *Score)
	walk = func(s *Score) {
		if seen[s.ID] {
			return
		}
		seen[s.ID] = true
		items = append(items, s.Items...)
		items = conditionItems(s.ShowIf, items)
		for _, sid := range append(slices.Clone(s.Scores), conditionScores(s.ShowIf, nil)...) {
			if sub := c.scores[sid]; sub != nil {
				walk(sub)
			}
		}
	}
	walk(s)
	for _, it := range items {
		if pos, ok := c.itemPos[it]; !ok || pos >= before {
			c.pl.Add(p+".score", "skip logic may only look at a score of earlier answers, and %q counts %q, which is not earlier", id, it)
			return false
		}
	}
	return true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
