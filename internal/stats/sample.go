package stats

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
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
func SyntheticResponse(q *questionnaire.Questionnaire, rng *rand.Rand, concern float64, force map[string]string) *store.Response {
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
	return &store.Response{Questionnaire: q.ID, Version: q.Version, Answers: res.Answers, Scores: res.Scores, Band: band, Flags: flags}
}

// Relations are the linear relations between a block's cells that hold for every possible set
// of responses: the ones a reader who knows the questionnaire can use to work out a withheld
// cell. Totals are sums of their parts; an item asked only after some answer has as many
// answers as that answer was chosen; a warning sign is the sum of the options that make it.
//
// Rather than derive them from the definitions by hand (and miss one), they are found as
// every relation that holds across thousands of synthetic responses made by the scoring
// engine: a relation true for all responses is true for these, so none is missed; a relation
// true only by chance for these would only make suppression more cautious. Each cell must be
// produced by some synthetic response, or nothing can be learned about it: the search forces
// answers and varies concern until every cell is seen, and lists the cells it never saw.
type relations struct {
	rows   [][]uint64 // over the block's cells
	unseen []string   // cells no synthetic response produced
}

// relationCache maps a block's versions and cells to its relations. The key holds the
// questionnaires themselves, which keeps them alive: an address is never reused for another.
var relationCache sync.Map

type relationKey struct {
	newest *questionnaire.Questionnaire
	cells  string // every version and cell, which tell blocks of the same newest version apart
}

func (b *block) relations() *relations {
	sig := make([]string, 0, len(b.versions)+len(b.cells))
	for _, q := range b.versions {
		sig = append(sig, q.ID+"@"+q.Version)
	}
	key := relationKey{b.versions[0], strings.Join(append(sig, b.cells...), "\n")}
	if r, ok := relationCache.Load(key); ok {
		return r.(*relations)
	}
	r := b.findRelations()
	relationCache.Store(key, r)
	return r
}

func (b *block) findRelations() *relations {
	// A fixed seed: the same questionnaires give the same relations, so releases repeat.
	rng := rand.New(rand.NewPCG(0x6b657461, uint64(len(b.cells))))
	n := len(b.cells)
	perVersion := max(1000, 8*n)
	seen := make([]bool, n)
	var rows [][]uint64
	addSample := func(q *questionnaire.Questionnaire, force map[string]string) {
		r := SyntheticResponse(q, rng, rng.Float64(), force)
		vals := b.assemble(map[string]versionCounts{q.Version: responseCounts(r)})
		row := make([]uint64, n)
		for i, v := range vals {
			row[i] = modp(v)
			if v != 0 {
				seen[i] = true
			}
		}
		rows = append(rows, row)
	}
	for _, q := range b.versions {
		for range perVersion {
			addSample(q, nil)
		}
	}
	// Rare cells: force their option (for option cells), or keep trying at random.
	for i, id := range b.cells {
		for try := 0; !seen[i] && try < 4000; try++ {
			q := b.versions[try%len(b.versions)]
			var force map[string]string
			if io, code, ok := b.optionOf(id); ok && q.Item(io) != nil && q.Item(io).Option(code) != nil {
				force = map[string]string{io: code}
			}
			addSample(q, force)
		}
	}
	// A cell never seen is 0 in every sample, so "it is 0" comes out as a relation; a release
	// refuses a non-zero count in such a cell (see unseen).
	rel := &relations{rows: nullSpace(rows, n)}
	for i, s := range seen {
		if !s {
			rel.unseen = append(rel.unseen, b.cells[i])
		}
	}
	return rel
}

// optionOf splits an option cell id into item and code.
func (b *block) optionOf(id string) (item, code string, ok bool) {
	for _, io := range b.options {
		for _, c := range io.codes {
			if optionCell(b.id, io.item, c) == id {
				return io.item, c, true
			}
		}
	}
	return "", "", false
}
