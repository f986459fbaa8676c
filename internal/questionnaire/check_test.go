package questionnaire_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// engineOK is a complete, valid set of answers to testdata/engine.yaml.
var engineOK = ans(
	"use", "recreational", "often", "monthly",
	"craving", "no", "tolerance", "no", "stop", "yes", "harms", "none",
	"safety", "no",
)

func TestCheck(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	type problem struct{ item, kind string }
	tests := []struct {
		name    string
		answers questionnaire.Answers
		want    []problem
	}{
		{"OK", engineOK, nil},
		{"OKOptionalAnswered", with(engineOK, "optional", "b", "if_not_a", "no"), nil},
		{"OKOptionalEmptyList", with(engineOK, "optional", ""), nil},
		{"OKMultiple", with(engineOK, "harms", "bladder,memory,mood"), nil},
		{"OKPrescribedNotDaily", ans("use", "prescribed", "often", "never", "safety", "no"), nil},
		{"OKNoneRecent", ans("use", "none_recent", "safety", "no"), nil},

		{"ErrUnknownItem", with(engineOK, "nope", "yes"), []problem{{"nope", questionnaire.ErrUnknownItem}}},
		{"ErrUnknownItemsSorted", with(engineOK, "zz", "a", "aa", "b"),
			[]problem{{"aa", questionnaire.ErrUnknownItem}, {"zz", questionnaire.ErrUnknownItem}}},
		{"ErrInvalidOption", with(engineOK, "craving", "maybe"), []problem{{"craving", questionnaire.ErrInvalidOption}}},
		{"ErrInvalidOptionInMultiple", with(engineOK, "harms", "memory,liver"), []problem{{"harms", questionnaire.ErrInvalidOption}}},
		{"ErrInvalidOptionEmptyCode", withCodes(engineOK, "stop", ""), []problem{{"stop", questionnaire.ErrInvalidOption}}},
		{"ErrRequired", without(engineOK, "craving"), []problem{{"craving", questionnaire.ErrRequired}}},
		{"ErrRequiredEmptyList", with(engineOK, "craving", ""), []problem{{"craving", questionnaire.ErrRequired}}},
		{"ErrRequiredMultiple", with(engineOK, "harms", ""), []problem{{"harms", questionnaire.ErrRequired}}},
		{"ErrRequiredNothing", questionnaire.Answers{}, []problem{{"use", questionnaire.ErrRequired}, {"safety", questionnaire.ErrRequired}}},
		{"ErrRequiredFollowUp", with(engineOK, "optional", "a"), []problem{{"if_a", questionnaire.ErrRequired}}},
		{"ErrHiddenItem", with(engineOK, "use", "prescribed", "often", "monthly"),
			[]problem{{"craving", questionnaire.ErrHidden}, {"tolerance", questionnaire.ErrHidden}, {"stop", questionnaire.ErrHidden}, {"harms", questionnaire.ErrHidden}}},
		{"ErrHiddenByItemShowIf", ans("use", "prescribed", "often", "daily", "craving", "no", "tolerance", "no", "stop", "yes", "harms", "none", "safety", "no"),
			[]problem{{"tolerance", questionnaire.ErrHidden}}},
		{"ErrHiddenEmptyList", ans("use", "none_recent", "often", "", "safety", "no"), []problem{{"often", questionnaire.ErrHidden}}},
		{"ErrHiddenFollowUp", with(engineOK, "if_a", "yes"), []problem{{"if_a", questionnaire.ErrHidden}}},
		{"ErrWrongTypeTwoCodes", with(engineOK, "use", "prescribed,both"), []problem{{"use", questionnaire.ErrWrongType}}},
		{"ErrWrongTypeSameCodeTwice", with(engineOK, "craving", "no,no"), []problem{{"craving", questionnaire.ErrWrongType}}},
		{"ErrWrongTypeDuplicateCode", with(engineOK, "harms", "memory,mood,memory"), []problem{{"harms", questionnaire.ErrWrongType}}},
		{"ErrExclusive", with(engineOK, "harms", "none,memory"), []problem{{"harms", questionnaire.ErrExclusive}}},
		{"ErrExclusiveLast", with(engineOK, "harms", "bladder,none"), []problem{{"harms", questionnaire.ErrExclusive}}},
		{"ErrSeveralInOrder", with(without(engineOK, "safety"), "zz", "x", "harms", "none,mood", "craving", "maybe"),
			[]problem{{"zz", questionnaire.ErrUnknownItem}, {"craving", questionnaire.ErrInvalidOption}, {"harms", questionnaire.ErrExclusive}, {"safety", questionnaire.ErrRequired}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := q.Check(tt.answers)
			var got []problem
			for _, e := range errs {
				got = append(got, problem{e.Item, e.Kind})
				if !strings.Contains(e.Message, e.Item) {
					t.Errorf("message %q does not name the item %q", e.Message, e.Item)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Check() = %v, want %v", got, tt.want)
			}

			// Score refuses the same answers with the same errors, and scores nothing.
			r, err := q.Score(tt.answers)
			if len(tt.want) == 0 {
				if err != nil || r == nil {
					t.Fatalf("Score() = %v, %v; want a result", r, err)
				}
				return
			}
			if r != nil {
				t.Errorf("Score() returned a result %v with invalid answers", r.Scores)
			}
			var ae questionnaire.AnswersError
			if !errors.As(err, &ae) {
				t.Fatalf("Score() error = %v (%T), want AnswersError", err, err)
			}
			if len(ae) != len(errs) {
				t.Errorf("Score() error has %d problems, Check has %d", len(ae), len(errs))
			}
			for _, p := range tt.want {
				if len(ae.For(p.item)) == 0 {
					t.Errorf("AnswersError.For(%q) is empty", p.item)
				}
				if !strings.Contains(err.Error(), p.item) {
					t.Errorf("error %q does not name %q", err, p.item)
				}
			}
		})
	}
}

// A single problem is reported per item, so a client can show one message by each field.
func TestCheckItem(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	a := with(engineOK, "harms", "liver,none,none")
	shown := q.Visibility(a)
	got := q.CheckItem(q.Item("harms"), a, shown)
	if len(got) != 1 || got[0].Kind != questionnaire.ErrInvalidOption {
		t.Errorf("CheckItem(harms) = %v, want one invalid_option", got)
	}
	if got := q.CheckItem(q.Item("craving"), a, shown); len(got) != 0 {
		t.Errorf("CheckItem(craving) = %v, want none", got)
	}
}

// Score never keeps a reference to the caller's answers: changing them afterwards changes nothing.
func TestScoreCopiesAnswers(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	a := with(engineOK, "craving", "yes")
	r := mustScore(t, q, a)
	a["craving"][0] = "no"
	if got := r.Answers["craving"]; len(got) != 1 || got[0] != "yes" {
		t.Errorf("result answers changed with the caller's: %v", got)
	}
}

// withCodes sets one answer to exactly these codes, empty ones included.
func withCodes(a questionnaire.Answers, item string, codes ...string) questionnaire.Answers {
	c := a.Clone()
	c[item] = codes
	return c
}

// TestCloneKeepsAnswersApart: a clone shares nothing with the original, an append to one of
// its answers cannot reach another, and nil and empty answers stay as they were.
func TestCloneKeepsAnswersApart(t *testing.T) {
	a := questionnaire.Answers{"one": {"a", "b"}, "two": {"c"}, "none": nil, "empty": {}}
	c := a.Clone()
	c["one"][0] = "changed"
	if a["one"][0] != "a" {
		t.Errorf("the original changed with its clone: %v", a["one"])
	}
	two := append([]string(nil), c["two"]...)
	_ = append(c["one"], "appended")
	_ = append(c["empty"], "appended")
	if !slices.Equal(c["two"], two) {
		t.Errorf("an append to one answer reached another: %v", c["two"])
	}
	if c["none"] != nil || c["empty"] == nil || len(c["empty"]) != 0 {
		t.Errorf("nil and empty answers: %#v %#v", c["none"], c["empty"])
	}
	if _, ok := c["none"]; !ok || len(c) != len(a) {
		t.Errorf("the clone has %d answers, the original %d", len(c), len(a))
	}
}
