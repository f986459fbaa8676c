package questionnaire_test

import (
	"fmt"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

var phq9Codes = []string{"not_at_all", "several_days", "more_than_half", "nearly_every_day"} // 0..3

// phq9Answers answers the nine items so they add up to total, filling the items in the order given.
// With any problem checked, the difficulty item is asked too.
func phq9Answers(total int, order []int) questionnaire.Answers {
	a := questionnaire.Answers{}
	if total > 0 {
		a["q10"] = []string{"somewhat"}
	}
	for _, i := range order {
		v := min(total, 3)
		total -= v
		a[fmt.Sprintf("q%d", i)] = []string{phq9Codes[v]}
	}
	return a
}

func TestPHQ9Bands(t *testing.T) {
	q := parseFile(t, "phq9.yaml")
	if lo, hi := q.LevelScore().Range(); lo != 0 || hi != 27 {
		t.Fatalf("range = %d..%d, want 0..27", lo, hi)
	}
	// Published cut-offs: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe.
	tests := []struct {
		total int
		band  string
	}{
		{0, "minimal"}, {4, "minimal"}, {5, "mild"}, {9, "mild"}, {10, "moderate"}, {14, "moderate"},
		{15, "moderately_severe"}, {19, "moderately_severe"}, {20, "severe"}, {27, "severe"},
	}
	orders := map[string][]int{
		"ItemNineLast":  {1, 2, 3, 4, 5, 6, 7, 8, 9},
		"ItemNineFirst": {9, 8, 7, 6, 5, 4, 3, 2, 1},
	}
	for _, tt := range tests {
		for name, order := range orders {
			t.Run(fmt.Sprintf("%d/%s", tt.total, name), func(t *testing.T) {
				a := phq9Answers(tt.total, order)
				r := mustScore(t, q, a)
				if got := r.Scores["total"]; got != tt.total {
					t.Fatalf("total = %d, want %d", got, tt.total)
				}
				if r.Level.ID != tt.band {
					t.Errorf("band = %s, want %s", r.Level.ID, tt.band)
				}
				if got, want := hasFlag(r, "item9"), a["q9"][0] != "not_at_all"; got != want {
					t.Errorf("item9 flag = %v with q9 = %s", got, a["q9"][0])
				}
			})
		}
	}
}

// Every reachable total falls in exactly the published band.
func TestPHQ9EveryTotal(t *testing.T) {
	q := parseFile(t, "phq9.yaml")
	want := func(n int) string {
		switch {
		case n <= 4:
			return "minimal"
		case n <= 9:
			return "mild"
		case n <= 14:
			return "moderate"
		case n <= 19:
			return "moderately_severe"
		}
		return "severe"
	}
	for n := 0; n <= 27; n++ {
		r := mustScore(t, q, phq9Answers(n, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}))
		if r.Scores["total"] != n || r.Level.ID != want(n) {
			t.Errorf("total %d: got %d in %s, want %s", n, r.Scores["total"], r.Level.ID, want(n))
		}
	}
}

// Any answer above 0 on item 9 raises the urgent flag, whatever the total, and it asks for crisis help.
func TestPHQ9ItemNineFlag(t *testing.T) {
	q := parseFile(t, "phq9.yaml")
	for v, code := range phq9Codes {
		t.Run(code, func(t *testing.T) {
			a := phq9Answers(0, []int{1, 2, 3, 4, 5, 6, 7, 8, 9})
			a["q9"] = []string{code}
			if v > 0 {
				a["q10"] = []string{"very"}
			}
			r := mustScore(t, q, a)
			if r.Scores["total"] != v {
				t.Errorf("total = %d, want %d", r.Scores["total"], v)
			}
			if got, want := hasFlag(r, "item9"), v > 0; got != want {
				t.Fatalf("item9 flag = %v, want %v", got, want)
			}
			if v == 0 {
				return
			}
			if r.Level.ID != "minimal" {
				t.Errorf("band = %s, want minimal: the flag does not change the level", r.Level.ID)
			}
			if got := r.ResourceKinds(); !qtest.Equal(got, []string{"crisis"}) {
				t.Errorf("resource kinds = %v, want [crisis]", got)
			}
			if got := toldIDs(r); !qtest.Equal(got, []string{"q9"}) {
				t.Errorf("told = %v, want [q9]", got)
			}
		})
	}
}

// dast10Answers answers the ten items so that exactly total of them score, the first ones first.
// Item 3 scores when the answer is no.
func dast10Answers(total int) questionnaire.Answers {
	a := questionnaire.Answers{}
	for i := 1; i <= 10; i++ {
		scores := i <= total
		yes := scores != (i == 3)
		a[fmt.Sprintf("q%d", i)] = []string{map[bool]string{true: "yes", false: "no"}[yes]}
	}
	return a
}

func TestDAST10Bands(t *testing.T) {
	q := parseFile(t, "dast10.yaml")
	if lo, hi := q.LevelScore().Range(); lo != 0 || hi != 10 {
		t.Fatalf("range = %d..%d, want 0..10", lo, hi)
	}
	// Published cut-offs: 0 none, 1-2 low, 3-5 moderate, 6-8 substantial, 9-10 severe.
	tests := []struct {
		name    string
		answers questionnaire.Answers
		total   int
		band    string
	}{
		{"0", dast10Answers(0), 0, "none"},
		{"1", dast10Answers(1), 1, "low"},
		{"2", dast10Answers(2), 2, "low"},
		{"3", dast10Answers(3), 3, "moderate"},
		{"5", dast10Answers(5), 5, "moderate"},
		{"6", dast10Answers(6), 6, "substantial"},
		{"8", dast10Answers(8), 8, "substantial"},
		{"9", dast10Answers(9), 9, "severe"},
		{"10", dast10Answers(10), 10, "severe"},
		// Item 3 is reverse-scored: "no" to everything scores 1, "yes" to everything 9.
		{"AllNo", dast10All("no"), 1, "low"},
		{"AllYes", dast10All("yes"), 9, "severe"},
		{"OnlyQ3Yes", with(dast10All("no"), "q3", "yes"), 0, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustScore(t, q, tt.answers)
			if got := r.Scores["total"]; got != tt.total {
				t.Fatalf("total = %d, want %d", got, tt.total)
			}
			if r.Level.ID != tt.band {
				t.Errorf("band = %s, want %s", r.Level.ID, tt.band)
			}
			if len(r.Flags) != 0 {
				t.Errorf("flags = %v, want none", r.FlagIDs())
			}
		})
	}
}

func dast10All(code string) questionnaire.Answers {
	a := questionnaire.Answers{}
	for i := 1; i <= 10; i++ {
		a[fmt.Sprintf("q%d", i)] = []string{code}
	}
	return a
}

// Said back: the reverse-scored item appears with its "no".
func TestDAST10ToldReverse(t *testing.T) {
	q := parseFile(t, "dast10.yaml")
	r := mustScore(t, q, with(dast10All("no"), "q7", "yes"))
	var got []string
	for _, tl := range r.Told {
		got = append(got, tl.Item.ID+":"+tl.Options[0].Code)
	}
	if want := []string{"q3:no", "q7:yes"}; !qtest.Equal(got, want) {
		t.Errorf("told = %v, want %v", got, want)
	}
}
