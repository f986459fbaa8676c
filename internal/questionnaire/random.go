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
	return q.model().RandomAnswers(rng, 0)
}

// RandomAnswers is a random path through the model's items, walked in order, as
// Questionnaire.RandomAnswers makes one. bias -1 prefers the answers worth least, +1 the ones
// worth most (by their default value), so that a few paths reach a score's ends; 0 has none.
func (m Model) RandomAnswers(rng *rand.Rand, bias int) Answers {
	a := Answers{}
	for _, it := range m.items {
		if !m.Shown(it, a) || !it.IsRequired() && rng.IntN(4) == 0 {
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
