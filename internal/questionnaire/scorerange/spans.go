package scorerange

import (
	"slices"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// span is the values a score or a term can take once the controllers are answered.
type span struct {
	lo, hi  int
	present bool // it has a value (it may still be absent when maybe is set)
	maybe   bool // it may have no value: an optional item, or (in a bound) skip logic
	exact   bool
	free    []string // the items it depends on that are not controllers
}

// span computes a score's span. With bound set, no controller is answered: every item that
// skip logic may hide, and every score with show_if, may have no value.
func (r *Finder) span(s *questionnaire.Score, a questionnaire.Answers, ctrl []*questionnaire.Item, bound bool, open map[string]bool) span {
	if open[s.ID] {
		return span{}
	}
	open[s.ID] = true
	defer delete(open, s.ID)
	out := span{present: true, exact: !bound}
	if s.Kind == questionnaire.Criteria {
		return r.criteriaSpan(s, a, ctrl, bound)
	}
	if s.ShowIf != nil {
		if bound {
			out.maybe = true
		} else if !r.m.Holds(s.ShowIf, a) {
			return span{exact: true}
		}
	}
	var terms []span
	for _, id := range s.Items {
		if it := r.byID[id]; it != nil {
			if t, ok := r.itemSpan(s, it, a, ctrl, bound); ok {
				terms = append(terms, t)
			}
		}
	}
	for _, id := range s.Scores {
		sub := r.scores[id]
		if sub == nil {
			continue
		}
		t := r.span(sub, a, ctrl, bound, open)
		if !t.present {
			continue
		}
		if s.Kind == questionnaire.Count {
			t.lo, t.hi = boolInt(t.lo > 0), boolInt(t.hi > 0)
		}
		terms = append(terms, t)
	}
	seen := map[string]bool{}
	for _, t := range terms {
		out.exact = out.exact && t.exact
		for _, id := range t.free {
			if seen[id] {
				out.exact = false // an item counted twice cannot be at both ends at once
			}
			seen[id] = true
			out.free = append(out.free, id)
		}
	}
	out.lo, out.hi = combineSpans(s.Kind, terms, &out.exact)
	return out
}

// criteriaSpan is the span of a criteria score: its items counted as met or not, grouped by
// their DSM-5 criterion, a group met when any of its items is. Where a group has several
// items the span is a bound, not exact.
func (r *Finder) criteriaSpan(s *questionnaire.Score, a questionnaire.Answers, ctrl []*questionnaire.Item, bound bool) span {
	out := span{present: true, exact: !bound}
	groups := map[string]*[2]int{}
	for _, id := range s.Items {
		it := r.byID[id]
		if it == nil || it.DSM5 == "" {
			continue
		}
		t, ok := r.itemSpan(s, it, a, ctrl, bound)
		if !ok {
			continue
		}
		lo, hi := t.lo, t.hi
		if t.maybe {
			lo = 0
		}
		g := groups[it.DSM5]
		if g == nil {
			g = &[2]int{}
			groups[it.DSM5] = g
		} else {
			out.exact = false
		}
		g[0], g[1] = max(g[0], lo), max(g[1], hi)
		out.exact = out.exact && t.exact
		out.free = append(out.free, t.free...)
	}
	for _, g := range groups {
		out.lo += g[0]
		out.hi += g[1]
	}
	return out
}

// combineSpans combines terms as the engine combines a score's terms, over ranges of values.
func combineSpans(kind string, terms []span, exact *bool) (lo, hi int) {
	if kind == questionnaire.Max || kind == questionnaire.Min {
		var sure, all []span
		for _, t := range terms {
			all = append(all, t)
			if !t.maybe {
				sure = append(sure, t)
			}
		}
		if len(all) == 0 {
			return 0, 0
		}
		if len(sure) < len(all) {
			// Terms that may have no value: bound by including "nothing" (0) at both ends.
			*exact = false
			lo, hi = 0, 0
			for _, t := range all {
				lo, hi = min(lo, t.lo), max(hi, t.hi)
			}
			return lo, hi
		}
		pick := func(f func(...int) int, g func(span) int) int {
			vals := make([]int, len(all))
			for i, t := range all {
				vals[i] = g(t)
			}
			return f(vals...)
		}
		if kind == questionnaire.Max {
			return pick(maxOf, func(t span) int { return t.lo }), pick(maxOf, func(t span) int { return t.hi })
		}
		return pick(minOf, func(t span) int { return t.lo }), pick(minOf, func(t span) int { return t.hi })
	}
	for _, t := range terms {
		l, h := t.lo, t.hi
		if t.maybe {
			l, h = min(l, 0), max(h, 0)
		}
		lo += l
		hi += h
	}
	return lo, hi
}

func maxOf(v ...int) int { return slices.Max(v) }
func minOf(v ...int) int { return slices.Min(v) }

// itemSpan is what an item can add to a score; ok is false when it surely adds nothing.
func (r *Finder) itemSpan(s *questionnaire.Score, it *questionnaire.Item, a questionnaire.Answers, ctrl []*questionnaire.Item, bound bool) (span, bool) {
	t := span{present: true, exact: true, maybe: !it.IsRequired()}
	switch {
	case bound:
		t.exact = false
		t.maybe = t.maybe || it.ShowIf != nil || sectionShowIf(it) != nil
	case slices.Contains(ctrl, it):
		v, counted, ok := it.ScoreValue(s, a)
		if !ok {
			return span{}, false
		}
		if s.Kind == questionnaire.Count || s.Kind == questionnaire.Criteria {
			v = boolInt(counted)
		}
		return span{lo: v, hi: v, present: true, exact: true}, true
	case !r.shown(it, a):
		return span{}, false
	default:
		t.free = []string{it.ID}
	}
	switch {
	case it.Type == questionnaire.Number:
		t.lo, t.hi = it.ValueRange()
		if s.Kind == questionnaire.Count || s.Kind == questionnaire.Criteria {
			t.lo, t.hi = boolInt(t.lo > 0), boolInt(t.hi > 0)
		}
	case s.Kind == questionnaire.Count || s.Kind == questionnaire.Criteria:
		// Counted when some chosen option is worth more than 0.
		t.lo, t.hi = 1, 0
		for _, o := range it.Options {
			if o.ValueFor(s.ID) > 0 {
				t.hi = 1
			} else {
				t.lo = 0
			}
		}
		if t.hi == 0 {
			t.lo = 0
		}
	case it.Type == questionnaire.Multiple:
		t.lo, t.hi = it.SumRange(s.ID)
	default:
		vals := make([]int, len(it.Options))
		for i, o := range it.Options {
			vals[i] = o.ValueFor(s.ID)
		}
		t.lo, t.hi = slices.Min(vals), slices.Max(vals)
	}
	return t, true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
