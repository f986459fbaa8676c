package resultview_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// The shared test helpers, by the names these tests use.
var (
	parseFile = qtest.Fixture
	ans       = qtest.Ans
	mustScore = qtest.MustScore
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
		{"low.en", ans("use", "recreational", "often", "monthly", "craving", "no", "tolerance", "no", "stop", "yes",
			"harms", "none", "safety", "no"), "en"},
		{"every-flag.es", ans("use", "recreational", "often", "daily", "craving", "yes", "tolerance", "yes", "stop", "no",
			"harms", "bladder,memory", "optional", "a", "if_a", "no", "safety", "yes"), "es"},
		{"none-recent.en", ans("use", "none_recent", "safety", "no"), "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.MarshalIndent(resultview.Of(mustScore(t, q, tt.answers), tt.lang), "", "  ")
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
	v := resultview.Of(r, "en")
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
