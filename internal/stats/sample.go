package stats

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// RandomAnswers makes a valid, complete set of answers to q. concern, from 0 to 1, is how
// likely each answer is to be one that counts toward a score, so a spread of concern values
// gives every level. force, when set, picks an item's option whenever the item is asked.
func RandomAnswers(q *questionnaire.Questionnaire, rng *rand.Rand, concern float64, force map[string]string) questionnaire.Answers {
	a := questionnaire.Answers{}
	for _, it := range q.Items() {
		if code, ok := force[it.ID]; ok {
			a[it.ID] = []string{code}
			continue
		}
		if !it.IsRequired() && rng.Float64() < 0.1 {
			continue
		}
		if it.Type == questionnaire.Number {
			a[it.ID] = []string{strconv.Itoa(randomNumber(it, rng, concern))}
			continue
		}
		var pos, neg []*questionnaire.Option
		for _, o := range it.Options {
			if counts(q, o) {
				pos = append(pos, o)
			} else {
				neg = append(neg, o)
			}
		}
		if it.Type == questionnaire.Single {
			pool := it.Options
			if len(pos) > 0 && len(neg) > 0 {
				pool = neg
				if rng.Float64() < concern {
					pool = pos
				}
			}
			a[it.ID] = []string{pool[rng.IntN(len(pool))].Code}
			continue
		}
		var codes, exclusive []string
		for _, o := range it.Options {
			p := 0.2 * (1 - concern)
			if counts(q, o) {
				p = concern / 2
			}
			if o.Exclusive {
				exclusive = append(exclusive, o.Code)
			} else if rng.Float64() < p {
				codes = append(codes, o.Code)
			}
		}
		switch {
		case len(codes) > 0:
		case len(exclusive) > 0:
			codes = []string{exclusive[rng.IntN(len(exclusive))]}
		default:
			codes = []string{it.Options[rng.IntN(len(it.Options))].Code}
		}
		a[it.ID] = codes
	}
	// Skip logic: drop what the answers so far do not ask.
	return q.Prune(a)
}

// randomNumber is an answer to a number item within its range: its lowest value (often "none",
// as 0 days) or, as often as concern says, any value of the range.
func randomNumber(it *questionnaire.Item, rng *rand.Rand, concern float64) int {
	lo, hi := it.Range()
	if rng.Float64() < concern {
		return lo + rng.IntN(hi-lo+1)
	}
	return lo
}

// counts reports whether choosing the option adds to any score.
func counts(q *questionnaire.Questionnaire, o *questionnaire.Option) bool {
	if o.Value > 0 {
		return true
	}
	for _, s := range q.Scores {
		if o.ValueFor(s.ID) > 0 {
			return true
		}
	}
	return false
}

// SyntheticResponse scores random answers into a response ready to store (no language,
// region or day). It panics if the engine refuses its own random answers: a bug.
func SyntheticResponse(q *questionnaire.Questionnaire, rng *rand.Rand, concern float64, force map[string]string) *responsedb.Response {
	a := RandomAnswers(q, rng, concern, force)
	res, err := q.Score(a)
	if err != nil {
		panic(fmt.Sprintf("stats: %s %s refuses random answers: %v", q.ID, q.Version, err))
	}
	flags := res.FlagIDs()
	band := ""
	if res.Level != nil {
		band = res.Level.ID
	}
	return &responsedb.Response{Questionnaire: q.ID, Version: q.Version, Answers: res.Answers, Scores: res.Scores, Band: band, Flags: flags}
}
