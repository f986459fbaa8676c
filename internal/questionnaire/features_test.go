package questionnaire_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// A repeated block becomes one section per entry, with ids, texts, skip logic and scores of
// its own, as if it had been written out by hand.
func TestRepeatedBlock(t *testing.T) {
	q := parseFile(t, "assist.yaml")
	var ids []string
	for _, s := range q.Sections {
		ids = append(ids, s.ID)
	}
	if want := []string{"lifetime", "alcohol_alcohol", "drugs_cannabis", "drugs_cocaine", "injecting"}; !slices.Equal(ids, want) {
		t.Fatalf("sections %v, want %v", ids, want)
	}
	it := q.Item("q3_cannabis")
	if it == nil {
		t.Fatal("no item q3_cannabis")
	}
	if block, entry := it.Entry(); block != "drugs" || entry != "cannabis" {
		t.Errorf("Entry() = %q, %q", block, entry)
	}
	if block, entry := q.Item("q1").Entry(); block != "" || entry != "" {
		t.Errorf("an item written once has entry %q, %q", block, entry)
	}
	if got := it.Prompt.In("en"); got != "ASSIST question 3 about Cannabis (placeholder wording)" {
		t.Errorf("prompt %q", got)
	}
	if got := it.ShowIf.Item; got != "q2_cannabis" {
		t.Errorf("the copy's skip logic looks at %q, want its own q2_cannabis", got)
	}
	if got := q.Section("drugs_cocaine").Title.In("en"); got != "Cocaine (placeholder)" {
		t.Errorf("title %q", got)
	}
	var levels []string
	for _, s := range q.LevelScores() {
		levels = append(levels, s.ID)
	}
	if want := []string{"highest", "risk_alcohol", "risk_cannabis", "risk_cocaine"}; !slices.Equal(levels, want) {
		t.Errorf("level scores %v, want %v", levels, want)
	}
	if got := q.ScoreByID("risk_alcohol").Band(11).ID; got != "moderate" {
		t.Errorf("alcohol's 11 is %s: its block's bands were not used", got)
	}
	if got := q.ScoreByID("risk_cocaine").Band(4).ID; got != "moderate" {
		t.Errorf("cocaine's 4 is %s", got)
	}
	var subs []string
	for _, s := range q.ScoreByID("highest").Subscores() {
		subs = append(subs, s.ID)
	}
	if want := []string{"tier_alcohol", "tier_cannabis", "tier_cocaine"}; !slices.Equal(subs, want) {
		t.Errorf("highest uses %v, want %v", subs, want)
	}
	// Only the substances ticked are asked about, and only they have a level.
	shown := shownIDs(q, ans("q1", "cocaine", "q2_cocaine", "never"))
	if want := []string{"q1", "q2_cocaine", "q6_cocaine", "q7_cocaine", "q8"}; !slices.Equal(shown, want) {
		t.Errorf("shown %v, want %v", shown, want)
	}
}

// The view lists every level shown, each with its own score's label; a questionnaire with one
// level keeps the view it always had.
func TestLevelsView(t *testing.T) {
	q := parseFile(t, "assist.yaml")
	r := mustScore(t, q, ans("q1", "cannabis", "q2_cannabis", "weekly", "q3_cannabis", "never", "q4_cannabis", "never",
		"q5_cannabis", "never", "q6_cannabis", "never", "q7_cannabis", "never", "q8", "never"))
	v := r.View("en")
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
	body, _ := json.Marshal(mustScore(t, parseFile(t, "phq9.yaml"), phq9Answers(0, []int{1, 2, 3, 4, 5, 6, 7, 8, 9})).View("en"))
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

// Lint's ranges follow skip logic: exact when every way of answering the items skip logic looks
// at can be tried, a bound otherwise.
func TestScoreRanges(t *testing.T) {
	tests := []struct {
		file, score string
		lo, hi      int
		exact       bool
	}{
		{"taps1.yaml", "substances", 0, 4, true}, // two alcohol items exclude each other
		{"taps1.yaml", "alcohol", 0, 4, true},
		{"audit.yaml", "total", 0, 40, true},
		{"audit.yaml", "q2q3", 0, 8, true},
		{"numbers.yaml", "amount", 0, 100, true},
		{"numbers.yaml", "lowest", 0, 4, true},
		{"assist.yaml", "risk_cocaine", 0, 39, true},
		{"assist.yaml", "highest", 0, 2, false}, // its controllers have too many ways between them
		{"engine.yaml", "signs", 0, 4, true},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.score, func(t *testing.T) {
			s := parseFile(t, tt.file).ScoreByID(tt.score)
			lo, hi := s.Range()
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			exact, err := questionnaire.ScoreExact(tt.file, data, tt.score)
			if err != nil {
				t.Fatal(err)
			}
			if lo != tt.lo || hi != tt.hi || exact != tt.exact {
				t.Errorf("range %d..%d exact %v, want %d..%d exact %v", lo, hi, exact, tt.lo, tt.hi, tt.exact)
			}
		})
	}
}

// pairs is a file with too many ways of answering to enumerate: ten questions, each opening one
// of two follow-ups worth 1. At most ten follow-ups count, though a bound says twenty.
func pairs(lastBand string) string {
	var b strings.Builder
	b.WriteString(`id: pairs
version: 1.0.0
languages: [en]
minutes: 1
level: total
title: {en: Pairs}
introduction: {en: Pairs.}
notice: {en: Not a diagnosis.}
domains: [{id: d, label: {en: D}}]
sections:
  - id: s
    title: {en: S}
    items:
`)
	var items []string
	for i := range 10 {
		fmt.Fprintf(&b, `      - {id: c%d, type: single, domain: d, prompt: {en: C}, options: [{code: a, label: {en: A}}, {code: b, label: {en: B}}, {code: c, label: {en: C}}]}
      - {id: f%d, type: single, domain: d, prompt: {en: F}, show_if: {item: c%d, any_of: [a]}, options: [{code: "y", label: {en: Y}, value: 1}, {code: "n", label: {en: N}}]}
      - {id: g%d, type: single, domain: d, prompt: {en: G}, show_if: {item: c%d, any_of: [b]}, options: [{code: "y", label: {en: Y}, value: 1}, {code: "n", label: {en: N}}]}
`, i, i, i, i, i)
		items = append(items, fmt.Sprintf("f%d, g%d", i, i))
	}
	fmt.Fprintf(&b, `scores:
  - id: total
    label: {en: T}
    kind: count
    items: [%s]
    bands:
      - {id: low, min: 0, max: 5, label: {en: L}, meaning: {en: L.}}
      - {id: high, min: 6, max: %s, label: {en: H}, meaning: {en: H.}}
`, strings.Join(items, ", "), lastBand)
	return b.String()
}

// Where lint can only bound a range, it accepts bands that stop below the bound (the bound may
// be out of reach), refuses bands past it, and refuses bands that leave a value it reached on
// a random path without a band.
func TestBoundedRangeNeverRefusesACorrectFile(t *testing.T) {
	tests := []struct {
		name, last, problem string
	}{
		{"OKTrueTop", "10", ""},
		{"ErrPastTheBound", "21", "can never be above 20"},
		{"ErrBelowAReachedValue", "8", "can reach 10 (on a path lint tried), but the last band ends at 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := questionnaire.Parse("pairs.yaml", []byte(pairs(tt.last)))
			ps := yamlfile.ProblemsOf(err)
			if tt.problem == "" {
				if len(ps) > 0 {
					t.Fatalf("a correct file refused:\n%v", ps)
				}
				exact, err := questionnaire.ScoreExact("pairs.yaml", []byte(pairs(tt.last)), q.LevelScore().ID)
				if err != nil {
					t.Fatal(err)
				}
				if lo, hi := q.LevelScore().Range(); lo != 0 || hi != 20 || exact {
					t.Errorf("range %d..%d exact %v, want the bound 0..20", lo, hi, exact)
				}
				// Beyond the bands (which lint could not rule out): the nearest band.
				if got := q.LevelScore().Band(15).ID; got != "high" {
					t.Errorf("Band(15) = %s, want high", got)
				}
				return
			}
			if len(ps) != 1 || !strings.Contains(ps[0].Message, tt.problem) {
				t.Errorf("problems %v, want one with %q", ps, tt.problem)
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
	v := mustScore(t, q, ans("days", "12", "drinks", "3", "worry", "no")).View("es")
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
