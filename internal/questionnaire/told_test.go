package questionnaire_test

import (
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

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
			if got := r.FlagIDs(); !qtest.Equal(got, tt.flags) {
				t.Errorf("flags = %v, want %v", got, tt.flags)
			}
			if got := toldIDs(r); !qtest.Equal(got, tt.told) {
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
