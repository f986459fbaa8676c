package questionnaire_test

import (
	"slices"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

// The shared test helpers, by the names these tests use.
var (
	parse          = qtest.Parse
	parseFile      = qtest.Fixture
	shipped        = qtest.Shipped
	shippedCatalog = qtest.Catalog
	ans            = qtest.Ans
	with           = qtest.With
	fill           = qtest.Fill
	mustScore      = qtest.MustScore
	shownIDs       = qtest.ShownIDs
)

// without returns a copy of a without some items.
func without(a questionnaire.Answers, ids ...string) questionnaire.Answers {
	c := a.Clone()
	for _, id := range ids {
		delete(c, id)
	}
	return c
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

// hasFlag reports whether the flag with the id was raised.
func hasFlag(r *questionnaire.Result, id string) bool {
	return slices.ContainsFunc(r.Flags, func(f *questionnaire.Flag) bool { return f.ID == id })
}
