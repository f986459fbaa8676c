package questionnaire_test

import (
	"slices"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

// Every golden answer set of every test questionnaire (fixtures, the shipped questionnaire and
// the library) scores as written, or is refused with the errors written.
func TestGoldenCases(t *testing.T) {
	for _, s := range qtest.Suites(t) {
		t.Run(s.Name, func(t *testing.T) {
			for _, c := range s.Cases {
				t.Run(c.Name, func(t *testing.T) {
					a := c.Answers()
					if c.Errors != nil {
						var got []string
						for _, e := range s.Q.Check(a) {
							got = append(got, e.Item+":"+e.Kind)
						}
						var want []string
						for item, kind := range c.Errors {
							want = append(want, item+":"+kind)
						}
						slices.Sort(got)
						slices.Sort(want)
						if !slices.Equal(got, want) {
							t.Errorf("errors %v, want %v", got, want)
						}
						return
					}
					r, err := s.Q.Score(a)
					if err != nil {
						t.Fatal(err)
					}
					for _, d := range c.Check(r) {
						t.Error(d)
					}
				})
			}
		})
	}
}

// The golden sets reach both ends of every band of every level: a band edge moved by one in
// the file makes a case fail.
func TestGoldenCasesCoverBandEdges(t *testing.T) {
	for _, s := range qtest.Suites(t) {
		t.Run(s.Name, func(t *testing.T) {
			seen := map[string][]int{}
			for _, c := range s.Cases {
				if c.Errors != nil {
					continue
				}
				r, err := s.Q.Score(c.Answers())
				if err != nil {
					t.Fatalf("%s: %v", c.Name, err)
				}
				for _, l := range r.Levels {
					seen[l.Score.ID] = append(seen[l.Score.ID], l.Value)
				}
			}
			for _, sc := range s.Q.LevelScores() {
				lo, hi := sc.Range()
				for _, b := range sc.Bands {
					for _, edge := range []int{max(b.Min, lo), min(b.Max, hi)} {
						if !slices.Contains(seen[sc.ID], edge) {
							t.Errorf("no case gives score %s the value %d (an edge of band %s)", sc.ID, edge, b.ID)
						}
					}
				}
			}
		})
	}
}
