package questionnaire_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// The view lists every level shown, each with its own score's label; a questionnaire with one
// level keeps the view it always had.
func TestLevelsView(t *testing.T) {
	q := parseFile(t, "assist.yaml")
	r := mustScore(t, q, ans("q1", "cannabis", "q2_cannabis", "weekly", "q3_cannabis", "never", "q4_cannabis", "never",
		"q5_cannabis", "never", "q6_cannabis", "never", "q7_cannabis", "never", "q8", "never"))
	v := resultview.Of(r, "en")
	var got []string
	for _, l := range v.Levels {
		got = append(got, fmt.Sprintf("%s=%d:%s (%s)", l.Score, l.Value, l.Band, l.ScoreLabel))
	}
	want := []string{"highest=1:moderate (Highest risk of any substance)", "risk_cannabis=4:moderate (Risk score for Cannabis)"}
	if !slices.Equal(got, want) {
		t.Errorf("levels %v, want %v", got, want)
	}
	for _, s := range v.Scores {
		if strings.HasSuffix(s.ID, "_cocaine") {
			t.Errorf("score %s has no value, but is in the view", s.ID)
		}
	}
	body, _ := json.Marshal(resultview.Of(mustScore(t, parseFile(t, "phq9.yaml"), phq9Answers(0, []int{1, 2, 3, 4, 5, 6, 7, 8, 9})), "en"))
	if strings.Contains(string(body), `"levels"`) {
		t.Errorf("a questionnaire with one level has a levels list: %s", body)
	}
}

// Skip logic may look at a score of earlier answers, and a hidden answer adds nothing to it.
func TestSkipLogicOnScores(t *testing.T) {
	q := parseFile(t, "audit.yaml")
	tests := []struct {
		name    string
		answers questionnaire.Answers
		q4      bool
	}{
		{"ItemsTwoAndThreeZero", ans("q1", "monthly", "q2", "one_two", "q3", "never"), false},
		{"ItemThreeOne", ans("q1", "monthly", "q2", "one_two", "q3", "less_than_monthly"), true},
		// q2 and q3 are hidden after "never": their answers cannot open the next section.
		{"HiddenAnswersCountNothing", ans("q1", "never", "q2", "ten_plus", "q3", "daily"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := q.Visibility(tt.answers)["q4"]; got != tt.q4 {
				t.Errorf("q4 shown = %v, want %v", got, tt.q4)
			}
		})
	}
}

// Random paths are valid answers, whatever the questionnaire: tests of other readings rely on it.
func TestRandomAnswersPassCheck(t *testing.T) {
	for _, s := range qtest.Suites(t) {
		rng := rand.New(rand.NewPCG(7, 7))
		for i := range 300 {
			a := s.Q.RandomAnswers(rng)
			if errs := s.Q.Check(a); len(errs) > 0 {
				t.Fatalf("%s path %d: %v\n%v", s.Name, i, errs, a)
			}
		}
	}
}

// Number answers are said back with their unit.
func TestNumberToldText(t *testing.T) {
	q := parseFile(t, "numbers.yaml")
	v := resultview.Of(mustScore(t, q, ans("days", "12", "drinks", "3", "worry", "no")), "es")
	var got []string
	for _, tl := range v.Told {
		got = append(got, strings.Join(tl.Text, "|"))
	}
	want := []string{"¿Cuántos de los últimos 30 días bebió? 12 días", "¿Cuántas bebidas en un día típico? 3 bebidas"}
	if !slices.Equal(got, want) {
		t.Errorf("told %q, want %q", got, want)
	}
}

func TestMapsDSM5(t *testing.T) {
	if !shipped(t).MapsDSM5() {
		t.Error("the self-check maps DSM-5 criteria")
	}
	if parseFile(t, "phq9.yaml").MapsDSM5() {
		t.Error("PHQ-9 maps no DSM-5 criterion")
	}
}
