package questionnaire_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

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
