package qtest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// The helpers below are shared by the tests of the questionnaire packages: the engine, the
// definition files' lint, the catalog and the help resources.

// Parse parses a questionnaire given as text and fails the test on any problem.
func Parse(t testing.TB, name, src string) *questionnaire.Questionnaire {
	t.Helper()
	q, err := definition.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("%s has problems:\n%v", name, err)
	}
	return q
}

// Fixture parses a questionnaire under internal/questionnaire/testdata and fails the test on
// any problem.
func Fixture(t testing.TB, name string) *questionnaire.Questionnaire {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Root(), "internal", "questionnaire", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(t, name, string(data))
}

// LintFile is the text of a lint fixture, under internal/questionnaire/definition/testdata/lint.
func LintFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Root(), "internal", "questionnaire", "definition", "testdata", "lint", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// LineOf is the 1-based line of the first line of text that contains s.
func LineOf(t testing.TB, text, s string) int {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", s)
	return 0
}

// Catalog is every shipped questionnaire version and the help resources.
func Catalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatalf("the shipped questionnaires have problems:\n%v", err)
	}
	return c
}

// Shipped is the ketamine self-check as the binary embeds it.
func Shipped(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	c := Catalog(t)
	q := c.Latest("ketamine-selfcheck")
	if q == nil {
		t.Fatalf("no ketamine-selfcheck among %v", c.IDs())
	}
	return q
}

// Ans builds answers from pairs: Ans("use", "both", "harms", "bladder,memory").
// A value with commas is a multiple-choice answer; "" is an empty list.
func Ans(pairs ...string) questionnaire.Answers {
	a := questionnaire.Answers{}
	for i := 0; i+1 < len(pairs); i += 2 {
		a[pairs[i]] = split(pairs[i+1])
	}
	return a
}

func split(s string) []string {
	out := []string{}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i > start {
				out = append(out, s[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// With returns a copy of a with more answers set, given as for Ans.
func With(a questionnaire.Answers, pairs ...string) questionnaire.Answers {
	c := a.Clone()
	for k, v := range Ans(pairs...) {
		c[k] = v
	}
	return c
}

// Fill answers every item skip logic shows, in order: the fixed answers where given, and
// otherwise "no", "none", or the first option.
func Fill(q *questionnaire.Questionnaire, fixed questionnaire.Answers) questionnaire.Answers {
	a := questionnaire.Answers{}
	for _, it := range q.Items() {
		if !q.Visibility(a)[it.ID] {
			continue
		}
		if v, ok := fixed[it.ID]; ok {
			a[it.ID] = v
			continue
		}
		code := it.Options[0].Code
		for _, o := range it.Options {
			if o.Code == "no" || o.Code == "none" {
				code = o.Code
				break
			}
		}
		a[it.ID] = []string{code}
	}
	return a
}

// MustScore scores answers that must be valid.
func MustScore(t testing.TB, q *questionnaire.Questionnaire, a questionnaire.Answers) *questionnaire.Result {
	t.Helper()
	r, err := q.Score(a)
	if err != nil {
		t.Fatalf("Score(%v): %v", a, err)
	}
	return r
}

// ShownIDs lists the items skip logic shows for the answers, in questionnaire order.
func ShownIDs(q *questionnaire.Questionnaire, a questionnaire.Answers) []string {
	shown := q.Visibility(a)
	var out []string
	for _, it := range q.Items() {
		if shown[it.ID] {
			out = append(out, it.ID)
		}
	}
	return out
}

// Equal is slices.Equal, with nil and empty equal.
func Equal[T comparable](a, b []T) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}
