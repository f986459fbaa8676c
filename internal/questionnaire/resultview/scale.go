package resultview

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Scale is where a score's value sits among its bands, out of the most the person could reach
// with the questions they were asked: someone in prescribed treatment is not asked about
// tolerance or withdrawal, so their scale ends lower.
type Scale struct {
	Score *questionnaire.Score
	Value int
	Max   int
	Bands []ScaleBand
}

// ScaleBand is one band on a scale, cut to the scale's end.
type ScaleBand struct {
	Band     *questionnaire.Band
	Min, Max int
	Current  bool
}

// ScaleOf returns the result's level score on its scale, or nil when there is no level.
func ScaleOf(r *questionnaire.Result) *Scale {
	s := r.Questionnaire.LevelScore()
	if s == nil || r.Level == nil {
		return nil
	}
	shown := r.Shown()
	var asked []*questionnaire.Item
	for _, it := range s.ItemList() {
		if shown[it.ID] {
			asked = append(asked, it)
		}
	}
	sc := &Scale{Score: s, Value: r.Scores[s.ID]}
	// Items that were asked are present: their own range is the score's over them.
	_, sc.Max = scoreRange(s, asked)
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

// scoreRange is the lowest and highest value a score can take over the items, over every way
// of answering them. Items that skip logic may hide, or that are optional, can contribute
// nothing.
func scoreRange(s *questionnaire.Score, items []*questionnaire.Item) (lo, hi int) {
	if s.Kind == questionnaire.Criteria {
		return criteriaRange(s, items)
	}
	for _, it := range items {
		mayBeAbsent := !it.IsRequired() || it.ShowIf != nil || it.Section().ShowIf != nil
		if it.Type == questionnaire.Number {
			itLo, itHi := it.ValueRange()
			if s.Kind == questionnaire.Count {
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
			if s.Kind == questionnaire.Count {
				v = boolInt(v > 0)
			}
			vals = append(vals, v)
		}
		itLo, itHi := slices.Min(vals), slices.Max(vals)
		if it.Type == questionnaire.Multiple && s.Kind == questionnaire.Sum {
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

// criteriaRange is the lowest and highest number of criteria the items can meet. A criterion
// can be met when one of its items has an option that counts; it is always met only when one
// of its items is always asked, required, and has nothing but options that count.
func criteriaRange(s *questionnaire.Score, items []*questionnaire.Item) (lo, hi int) {
	can, must := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		if it.DSM5 == "" {
			continue
		}
		counts, all := false, true
		for _, o := range it.Options {
			if o.ValueFor(s.ID) > 0 {
				counts = true
			} else {
				all = false
			}
		}
		if counts {
			can[it.DSM5] = true
		}
		alwaysAsked := it.IsRequired() && it.ShowIf == nil && (it.Section() == nil || it.Section().ShowIf == nil)
		if counts && all && alwaysAsked {
			must[it.DSM5] = true
		}
	}
	return len(must), len(can)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
