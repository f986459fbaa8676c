package fhir_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/internal/testtool"
)

// lformsReading is what the page's load() returns.
type lformsReading struct {
	Errors   []string                   `json:"errors"`
	Response fhir.QuestionnaireResponse `json:"response"`
	Shown    []string                   `json:"shown"`
}

// LHC-Forms (the NLM's FHIR form renderer) reads every exported Questionnaire with each of its
// golden responses as the engine does: no validation error, every answer and every calculated
// score, band and flag as the engine has them, and exactly the questions the engine asks on
// screen. It runs in headless Chromium, from a local server of its own.
func TestLHCFormsReadsTheExport(t *testing.T) {
	browser := testtool.Chromium(t) // first: without a browser, LHC-Forms is not worth fetching
	dir := testtool.LForms(t)
	mux := http.NewServeMux()
	mux.Handle("/lforms/", http.StripPrefix("/lforms/", http.FileServer(http.Dir(dir))))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, "testdata/lforms.html") })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	for _, s := range qtest.Suites(t) {
		t.Run(s.Name, func(t *testing.T) {
			lang := s.Q.Languages[0]
			export := fhir.NewQuestionnaire(s.Q, lang, fhir.DefaultBase, labels)
			byExpression := expressionEnabled(export)
			fq, _ := json.Marshal(export)
			for _, c := range s.Cases {
				if c.Errors != nil {
					continue
				}
				t.Run(c.Name, func(t *testing.T) {
					r, err := s.Q.Score(c.Answers())
					if err != nil {
						t.Fatal(err)
					}
					want := fhir.NewResponse(r, fhir.ResponseInfo{ID: "x", Day: "2026-03-10"}, lang, fhir.DefaultBase, labels)
					qr, _ := json.Marshal(want)
					cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					defer cancel()
					out, err := chromedp.Run(cctx, chromedp.Evaluate[string](fmt.Sprintf("load(%s, %s)", fq, qr), chromedp.EvalAwaitPromise))
					if err != nil {
						t.Fatal(err)
					}
					var got lformsReading
					if err := json.Unmarshal([]byte(out), &got); err != nil {
						t.Fatal(err)
					}
					shown := s.Q.Visibility(r.Answers)
					for _, e := range got.Errors {
						if !lformsDefect(s.Q, byExpression, shown, got.Shown, e, lang) {
							t.Errorf("validation error: %s", e)
						}
					}
					if g, w := answerMap(got.Response.Item), answerMap(want.Item); !equalMaps(g, w) {
						t.Errorf("LHC-Forms holds\n%v\nthe engine\n%v", g, w)
					}
					for _, it := range s.Q.Items() {
						if on := slices.Contains(got.Shown, it.ID); on != shown[it.ID] {
							t.Errorf("%s on screen: %v, asked by the engine: %v", it.ID, on, shown[it.ID])
						}
					}
				})
			}
		})
	}
}

// lformsDefect reports whether a validation error is LHC-Forms 40.1.3's own mistake: its
// checkValidity looks only at enableWhen, so a required question hidden by an SDC
// enableWhenExpression (on itself or its section: written only for conditions R4's enableWhen
// cannot say, such as "all" inside "any") is reported missing although LHC-Forms itself keeps
// it off screen, as it should. Any other error fails the test.
func lformsDefect(q *questionnaire.Questionnaire, byExpression map[string]bool, shown map[string]bool, onScreen []string, e, lang string) bool {
	for _, it := range q.Items() {
		if e == it.Prompt.In(lang)+" requires a value" && byExpression[it.ID] && !shown[it.ID] && !slices.Contains(onScreen, it.ID) {
			return true
		}
	}
	return false
}

// expressionEnabled lists the questions whose skip logic, or whose group's, is an expression.
func expressionEnabled(fq *fhir.Questionnaire) map[string]bool {
	out := map[string]bool{}
	var walk func(items []fhir.Item, inherited bool)
	walk = func(items []fhir.Item, inherited bool) {
		for _, it := range items {
			on := inherited
			for _, e := range it.Extension {
				on = on || strings.HasSuffix(e.URL, "enableWhenExpression")
			}
			out[it.LinkID] = on
			walk(it.Item, on)
		}
	}
	walk(fq.Item, false)
	return out
}

// answerMap is every answered item's answers, as codes and numbers.
func answerMap(items []fhir.ResponseItem) map[string][]string {
	out := map[string][]string{}
	var walk func([]fhir.ResponseItem)
	walk = func(items []fhir.ResponseItem) {
		for _, it := range items {
			for _, a := range it.Answer {
				switch {
				case a.ValueCoding != nil:
					out[it.LinkID] = append(out[it.LinkID], a.ValueCoding.Code)
				case a.ValueInteger != nil:
					out[it.LinkID] = append(out[it.LinkID], fmt.Sprint(*a.ValueInteger))
				}
			}
			walk(it.Item)
		}
	}
	walk(items)
	return out
}

func equalMaps(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}
