package questionnaire_test

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

func TestVisibility(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	always := []string{"optional", "safety"}
	signs := []string{"craving", "tolerance", "stop", "harms"}
	tests := []struct {
		name    string
		answers questionnaire.Answers
		want    []string
	}{
		// Unanswered items match neither any_of nor none_of: often (none_of) stays hidden.
		{"Nothing", ans(), append([]string{"use"}, always...)},
		{"NoneRecent", ans("use", "none_recent"), append([]string{"use"}, always...)},
		{"Recreational", ans("use", "recreational"), slices.Concat([]string{"use", "often"}, signs, always)},
		{"Both", ans("use", "both"), slices.Concat([]string{"use", "often"}, signs, always)},
		{"PrescribedBeforeFrequency", ans("use", "prescribed"), append([]string{"use", "often"}, always...)},
		{"PrescribedMonthly", ans("use", "prescribed", "often", "monthly"), append([]string{"use", "often"}, always...)},
		// any: [..., all: [prescribed, daily]] shows the section; tolerance's own show_if still hides it.
		{"PrescribedDaily", ans("use", "prescribed", "often", "daily"),
			slices.Concat([]string{"use", "often", "craving", "stop", "harms"}, always)},
		{"OptionalA", ans("optional", "a"), []string{"use", "optional", "if_a", "safety"}},
		{"OptionalAFollowedYes", ans("optional", "a", "if_a", "yes"), []string{"use", "optional", "if_a", "deeper_any", "deeper_none", "safety"}},
		{"OptionalAFollowedNo", ans("optional", "a", "if_a", "no"), []string{"use", "optional", "if_a", "safety"}},
		{"OptionalB", ans("optional", "b"), []string{"use", "optional", "if_not_a", "safety"}},
		// An optional item skipped with an empty list matches neither any_of nor none_of.
		{"OptionalEmpty", ans("optional", ""), []string{"use", "optional", "safety"}},
		// Answers left over from a changed mind reveal nothing.
		{"LeftoverFrequency", ans("use", "none_recent", "often", "daily"), append([]string{"use"}, always...)},
		{"LeftoverFollowUp", ans("optional", "b", "if_a", "yes"), []string{"use", "optional", "if_not_a", "safety"}},
		{"LeftoverUnanswered", ans("if_a", "yes"), []string{"use", "optional", "safety"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shownIDs(q, tt.answers); !qtest.Equal(got, tt.want) {
				t.Errorf("shown = %v, want %v", got, tt.want)
			}
			shown := q.Visibility(tt.answers)
			if len(shown) != len(q.Items()) {
				t.Errorf("Visibility has %d entries, want one per item (%d)", len(shown), len(q.Items()))
			}
			for _, s := range q.Sections {
				want := slices.ContainsFunc(s.Items, func(it *questionnaire.Item) bool { return slices.Contains(tt.want, it.ID) })
				if got := q.SectionShown(s, shown); got != want {
					t.Errorf("SectionShown(%s) = %v, want %v", s.ID, got, want)
				}
			}
		})
	}
}

func TestPrune(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	tests := []struct {
		name    string
		answers questionnaire.Answers
		want    questionnaire.Answers
	}{
		{"OK", engineOK, engineOK},
		{"ChangedToNoneRecent", with(engineOK, "use", "none_recent"), ans("use", "none_recent", "safety", "no")},
		{"ChangedToPrescribed", with(engineOK, "use", "prescribed"), ans("use", "prescribed", "often", "monthly", "safety", "no")},
		{"HiddenFollowUpChain", with(engineOK, "optional", "b", "if_a", "yes", "deeper_any", "yes", "deeper_none", "no"),
			with(engineOK, "optional", "b")},
		{"UnknownItem", with(engineOK, "nope", "x"), engineOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.answers.Clone()
			got := q.Prune(tt.answers)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Prune() = %v, want %v", got, tt.want)
			}
			if !maps.EqualFunc(in, tt.answers, slices.Equal) {
				t.Errorf("Prune changed its input: %v", tt.answers)
			}
			// What Prune keeps is what Check accepts about visibility.
			for _, e := range q.Check(got) {
				if e.Kind == questionnaire.ErrHidden || e.Kind == questionnaire.ErrUnknownItem {
					t.Errorf("Check(Prune()) still finds %v", e)
				}
			}
		})
	}
}

// A hidden item's leftover answer is refused by Check, and once pruned it counts in no score,
// raises no flag, and is not said back.
func TestHiddenAnswersNeverCount(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	a := ans("use", "prescribed", "often", "monthly", "safety", "no",
		// left over from "recreational", before the person changed their mind
		"craving", "yes", "tolerance", "yes", "stop", "no", "harms", "bladder,memory,mood")
	errs := q.Check(a)
	for _, id := range []string{"craving", "tolerance", "stop", "harms"} {
		got := errs.For(id)
		if len(got) != 1 || got[0].Kind != questionnaire.ErrHidden {
			t.Errorf("Check().For(%s) = %v, want hidden", id, got)
		}
	}
	if r, err := q.Score(a); r != nil || err == nil {
		t.Fatalf("Score() of hidden answers = %v, %v; want an error", r, err)
	}
	r := mustScore(t, q, q.Prune(a))
	for id, want := range map[string]int{"signs": 0, "harm": 0, "freq": 3} {
		if got := r.Scores[id]; got != want {
			t.Errorf("score %s = %d, want %d", id, got, want)
		}
	}
	if len(r.Flags) != 0 {
		t.Errorf("flags = %v, want none", r.FlagIDs())
	}
	if got, want := toldIDs(r), []string{"often"}; !qtest.Equal(got, want) {
		t.Errorf("told = %v, want %v", got, want)
	}
	if len(r.Criteria) != 0 {
		t.Errorf("criteria = %v, want none", r.Criteria)
	}
	if got := r.Level.ID; got != "low" {
		t.Errorf("level = %s, want low", got)
	}
}
