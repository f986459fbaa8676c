package stats

import (
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

// Synthetic responses to every test questionnaire (number items, repeated blocks, several
// levels, the library) are answers the engine takes, and no response, made up or hostile,
// adds to more cells of a part than the layout's bound, which the noise is calibrated to.
func TestSyntheticResponsesAndBoundsForEveryQuestionnaire(t *testing.T) {
	hostile := []questionnaire.Answers{}
	for _, v := range [][]string{{"9999999"}, {"-5"}, {"2.5"}, {"twelve"}, {"3", "4"}, {""}, {"1..3"}, {"0"}} {
		hostile = append(hostile, questionnaire.Answers{"days": v, "drinks": v, "heavy": v})
	}
	numbers := 0
	for _, s := range qtest.Suites(t) {
		t.Run(s.Name, func(t *testing.T) {
			q := s.Q
			l := NewLayout(q, []string{"us", "other"})
			rng := rand.New(rand.NewPCG(1, uint64(len(s.Name))))
			for i := range 300 + len(hostile) {
				r := SyntheticResponse(q, rng, float64(i%10)/9, nil) // panics on answers the engine refuses
				if errs := q.Check(r.Answers); len(errs) > 0 {
					t.Fatalf("synthetic answers refused: %v", errs)
				}
				if i >= 300 { // a damaged row: answers no form sends, a flag twice
					r.Answers, r.Band, r.Flags = hostile[i-300], "none", []string{"daily", "daily"}
				}
				r.Lang, r.Region = q.Languages[0], "us"
				one := NewTally(l)
				one.Add(r)
				for _, part := range partNames {
					touched := 0
					for j := range l.Rows(part) {
						touched += int(one.Counts[l.Slice(r.Lang, r.Region)][l.Offset(part)+j])
					}
					if touched > l.MaxCells(part) {
						t.Fatalf("a response adds %d to part %s, bound %d: %v", touched, part, l.MaxCells(part), r.Answers)
					}
				}
			}
			for _, it := range q.Items() {
				if it.Type == questionnaire.Number {
					numbers++
				}
			}
		})
	}
	if numbers == 0 {
		t.Fatal("no test questionnaire has a number item: the test checks nothing about them")
	}
}

// A number item is counted by the bands of its points, one per response; one without points
// is not counted. Random answers to it spread over its range.
func TestNumberItemsInTheLayout(t *testing.T) {
	var q *questionnaire.Questionnaire
	for _, s := range qtest.Suites(t) {
		if s.Q.ID == "numbers" {
			q = s.Q
		}
	}
	if q == nil {
		t.Fatal("no numbers fixture")
	}
	l := NewLayout(q, []string{"us"})
	var ids []string
	for _, it := range l.Items {
		ids = append(ids, it.ID)
	}
	if want := []string{"days", "worry"}; !slices.Equal(ids, want) {
		t.Fatalf("layout items %v, want %v (drinks and heavy have no points)", ids, want)
	}
	if got, want := l.Items[0].Codes, []string{"0", "1..3", "4..9", "10..19", "20..30"}; !slices.Equal(got, want) || !l.Items[0].Number || l.Items[0].Most != 1 {
		t.Fatalf("days: %+v, want codes %v, one per response", l.Items[0], want)
	}
	tl := NewTally(l)
	for _, days := range []string{"0", "3", "4", "30", "31", "-1"} {
		r := SyntheticResponse(q, rand.New(rand.NewPCG(1, 1)), 0, nil)
		r.Lang, r.Region, r.Answers = "en", "us", questionnaire.Answers{"days": {days}}
		tl.Add(r)
	}
	row := tl.Counts[l.Slice("en", "us")]
	got := map[string]int64{}
	for _, c := range l.Items[0].Codes {
		got[c] = row[tl.index[PartOptions+":days="+c]]
	}
	if want := map[string]int64{"0": 1, "1..3": 1, "4..9": 1, "10..19": 0, "20..30": 1}; !maps.Equal(got, want) {
		t.Errorf("days counted %v, want %v (31 and -1 are in no band)", got, want)
	}
	if got := NumberBandLabel(q.Item("days"), "1..3", "es"); got != "1–3 días" {
		t.Errorf("label %q, want %q", got, "1–3 días")
	}
	rng := rand.New(rand.NewPCG(2, 3))
	seen := map[int]bool{}
	for range 400 {
		v, _ := strconv.Atoi(RandomAnswers(q, rng, 0.8, nil)["days"][0])
		seen[v] = true
	}
	if len(seen) < 20 {
		t.Errorf("400 random answers to days gave only %d values of 31", len(seen))
	}
}
