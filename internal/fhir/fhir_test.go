package fhir_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/questionnaires"
)

func labels(key string) string { return "label of " + key }

func shipped(t *testing.T) *questionnaire.Questionnaire {
	t.Helper()
	cat, ps := questionnaire.Load(questionnaires.FS)
	if len(ps) > 0 {
		t.Fatal(ps)
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

func TestSkipLogicMapped(t *testing.T) {
	q := shipped(t)
	fq := fhir.NewQuestionnaire(q, "en", fhir.DefaultBase, labels)
	find := func(id string) *fhir.Item {
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
	// frequency: {item: use_context, none_of: [none_recent]}
	f := find("frequency")
	if f == nil || f.EnableBehavior != "all" || len(f.EnableWhen) != 2 || f.EnableWhen[0].Operator != "exists" ||
		f.EnableWhen[1].Operator != "!=" || f.EnableWhen[1].AnswerCoding.Code != "none_recent" {
		t.Errorf("frequency enableWhen: %+v", f)
	}
	// tolerance: {item: use_context, any_of: [not_prescribed, both]}
	tol := find("tolerance")
	if tol == nil || tol.EnableBehavior != "any" || len(tol.EnableWhen) != 2 || tol.EnableWhen[0].Operator != "=" {
		t.Errorf("tolerance enableWhen: %+v", tol)
	}
	if tol.Code[0].Code != "tolerance" {
		t.Errorf("tolerance's DSM-5 code: %+v", tol.Code)
	}
	if it := find("urinary"); it == nil || it.Repeats == nil || !*it.Repeats {
		t.Error("a multiple-choice item does not repeat")
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
