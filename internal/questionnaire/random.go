package questionnaire

import (
	"math/rand/v2"
	"strconv"
)

// RandomAnswers answers the questionnaire as a person might on a random path: every item that
// skip logic shows is answered (an optional one is left out one time in four) with a random
// option, a random set of options, or a random number (one of its ends one time in three). The
// answers always pass Check. Tests use it to compare the engine with other readings of the file.
func (q *Questionnaire) RandomAnswers(rng *rand.Rand) Answers {
	return randomAnswers(q.model(), rng, 0)
}

// randomAnswers walks the items in order. bias -1 prefers the answers worth least, +1 the ones
// worth most (by their default value), so that a few paths reach a score's ends.
func randomAnswers(m model, rng *rand.Rand, bias int) Answers {
	a := Answers{}
	for _, it := range m.items {
		if !shownIn(m, it, a) || !it.IsRequired() && rng.IntN(4) == 0 {
			continue
		}
		switch it.Type {
		case Number:
			lo, hi := it.Range()
			v := lo + rng.IntN(hi-lo+1)
			switch {
			case bias > 0:
				v = hi
			case bias < 0:
				v = lo
			case rng.IntN(3) == 0:
				v = []int{lo, hi}[rng.IntN(2)]
			}
			a[it.ID] = []string{strconv.Itoa(v)}
		case Single:
			a[it.ID] = []string{pickOption(it, rng, bias).Code}
		default:
			a[it.ID] = pickSet(it, rng, bias)
		}
	}
	return a
}

func pickOption(it *Item, rng *rand.Rand, bias int) *Option {
	best := it.Options[rng.IntN(len(it.Options))]
	if bias == 0 {
		return best
	}
	for _, o := range it.Options {
		if bias > 0 && o.Value > best.Value || bias < 0 && o.Value < best.Value {
			best = o
		}
	}
	return best
}

// pickSet is a valid answer to a multiple-choice item: an exclusive option alone, or a non-empty
// set of the others.
func pickSet(it *Item, rng *rand.Rand, bias int) []string {
	var free, excl []string
	for _, o := range it.Options {
		if o.Exclusive {
			excl = append(excl, o.Code)
		} else {
			free = append(free, o.Code)
		}
	}
	if bias < 0 || len(excl) > 0 && rng.IntN(len(free)+1) == 0 {
		return []string{pickOption(it, rng, bias).Code}
	}
	var set []string
	for _, code := range free {
		if bias > 0 || rng.IntN(2) == 0 {
			set = append(set, code)
		}
	}
	if len(set) == 0 {
		set = []string{free[rng.IntN(len(free))]}
	}
	return set
}

// shownIn reports whether skip logic shows an item, given the answers to the items before it
// that were shown.
func shownIn(m model, it *Item, seen Answers) bool {
	for _, c := range []*Condition{sectionShowIf(it), it.ShowIf} {
		if c == nil {
			continue
		}
		ids := conditionScores(c, nil)
		if len(ids) == 0 {
			if !c.holds(seen, nil) {
				return false
			}
			continue
		}
		e := newScorer(m, seen)
		for _, id := range ids {
			if s := m.scores[id]; s != nil {
				e.value(s)
			}
		}
		if !c.holds(seen, e.vals) {
			return false
		}
	}
	return true
}
