package questionnaire

import (
	"slices"

	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// MaxTextLength caps any single text; longer is a mistake, not content.
const MaxTextLength = 4000

// Parse reads and checks one questionnaire file. It returns the questionnaire only when there is
// no problem at all: a definition that fails a rule is never used to score anyone.
func Parse(file string, data []byte) (*Questionnaire, error) {
	q, ps := parse(file, data)
	return q, ps.Err()
}

func parse(file string, data []byte) (*Questionnaire, yamlfile.Problems) {
	q := new(Questionnaire)
	pl, ps := yamlfile.Read(file, data, q)
	if ps != nil {
		return nil, ps
	}
	if pl.Len() == 0 {
		// Repeated blocks become plain sections first; problems in a copy are reported at the
		// line of what was written.
		pl.Rewrite = expand(q, pl).writtenPath
		checkSize(pl, q)
	}
	if pl.Len() == 0 {
		// Cross-checks assume the field rules hold (ids present, known kinds).
		c := checker{q: q, pl: pl}
		c.run()
	}
	if pl.Len() > 0 {
		return nil, pl.Resolve()
	}
	q.link()
	return q, nil
}

// scoreRange is the lowest and highest value a score can take, over every way of answering.
// Items that skip logic may hide, or that are optional, can contribute nothing.
func scoreRange(s *Score) (lo, hi int) {
	if s.Kind == Criteria {
		return criteriaRange(s, s.items)
	}
	for _, it := range s.items {
		mayBeAbsent := !it.IsRequired() || it.ShowIf != nil || it.section.ShowIf != nil
		if it.Type == Number {
			itLo, itHi := it.numberRange()
			if s.Kind == Count {
				itLo, itHi = boolInt(itLo > 0), boolInt(itHi > 0)
			}
			if mayBeAbsent {
				itLo, itHi = min(itLo, 0), max(itHi, 0)
			}
			lo += itLo
			hi += itHi
			continue
		}
		var vals []int
		for _, o := range it.Options {
			v := o.ValueFor(s.ID)
			if s.Kind == Count {
				v = boolInt(v > 0)
			}
			vals = append(vals, v)
		}
		itLo, itHi := slices.Min(vals), slices.Max(vals)
		if it.Type == Multiple && s.Kind == Sum {
			itLo, itHi = multipleRange(it, s.ID)
		}
		if mayBeAbsent {
			itLo, itHi = min(itLo, 0), max(itHi, 0)
		}
		lo += itLo
		hi += itHi
	}
	return lo, hi
}

// multipleRange is the range of a sum over a tick-all-that-apply item: at least one option is
// ticked, and an exclusive option is ticked alone. The lowest is every negative option together
// (or the lowest option alone when none is negative); the highest likewise.
func multipleRange(it *Item, score string) (lo, hi int) {
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

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// link fills in the derived fields once the file is known to be sound.
func (q *Questionnaire) link() {
	q.itemIDs = map[string]*Item{}
	q.scores = map[string]*Score{}
	q.domains = map[string]*Domain{}
	for _, d := range q.Domains {
		q.domains[d.ID] = d
	}
	n := 0
	for si, s := range q.Sections {
		s.index = si
		for _, it := range s.Items {
			it.section = s
			it.index = n
			n++
			q.items = append(q.items, it)
			q.itemIDs[it.ID] = it
		}
	}
	for _, s := range q.Scores {
		q.scores[s.ID] = s
		if s.items == nil && len(s.Items) > 0 {
			for _, id := range s.Items {
				s.items = append(s.items, q.itemIDs[id])
			}
			s.min, s.max = scoreRange(s)
		}
	}
	q.level = q.scores[q.Level]
	q.linkScores()
}
