package questionnaire

import (
	"slices"
	"strconv"
	"strings"
)

// Scale is where a score's value sits among its bands, out of the most the person could reach
// with the questions they were asked: someone in prescribed treatment is not asked about
// tolerance or withdrawal, so their scale ends lower.
type Scale struct {
	Score *Score
	Value int
	Max   int
	Bands []ScaleBand
}

// ScaleBand is one band on a scale, cut to the scale's end.
type ScaleBand struct {
	Band     *Band
	Min, Max int
	Current  bool
}

// Scale returns the level score's scale, or nil when there is no level.
func (r *Result) Scale() *Scale {
	s := r.Questionnaire.level
	if s == nil || r.Level == nil {
		return nil
	}
	shown := r.Questionnaire.Visibility(r.Answers)
	var asked []*Item
	for _, it := range s.items {
		if shown[it.ID] {
			asked = append(asked, it)
		}
	}
	sc := &Scale{Score: s, Value: r.Scores[s.ID]}
	if s.Kind == Criteria {
		_, sc.Max = criteriaRange(s, asked)
	} else {
		// Items that were asked are present: their own range is the score's over them.
		_, sc.Max = scoreRange(&Score{ID: s.ID, Kind: s.Kind, items: asked})
	}
	sc.Max = max(sc.Max, sc.Value)
	for _, b := range s.Bands {
		if b.Min > sc.Max {
			break
		}
		sb := ScaleBand{Band: b, Min: b.Min, Max: min(b.Max, sc.Max), Current: b == r.Level}
		sc.Bands = append(sc.Bands, sb)
	}
	return sc
}

// ScaleView is a scale in one language, for a page to draw: "3 of 9 warning signs" and the
// bands in order, the person's own marked.
type ScaleView struct {
	Score string          `json:"score"`
	Text  string          `json:"text"`
	Value int             `json:"value"`
	Max   int             `json:"max"`
	Bands []ScaleBandView `json:"bands"`
}

// ScaleBandView is one band of a scale in one language.
type ScaleBandView struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	Min     int    `json:"min"`
	Max     int    `json:"max"`
	Current bool   `json:"current,omitempty"`
}

// View renders the scale in a language. It is nil when the score has no scale text, or when
// no question of the score was asked (someone who has not used in the last 12 months): a scale
// of nothing says nothing.
func (sc *Scale) View(lang string) *ScaleView {
	if sc == nil || len(sc.Score.Scale) == 0 || sc.Max == 0 {
		return nil
	}
	text := strings.NewReplacer("{value}", strconv.Itoa(sc.Value), "{max}", strconv.Itoa(sc.Max)).Replace(sc.Score.Scale.In(lang))
	v := &ScaleView{Score: sc.Score.ID, Text: text, Value: sc.Value, Max: sc.Max, Bands: []ScaleBandView{}}
	for _, b := range sc.Bands {
		v.Bands = append(v.Bands, ScaleBandView{ID: b.Band.ID, Label: b.Band.Label.In(lang), Min: b.Min, Max: b.Max, Current: b.Current})
	}
	return v
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
			itLo, itHi := it.ValueRange()
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
			itLo, itHi = it.SumRange(s.ID)
		}
		if mayBeAbsent {
			itLo, itHi = min(itLo, 0), max(itHi, 0)
		}
		lo += itLo
		hi += itHi
	}
	return lo, hi
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
