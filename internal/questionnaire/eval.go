package questionnaire

import "slices"

// Model is what evaluating skip logic and scores needs of a definition: its items in order,
// and its items and scores by id. A linked questionnaire has one; lint makes one (NewModel)
// for a file it is still checking.
type Model struct {
	items  []*Item
	byID   map[string]*Item
	scores map[string]*Score
}

// NewModel is the model of a definition that is not linked yet: its items in questionnaire
// order, placed in their sections (Questionnaire.PlaceItems), and its items and scores by id.
// References may still be wrong: a condition or score that names no item or score has nothing
// from it.
func NewModel(items []*Item, byID map[string]*Item, scores map[string]*Score) Model {
	return Model{items: items, byID: byID, scores: scores}
}

func (q *Questionnaire) model() Model {
	return Model{items: q.items, byID: q.itemIDs, scores: q.scores}
}

// Holds reports whether a condition holds for the answers, the scores it looks at computed
// from them first. A nil condition holds.
func (m Model) Holds(c *Condition, a Answers) bool {
	ids := c.ScoreIDs()
	if len(ids) == 0 {
		return c.Holds(a, nil)
	}
	e := newScorer(m, a)
	for _, id := range ids {
		if s := m.scores[id]; s != nil {
			e.value(s)
		}
	}
	return c.Holds(a, e.vals)
}

// Shown reports whether skip logic (its section's and its own) shows an item, given the
// answers to the items before it that were shown.
func (m Model) Shown(it *Item, seen Answers) bool {
	return m.Holds(sectionShowIf(it), seen) && m.Holds(it.ShowIf, seen)
}

// Value is a score's value for the answers, each score it uses computed first; ok is false
// when it has none (its show_if does not hold, or it is part of a cycle).
func (m Model) Value(s *Score, a Answers) (v int, ok bool) { return newScorer(m, a).value(s) }

func sectionShowIf(it *Item) *Condition {
	if it.Section() == nil {
		return nil
	}
	return it.Section().ShowIf
}

// Holds evaluates a condition on answers and score values, the answers of visible items only:
// a hidden item's answer never counts. A score condition on a score without a value does not
// hold; a nil condition holds.
func (c *Condition) Holds(a Answers, scores map[string]int) bool {
	switch {
	case c == nil:
		return true
	case c.Item != "" && (c.Min != nil || c.Max != nil):
		return numberHolds(a[c.Item], c.Min, c.Max)
	case c.Item != "":
		got, ok := a[c.Item]
		if !ok || len(got) == 0 {
			return false
		}
		if len(c.AnyOf) > 0 {
			return slices.ContainsFunc(got, func(code string) bool { return slices.Contains(c.AnyOf, code) })
		}
		return !slices.ContainsFunc(got, func(code string) bool { return slices.Contains(c.NoneOf, code) })
	case c.Score != "":
		v, ok := scores[c.Score]
		if !ok {
			return false
		}
		return (c.Min == nil || v >= *c.Min) && (c.Max == nil || v <= *c.Max)
	case c.All != nil:
		for _, sub := range c.All {
			if !sub.Holds(a, scores) {
				return false
			}
		}
		return true
	default:
		for _, sub := range c.Any {
			if sub.Holds(a, scores) {
				return true
			}
		}
		return false
	}
}

// ScoreIDs are the ids of the scores a condition looks at, in the order written.
func (c *Condition) ScoreIDs() []string {
	var out []string
	c.walk(func(c *Condition) {
		if c.Score != "" {
			out = append(out, c.Score)
		}
	})
	return out
}

// ItemIDs are the ids of the items a condition looks at, in the order written (an item named
// twice is listed twice).
func (c *Condition) ItemIDs() []string {
	var out []string
	c.walk(func(c *Condition) {
		if c.Item != "" {
			out = append(out, c.Item)
		}
	})
	return out
}

// walk calls fn on the condition and then on each condition inside it, in the order written
// (all before any); a nil condition has none.
func (c *Condition) walk(fn func(*Condition)) {
	if c == nil {
		return
	}
	fn(c)
	for _, sub := range c.All {
		sub.walk(fn)
	}
	for _, sub := range c.Any {
		sub.walk(fn)
	}
}
