package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// TestBrowser runs every browser journey in one shared Chromium. Run one with, e.g.,
// go test ./internal/server -run 'TestBrowser/Respondent/es'.
func TestBrowser(t *testing.T) {
	b := startBrowser(t)
	// After every part: the documentation's screenshots, when asked for.
	t.Cleanup(func() { saveDocShots(t, b) })
	// Each part has its own server and tabs, so they run side by side (go test -parallel).
	for _, part := range []struct {
		name string
		run  func(*testing.T, *browser)
	}{
		{"Respondent", testRespondentJourneys}, {"Results", testResultVariants}, {"Safety", testSafetyAboveFold},
		{"Pages", testOtherPages}, {"Robust", testRobustness}, {"Clinician", testClinicianJourney}, {"Admin", testAdminJourney},
		{"TwoFactor", testTwoFactorJourney}, {"Region", testRegionJourneys}, {"Urgent", testUrgentJourneys},
	} {
		t.Run(part.name, func(t *testing.T) {
			t.Parallel()
			part.run(t, b)
		})
	}
}

// journey is one person's way through the self-check, keyboard only.
type journey struct {
	name, lang, region string
	script             bool
	answers            questionnaire.Answers
	level              string // the band expected on the result page
	back               bool   // goes back a step once, and forward again
	urgent             bool   // the safety flag: crisis lines first
	quick              bool   // answers the steps without checking each (other journeys do)
}

func testRespondentJourneys(t *testing.T, b *browser) {
	q := loadCatalog(t).Latest(qid)
	journeys := []journey{
		{name: "en", lang: "en", region: "uk", script: true, level: "some", back: true,
			answers: answersFor(q, "not_prescribed", 3, questionnaire.Answers{"urinary": {"pain", "often_urgent"}})},
		{name: "es", lang: "es", region: "us", script: true, level: "high", urgent: true,
			answers: answersFor(q, "both", 7, questionnaire.Answers{"safety": {"yes"}, "mental_health": {"depression", "anxiety"}})},
		{name: "nojs", lang: "en", region: "ca", script: false, level: "moderate", back: true,
			answers: answersFor(q, "prescribed", 4, questionnaire.Answers{"more_than_prescribed": {"yes"}})},
		{name: "nojs-es", lang: "es", region: "other", script: false, level: "low",
			answers: answersFor(q, "not_prescribed", 1, nil)},
	}
	for _, j := range journeys {
		t.Run(j.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t)
			tb := b.newTab(t, ts.URL)
			if !j.script {
				tb.noScript()
			}
			tb.walk(j, q)
			if n := ts.countResponses(); n != 1 {
				t.Errorf("%d responses stored, want 1", n)
			}
			// What the keyboard chose is exactly what the journey meant.
			token := strings.TrimPrefix(strings.SplitN(tb.path(), "?", 2)[0], "/r/")
			resp, err := responsedb.New(ts.Store).ResponseByToken(context.Background(), token)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := sortedAnswers(resp.Answers), sortedAnswers(j.answers); got != want {
				t.Errorf("stored answers\n%s\nwant\n%s", got, want)
			}
			tb.checkResult(j, q)
			tb.deleteResult()
			if n := ts.countResponses(); n != 0 {
				t.Errorf("%d responses stored after delete, want 0", n)
			}
		})
	}
}

// walk goes from the landing page to the result page with the keyboard: Tab to move, arrows
// and Space to choose, Enter to send.
func (tb *tab) walk(j journey, q *questionnaire.Questionnaire) {
	t := tb.t
	if st := tb.open("/?lang=" + j.lang); st != 200 {
		t.Fatalf("landing: status %d", st)
	}
	tb.check("landing")
	// The first Tab stop is the skip link, shown when focused; Enter moves focus to main.
	tb.press(kb.Tab)
	skip := eval[struct {
		Class         string
		Left, Top     float64
		Width, Height float64
	}](tb, `(a => { const r = a.getBoundingClientRect(); return {Class: a.className, Left: r.left, Top: r.top, Width: r.width, Height: r.height}; })(document.activeElement)`)
	if skip.Class != "skip" || skip.Left < 0 || skip.Top < 0 || skip.Width == 0 {
		t.Errorf("first Tab stop: class %q at (%.0f, %.0f), want the skip link on screen", skip.Class, skip.Left, skip.Top)
	}
	tb.focusShown("skip link")
	tb.press(kb.Enter)
	if got := eval[string](tb, "document.activeElement.id"); got != "main" {
		t.Errorf("after the skip link, focus is on %q, want main", got)
	}
	sel := "region-" + qid
	tb.tabTo("a.id === " + jsString(sel))
	for range 10 {
		if eval[string](tb, "document.activeElement.value") == j.region {
			break
		}
		tb.press(kb.ArrowDown)
	}
	if got := eval[string](tb, "document.activeElement.value"); got != j.region {
		t.Fatalf("region picker: %q, want %q", got, j.region)
	}
	if st := tb.activate("a.type === 'submit'"); st != 200 {
		t.Fatalf("start: status %d", st)
	}

	// Step 1: the frequency question depends on the first answer. With JavaScript it
	// appears as soon as the answer is chosen; without, the server adds it on sending.
	if tb.visible("#item-frequency") {
		t.Fatal("frequency is shown before use_context is answered")
	}
	tb.check("step-0-start")
	if j.script {
		// Live skip logic follows the questionnaire's conditions: no frequency question for
		// someone who has not used ketamine lately.
		tb.choose("use_context", "none_recent")
		if tb.visible("#item-frequency") {
			t.Fatal("skip logic: frequency shown after \"not in the last 12 months\"")
		}
	}
	tb.choose("use_context", j.answers["use_context"]...)
	if j.script && j.answers["use_context"][0] != "none_recent" {
		if !tb.visible("#item-frequency") {
			t.Fatal("skip logic: frequency not shown after use_context was answered")
		}
		// Screen readers hear that questions appeared, and which: those of the last change
		// (the arrow keys choose each answer on the way, and each may bring up questions).
		live := eval[string](tb, `document.getElementById("live").textContent`)
		shown := eval[string](tb, `[...document.querySelectorAll("fieldset[data-show-if]")].filter(f => !f.hidden)
			.map(f => f.querySelector("legend").textContent).join(" ")`)
		_, named, ok := strings.Cut(live, ": ")
		if !ok || named == "" || !strings.Contains(shown, named) {
			t.Errorf("live region says %q, want the questions that appeared (shown now: %q) announced", live, shown)
		}
		// Sent without an answer to frequency: the error is by the question, the first
		// answer is kept, and focus moves to the list of problems.
		if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 422 {
			t.Fatalf("half-answered step: status %d, want 422", st)
		}
		tb.checkValidation(j.answers["use_context"][0])
	} else {
		if tb.visible("#item-frequency") {
			t.Fatal("without JavaScript, frequency shown before the page was sent")
		}
		if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 200 {
			t.Fatalf("step with a new question: status %d", st)
		}
		if !tb.visible("#item-frequency") || !tb.visible("p.notice[role=status]") {
			t.Fatal("skip logic without JavaScript: frequency not added with a notice")
		}
		tb.check("step-0-added")
		// The same failure without JavaScript: the error is shown and the answer kept.
		if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 422 {
			t.Fatalf("half-answered step: status %d, want 422", st)
		}
		tb.checkValidation(j.answers["use_context"][0])
	}

	tb.answerSteps(j)
}

// answerSteps answers every step from the one shown to the result, with the keyboard, checking
// each step once (axe, groups) and going back once if the journey says so.
func (tb *tab) answerSteps(j journey) {
	t := tb.t
	checked := map[string]bool{}
	for range 30 {
		if strings.HasPrefix(tb.path(), "/r/") {
			return
		}
		step := eval[string](tb, "document.querySelector('input[name=step]').value")
		if !checked[step] && step != "0" && !j.quick {
			checked[step] = true
			tb.check("step-" + step)
			tb.checkGroups()
			if j.back && step == "2" {
				// Back keeps what was answered on the step before.
				if st := tb.activate("a.name === 'nav' && a.value === 'back'"); st != 200 {
					t.Fatalf("back: status %d", st)
				}
				if eval[string](tb, "document.querySelector('input[name=step]').value") != "1" ||
					eval[int](tb, "document.querySelectorAll('form.questionnaire input:checked').length") == 0 {
					t.Fatal("back from step 2: not step 1 with its answers")
				}
				continue
			}
		}
		if j.script && tb.visible("#item-mental_health") {
			tb.checkExclusive("mental_health", "depression", "none")
		}
		// Answer every shown question as the journey says, again until nothing changes (an
		// answer can bring up another question on the same step).
		for range 10 {
			open := eval[[]string](tb, `[...document.querySelectorAll("form.questionnaire fieldset.item")]
				.filter(f => !f.hidden).map(f => f.id.slice(5))`)
			changed := false
			for _, id := range open {
				if j.answers[id] == nil {
					t.Fatalf("step %s shows %s, which these answers skip", step, id)
				}
				changed = tb.setAnswer(id, j.answers[id]...) || changed
			}
			if !changed {
				break
			}
		}
		if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 200 {
			t.Fatalf("step %s: status %d", step, st)
		}
	}
	t.Fatal("the questionnaire never ended")
}

// checkValidation checks the page after a step was sent half answered: the first answer
// kept, an error next to the unanswered question, and (with JavaScript) focus on the list
// of problems, whose link leads to the question.
func (tb *tab) checkValidation(kept string) {
	t := tb.t
	if !eval[bool](tb, `!!document.querySelector("#item-use_context input[value='`+kept+`']:checked")`) {
		t.Error("the answer to use_context was lost after the failed submission")
	}
	if !tb.visible("#item-frequency.has-error #error-frequency") {
		t.Error("no error shown next to the frequency question")
	}
	if got := eval[string](tb, "document.querySelector('#item-frequency').getAttribute('aria-describedby') || ''"); !strings.Contains(got, "error-frequency") {
		t.Errorf("frequency fieldset aria-describedby = %q, want it to name the error", got)
	}
	if !tb.visible("#error-summary a[href='#item-frequency']") {
		t.Error("error summary does not link to the question")
	}
	tb.check("validation")
	tb.checkGroups()
	if d, want := tb.ax("#item-frequency").Description, strings.Join(strings.Fields(eval[string](tb, "document.getElementById('error-frequency').textContent")), " "); !strings.Contains(d, want) {
		t.Errorf("screen readers describe the frequency question as %q, without its error %q", d, want)
	}
	if !tb.scripted() {
		return
	}
	if got := eval[string](tb, "document.activeElement.id"); got != "error-summary" {
		t.Fatalf("focus after the failed submission is on %q, want the error summary", got)
	}
	tb.focusShown("error summary")
	// Its link leads to the question: the next Tab lands on the question's first option.
	tb.press(kb.Tab)
	if got := eval[string](tb, "document.activeElement.getAttribute('href')"); got != "#item-frequency" {
		t.Fatalf("Tab from the error summary reached %q, want its link", got)
	}
	tb.press(kb.Enter)
	tb.press(kb.Tab)
	if !eval[bool](tb, "!!document.activeElement.closest('#item-frequency')") {
		t.Errorf("after following the error link, Tab reached %q, not the question",
			eval[string](tb, "document.activeElement.id || document.activeElement.tagName"))
	}
}

// checkResult checks the result page of a journey: the level and flags in words, the crisis
// box first when urgent, and the print layout.
func (tb *tab) checkResult(j journey, q *questionnaire.Questionnaire) {
	t := tb.t
	if lang := eval[string](tb, "document.documentElement.lang"); lang != j.lang {
		t.Errorf("result page lang = %q, want %q", lang, j.lang)
	}
	tb.checkResultPage("result", j.lang, levelLabel(t, q, j.answers, j.lang, j.level), j.urgent)
	if j.script != tb.visible("button[data-print]") {
		t.Errorf("print button shown = %v with JavaScript %v", !j.script, j.script)
	}
	if j.script == tb.visible(".no-js-only") {
		t.Errorf("no-JavaScript print hint shown = %v with JavaScript %v", !j.script, j.script)
	}
	if j.script {
		tb.tabTo("a.matches('button[data-print]')")
		tb.focusShown("print button")
	}
}

// checkResultPage checks any result page: axe in both colour schemes, the level named in
// words (never by colour alone), flags labelled, the crisis box first when urgent, print.
func (tb *tab) checkResultPage(state, lang, levelLabel string, urgent bool) {
	t := tb.t
	tb.check(state)
	if levelLabel != "" {
		if got := tb.text(".level-label"); got != levelLabel {
			t.Errorf("level label %q, want %q", got, levelLabel)
		}
	}
	// Colour is never the only signal: each flag box carries its severity in words.
	untagged := eval[int](tb, `[...document.querySelectorAll("section.flag")].filter(f => !f.querySelector(".flag-tag") || !f.querySelector(".flag-tag").innerText.trim()).length`)
	if untagged > 0 {
		t.Errorf("%d flag(s) without a severity label in words", untagged)
	}
	first := eval[string](tb, "(e => e ? e.className : '')(document.querySelector('main').firstElementChild)")
	if urgent != strings.HasPrefix(first, "crisis") {
		t.Errorf("first element of main has class %q; urgent=%v", first, urgent)
	}
	// The safety plan prints with room to write each step by hand: a page more.
	most := 2
	if tb.exists(".safety-plan") {
		most = 3
	}
	tb.checkPrintPages(state, most)
}

// deleteResult deletes the answers from the result page with the keyboard: the link, the
// confirmation page, then the deleted page (410).
func (tb *tab) deleteResult() {
	t := tb.t
	result := tb.path()
	if st := tb.activate("a.matches('a[href*=\"/delete\"]')"); st != 200 {
		t.Fatalf("delete link: status %d", st)
	}
	tb.check("delete-confirm")
	if st := tb.activate("a.type === 'submit'"); st != 410 {
		t.Fatalf("delete: status %d, want 410 (deleted)", st)
	}
	tb.check("deleted")
	if st := tb.open(result); st != 410 {
		t.Errorf("result after delete: status %d, want 410", st)
	}
}

// levelLabel is the label of the level the answers score, checked to be the one a test means.
func levelLabel(t *testing.T, q *questionnaire.Questionnaire, a questionnaire.Answers, lang, want string) string {
	t.Helper()
	r, err := q.Score(a)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	if r.Level != nil {
		got = r.Level.ID
	}
	if got != want {
		t.Fatalf("these answers score level %q, the test means %q", got, want)
	}
	if r.Level == nil {
		return ""
	}
	return r.LevelText().Label.In(lang) // the words the engine chose for these answers
}

// sortedAnswers prints answers with each item's codes sorted, for comparing.
func sortedAnswers(a questionnaire.Answers) string {
	out := questionnaire.Answers{}
	for k, v := range a {
		out[k] = slices.Sorted(slices.Values(v))
	}
	return fmt.Sprint(out)
}

func jsString(s string) string { return fmt.Sprintf("%q", s) }
