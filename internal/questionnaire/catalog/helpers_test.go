package catalog_test

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

func lintFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "lint", name))
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

func equal[T comparable](a, b []T) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}

// fill answers every item skip logic shows, in order: the fixed answers where given, and
// otherwise "no", "none", or the first option.
func fill(q *questionnaire.Questionnaire, fixed questionnaire.Answers) questionnaire.Answers {
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

// mustScore scores answers that must be valid.
func mustScore(t testing.TB, q *questionnaire.Questionnaire, a questionnaire.Answers) *questionnaire.Result {
	t.Helper()
	r, err := q.Score(a)
	if err != nil {
		t.Fatalf("Score(%v): %v", a, err)
	}
	return r
}

// with returns a copy of a with more answers set.
func with(a questionnaire.Answers, pairs ...string) questionnaire.Answers {
	c := a.Clone()
	for k, v := range ans(pairs...) {
		c[k] = v
	}
	return c
}
