package questionnaire_test

import (
	"fmt"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"
)

// criteriaShown maps each DSM-5 criterion of the level score to the items that ask about it
// on these answers' path, in criterion order.
func criteriaShown(q *questionnaire.Questionnaire, a questionnaire.Answers) ([]string, map[string][]string) {
	shown := q.Visibility(a)
	items := map[string][]string{}
	for _, id := range q.ScoreByID("signs").Items {
		if it := q.Item(id); shown[id] {
			items[it.DSM5] = append(items[it.DSM5], id)
		}
	}
	var order []string
	for _, c := range questionnaire.DSM5Criteria {
		if items[c] != nil {
			order = append(order, c)
		}
	}
	return order, items
}

// withCriteria answers yes to every item of the first n criteria the path asks about (both
// "more than" items when their criterion is one of them), and no to the others.
func withCriteria(t *testing.T, q *questionnaire.Questionnaire, path string, n int) questionnaire.Answers {
	t.Helper()
	a := fill(q, ans("use_context", path, "frequency", "weekly"))
	order, items := criteriaShown(q, a)
	if n > len(order) {
		t.Fatalf("path %s asks about %d criteria, not %d", path, len(order), n)
	}
	for _, c := range order[:n] {
		for _, id := range items[c] {
			a[id] = []string{"yes"}
		}
	}
	return a
}

// dsm5Band is the level the DSM-5 cut-offs give for a count of criteria met: 2-3 mild, 4-5
// moderate, 6 or more severe, said here as some, clear and many signs of concern.
func dsm5Band(n int) string {
	switch {
	case n <= 1:
		return "low"
	case n <= 3:
		return "some"
	case n <= 5:
		return "moderate"
	}
	return "high"
}

// The level follows the count of DSM-5 criteria met, on every band edge of every path: the two
// "more than" questions count once, and tolerance and withdrawal are not asked in prescribed
// treatment, so that path's scale ends at 9.
func TestKetamineLevelCountsCriteria(t *testing.T) {
	q := shipped(t)
	if lo, hi := q.ScoreByID("signs").Range(); lo != 0 || hi != 11 {
		t.Errorf("signs range = %d..%d, want 0..11 (the DSM-5 criteria)", lo, hi)
	}
	maxCriteria := map[string]int{"prescribed": 9, "not_prescribed": 11, "both": 11}
	for _, path := range paths {
		max := maxCriteria[path]
		if got, _ := criteriaShown(q, fill(q, ans("use_context", path, "frequency", "weekly"))); len(got) != max {
			t.Errorf("%s asks about %d criteria, want %d", path, len(got), max)
		}
		for n := 0; n <= max; n++ {
			t.Run(fmt.Sprintf("%s/%d", path, n), func(t *testing.T) {
				r := mustScore(t, q, withCriteria(t, q, path, n))
				if got := r.Scores["signs"]; got != n {
					t.Fatalf("signs = %d, want %d", got, n)
				}
				if r.Level.ID != dsm5Band(n) {
					t.Errorf("level = %s, want %s", r.Level.ID, dsm5Band(n))
				}
				if len(r.Criteria) != n {
					t.Errorf("criteria = %v, want %d of them", r.Criteria, n)
				}
				sc := resultview.ScaleOf(r)
				if sc.Value != n || sc.Max != max {
					t.Errorf("scale = %d of %d, want %d of %d", sc.Value, sc.Max, n, max)
				}
				if hasFlag(r, "safety") || hasFlag(r, "urinary") {
					t.Errorf("flags = %v, want neither safety nor urinary", r.FlagIDs())
				}
			})
		}
	}
	// Two questions, one criterion; outside treatment is none.
	for _, tt := range []struct {
		name  string
		pairs []string
		want  int
	}{
		{"MoreThanMeantOnly", []string{"more_than_meant", "yes"}, 1},
		{"MoreThanPrescribedOnly", []string{"more_than_prescribed", "yes"}, 1},
		{"BothMoreThan", []string{"more_than_meant", "yes", "more_than_prescribed", "yes"}, 1},
		{"OutsideTreatment", []string{"outside_treatment", "yes"}, 0},
		{"BothMoreThanAndCraving", []string{"more_than_meant", "yes", "more_than_prescribed", "yes", "craving", "yes"}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, q, with(fill(q, ans("use_context", "both", "frequency", "weekly")), tt.pairs...))
			if got := r.Scores["signs"]; got != tt.want {
				t.Errorf("signs = %d, want %d", got, tt.want)
			}
		})
	}
}
