package server_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// acceptLanguage makes the tab's requests send an Accept-Language header, as a browser set to
// that language would.
func (tb *tab) acceptLanguage(v string) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": v}}); err != nil {
		tb.t.Fatal(err)
	}
}

// pickRegion moves to the region picker with the keyboard and chooses a region with the arrows.
func (tb *tab) pickRegion(sel, region string) {
	tb.t.Helper()
	tb.tabTo("a.id === " + jsString(sel))
	for range 12 {
		if eval[string](tb, "document.activeElement.value") == region {
			return
		}
		tb.press(kb.ArrowDown)
	}
	tb.t.Fatalf("region picker %s: could not reach %q", sel, region)
}

// testRegionJourneys: the browser's language preselects a region it names; a browser that
// names none gets "Choose where you are", and going on without choosing is an error by the
// picker, the answers kept, fixed with the keyboard; the result says whose help lines it
// shows, and changing them keeps the answers. Spain and Mexico in Spanish, end to end.
func testRegionJourneys(t *testing.T, b *browser) {
	q := loadCatalog(t).Latest(qid)
	t.Run("es-ES-nojs", func(t *testing.T) {
		t.Parallel()
		ts := newTestServer(t)
		tb := b.newTab(t, ts.URL)
		tb.noScript()
		tb.acceptLanguage("es-ES,es;q=0.9")
		if st := tb.open("/"); st != 200 {
			t.Fatalf("landing: %d", st)
		}
		if got := eval[string](tb, "document.getElementById('region-"+qid+"').value"); got != "es" {
			t.Fatalf("landing region %q, want es (Spain) from es-ES", got)
		}
		tb.check("landing-es-ES")
		if st := tb.activate("a.type === 'submit'"); st != 200 {
			t.Fatalf("start: %d", st)
		}
		if tb.exists("select#region") {
			t.Error("the first step asks again for the region chosen")
		}
		j := journey{name: "es-ES", lang: "es", region: "es", answers: answersFor(q, "not_prescribed", 3, nil), level: "some"}
		tb.answerSteps(j)
		tb.checkRegionResult(j, q, "España", []string{"tel:024", "tel:112"}, true)
		if n := ts.countResponses(); n != 1 {
			t.Errorf("%d responses stored, want 1", n)
		}
	})
	t.Run("es-MX", func(t *testing.T) {
		t.Parallel()
		ts := newTestServer(t)
		tb := b.newTab(t, ts.URL)
		tb.acceptLanguage("es-MX,es;q=0.9")
		tb.open("/")
		if got := eval[string](tb, "document.getElementById('region-"+qid+"').value"); got != "mx" {
			t.Fatalf("landing region %q, want mx (Mexico) from es-MX", got)
		}
		if st := tb.activate("a.type === 'submit'"); st != 200 {
			t.Fatalf("start: %d", st)
		}
		j := journey{name: "es-MX", lang: "es", region: "mx", script: true, quick: true, level: "moderate",
			answers: answersFor(q, "both", 4, questionnaire.Answers{"urinary": {"pain"}, "outside_treatment": {"yes"}})}
		tb.answerSteps(j)
		tb.checkRegionResult(j, q, "México", []string{"tel:8009112000", "tel:911"}, false)
		tb.sectionShot("#level-title", "result-level")
		tb.sectionShot("#help-title", "result-help")
	})
	t.Run("required", func(t *testing.T) {
		t.Parallel()
		ts := newTestServer(t)
		tb := b.newTab(t, ts.URL)
		tb.acceptLanguage("de-DE,de;q=0.9,en;q=0.5")
		tb.open("/?lang=en")
		if got := eval[string](tb, "document.getElementById('region-"+qid+"').selectedOptions[0].text"); got != "Choose where you are" {
			t.Fatalf("landing region shows %q, want \"Choose where you are\"", got)
		}
		if st := tb.activate("a.type === 'submit'"); st != 200 {
			t.Fatalf("start without a region: %d", st)
		}
		// The first step asks; sent without an answer, the error is by the picker, listed first.
		if !tb.visible("select#region") {
			t.Fatal("the first step does not ask where the person is")
		}
		tb.check("step-0-region")
		tb.choose("use_context", "not_prescribed")
		if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 422 {
			t.Fatalf("step without a region: %d, want 422", st)
		}
		tb.check("step-0-region-error")
		if got := eval[string](tb, "document.querySelector('#error-summary a').getAttribute('href')"); got != "#item-region" {
			t.Errorf("first error links to %q, want the region picker", got)
		}
		if !eval[bool](tb, `!!document.querySelector("#item-use_context input[value=not_prescribed]:checked")`) {
			t.Error("the answer was lost")
		}
		if d := tb.ax("#region").Description; !strings.Contains(d, "Please choose where you are") {
			t.Errorf("screen readers describe the picker as %q, without its error", d)
		}
		// The error summary has focus; its link leads to the picker.
		if got := eval[string](tb, "document.activeElement.id"); got != "error-summary" {
			t.Errorf("focus on %q, want the error summary", got)
		}
		tb.press(kb.Tab)
		tb.press(kb.Enter)
		tb.press(kb.Tab)
		if got := eval[string](tb, "document.activeElement.id"); got != "region" {
			t.Errorf("after the error link, Tab reached %q, want the region picker", got)
		}
		tb.pickRegion("region", "ie")
		j := journey{name: "required", lang: "en", region: "ie", script: true, level: "moderate",
			answers: answersFor(q, "not_prescribed", 4, questionnaire.Answers{"urinary": {"pain"}})}
		tb.answerSteps(j)
		tb.checkRegionResult(j, q, "Ireland", []string{"tel:116123", "tel:112", "tel:1800459459"}, false)
		// Change where you are, with the keyboard: the same answers, Australia's lines.
		told := eval[int](tb, "document.querySelectorAll('.told li').length")
		tb.pickRegion("region", "au")
		if st := tb.activate("a.matches('#region-form button')"); st != 200 {
			t.Fatalf("change region: %d", st)
		}
		if got := tb.text(".get-help .region-line"); !strings.Contains(got, "Australia") {
			t.Errorf("after the change, the page says %q", got)
		}
		if !tb.exists(`a[href="tel:131114"]`) || eval[int](tb, "document.querySelectorAll('.told li').length") != told {
			t.Error("after the change: not Australia's lines, or not the same answers")
		}
		tb.check("result-region-changed")
	})
}

// checkRegionResult checks a result reached by a region journey: its level, whose lines it
// shows, the lines themselves, where to look for what the region lacks.
func (tb *tab) checkRegionResult(j journey, q *questionnaire.Questionnaire, name string, tels []string, whereElse bool) {
	t := tb.t
	t.Helper()
	if !strings.HasPrefix(tb.path(), "/r/") {
		t.Fatalf("not on a result: %s", tb.path())
	}
	tb.checkResultPage("result", j.lang, levelLabel(t, q, j.answers, j.lang, j.level), false)
	if got := tb.text(".get-help .region-line"); !strings.Contains(got, name) {
		t.Errorf("region line %q, want %s", got, name)
	}
	for _, tel := range tels {
		if !tb.exists(`a[href="` + tel + `"]`) {
			t.Errorf("no link to %s", tel)
		}
	}
	if tb.exists(".where-else") != whereElse {
		t.Errorf("where else to look shown = %v, want %v", !whereElse, whereElse)
	}
}

// testUrgentJourneys: thoughts of suicide, and right now. With JavaScript the "right now"
// question appears on the same step and is announced; without, the server adds it. The result
// starts with the box whose first thing to tap calls the emergency number, on screen without
// scrolling on a phone; the first Tab stop in the page's content is that call.
func testUrgentJourneys(t *testing.T, b *browser) {
	q := loadCatalog(t).Latest(qid)
	for _, c := range []struct {
		name, lang, region, accept string
		script                     bool
		tel                        string
		shot                       bool
	}{
		{"es-MX", "es", "mx", "es-MX,es;q=0.9", true, "tel:911", true},
		{"en-GB-nojs", "en", "uk", "en-GB", false, "tel:999", false},
		{"en-US", "en", "us", "en-US", true, "tel:911", true},
		{"es-ES", "es", "es", "es-ES", true, "tel:112", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t)
			tb := b.newTab(t, ts.URL)
			if !c.script {
				tb.noScript()
			}
			tb.acceptLanguage(c.accept)
			tb.open("/")
			if got := eval[string](tb, "document.documentElement.lang"); got != c.lang {
				t.Fatalf("page language %q, want %q from %s", got, c.lang, c.accept)
			}
			if st := tb.activate("a.type === 'submit'"); st != 200 {
				t.Fatalf("start: %d", st)
			}
			a := answersFor(q, "both", 5, questionnaire.Answers{"safety": {"yes"}, "safety_now": {"yes"}})
			if c.script {
				// Go to the last step, then check the question that appears there.
				for !tb.visible("#item-safety") {
					tb.answerVisible(a)
					if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 200 {
						t.Fatalf("step: %d", st)
					}
				}
				tb.answerVisible(a)
				if !tb.visible("#item-safety_now") {
					t.Fatal("the \"right now\" question did not appear after a yes")
				}
				live := eval[string](tb, `document.getElementById("live").textContent`)
				if legend := tb.text("#item-safety_now legend"); !strings.Contains(live, legend) {
					t.Errorf("live region says %q, want %q announced", live, legend)
				}
				tb.check("step-safety-now")
			}
			tb.answerSteps(journey{name: c.name, lang: c.lang, region: c.region, script: c.script, quick: true, answers: a})
			tb.checkUrgentResult(c.tel)
			if c.shot {
				tb.do(chromedp.Evaluate[chromedp.Void]("document.activeElement.blur()")) // as a person first sees it
				tb.foldShot("result")
			}
			r, err := q.Score(a)
			if err != nil {
				t.Fatal(err)
			}
			tb.checkResultPage("result", c.lang, levelLabel(t, q, a, c.lang, r.Level.ID), true)
		})
	}
}

// answerVisible answers the questions the step shows, as the answers say.
func (tb *tab) answerVisible(a questionnaire.Answers) {
	tb.t.Helper()
	for range 5 {
		changed := false
		for _, id := range eval[[]string](tb, `[...document.querySelectorAll("form.questionnaire fieldset.item")].filter(f => !f.hidden).map(f => f.id.slice(5))`) {
			changed = tb.setAnswer(id, a[id]...) || changed
		}
		if !changed {
			return
		}
	}
}

// checkUrgentResult checks that an urgent result starts with the call to the emergency
// number: first in the page's content, first Tab stop after the header, and on screen on a
// 390x844 phone without scrolling.
func (tb *tab) checkUrgentResult(tel string) {
	t := tb.t
	t.Helper()
	if first := eval[string](tb, "document.querySelector('main').firstElementChild.className"); first != "crisis urgent" {
		t.Fatalf("the page starts with %q, want the urgent box", first)
	}
	if got := eval[string](tb, "document.querySelector('main a').getAttribute('href')"); got != tel {
		t.Errorf("first link in the page %q, want %s", got, tel)
	}
	box := eval[struct{ Top, Bottom, Inner, Scroll float64 }](tb, `(() => {
		const r = document.querySelector(".urgent-call").getBoundingClientRect();
		return {Top: r.top, Bottom: r.bottom, Inner: innerHeight, Scroll: scrollY};
	})()`)
	if box.Scroll != 0 || box.Top < 0 || box.Bottom > box.Inner {
		t.Errorf("the call button is at %.0f-%.0fpx of a %.0fpx screen (scrolled %.0f): not on screen", box.Top, box.Bottom, box.Inner, box.Scroll)
	}
	// Tab from the top: past the skip link and the header, the call comes first.
	tb.do(chromedp.Reload())
	tb.tabTo("!!a.closest('main')")
	if got := eval[string](tb, "document.activeElement.getAttribute('href')"); got != tel {
		t.Errorf("first Tab stop in the content: %q, want %s", got, tel)
	}
	tb.focusShown("call button")
}

// saveDocShots copies the screenshots the documentation shows into docs/screenshots when
// KETASCREEN_DOC_SHOTS is set (the repository's docs folder), so they are made by the tests.
func saveDocShots(t *testing.T, b *browser) {
	dir := os.Getenv("KETASCREEN_DOC_SHOTS")
	if dir == "" {
		return
	}
	for from, to := range map[string]string{
		"urgent-en-us-result-fold.png":       "result-urgent-phone.png",
		"urgent-es-mx-result-fold.png":       "result-urgent-es-mx-phone.png",
		"region-es-mx-result-level-fold.png": "result-es-mx-level-phone.png",
		"region-es-mx-result-help-fold.png":  "result-es-mx-help-phone.png",
		"respondent-en-landing-phone.png":    "landing-phone.png",
		"safety-en-us-crisis-fold.png":       "result-safety-phone.png",
	} {
		data, err := os.ReadFile(filepath.Join(b.shots, from))
		if err != nil {
			t.Errorf("screenshot for the docs: %v", err)
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, to), data, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// sectionShot writes a screenshot of the screen with an element scrolled to its top, as a
// person who scrolled there sees it, then scrolls back.
func (tb *tab) sectionShot(sel, state string) {
	tb.t.Helper()
	tb.do(chromedp.Evaluate[chromedp.Void]("document.querySelector(" + jsString(sel) + ").scrollIntoView()"))
	tb.foldShot(state)
	tb.do(chromedp.Evaluate[chromedp.Void]("scrollTo(0, 0)"))
}
