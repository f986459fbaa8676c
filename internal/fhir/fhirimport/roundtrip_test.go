package fhirimport_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/fhir/fhirimport"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

// Every test questionnaire goes out as FHIR and comes back in the format, and the file that
// comes back scores every golden answer set as the original does: the same scores, levels and
// flags, and the same refusals.
func labels(key string) string { return "label of " + key }

func TestRoundTrip(t *testing.T) {
	for _, s := range qtest.Suites(t) {
		t.Run(s.Name, func(t *testing.T) {
			lang := s.Q.Languages[0]
			body, err := json.Marshal(fhir.NewQuestionnaire(s.Q, lang, fhir.DefaultBase, labels))
			if err != nil {
				t.Fatal(err)
			}
			yaml, notes, err := fhirimport.Import(body)
			if err != nil {
				t.Fatalf("%v\nnotes: %q", err, notes)
			}
			back, err := definition.Parse("back.yaml", yaml)
			if err != nil {
				t.Fatalf("%v\n%s", err, yaml)
			}
			if back.ID != s.Q.ID || back.Version != s.Q.Version {
				t.Errorf("came back as %s %s", back.ID, back.Version)
			}
			for _, c := range s.Cases {
				a := c.Answers()
				if c.Errors != nil {
					if got, want := errorKinds(back.Check(a)), errorKinds(s.Q.Check(a)); !slices.Equal(got, want) {
						t.Errorf("%s: refused with %v, the original with %v", c.Name, got, want)
					}
					continue
				}
				r, err := back.Score(a)
				if err != nil {
					t.Errorf("%s: %v", c.Name, err)
					continue
				}
				for _, d := range c.Check(r) {
					t.Errorf("%s: %s", c.Name, d)
				}
				orig := qtest.OutcomeOf(mustScore(t, s.Q, a))
				if got := qtest.OutcomeOf(r); !sameScores(got.Scores, orig.Scores) {
					t.Errorf("%s: scores %v, the original %v", c.Name, got.Scores, orig.Scores)
				}
			}
			if t.Failed() {
				t.Logf("notes: %q\n%s", notes, yaml)
			}
		})
	}
}

func mustScore(t *testing.T, q *questionnaire.Questionnaire, a questionnaire.Answers) *questionnaire.Result {
	t.Helper()
	r, err := q.Score(a)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func errorKinds(errs questionnaire.AnswersError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Item+":"+e.Kind)
	}
	slices.Sort(out)
	return out
}

func sameScores(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
