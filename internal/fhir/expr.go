package fhir

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ketascreen/ketascreen/internal/fhir/fhirpath"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// The FHIRPath written here keeps to a few fixed forms, so that fhirimport.Import can read them
// back (with package fhirpath). In them %resource is the QuestionnaireResponse being filled in,
// %questionnaire the Questionnaire, and %score<Id> the variable holding a score, empty when it
// has no value.
// ".aggregate($total + $this, 0)" adds up a collection, giving 0 when it is empty.

// answers is the answers to an item, found by their path: the section's group, then the item
// (a path is much faster to follow than a search of the whole response with repeat(item)).
func answers(q *questionnaire.Questionnaire, item string) string {
	it := q.Item(item)
	return "%resource.item.where(linkId=" + fhirpath.Quote(sectionLink(it.Section().ID)) + ").item.where(linkId=" + fhirpath.Quote(item) + ").answer"
}

// scoreVar is the variable of a score: "score" and the id in camel case (risk_cannabis is
// scoreRiskCannabis). A variable's name is a FHIR id and a FHIRPath name, so it can hold
// neither "_" nor "-". Should two ids meet in camel case (a_b and a__b), every "_" is written
// "U" instead, which no id holds.
func scoreVar(q *questionnaire.Questionnaire, id string) string {
	seen := map[string]bool{}
	for _, s := range q.Scores {
		n := camel(s.ID)
		if seen[n] {
			return "score" + strings.ReplaceAll(id, "_", "U")
		}
		seen[n] = true
	}
	return "score" + camel(id)
}

func camel(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

const sum0 = ".aggregate($total + $this, 0)"

// codesIn is a test that a coding has one of the codes.
func codesIn(codes []string) string {
	if len(codes) == 0 {
		return "false"
	}
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = "code = " + fhirpath.Quote(c)
	}
	return strings.Join(parts, " or ")
}

// bounds is a test that $this lies within a condition's min and max.
func bounds(lo, hi *int) string {
	var parts []string
	if lo != nil {
		parts = append(parts, "$this >= "+strconv.Itoa(*lo))
	}
	if hi != nil {
		parts = append(parts, "$this <= "+strconv.Itoa(*hi))
	}
	return strings.Join(parts, " and ")
}

// condExpr is a condition in FHIRPath; it always gives true or false, never empty.
func condExpr(q *questionnaire.Questionnaire, c *questionnaire.Condition) string {
	switch {
	case c.Item != "" && (c.Min != nil || c.Max != nil):
		return answers(q, c.Item) + ".value.where(" + bounds(c.Min, c.Max) + ").exists()"
	case c.Item != "" && len(c.AnyOf) > 0:
		return answers(q, c.Item) + ".value.where(" + codesIn(c.AnyOf) + ").exists()"
	case c.Item != "":
		return "(" + answers(q, c.Item) + ".exists() and " + answers(q, c.Item) + ".value.where(" + codesIn(c.NoneOf) + ").empty())"
	case c.Score != "":
		return "%" + scoreVar(q, c.Score) + ".where(" + bounds(c.Min, c.Max) + ").exists()"
	}
	subs, op := c.All, " and "
	if c.Any != nil {
		subs, op = c.Any, " or "
	}
	parts := make([]string, len(subs))
	for i, sub := range subs {
		parts[i] = condExpr(q, sub)
	}
	return "(" + strings.Join(parts, op) + ")"
}

// scoreExpr is a score's value, empty when its show_if does not hold.
func scoreExpr(q *questionnaire.Questionnaire, s *questionnaire.Score) string {
	if s.Kind == questionnaire.Criteria {
		return criteriaExpr(q, s)
	}
	var terms []string
	for _, it := range s.ItemList() {
		terms = append(terms, itemTerm(q, s, it))
	}
	for _, sub := range s.Subscores() {
		v := "%" + scoreVar(q, sub.ID)
		switch s.Kind {
		case questionnaire.Count:
			terms = append(terms, "iif("+v+" > 0, 1, 0)")
		case questionnaire.Sum:
			terms = append(terms, v+sum0)
		default:
			terms = append(terms, v)
		}
	}
	var e string
	switch s.Kind {
	case questionnaire.Max, questionnaire.Min:
		e = "(" + strings.Join(terms, " | ") + ")." + s.Kind + "()" + sum0
	default:
		e = strings.Join(terms, " + ")
	}
	if s.ShowIf != nil {
		e = "iif(" + condExpr(q, s.ShowIf) + ", " + e + ", {})"
	}
	return e
}

// criteriaExpr counts the DSM-5 criteria met: one term per criterion, 1 when any of its items
// has a counted answer ("or" of their tests), so two items of one criterion count once.
func criteriaExpr(q *questionnaire.Questionnaire, s *questionnaire.Score) string {
	var order []string
	tests := map[string][]string{}
	for _, it := range s.ItemList() {
		if it.DSM5 == "" {
			continue
		}
		if _, ok := tests[it.DSM5]; !ok {
			order = append(order, it.DSM5)
		}
		tests[it.DSM5] = append(tests[it.DSM5], countedTest(q, s, it))
	}
	if len(order) == 0 {
		return "0"
	}
	terms := make([]string, len(order))
	for i, c := range order {
		terms[i] = "iif(" + strings.Join(tests[c], " or ") + ", 1, 0)"
	}
	e := strings.Join(terms, " + ")
	if s.ShowIf != nil {
		e = "iif(" + condExpr(q, s.ShowIf) + ", " + e + ", {})"
	}
	return e
}

// countedTest is true when an item's answer counts in a count or criteria score.
func countedTest(q *questionnaire.Questionnaire, s *questionnaire.Score, it *questionnaire.Item) string {
	a := answers(q, it.ID)
	if it.Type == questionnaire.Number {
		return a + ".value" + numberMap(it) + sum0 + " > 0"
	}
	var counted []string
	for _, o := range it.Options {
		if o.ValueFor(s.ID) > 0 {
			counted = append(counted, o.Code)
		}
	}
	return a + ".value.where(" + codesIn(counted) + ").exists()"
}

// itemTerm is what an item adds to a score. For max and min, an item without an answer gives
// nothing (it is left out), for sum and count it gives 0.
func itemTerm(q *questionnaire.Questionnaire, s *questionnaire.Score, it *questionnaire.Item) string {
	a := answers(q, it.ID)
	var v string
	switch {
	case it.Type == questionnaire.Number:
		v = a + ".value" + numberMap(it) + sum0
		if s.Kind == questionnaire.Count {
			return "iif(" + v + " > 0, 1, 0)"
		}
	case s.Kind == questionnaire.Count:
		var counted []string
		for _, o := range it.Options {
			if o.ValueFor(s.ID) > 0 {
				counted = append(counted, o.Code)
			}
		}
		// With no option worth anything, the item is still named (where(false)), so Import keeps it.
		return "iif(" + a + ".value.where(" + codesIn(counted) + ").exists(), 1, 0)"
	default:
		m := "0"
		for i := len(it.Options) - 1; i >= 0; i-- {
			if o := it.Options[i]; o.ValueFor(s.ID) != 0 {
				m = fmt.Sprintf("iif(code = %s, %d, %s)", fhirpath.Quote(o.Code), o.ValueFor(s.ID), m)
			}
		}
		v = a + ".value.select(" + m + ")" + sum0
	}
	if s.Kind == questionnaire.Max || s.Kind == questionnaire.Min {
		return "iif(" + a + ".exists(), " + v + ", {})"
	}
	return v
}

// numberMap turns a number answer into what it counts: times its weight, or its points.
func numberMap(it *questionnaire.Item) string {
	if len(it.Points) > 0 {
		last := it.Points[len(it.Points)-1]
		m := strconv.Itoa(last.Value)
		for i := len(it.Points) - 2; i >= 0; i-- {
			m = fmt.Sprintf("iif($this <= %d, %d, %s)", it.Points[i].Max, it.Points[i].Value, m)
		}
		return ".select(" + m + ")"
	}
	if it.Weight != nil && *it.Weight != 1 {
		return fmt.Sprintf(".select($this * %d)", *it.Weight)
	}
	return ""
}

// bandExpr picks the band's coding among the item's answer options. Like the engine, a value
// beyond the bands takes the nearest one.
func bandExpr(q *questionnaire.Questionnaire, link string, s *questionnaire.Score) string {
	v := "%" + scoreVar(q, s.ID)
	pick := fhirpath.Quote(s.Bands[len(s.Bands)-1].ID)
	for i := len(s.Bands) - 2; i >= 0; i-- {
		pick = fmt.Sprintf("iif(%s <= %d, %s, %s)", v, s.Bands[i].Max, fhirpath.Quote(s.Bands[i].ID), pick)
	}
	return "iif(" + v + ".exists(), " + resultOptions(link) + ".where(code = " + pick + "), {})"
}

// flagsExpr picks the codings of the flags whose conditions hold.
func flagsExpr(q *questionnaire.Questionnaire, flags []*questionnaire.Flag) string {
	parts := make([]string, len(flags))
	for i, f := range flags {
		parts[i] = "(code = " + fhirpath.Quote(f.ID) + " and " + condExpr(q, f.When) + ")"
	}
	return resultOptions(FlagsItem) + ".where(" + strings.Join(parts, " or ") + ")"
}

// resultOptions is the codings of a result item's options, in the Questionnaire.
func resultOptions(link string) string {
	return "%questionnaire.item.where(linkId=" + fhirpath.Quote(ResultGroup) + ").item.where(linkId=" + fhirpath.Quote(link) + ").answerOption.valueCoding"
}

func fhirpathExpr(name, e string) *Expression {
	return &Expression{Name: name, Language: FhirpathLang, Expression: e}
}
