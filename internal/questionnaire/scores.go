package questionnaire

import "slices"

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

// scorer computes scores from the answers skip logic shows, each score once, the scores it
// uses first. A score whose show_if does not hold, or that is part of a cycle (which lint
// refuses), has no value.
type scorer struct {
	m     Model
	a     Answers
	vals  map[string]int
	state map[string]uint8 // 1 while being computed, 2 when done
	// mark, when set, hears of every answer that added something to a score.
	mark func(s *Score, it *Item, code string)
}

func newScorer(m Model, a Answers) *scorer {
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
	for _, id := range s.ShowIf.ScoreIDs() {
		if sub := e.m.scores[id]; sub != nil {
			e.value(sub)
		}
	}
	if s.ShowIf != nil && !s.ShowIf.Holds(e.a, e.vals) {
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

// ScoreValue is what the item's answer adds to score s, and whether it counts (a chosen option
// worth more than 0, or a number that adds more than 0); ok is false when it has no answer.
func (it *Item) ScoreValue(s *Score, a Answers) (v int, counted, ok bool) {
	return (&scorer{a: a}).itemValue(s, it)
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

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SumRange is what a tick-all-that-apply item can add to the sum score of that id: at least
// one option is ticked, and an exclusive option is ticked alone. The lowest is every negative
// option together (or the lowest option alone when none is negative); the highest likewise.
func (it *Item) SumRange(score string) (lo, hi int) {
	var neg, pos int
	for i, o := range it.Options {
		v := o.ValueFor(score)
		if i == 0 {
			lo, hi = v, v
		}
		lo, hi = min(lo, v), max(hi, v)
		if o.Exclusive {
			continue
		}
		if v < 0 {
			neg += v
		} else {
			pos += v
		}
	}
	if neg < 0 {
		lo = min(lo, neg)
	}
	if pos > 0 {
		hi = max(hi, pos)
	}
	return lo, hi
}
