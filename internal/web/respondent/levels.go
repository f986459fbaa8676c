package respondent

import (
	"slices"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// otherLevels are a result's levels besides the main one, each with a band to say.
func otherLevels(view resultview.ResultView, q *questionnaire.Questionnaire) []resultview.LevelView {
	var out []resultview.LevelView
	for _, lv := range view.Levels {
		if lv.Score != q.LevelScore().ID && lv.Band != "" {
			out = append(out, lv)
		}
	}
	return out
}

// saidInLevels are the items whose answers the other levels already sum up: every score that
// counts the item is one of those levels, and no flag raised looks at it. ASSIST's answers
// about each substance count only toward that substance's risk level; said back one by one as
// well, ten substances would make a page too long to read (and over the weight every page
// keeps to).
func saidInLevels(r *questionnaire.Result, levels []resultview.LevelView) map[string]bool {
	if len(levels) == 0 {
		return nil
	}
	inLevel := map[string]bool{}
	for _, lv := range levels {
		inLevel[lv.Score] = true
	}
	flagged := map[string]bool{}
	for _, f := range r.Flags {
		for _, id := range f.When.ItemIDs() {
			flagged[id] = true
		}
	}
	out := map[string]bool{}
	for _, t := range r.Told {
		id := t.Item.ID
		counting := 0
		only := true
		for _, s := range r.Questionnaire.Scores {
			if slices.Contains(s.Items, id) {
				counting++
				only = only && inLevel[s.ID]
			}
		}
		out[id] = counting > 0 && only && !flagged[id]
	}
	return out
}
