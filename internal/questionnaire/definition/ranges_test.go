package definition_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

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
			data, err := os.ReadFile(filepath.Join("..", "testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			exact, err := definition.ScoreExact(tt.file, data, tt.score)
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
			q, err := definition.Parse("pairs.yaml", []byte(pairs(tt.last)))
			ps := yamlfile.ProblemsOf(err)
			if tt.problem == "" {
				if len(ps) > 0 {
					t.Fatalf("a correct file refused:\n%v", ps)
				}
				exact, err := definition.ScoreExact("pairs.yaml", []byte(pairs(tt.last)), q.LevelScore().ID)
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
