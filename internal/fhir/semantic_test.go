package fhir_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/internal/testtool"
)

// randomPaths is how many random ways of answering each questionnaire the semantic test tries,
// besides its golden answer sets: 300 in go test ./..., which keeps the suite quick (the reader is
// fhirpath.js in Node.js, 10 to 70 ms a path), more with KETASCREEN_SEMANTIC_PATHS (CI runs 3,000).
func randomPaths(t *testing.T) int {
	v := os.Getenv("KETASCREEN_SEMANTIC_PATHS")
	if v == "" {
		return 300
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("KETASCREEN_SEMANTIC_PATHS=%q is not a positive number", v)
	}
	return n
}

// sdcReading is what testdata/semantic.js, an R4 and SDC reader that knows nothing of the engine,
// makes of one response.
type sdcReading struct {
	Enabled    []string         `json:"enabled"`
	Scores     map[string]int   `json:"scores"`
	Calculated map[string][]any `json:"calculated"`
}

// The exported Questionnaire means what the file means: on the golden answer sets and random
// answer paths per questionnaire (see randomPaths), a FHIR reader enables exactly the items the engine
// shows, and its SDC expressions compute the engine's scores, bands and flags.
func TestSemanticsMatchTheEngine(t *testing.T) {
	fp := testtool.FHIRPath(t)
	nodeBin := testtool.Program(t, "node (Node.js)", "node")
	script, _ := filepath.Abs(filepath.Join("testdata", "semantic.js"))
	n := randomPaths(t)
	for _, s := range qtest.Suites(t) {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel() // each suite's reading is a node process of its own
			q := s.Q
			lang := q.Languages[0]
			fq := fhir.NewQuestionnaire(q, lang, fhir.DefaultBase, labels)
			var paths []questionnaire.Answers
			for _, c := range s.Cases {
				if c.Errors == nil {
					paths = append(paths, c.Answers())
				}
			}
			rng := rand.New(rand.NewPCG(15, uint64(len(s.Name))))
			for len(paths) < n {
				paths = append(paths, q.RandomAnswers(rng))
			}
			var results []*questionnaire.Result
			var responses []*fhir.QuestionnaireResponse
			for _, a := range paths {
				r, err := q.Score(a)
				if err != nil {
					t.Fatalf("%v: %v", a, err)
				}
				results = append(results, r)
				qr := fhir.NewResponse(r, fhir.ResponseInfo{ID: "x"}, lang, fhir.DefaultBase, labels)
				qr.Item = qr.Item[:len(qr.Item)-1] // the result group: the reader computes its own
				responses = append(responses, qr)
			}
			readings := runSemantic(t, nodeBin, fp, script, fq, responses)
			calculated := calculatedLinks(fq)
			failures := 0
			for i, r := range results {
				for _, d := range compareReading(q, r, readings[i], calculated, lang) {
					if failures++; failures <= 10 {
						t.Errorf("path %d %v: %s", i, r.Answers, d)
					}
				}
			}
			if failures > 10 {
				t.Errorf("... %d differences in all", failures)
			}
		})
	}
}

func runSemantic(t *testing.T, nodeBin, fp, script string, fq *fhir.Questionnaire, responses []*fhir.QuestionnaireResponse) []sdcReading {
	t.Helper()
	in, err := json.Marshal(map[string]any{"questionnaire": fq, "responses": responses})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(file, in, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nodeBin, script, file)
	cmd.Env = append(os.Environ(), "KETASCREEN_FHIRPATH="+fp)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("semantic.js: %v\n%s", err, stderr)
	}
	var readings []sdcReading
	if err := json.Unmarshal(out, &readings); err != nil || len(readings) != len(responses) {
		t.Fatalf("semantic.js gave %d readings for %d responses (%v)", len(readings), len(responses), err)
	}
	return readings
}

// calculatedLinks are the items a form filler calculates.
func calculatedLinks(fq *fhir.Questionnaire) []string {
	var out []string
	var walk func([]fhir.Item)
	walk = func(items []fhir.Item) {
		for _, it := range items {
			for _, e := range it.Extension {
				if strings.HasSuffix(e.URL, "calculatedExpression") {
					out = append(out, it.LinkID)
				}
			}
			walk(it.Item)
		}
	}
	walk(fq.Item)
	return out
}

// compareReading lists the differences between the engine's result and the reader's.
func compareReading(q *questionnaire.Questionnaire, r *questionnaire.Result, got sdcReading, calculated []string, lang string) []string {
	var diffs []string
	shown := q.Visibility(r.Answers)
	for _, it := range q.Items() {
		if on := slices.Contains(got.Enabled, it.ID); on != shown[it.ID] {
			diffs = append(diffs, fmt.Sprintf("item %s: enabled %v, the engine shows it: %v", it.ID, on, shown[it.ID]))
		}
	}
	for _, s := range q.Scores {
		want, ok := r.Scores[s.ID]
		v, has := got.Scores[fhir.ScoreVariable(q, s.ID)]
		if ok != has || v != want {
			diffs = append(diffs, fmt.Sprintf("score %s: %d (has value %v), the engine: %d (%v)", s.ID, v, has, want, ok))
		}
	}
	// Every calculated item holds what the engine's own response holds.
	want := map[string][]string{}
	var walk func([]fhir.ResponseItem)
	walk = func(items []fhir.ResponseItem) {
		for _, it := range items {
			for _, a := range it.Answer {
				if a.ValueCoding != nil {
					want[it.LinkID] = append(want[it.LinkID], a.ValueCoding.Code)
				} else if a.ValueInteger != nil {
					want[it.LinkID] = append(want[it.LinkID], fmt.Sprint(*a.ValueInteger))
				}
			}
			walk(it.Item)
		}
	}
	walk(fhir.NewResponse(r, fhir.ResponseInfo{ID: "x"}, lang, fhir.DefaultBase, labels).Item)
	for _, link := range calculated {
		var g []string
		for _, v := range got.Calculated[link] {
			g = append(g, fmt.Sprint(v))
		}
		if !slices.Equal(g, want[link]) {
			diffs = append(diffs, fmt.Sprintf("%s: calculated %v, the engine: %v", link, g, want[link]))
		}
	}
	return diffs
}
