package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// Every flag of the self-check reaches a clinician by its clinician label, in the summary and in
// both FHIR downloads, with its suggested follow-up in the summary, in English and Spanish. A
// response stored under 1.1.0, whose flags have no clinician label, keeps the names it had.
func TestClinicianFlagLabels(t *testing.T) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	every := questionnaire.Answers{}
	for _, f := range q.Flags {
		for id, codes := range raising(t, q, f) {
			every[id] = codes
		}
	}
	a := answersFor(q, "both", 6, every)
	r, err := q.Score(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Flags) != len(q.Flags) {
		t.Fatalf("%d of %d flags raised: the test shows less than it means to", len(r.Flags), len(q.Flags))
	}
	token, rid := sharedResponse(t, ts, "en", a)
	addUser(t, ts, "clin@example.org", staffdb.RoleClinician)
	doc := ts.newBrowser(t)
	doc.login("clin@example.org")
	redeem(t, doc, makeShareCode(t, ts, token))
	for _, lang := range q.Languages {
		summary := doc.get("/clinician/responses/" + rid + "?lang=" + lang).Body
		if !strings.Contains(summary, `lang="`+lang+`"`) {
			t.Fatalf("the summary is not in %s", lang)
		}
		fhirQR := doc.get("/clinician/responses/" + rid + "/questionnaire-response.json?lang=" + lang).Body
		fhirQ := doc.get("/clinician/responses/" + rid + "/questionnaire.json?lang=" + lang).Body
		for _, f := range q.Flags {
			label, follow := f.ClinicianLabel.In(lang), f.FollowUp.In(lang)
			if label == "" || follow == "" {
				t.Fatalf("flag %s has no clinician label or follow-up in %s", f.ID, lang)
			}
			mustContain(t, summary, `<span class="flag-tag">`, htmlEscape(label), htmlEscape(follow))
			for name, body := range map[string]string{"QuestionnaireResponse": fhirQR, "Questionnaire": fhirQ} {
				if !displays(t, body)[f.ID][label] {
					t.Errorf("%s, %s: flag %s is not shown as %q", lang, name, f.ID, label)
				}
			}
		}
		mustContain(t, summary, htmlEscape(loadMessages(t).T(lang, "clinician.flag.suggestions_note")))
	}

	// The same answers' flags under 1.1.0: no clinician labels in that file, so the catalogue's.
	old := ts.Cat.Version(qid, "1.1.0")
	if old == nil {
		t.Fatal("version 1.1.0 is not loaded")
	}
	oa := answersFor(old, "both", 6, questionnaire.Answers{"safety": {"yes"}, "urinary": {"pain"}})
	or, err := old.Score(oa)
	if err != nil {
		t.Fatal(err)
	}
	resp := &responsedb.Response{Questionnaire: qid, Version: old.Version, Lang: "en", Region: "uk", Answers: oa, Scores: or.Scores,
		Flags: or.FlagIDs(), Band: or.Level.ID}
	oldToken, err := responsedb.New(ts.Store).CreateResponse(context.Background(), resp)
	if err != nil {
		t.Fatal(err)
	}
	redeem(t, doc, makeShareCode(t, ts, oldToken))
	summary := doc.get("/clinician/responses/" + resp.ID + "?lang=en").Body
	mustContain(t, summary, "version 1.1.0", "Safety: thoughts of self-harm or suicide in the last 2 weeks",
		"Urinary or bladder symptoms (possible ketamine uropathy)")
	if strings.Contains(summary, "Son solo sugerencias") || strings.Contains(summary, "These are suggestions only") {
		t.Error("a version without follow-ups says its follow-ups are suggestions")
	}
}

// redeem enters a share code as a signed-in clinician and fails unless it opens a summary.
func redeem(t *testing.T, b *browserClient, code string) {
	t.Helper()
	if res := b.postForm("/clinician/redeem", url.Values{"code": {code}}); res.StatusCode != 303 {
		t.Fatalf("redeem: %d", res.StatusCode)
	}
}

// displays collects every coding of a FHIR resource: code, then the displays it is shown with.
func displays(t *testing.T, body string) map[string]map[string]bool {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	out := map[string]map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if code, ok := v["code"].(string); ok {
				if d, ok := v["display"].(string); ok {
					if out[code] == nil {
						out[code] = map[string]bool{}
					}
					out[code][d] = true
				}
			}
			for _, sub := range v {
				walk(sub)
			}
		case []any:
			for _, sub := range v {
				walk(sub)
			}
		}
	}
	walk(doc)
	return out
}
