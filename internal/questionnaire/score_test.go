package questionnaire_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

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
			if got := r.FlagIDs(); !equal(got, tt.flags) {
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
			if !equal(told, tt.told) {
				t.Errorf("told = %v, want %v", told, tt.told)
			}
			if !equal(r.Criteria, tt.criteria) {
				t.Errorf("criteria = %v, want %v", r.Criteria, tt.criteria)
			}
			if got := stepTexts(r); !equal(got, tt.steps) {
				t.Errorf("next steps = %q, want %q", got, tt.steps)
			}
			if got := adviceIDs(r); !equal(got, tt.advice) {
				t.Errorf("advice = %v, want %v", got, tt.advice)
			}
			if got := r.ResourceKinds(); !equal(got, tt.kinds) {
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
			if got := mustScore(t, q, tt.answers).FlagIDs(); !equal(got, tt.want) {
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

func TestToldText(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	often := q.Item("often")
	tests := []struct {
		name, code, lang, want string
	}{
		{"OwnText", "daily", "en", "You use daily."},
		{"OwnTextEs", "daily", "es", "Usa a diario."},
		{"PromptAndLabel", "monthly", "en", "How often? Monthly"},
		{"PromptAndLabelEs", "monthly", "es", "¿Con qué frecuencia? Cada mes"},
		{"UnknownLanguageFallsBackToEnglish", "daily", "fr", "You use daily."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := often.Option(tt.code).ToldText(often, tt.lang); got != tt.want {
				t.Errorf("ToldText() = %q, want %q", got, tt.want)
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

// The JSON of a result view, as the API and the score command print it.
func TestViewGolden(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	tests := []struct {
		name    string
		answers questionnaire.Answers
		lang    string
	}{
		{"low.en", engineOK, "en"},
		{"every-flag.es", ans("use", "recreational", "often", "daily", "craving", "yes", "tolerance", "yes", "stop", "no",
			"harms", "bladder,memory", "optional", "a", "if_a", "no", "safety", "yes"), "es"},
		{"none-recent.en", ans("use", "none_recent", "safety", "no"), "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.MarshalIndent(mustScore(t, q, tt.answers).View(tt.lang), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden(t, filepath.Join("testdata", "golden", "engine-"+tt.name+".json"), got)
		})
	}
}

// Every list of the view is a JSON array, never null, even when empty.
func TestViewEmptyListsAreArrays(t *testing.T) {
	q := parseFile(t, "engine.yaml")
	r := mustScore(t, q, ans("use", "none_recent", "safety", "no"))
	v := r.View("en")
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"flags", "scores", "told", "dsm5_criteria", "advice", "resource_kinds"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("%s = %v (%T), want an array", k, m[k], m[k])
		}
	}
	level, ok := m["level"].(map[string]any)
	if !ok {
		t.Fatalf("level = %v, want an object", m["level"])
	}
	if _, ok := level["next_steps"].([]any); !ok {
		t.Errorf("level.next_steps = %v, want an array", level["next_steps"])
	}
	// A score without bands has no band field at all.
	for _, s := range m["scores"].([]any) {
		s := s.(map[string]any)
		if _, has := s["band"]; has != (s["id"] != "harm") {
			t.Errorf("score %v: band present = %v", s["id"], has)
		}
	}
}

// golden compares got with a file, or rewrites the file with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update after checking the change):\ngot:\n%s\nwant:\n%s", path, got, want)
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

// An answer is said back when it raised a flag, however the flag's condition is written:
// any_of the worrying codes, or none_of the reassuring ones.
func TestToldFromFlags(t *testing.T) {
	src := strings.ReplaceAll(miniQuestionnaire(`
flags:
  - {id: by_any, severity: high, when: {item: a, any_of: ["yes"]}, title: {en: A}, message: {en: A}}
  - {id: by_none, severity: high, when: {item: b, none_of: ["no"]}, title: {en: B}, message: {en: B}}
  - {id: nested, severity: info, when: {all: [{item: a, none_of: ["no"]}, {any: [{score: total, min: 5}, {item: b, any_of: ["yes"]}]}]}, title: {en: N}, message: {en: N}}
`), ", value: 1}", "}")
	src = strings.Replace(src, "      - {id: some, min: 1, max: 2, label: {en: Some}, meaning: {en: Some}}\n", "", 1)
	q := parse(t, "told.yaml", src)
	tests := []struct {
		name    string
		answers questionnaire.Answers
		flags   []string
		told    []string
	}{
		{"Neither", ans("a", "no", "b", "no"), nil, nil},
		{"AnyOf", ans("a", "yes", "b", "no"), []string{"by_any"}, []string{"a"}},
		{"NoneOf", ans("a", "no", "b", "yes"), []string{"by_none"}, []string{"b"}},
		// nested holds through a (none_of) and b (any_of); the score part does not hold.
		{"Nested", ans("a", "yes", "b", "yes"), []string{"by_any", "by_none", "nested"}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, q, tt.answers)
			if r.Scores["total"] != 0 {
				t.Fatalf("total = %d: the fixture should score nothing", r.Scores["total"])
			}
			if got := r.FlagIDs(); !equal(got, tt.flags) {
				t.Errorf("flags = %v, want %v", got, tt.flags)
			}
			if got := toldIDs(r); !equal(got, tt.told) {
				t.Errorf("told = %v, want %v", got, tt.told)
			}
			for _, tl := range r.Told {
				if len(tl.Options) != 1 || tl.Options[0].Code != "yes" {
					t.Errorf("told %s with %v, want its yes", tl.Item.ID, tl.Options)
				}
			}
		})
	}
}
