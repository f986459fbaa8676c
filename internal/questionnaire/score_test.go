package questionnaire_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

func TestScore(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	high := ans("use", "recreational", "often", "daily", "craving", "yes", "tolerance", "yes", "stop", "no",
		"harms", "memory", "safety", "no")
	tests := []struct {
		name     string
		answers  questionnaire.Answers
		scores   map[string]int
		level    string
		flags    []string
		told     []string // item:code,code in questionnaire order
		criteria []string
		steps    []string
		advice   []string
		kinds    []string
	}{
		{
			name: "Low", answers: engineOK,
			scores: map[string]int{"signs": 0, "harm": 0, "freq": 3}, level: "low",
			told:  []string{"often:monthly"},
			steps: []string{"Keep an eye on it."}, advice: []string{"harm_reduction", "always"},
		},
		{
			// "Can you always stop?" scores 1 for no and 0 for yes.
			name: "ReverseScored", answers: with(engineOK, "stop", "no"),
			scores: map[string]int{"signs": 1, "harm": 0, "freq": 3}, level: "low",
			told: []string{"often:monthly", "stop:no"}, criteria: []string{"cut_down"},
			steps: []string{"Keep an eye on it."}, advice: []string{"harm_reduction", "always"},
		},
		{
			// sum adds every ticked option; count counts the item once.
			name: "MultipleSumAndCount", answers: with(engineOK, "harms", "memory,mood"),
			scores: map[string]int{"signs": 1, "harm": 2, "freq": 3}, level: "low",
			told: []string{"often:monthly", "harms:memory,mood"}, criteria: []string{"physical_psych_problems"},
			steps: []string{"Keep an eye on it."}, advice: []string{"harm_reduction", "always"},
		},
		{
			name: "MultipleAllTicked", answers: with(engineOK, "harms", "bladder,memory,mood"),
			scores: map[string]int{"signs": 1, "harm": 4, "freq": 3}, level: "low", flags: []string{"bladder"},
			told: []string{"often:monthly", "harms:bladder,memory,mood"}, criteria: []string{"physical_psych_problems"},
			steps: []string{"Keep an eye on it."}, advice: []string{"harm_reduction", "always"}, kinds: []string{"drug_info"},
		},
		{
			// bladder is worth 2 in harm, but its per-score value makes it worth nothing in signs.
			// It is said back because it raised a flag, and it is no DSM-5 criterion: it did not count in the level.
			name: "ValuesOverrideValue", answers: with(engineOK, "harms", "bladder"),
			scores: map[string]int{"signs": 0, "harm": 2, "freq": 3}, level: "low", flags: []string{"bladder"},
			told:  []string{"often:monthly", "harms:bladder"},
			steps: []string{"Keep an eye on it."}, advice: []string{"harm_reduction", "always"}, kinds: []string{"drug_info"},
		},
		{
			name: "NoneRecent", answers: ans("use", "none_recent", "safety", "no"),
			scores: map[string]int{"signs": 0, "harm": 0, "freq": 0}, level: "low",
			steps: []string{"Keep an eye on it."}, advice: []string{"always"},
		},
		{
			// The safety answer counts in no score: it is said back because it raised the flag.
			name: "SafetyFlagOnly", answers: ans("use", "none_recent", "safety", "yes"),
			scores: map[string]int{"signs": 0, "harm": 0, "freq": 0}, level: "low", flags: []string{"safety"},
			told:  []string{"safety:yes"},
			steps: []string{"Keep an eye on it."}, advice: []string{"always"}, kinds: []string{"crisis", "emergency"},
		},
		{
			name: "MidRecreational", answers: with(engineOK, "craving", "yes", "tolerance", "yes"),
			scores: map[string]int{"signs": 2, "harm": 0, "freq": 3}, level: "mid",
			told: []string{"often:monthly", "craving:yes", "tolerance:yes"}, criteria: []string{"craving", "tolerance"},
			steps: []string{"Talk to a doctor."}, advice: []string{"harm_reduction", "always"}, kinds: []string{"support", "crisis"},
		},
		{
			// Next steps filtered by an item (prescribed) and by a score (freq >= 6) condition.
			name: "MidPrescribedDaily", answers: ans("use", "prescribed", "often", "daily", "craving", "yes", "stop", "no", "harms", "none", "safety", "no"),
			scores: map[string]int{"signs": 2, "harm": 0, "freq": 6}, level: "mid", flags: []string{"daily"},
			told: []string{"often:daily", "craving:yes", "stop:no"}, criteria: []string{"cut_down", "craving"},
			steps: []string{"Talk to your prescriber.", "Take breaks."}, advice: []string{"always"}, kinds: []string{"support", "crisis"},
		},
		{
			// craving_high needs craving and signs >= 3: one below the edge it is not raised...
			name: "ScoreConditionBelow", answers: with(engineOK, "craving", "yes", "tolerance", "yes"),
			scores: map[string]int{"signs": 2, "harm": 0, "freq": 3}, level: "mid",
			told: []string{"often:monthly", "craving:yes", "tolerance:yes"}, criteria: []string{"craving", "tolerance"},
			steps: []string{"Talk to a doctor."}, advice: []string{"harm_reduction", "always"}, kinds: []string{"support", "crisis"},
		},
		{
			// ...and at the edge it is.
			name: "ScoreConditionAt", answers: with(engineOK, "craving", "yes", "tolerance", "yes", "stop", "no"),
			scores: map[string]int{"signs": 3, "harm": 0, "freq": 3}, level: "mid", flags: []string{"craving_high"},
			told: []string{"often:monthly", "craving:yes", "tolerance:yes", "stop:no"}, criteria: []string{"cut_down", "craving", "tolerance"},
			steps: []string{"Talk to a doctor."}, advice: []string{"harm_reduction", "always"}, kinds: []string{"support", "crisis"},
		},
		{
			// Three signs without craving: the all: condition fails on its item part.
			name: "ScoreConditionWithoutItem", answers: with(engineOK, "tolerance", "yes", "stop", "no", "harms", "mood"),
			scores: map[string]int{"signs": 3, "harm": 1, "freq": 3}, level: "mid",
			told: []string{"often:monthly", "tolerance:yes", "stop:no", "harms:mood"}, criteria: []string{"cut_down", "physical_psych_problems", "tolerance"},
			steps: []string{"Talk to a doctor."}, advice: []string{"harm_reduction", "always"}, kinds: []string{"support", "crisis"},
		},
		{
			name: "High", answers: high,
			scores: map[string]int{"signs": 4, "harm": 1, "freq": 6}, level: "high", flags: []string{"craving_high", "daily"},
			told:     []string{"often:daily", "craving:yes", "tolerance:yes", "stop:no", "harms:memory"},
			criteria: []string{"cut_down", "craving", "physical_psych_problems", "tolerance"},
			advice:   []string{"harm_reduction", "many_signs", "always"}, kinds: []string{"support", "drug_info"},
		},
		{
			// Flags sorted by severity whatever their order in the file (info, moderate, high, urgent);
			// kinds: flags first in that order, then the level's, no repeats.
			name: "HighEveryFlag", answers: with(high, "harms", "bladder,memory", "safety", "yes"),
			scores: map[string]int{"signs": 4, "harm": 3, "freq": 6}, level: "high",
			flags:    []string{"safety", "bladder", "craving_high", "daily"},
			told:     []string{"often:daily", "craving:yes", "tolerance:yes", "stop:no", "harms:bladder,memory", "safety:yes"},
			criteria: []string{"cut_down", "craving", "physical_psych_problems", "tolerance"},
			advice:   []string{"harm_reduction", "many_signs", "always"}, kinds: []string{"crisis", "emergency", "drug_info", "support"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, q, tt.answers)
			if fmt.Sprint(r.Scores) != fmt.Sprint(tt.scores) {
				t.Errorf("scores = %v, want %v", r.Scores, tt.scores)
			}
			if r.Level == nil || r.Level.ID != tt.level {
				t.Errorf("level = %v, want %s", r.Level, tt.level)
			}
			if got := r.FlagIDs(); !qtest.Equal(got, tt.flags) {
				t.Errorf("flags = %v, want %v", got, tt.flags)
			}
			for _, f := range tt.flags {
				if !hasFlag(r, f) {
					t.Errorf("HasFlag(%s) = false", f)
				}
			}
			if hasFlag(r, "nope") {
				t.Error("HasFlag(nope) = true")
			}
			var told []string
			for _, tl := range r.Told {
				s := tl.Item.ID + ":"
				for i, o := range tl.Options {
					if i > 0 {
						s += ","
					}
					s += o.Code
				}
				told = append(told, s)
			}
			if !qtest.Equal(told, tt.told) {
				t.Errorf("told = %v, want %v", told, tt.told)
			}
			if !qtest.Equal(r.Criteria, tt.criteria) {
				t.Errorf("criteria = %v, want %v", r.Criteria, tt.criteria)
			}
			if got := stepTexts(r); !qtest.Equal(got, tt.steps) {
				t.Errorf("next steps = %q, want %q", got, tt.steps)
			}
			if got := adviceIDs(r); !qtest.Equal(got, tt.advice) {
				t.Errorf("advice = %v, want %v", got, tt.advice)
			}
			if got := r.ResourceKinds(); !qtest.Equal(got, tt.kinds) {
				t.Errorf("resource kinds = %v, want %v", got, tt.kinds)
			}
		})
	}
}

// Flags of equal severity keep their order in the file.
func TestFlagsStableOrder(t *testing.T) {
	src := miniQuestionnaire(`
flags:
  - {id: second_item, severity: high, when: {item: b, any_of: ["yes"]}, title: {en: B}, message: {en: B}}
  - {id: info_a, severity: info, when: {item: a, any_of: ["yes"]}, title: {en: I}, message: {en: I}}
  - {id: first_item, severity: high, when: {item: a, any_of: ["yes"]}, title: {en: A}, message: {en: A}}
  - {id: either, severity: urgent, when: {any: [{item: a, any_of: ["yes"]}, {item: b, any_of: ["yes"]}]}, title: {en: E}, message: {en: E}}
  - {id: neither, severity: moderate, when: {all: [{item: a, none_of: ["yes"]}, {item: b, none_of: ["yes"]}]}, title: {en: N}, message: {en: N}}
`)
	q := parse(t, "flags.yaml", src)
	tests := []struct {
		name    string
		answers questionnaire.Answers
		want    []string
	}{
		{"Both", ans("a", "yes", "b", "yes"), []string{"either", "second_item", "first_item", "info_a"}},
		{"OnlyB", ans("a", "no", "b", "yes"), []string{"either", "second_item"}},
		{"Neither", ans("a", "no", "b", "no"), []string{"neither"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustScore(t, q, tt.answers).FlagIDs(); !qtest.Equal(got, tt.want) {
				t.Errorf("flags = %v, want %v", got, tt.want)
			}
		})
	}
}

// miniQuestionnaire is a one-language questionnaire of two yes/no items a and b, each worth 1
// in the sum "total" (bands 0, 1-2), with more YAML appended.
func miniQuestionnaire(more string) string {
	return `id: mini
version: "1"
languages: [en]
minutes: 1
level: total
title: {en: Mini}
introduction: {en: Mini}
notice: {en: Mini}
domains: [{id: d, label: {en: D}}]
sections:
  - id: s
    title: {en: S}
    items:
      - id: a
        type: single
        domain: d
        dsm5: craving
        prompt: {en: A?}
        options: [{code: "yes", label: {en: "Yes"}, value: 1}, {code: "no", label: {en: "No"}}]
      - id: b
        type: single
        domain: d
        dsm5: tolerance
        prompt: {en: B?}
        options: [{code: "yes", label: {en: "Yes"}, value: 1}, {code: "no", label: {en: "No"}}]
scores:
  - id: total
    label: {en: Total}
    kind: sum
    items: [a, b]
    bands:
      - {id: none, min: 0, max: 0, label: {en: None}, meaning: {en: None}}
      - {id: some, min: 1, max: 2, label: {en: Some}, meaning: {en: Some}}
` + more
}

func TestRange(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	for _, tt := range []struct {
		score    string
		min, max int
	}{{"signs", 0, 4}, {"harm", 0, 4}, {"freq", 0, 6}} {
		t.Run(tt.score, func(t *testing.T) {
			lo, hi := q.ScoreByID(tt.score).Range()
			if lo != tt.min || hi != tt.max {
				t.Errorf("Range() = %d, %d, want %d, %d", lo, hi, tt.min, tt.max)
			}
		})
	}
}

func TestTextIn(t *testing.T) {
	tests := []struct {
		name string
		text questionnaire.Text
		lang string
		want string
	}{
		{"OK", questionnaire.Text{"en": "Hi", "es": "Hola"}, "es", "Hola"},
		{"FallbackEnglish", questionnaire.Text{"en": "Hi", "es": "Hola"}, "fr", "Hi"},
		{"FallbackEmptyTranslation", questionnaire.Text{"en": "Hi", "es": ""}, "es", "Hi"},
		{"FallbackAnyInOrder", questionnaire.Text{"pt": "Olá", "es": "Hola"}, "fr", "Hola"},
		{"Empty", questionnaire.Text{}, "en", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text.In(tt.lang); got != tt.want {
				t.Errorf("In(%s) = %q, want %q", tt.lang, got, tt.want)
			}
		})
	}
}

// The range of a score over a tick-all-that-apply item: at least one option is ticked, an
// exclusive option alone.
func TestRangeMultiple(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		required string
		options  string
		min, max int
	}{
		{"SumPositive", "sum", "true", "{code: a, value: 1}, {code: b, value: 2}, {code: c, value: 3}", 1, 6},
		{"SumWithExclusiveZero", "sum", "true", "{code: a, value: 1}, {code: b, value: 2}, {code: none, exclusive: true}", 0, 3},
		{"SumWithExclusiveHigh", "sum", "true", "{code: a, value: 1}, {code: b, value: 2}, {code: all, value: 5, exclusive: true}", 1, 5},
		{"SumMixedSigns", "sum", "true", "{code: a, value: -1}, {code: b, value: 2}, {code: c, value: -3}, {code: none, exclusive: true}", -4, 2},
		{"SumNegative", "sum", "true", "{code: a, value: -1}, {code: b, value: -2}", -3, -1},
		{"SumOptional", "sum", "false", "{code: a, value: 1}, {code: b, value: 2}", 0, 3},
		{"CountPositive", "count", "true", "{code: a, value: 1}, {code: b, value: 2}", 1, 1},
		{"CountWithZero", "count", "true", "{code: a, value: 1}, {code: none, exclusive: true}", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			options := strings.ReplaceAll(tt.options, "{code: ", "{label: {en: L}, code: ")
			src := fmt.Sprintf(`id: range
version: "1"
languages: [en]
minutes: 1
level: s
title: {en: T}
introduction: {en: I}
notice: {en: N}
domains: [{id: d, label: {en: D}}]
sections:
  - id: s
    title: {en: S}
    items:
      - {id: m, type: multiple, required: %s, domain: d, prompt: {en: P}, options: [%s]}
scores:
  - id: s
    label: {en: S}
    kind: %s
    items: [m]
    bands: [{id: all, min: %d, max: %d, label: {en: A}, meaning: {en: A}}]
`, tt.required, options, tt.kind, tt.min, tt.max)
			q := parse(t, tt.name, src)
			if lo, hi := q.ScoreByID("s").Range(); lo != tt.min || hi != tt.max {
				t.Errorf("Range() = %d, %d, want %d, %d", lo, hi, tt.min, tt.max)
			}
		})
	}
}
