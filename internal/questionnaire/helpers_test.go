package questionnaire_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// parseFile parses a fixture under testdata and fails the test on any problem.
func parseFile(t testing.TB, name string) *questionnaire.Questionnaire {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return parse(t, name, string(data))
}

// parse parses a questionnaire given as text and fails the test on any problem.
func parse(t testing.TB, name, src string) *questionnaire.Questionnaire {
	t.Helper()
	q, err := questionnaire.Parse(name, []byte(src))
	if err != nil {
		t.Fatalf("%s has problems:\n%v", name, err)
	}
	return q
}

// shipped is the ketamine self-check as the binary embeds it.
func shipped(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	c, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatalf("the shipped questionnaires have problems:\n%v", err)
	}
	q := c.Latest("ketamine-selfcheck")
	if q == nil {
		t.Fatalf("no ketamine-selfcheck among %v", c.IDs())
	}
	return q
}

// ans builds answers from pairs: ans("use", "both", "harms", "bladder,memory").
// A value with commas is a multiple-choice answer; "" is an empty list.
func ans(pairs ...string) questionnaire.Answers {
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

// with returns a copy of a with more answers set.
func with(a questionnaire.Answers, pairs ...string) questionnaire.Answers {
	c := a.Clone()
	for k, v := range ans(pairs...) {
		c[k] = v
	}
	return c
}

// without returns a copy of a without some items.
func without(a questionnaire.Answers, ids ...string) questionnaire.Answers {
	c := a.Clone()
	for _, id := range ids {
		delete(c, id)
	}
	return c
}

// mustScore scores answers that must be valid.
func mustScore(t testing.TB, q *questionnaire.Questionnaire, a questionnaire.Answers) *questionnaire.Result {
	t.Helper()
	r, err := q.Score(a)
	if err != nil {
		t.Fatalf("Score(%v): %v", a, err)
	}
	return r
}

// shownIDs lists the shown items in questionnaire order.
func shownIDs(q *questionnaire.Questionnaire, a questionnaire.Answers) []string {
	shown := q.Visibility(a)
	var out []string
	for _, it := range q.Items() {
		if shown[it.ID] {
			out = append(out, it.ID)
		}
	}
	return out
}

func toldIDs(r *questionnaire.Result) []string {
	out := []string{}
	for _, t := range r.Told {
		out = append(out, t.Item.ID)
	}
	return out
}

func stepTexts(r *questionnaire.Result) []string {
	out := []string{}
	for _, s := range r.NextSteps() {
		out = append(out, s.Text.In("en"))
	}
	return out
}

func adviceIDs(r *questionnaire.Result) []string {
	out := []string{}
	for _, a := range r.Advice() {
		out = append(out, a.ID)
	}
	return out
}

func equal[T comparable](a, b []T) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}

// hasFlag reports whether the flag with the id was raised.
func hasFlag(r *questionnaire.Result, id string) bool {
	return slices.ContainsFunc(r.Flags, func(f *questionnaire.Flag) bool { return f.ID == id })
}

func lintFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "lint", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// lineOf is the 1-based line of the first line of text that contains s.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if strings.Contains(line, s) {
			return i + 1
		}
	}
	t.Fatalf("no line contains %q", s)
	return 0
}

// shippedCatalog is every shipped questionnaire version and the help resources.
func shippedCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatalf("the shipped questionnaires have problems:\n%v", err)
	}
	return c
}
