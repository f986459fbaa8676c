// Package qtest is what the tests of the questionnaire packages share: the golden answer sets
// of the test questionnaires (the fixtures under internal/questionnaire/testdata, the shipped
// questionnaire and the instrument library), which the engine's tests check and the FHIR tests
// compare other readings of the same files with (an export, an import, a FHIR form filler);
// and helpers that parse fixtures, build answers and load the shipped catalog.
package qtest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
)

// Suite is one questionnaire and its golden answer sets.
type Suite struct {
	Name  string // the cases file's name, without .yaml
	File  string // the questionnaire file, relative to the repository's root
	Q     *questionnaire.Questionnaire
	Data  []byte // the questionnaire file's text
	Cases []Case
}

// Case is one set of answers and what the engine must make of it: scores, the band of every
// level shown and the flags raised; or, for answers it must refuse, the error for each item.
type Case struct {
	Name    string            `yaml:"name"`
	Raw     map[string]any    `yaml:"answers"`
	Scores  map[string]int    `yaml:"scores"`
	NoValue []string          `yaml:"no_value"` // scores whose show_if does not hold
	Levels  map[string]string `yaml:"levels"`   // score id -> band id, for every level shown
	Flags   []string          `yaml:"flags"`    // most severe first
	Errors  map[string]string `yaml:"errors"`   // item id -> error kind
}

type casesFile struct {
	File  string `yaml:"file"`
	Cases []Case `yaml:"cases"`
}

// Root is the repository's root directory.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Suites loads every cases file under internal/questionnaire/testdata/cases, and parses the
// questionnaire each one names (with the shipped help resources for its checks).
func Suites(t testing.TB) []Suite {
	t.Helper()
	dir := filepath.Join(Root(), "internal", "questionnaire", "testdata", "cases")
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no cases under %s (%v)", dir, err)
	}
	var out []Suite
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var cf casesFile
		if err := yaml.UnmarshalWithOptions(data, &cf, yaml.DisallowUnknownField()); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		src, err := os.ReadFile(filepath.Join(Root(), cf.File))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		q, err := definition.Parse(filepath.Base(cf.File), src)
		if err != nil {
			t.Fatalf("%s has problems:\n%v", cf.File, err)
		}
		if len(cf.Cases) == 0 {
			t.Fatalf("%s has no cases", name)
		}
		base := filepath.Base(name)
		out = append(out, Suite{Name: base[:len(base)-len(".yaml")], File: cf.File, Q: q, Data: src, Cases: cf.Cases})
	}
	return out
}

// Answers are the case's answers in the engine's form: a code, a list of codes, or a number.
func (c Case) Answers() questionnaire.Answers { return answers(c.Raw) }

func answers(m map[string]any) questionnaire.Answers {
	a := questionnaire.Answers{}
	for k, v := range m {
		switch v := v.(type) {
		case []any:
			codes := []string{}
			for _, x := range v {
				codes = append(codes, fmt.Sprint(x))
			}
			a[k] = codes
		case uint64:
			a[k] = []string{strconv.FormatUint(v, 10)}
		case int64:
			a[k] = []string{strconv.FormatInt(v, 10)}
		default:
			a[k] = []string{fmt.Sprint(v)}
		}
	}
	return a
}

// Outcome is what a scored result says, in the form the cases write it.
type Outcome struct {
	Scores map[string]int
	Levels map[string]string
	Flags  []string
}

// OutcomeOf reads a result.
func OutcomeOf(r *questionnaire.Result) Outcome {
	o := Outcome{Scores: r.Scores, Levels: map[string]string{}, Flags: r.FlagIDs()}
	for _, l := range r.Levels {
		if l.Band != nil {
			o.Levels[l.Score.ID] = l.Band.ID
		}
	}
	return o
}

// Check compares a result with the case and returns every difference.
func (c Case) Check(r *questionnaire.Result) []string {
	var diffs []string
	o := OutcomeOf(r)
	for id, want := range c.Scores {
		if got, ok := o.Scores[id]; !ok || got != want {
			diffs = append(diffs, fmt.Sprintf("score %s = %d (has value: %v), want %d", id, got, ok, want))
		}
	}
	for _, id := range c.NoValue {
		if got, ok := o.Scores[id]; ok {
			diffs = append(diffs, fmt.Sprintf("score %s = %d, want no value", id, got))
		}
	}
	if c.Levels != nil {
		keys := func(m map[string]string) []string {
			var ks []string
			for k, v := range m {
				ks = append(ks, k+"="+v)
			}
			sort.Strings(ks)
			return ks
		}
		if got, want := keys(o.Levels), keys(c.Levels); !slices.Equal(got, want) {
			diffs = append(diffs, fmt.Sprintf("levels %v, want %v", got, want))
		}
	}
	if got, want := o.Flags, c.Flags; !(len(got) == 0 && len(want) == 0) && !slices.Equal(got, want) {
		diffs = append(diffs, fmt.Sprintf("flags %v, want %v", got, want))
	}
	return diffs
}
