package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
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
		{"Region", testRegionJourneys}, {"Urgent", testUrgentJourneys},
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
			resp, err := ts.Store.ResponseByToken(context.Background(), token)
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

// choose picks answers to one question with the keyboard. A radio group is one Tab stop:
// arrows move and choose; Space chooses the focused option. Check boxes are a Tab stop each.
func (tb *tab) choose(item string, codes ...string) {
	tb.t.Helper()
	for _, code := range codes {
		tb.toggle(item, code, true)
	}
}

// setAnswer makes a question's chosen options exactly codes, with the keyboard, and reports
// whether anything changed.
func (tb *tab) setAnswer(item string, codes ...string) bool {
	tb.t.Helper()
	state := eval[map[string]bool](tb, `Object.fromEntries([...document.querySelectorAll("#item-`+item+` input")].map(i => [i.value, i.checked]))`)
	changed := false
	// In page order: Tab only goes forward.
	for _, code := range eval[[]string](tb, `[...document.querySelectorAll("#item-`+item+` input")].map(i => i.value)`) {
		want := slices.Contains(codes, code)
		if state[code] != want {
			tb.toggle(item, code, want)
			changed = true
			state = eval[map[string]bool](tb, `Object.fromEntries([...document.querySelectorAll("#item-`+item+` input")].map(i => [i.value, i.checked]))`)
		}
	}
	return changed
}

// toggle moves to one option with the keyboard and chooses it (on) or clears it (a check box).
func (tb *tab) toggle(item, code string, on bool) {
	tb.t.Helper()
	id := jsString(item + "-" + code)
	switch typ := eval[string](tb, "document.getElementById("+id+").type"); typ {
	case "radio":
		tb.tabTo("a.name === " + jsString(item))
		for range 12 {
			if eval[bool](tb, "document.activeElement.id === "+id) {
				break
			}
			tb.press(kb.ArrowDown)
		}
	case "checkbox":
		tb.tabTo("a.id === " + id)
	default:
		tb.t.Fatalf("%s: input type %q", id, typ)
	}
	if !eval[bool](tb, "document.activeElement.id === "+id) {
		tb.t.Fatalf("could not reach %s with the keyboard", id)
	}
	if eval[bool](tb, "document.activeElement.checked") != on {
		tb.press(" ")
	}
	if eval[bool](tb, "document.getElementById("+id+").checked") != on {
		tb.t.Fatalf("%s not %s", id, map[bool]string{true: "chosen", false: "cleared"}[on])
	}
}

// checkExclusive checks the script's "none of these": choosing it clears the other boxes,
// and choosing another box clears it.
func (tb *tab) checkExclusive(item, other, none string) {
	t := tb.t
	tb.setAnswer(item, other)
	tb.toggle(item, none, true)
	if eval[bool](tb, "document.getElementById("+jsString(item+"-"+other)+").checked") {
		t.Errorf("%s: choosing %q left %q chosen", item, none, other)
	}
	tb.toggle(item, other, true)
	if eval[bool](tb, "document.getElementById("+jsString(item+"-"+none)+").checked") {
		t.Errorf("%s: choosing %q left %q chosen", item, other, none)
	}
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

// checkGroups checks that screen readers get each shown question as a group named by its
// question (the legend), whatever the CSS does to the legend.
func (tb *tab) checkGroups() {
	t := tb.t
	for _, id := range eval[[]string](tb, `[...document.querySelectorAll("fieldset.item")].filter(f => !f.hidden).map(f => f.id)`) {
		n := tb.ax("#" + id)
		legend := strings.Join(strings.Fields(eval[string](tb, "document.querySelector('#"+id+" legend').textContent")), " ")
		if n.Role != "group" || strings.Join(strings.Fields(n.Name), " ") != legend {
			t.Errorf("%s: accessibility role %q, name %q; want group %q", id, n.Role, n.Name, legend)
		}
	}
}

func (tb *tab) scripted() bool {
	return eval[bool](tb, "document.documentElement.classList.contains('js')")
}

// focusShown fails unless the focused element shows a focus indicator.
func (tb *tab) focusShown(what string) {
	tb.t.Helper()
	f := eval[focusStyle](tb, focusStyleJS)
	if !f.visible() {
		tb.t.Errorf("%s: focus not visible on %s (outline %s %gpx, box-shadow %s)", what, f.Desc, f.Outline, f.Width, f.Shadow)
	}
}

type focusStyle struct {
	Desc, Outline, Shadow string
	Width                 float64
	Body                  bool
}

func (f focusStyle) visible() bool {
	return (f.Outline != "none" && f.Width >= 2) || (f.Shadow != "none" && f.Shadow != "")
}

const focusStyleJS = `(() => {
	const a = document.activeElement, s = getComputedStyle(a);
	return {Desc: a.tagName.toLowerCase() + (a.id ? "#" + a.id : "") + " " + JSON.stringify((a.innerText || a.value || "").trim().slice(0, 40)),
		Outline: s.outlineStyle, Width: parseFloat(s.outlineWidth) || 0, Shadow: s.boxShadow,
		Body: a === document.body || a === document.documentElement};
})()`

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

// testResultVariants shows every level and flag combination not met on a journey, answered
// through the form by HTTP and then opened in the browser.
func testResultVariants(t *testing.T, b *browser) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	variants := []struct {
		name, lang, region, context string
		signs                       int
		over                        questionnaire.Answers
		level                       string
		urgent                      bool
	}{
		{"low-prescribed", "en", "us", "prescribed", 0, nil, "low", false},
		{"none-recent", "en", "uk", "none_recent", 0, nil, "low", false},
		{"moderate-flags", "es", "au", "both", 4, questionnaire.Answers{"more_than_prescribed": {"yes"}, "urinary": {"blood"}}, "moderate", false},
		{"high-everything", "en", "us", "both", 13, questionnaire.Answers{"safety": {"yes"}, "more_than_prescribed": {"yes"},
			"urinary": {"often_urgent", "pain", "blood"}, "mental_health": {"depression", "anxiety", "ptsd", "psychosis"}}, "high", true},
		{"high-everything-es", "es", "ie", "both", 13, questionnaire.Answers{"safety": {"yes"}, "more_than_prescribed": {"yes"},
			"urinary": {"often_urgent", "pain", "blood"}}, "high", true},
	}
	tb := b.newTab(t, ts.URL)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			tb.t = t
			tb.prefix = "result-" + v.name
			loc := resultPath(t, ts.walkForm(v.lang, v.region, answersFor(q, v.context, v.signs, v.over)))
			if st := tb.open(loc); st != 200 {
				t.Fatalf("result: status %d", st)
			}
			a := answersFor(q, v.context, v.signs, v.over)
			label := levelLabel(t, q, a, v.lang, v.level)
			tb.checkResultPage("result", v.lang, label, v.urgent)
		})
	}
}

// testSafetyAboveFold: a yes to the safety question puts the crisis lines first, and the
// first one can be called without scrolling on a phone.
func testSafetyAboveFold(t *testing.T, b *browser) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	for _, c := range []struct{ lang, region string }{{"en", "us"}, {"es", "us"}, {"en", "uk"}, {"en", "other"}} {
		t.Run(c.lang+"-"+c.region, func(t *testing.T) {
			loc := resultPath(t, ts.walkForm(c.lang, c.region, answersFor(q, "not_prescribed", 11, questionnaire.Answers{"safety": {"yes"}})))
			tb := b.newTab(t, ts.URL)
			if st := tb.open(loc); st != 200 {
				t.Fatalf("result: status %d", st)
			}
			if first := eval[string](tb, "document.querySelector('main').firstElementChild.className"); first != "crisis" {
				t.Fatalf("first thing on the page is %q, want the crisis box", first)
			}
			box := eval[struct{ Top, Bottom, Inner, Scroll float64 }](tb, `(() => {
				const r = document.querySelector(".crisis a[href^='tel:']").getBoundingClientRect();
				return {Top: r.top, Bottom: r.bottom, Inner: innerHeight, Scroll: scrollY};
			})()`)
			if box.Scroll != 0 || box.Top < 0 || box.Bottom > box.Inner {
				t.Errorf("first crisis phone link at %.0f-%.0fpx, viewport %.0fpx high (scrolled %.0f): not above the fold",
					box.Top, box.Bottom, box.Inner, box.Scroll)
			}
			tb.foldShot("crisis")
			tb.shot("crisis")
		})
	}
}

// testOtherPages: privacy, errors, in both languages.
func testOtherPages(t *testing.T, b *browser) {
	ts := newTestServer(t)
	tb := b.newTab(t, ts.URL)
	for _, p := range []struct {
		name, path string
		status     int64
	}{
		{"privacy-en", "/privacy?lang=en", 200},
		{"privacy-es", "/privacy?lang=es", 200},
		{"help-en", "/help?lang=en&region=uk", 200},
		{"help-es", "/help?lang=es&region=other", 200},
		{"not-found-en", "/nowhere?lang=en", 404},
		{"not-found-es", "/r/" + strings.Repeat("A", 43) + "?lang=es", 404},
		{"gone-step-es", "/q/no-such-questionnaire?lang=es", 404},
	} {
		t.Run(p.name, func(t *testing.T) {
			tb.t, tb.prefix = t, p.name
			if st := tb.open(p.path); st != p.status {
				t.Fatalf("status %d, want %d", st, p.status)
			}
			tb.check("page")
		})
	}
}

// testRobustness: focus visible on every stop of the Tab order, no horizontal scrolling at
// 200% zoom on a phone, dark mode and reduced motion, on each kind of page.
func testRobustness(t *testing.T, b *browser) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	result := resultPath(t, ts.walkForm("es", "us", answersFor(q, "both", 7, questionnaire.Answers{"safety": {"yes"}, "urinary": {"pain"}})))
	bad := ts.postForm("/q/"+qid+"?lang=es", map[string][]string{"step": {"0"}, "nav": {"next"}, "seen": {"use_context"}})
	if bad.StatusCode != 422 {
		t.Fatalf("empty step: %d", bad.StatusCode)
	}
	pages := []string{"/?lang=es", "/q/" + qid + "?lang=es", result, strings.SplitN(result, "?", 2)[0] + "/delete?lang=es", "/privacy?lang=es", "/nowhere?lang=es"}
	tb := b.newTab(t, ts.URL)
	for _, p := range pages {
		name := strings.SplitN(p, "?", 2)[0]
		name = strings.Trim(strings.ReplaceAll(name[:min(len(name), 12)], "/", "-"), "-")
		t.Run(name, func(t *testing.T) {
			tb.t = t
			tb.robust(p)
		})
	}
}

// robust checks a page beyond axe: a visible focus indicator on every stop of the Tab
// order, no sideways scrolling at 200% zoom on a phone, and nothing moving when the person
// asks for reduced motion.
func (tb *tab) robust(path string) {
	t := tb.t
	t.Helper()
	tb.viewport(1280, 800)
	tb.open(path)
	tb.checkFocusOrder()

	// 200% zoom on a 390px phone: a 195px-wide layout, twice the pixels.
	tb.do(chromedp.EmulateViewport(195, 422, chromedp.EmulateScale(2)))
	tb.open(path)
	if over := eval[[]string](tb, overflowJS); len(over) > 0 {
		t.Errorf("%s: at 200%% zoom the page scrolls sideways; too wide: %v", path, over)
	}
	tb.viewport(390, 844)

	tb.media("", "prefers-reduced-motion", "reduce")
	if moving := eval[[]string](tb, `[...document.querySelectorAll("*")].filter(e => {
			const s = getComputedStyle(e);
			return s.animationName !== "none" || parseFloat(s.transitionDuration) > 0;
		}).map(e => e.tagName + "." + e.className).concat(document.getAnimations().map(a => "animation " + a.id))`); len(moving) > 0 {
		t.Errorf("%s: with prefers-reduced-motion, still moving: %v", path, moving)
	}
	tb.media("")
}

// overflowJS lists what is too wide when the page scrolls sideways (elements inside their
// own scrolling box, such as a wide table, are not the page's problem).
const overflowJS = `(() => {
	if (document.scrollingElement.scrollWidth <= innerWidth) return [];
	const inScroller = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
		if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true; return false; };
	const wide = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !inScroller(e))
		.slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : "") +
			" " + Math.round(e.getBoundingClientRect().right) + "px");
	return wide.length ? wide : ["the page, " + document.scrollingElement.scrollWidth + "px"];
})()`

// checkFocusOrder tabs through the whole page and fails for each stop without a visible
// focus indicator.
func (tb *tab) checkFocusOrder() {
	t := tb.t
	var seen []string
	for range 150 {
		tb.press(kb.Tab)
		f := eval[focusStyle](tb, focusStyleJS)
		if f.Body || slices.Contains(seen, f.Desc) {
			if len(seen) == 0 {
				t.Error("nothing on the page takes focus")
			}
			return
		}
		seen = append(seen, f.Desc)
		if !f.visible() {
			t.Errorf("focus not visible on %s (outline %s %gpx)", f.Desc, f.Outline, f.Width)
		}
	}
	t.Errorf("Tab order never ended: %d stops", len(seen))
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
