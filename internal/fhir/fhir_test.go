package fhir_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/questionnaires"
)

func labels(key string) string { return "label of " + key }

func shipped(t *testing.T) *questionnaire.Questionnaire {
	t.Helper()
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatal(err)
	}
	return cat.Latest("ketamine-selfcheck")
}

func TestQuestionnaireValid(t *testing.T) {
	q := shipped(t)
	for _, lang := range q.Languages {
		fq := fhir.NewQuestionnaire(q, lang, fhir.DefaultBase, labels)
		body, _ := json.Marshal(fq)
		Validate(t, body)
		if fq.URL != "https://ketascreen.example/fhir/Questionnaire/ketamine-selfcheck" || fq.Version != q.Version {
			t.Errorf("canonical %s|%s", fq.URL, fq.Version)
		}
		// Every link id is unique, and every enableWhen points to an earlier question.
		seen := map[string]bool{}
		var walk func(items []fhir.Item)
		walk = func(items []fhir.Item) {
			for _, it := range items {
				if seen[it.LinkID] {
					t.Errorf("link id %q twice", it.LinkID)
				}
				for _, ew := range it.EnableWhen {
					if !seen[ew.Question] {
						t.Errorf("%s: enableWhen on %q, not an earlier item", it.LinkID, ew.Question)
					}
				}
				seen[it.LinkID] = true
				walk(it.Item)
			}
		}
		walk(fq.Item)
		for _, it := range q.Items() {
			if !seen[it.ID] {
				t.Errorf("item %s missing", it.ID)
			}
		}
	}
}

// find is the item with the link id, anywhere in the questionnaire.
func find(fq *fhir.Questionnaire, id string) *fhir.Item {
	var found *fhir.Item
	var walk func([]fhir.Item)
	walk = func(items []fhir.Item) {
		for i := range items {
			if items[i].LinkID == id {
				found = &items[i]
			}
			walk(items[i].Item)
		}
	}
	walk(fq.Item)
	return found
}

// Skip logic is written as enableWhen whenever R4 can say it, and as an SDC expression
// otherwise; never left out.
func TestSkipLogicMapped(t *testing.T) {
	suites := map[string]*questionnaire.Questionnaire{}
	for _, s := range qtest.Suites(t) {
		suites[s.Name] = s.Q
	}
	tests := []struct {
		suite, link string
		behavior    string
		conds       []string // question operator answer
		expression  string   // a part of the enableWhenExpression, when there is one
	}{
		// none_of on a single-choice item: "=" over the other options.
		{"ketamine-selfcheck-1.1.0", "frequency", "any", []string{"use_context = prescribed", "use_context = not_prescribed", "use_context = both"}, ""},
		{"ketamine-selfcheck-1.1.0", "tolerance", "any", []string{"use_context = not_prescribed", "use_context = both"}, ""},
		// none_of inside any: flattened, 3 other options for each of 9 items.
		{"phq9", "q10", "any", nil, ""},
		// A score of earlier answers: on the calculated score item.
		{"audit", "section.problems", "", []string{"score.q2q3 >= 1"}, ""},
		{"numbers", "heavy", "all", []string{"days >= 1", "drinks >= 5"}, ""},
		{"numbers", "worry", "all", []string{"days >= 10", "days <= 30"}, ""},
		// none_of on a multiple-choice item: answered, and none of the codes.
		{"assist", "section.drugs_cannabis", "", []string{"q1 = cannabis"}, ""},
		{"assist", "q3_cannabis", "any", []string{"q2_cannabis = once_twice", "q2_cannabis = monthly", "q2_cannabis = weekly", "q2_cannabis = daily"}, ""},
		// all inside any: R4 cannot say it.
		{"engine", "section.signs", "", nil, "(%resource.item.where(linkId='section.context').item.where(linkId='use').answer.value.where(code = 'recreational' or code = 'both').exists() or (%resource"},
	}
	for _, tt := range tests {
		t.Run(tt.suite+"/"+tt.link, func(t *testing.T) {
			fq := fhir.NewQuestionnaire(suites[tt.suite], "en", fhir.DefaultBase, labels)
			it := find(fq, tt.link)
			if it == nil {
				t.Fatalf("no item %s", tt.link)
			}
			var expr string
			for _, e := range it.Extension {
				if strings.HasSuffix(e.URL, "enableWhenExpression") {
					expr = e.ValueExpression.Expression
				}
			}
			if tt.expression != "" {
				if !strings.Contains(expr, tt.expression) || it.EnableWhen != nil {
					t.Errorf("enableWhen %v, expression %q; want an expression with %q", it.EnableWhen, expr, tt.expression)
				}
				return
			}
			if expr != "" || it.EnableBehavior != tt.behavior {
				t.Errorf("expression %q, behavior %q; want enableWhen with behavior %q", expr, it.EnableBehavior, tt.behavior)
			}
			var got []string
			for _, ew := range it.EnableWhen {
				switch {
				case ew.AnswerCoding != nil:
					got = append(got, fmt.Sprintf("%s %s %s", ew.Question, ew.Operator, ew.AnswerCoding.Code))
				case ew.AnswerInteger != nil:
					got = append(got, fmt.Sprintf("%s %s %d", ew.Question, ew.Operator, *ew.AnswerInteger))
				}
			}
			if tt.conds == nil {
				if len(got) != 27 {
					t.Errorf("%d conditions, want 27: %v", len(got), got)
				}
				return
			}
			if !slices.Equal(got, tt.conds) {
				t.Errorf("enableWhen %v, want %v", got, tt.conds)
			}
		})
	}
}

// Code systems cannot collide: not between items and the level, flag and score systems (even
// for items called level, flag and score), nor between questionnaires whose ids and item ids
// join up the same way (cage + aid_q1, cage-aid + q1).
func TestCodeSystemsDoNotCollide(t *testing.T) {
	doc := func(id, item string) string {
		return `id: ` + id + `
version: 1.0.0
languages: [en]
minutes: 1
level: score
title: {en: T}
introduction: {en: I.}
notice: {en: N.}
domains: [{id: d, label: {en: D}}]
sections:
  - id: s
    title: {en: S}
    items:
      - {id: ` + item + `, type: single, domain: d, prompt: {en: P}, options: [{code: a, label: {en: A}, value: 1}, {code: b, label: {en: B}}]}
      - {id: level, type: single, domain: d, prompt: {en: P}, options: [{code: a, label: {en: A}, value: 1}, {code: b, label: {en: B}}]}
      - {id: flag, type: single, domain: d, prompt: {en: P}, options: [{code: a, label: {en: A}, value: 1}, {code: b, label: {en: B}}]}
      - {id: score, type: single, domain: d, prompt: {en: P}, options: [{code: a, label: {en: A}, value: 1}, {code: b, label: {en: B}}]}
scores:
  - id: score
    label: {en: S}
    kind: sum
    items: [` + item + `, level, flag, score]
    bands:
      - {id: a, min: 0, max: 1, label: {en: A}, meaning: {en: A.}}
      - {id: b, min: 2, max: 4, label: {en: B}, meaning: {en: B.}}
  - id: flag
    label: {en: F}
    kind: sum
    items: [flag]
    bands:
      - {id: a, min: 0, max: 1, label: {en: A}, meaning: {en: A.}}
flags:
  - {id: a, severity: info, when: {item: flag, any_of: [a]}, title: {en: F}, message: {en: F.}}
`
	}
	// Every code system, with what it holds.
	owner := map[string]string{}
	for _, d := range [][2]string{{"cage", "aid_q1"}, {"cage-aid", "q1"}} {
		q, err := definition.Parse(d[0]+".yaml", []byte(doc(d[0], d[1])))
		if err != nil {
			t.Fatal(err)
		}
		fq := fhir.NewQuestionnaire(q, "en", fhir.DefaultBase, labels)
		var walk func([]fhir.Item)
		walk = func(items []fhir.Item) {
			for _, it := range items {
				for _, o := range it.AnswerOption {
					what := d[0] + " " + it.LinkID
					if prev, ok := owner[o.ValueCoding.System]; ok && prev != what {
						t.Errorf("%s is the code system of %s and of %s", o.ValueCoding.System, prev, what)
					}
					owner[o.ValueCoding.System] = what
				}
				walk(it.Item)
			}
		}
		walk(fq.Item)
	}
	if len(owner) != 2*7 {
		t.Errorf("%d code systems, want 14 (4 items, 2 bands, flags, twice): %v", len(owner), owner)
	}
}

func TestResponseValid(t *testing.T) {
	q := shipped(t)
	a := questionnaire.Answers{"use_context": {"both"}, "frequency": {"weekly"}}
	for _, it := range q.Items() {
		if _, ok := a[it.ID]; ok {
			continue
		}
		a[it.ID] = nil
		shown := q.Visibility(a)[it.ID]
		delete(a, it.ID)
		if !shown {
			continue
		}
		if it.Option("yes") != nil {
			a[it.ID] = []string{"yes"}
		} else {
			a[it.ID] = []string{it.Options[len(it.Options)-1].Code}
		}
	}
	a["urinary"] = []string{"pain", "blood"}
	r, err := q.Score(a)
	if err != nil {
		t.Fatal(err)
	}
	qr := fhir.NewResponse(r, fhir.ResponseInfo{ID: "0123456789abcdef0123456789abcdef", Day: "2026-03-10"}, "es", fhir.DefaultBase, labels)
	body, _ := json.MarshalIndent(qr, "", "  ")
	Validate(t, body)
	if qr.Questionnaire != "https://ketascreen.example/fhir/Questionnaire/ketamine-selfcheck|"+q.Version {
		t.Errorf("questionnaire %q", qr.Questionnaire)
	}
	s := string(body)
	for _, want := range []string{`"linkId": "score.signs"`, `"linkId": "result.level"`, `"code": "safety"`, `"linkId": "result.dsm5_count"`,
		`"code": "blood"`, `"authored": "2026-03-10"`} {
		if !strings.Contains(s, want) {
			t.Errorf("response lacks %s", want)
		}
	}
	// The response's codings are among the questionnaire's answer options.
	fq := fhir.NewQuestionnaire(q, "es", fhir.DefaultBase, labels)
	options := map[string][]fhir.Coding{}
	var walkQ func([]fhir.Item)
	walkQ = func(items []fhir.Item) {
		for _, it := range items {
			for _, o := range it.AnswerOption {
				options[it.LinkID] = append(options[it.LinkID], o.ValueCoding)
			}
			walkQ(it.Item)
		}
	}
	walkQ(fq.Item)
	var walkR func([]fhir.ResponseItem)
	walkR = func(items []fhir.ResponseItem) {
		for _, it := range items {
			for _, an := range it.Answer {
				if an.ValueCoding != nil && !slices.Contains(options[it.LinkID], *an.ValueCoding) {
					t.Errorf("%s answered %+v, not one of its options", it.LinkID, *an.ValueCoding)
				}
			}
			walkR(it.Item)
		}
	}
	walkR(qr.Item)
	// No subject, nothing about a person.
	if strings.Contains(s, `"subject"`) || strings.Contains(s, `"author"`) {
		t.Error("the response names a subject or author")
	}
}

// Every test questionnaire, in each of its languages, and each of its golden responses, is
// valid FHIR R4.
func TestEveryExportValid(t *testing.T) {
	Schema(t)
	for _, s := range qtest.Suites(t) {
		for _, lang := range s.Q.Languages {
			body, _ := json.Marshal(fhir.NewQuestionnaire(s.Q, lang, fhir.DefaultBase, labels))
			Validate(t, body)
			for _, c := range s.Cases {
				if c.Errors != nil {
					continue
				}
				r, err := s.Q.Score(c.Answers())
				if err != nil {
					t.Fatal(err)
				}
				body, _ := json.Marshal(fhir.NewResponse(r, fhir.ResponseInfo{ID: "x", Day: "2026-03-10"}, lang, fhir.DefaultBase, labels))
				Validate(t, body)
			}
		}
	}
}
