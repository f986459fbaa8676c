package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"
)

// A questionnaire with number items and several levels (testdata/levels), in headless
// Chromium at phone width, with the keyboard only: axe-core finds nothing in light and dark
// on the start page, each step, a step with an error and the result. With JavaScript the
// questions behind a number come up as it is typed; without, once the step is sent.
func TestBrowserLevels(t *testing.T) {
	b := startBrowser(t)
	for _, script := range []bool{true, false} {
		name := map[bool]string{true: "js", false: "nojs"}[script]
		t.Run(name, func(t *testing.T) {
			ts := newServerWith(t, levelsCatalog(t))
			tb := b.newTab(t, ts.URL)
			if !script {
				tb.noScript()
			}
			tb.levelsJourney(script)
			if n := ts.countResponses(); n != 1 {
				t.Errorf("%d responses stored, want 1", n)
			}
		})
	}
}

func (tb *tab) levelsJourney(script bool) {
	t := tb.t
	if st := tb.open("/?lang=en"); st != 200 {
		t.Fatalf("landing: status %d", st)
	}
	tb.check("landing")
	if got := tb.text("h1"); got != "Drinking check site" {
		t.Errorf("landing heading %q, want the site's name", got)
	}
	tb.tabTo(`a.id === "region-drinking"`)
	for range 10 {
		if eval[string](tb, "document.activeElement.value") == "us" {
			break
		}
		tb.press(kb.ArrowDown)
	}
	if st := tb.activate("a.type === 'submit'"); st != 200 {
		t.Fatalf("start: status %d", st)
	}

	// The number box: a spin button named by its question, described by its range and unit.
	if n := tb.ax("#in-days"); n.Role != "spinbutton" || n.Name != "On how many of the last 30 days did you have a drink?" ||
		!strings.Contains(n.Description, "Enter a whole number from 0 to 30.") || !strings.Contains(n.Description, "days") {
		t.Errorf("days box for assistive technology: %+v", n)
	}
	tb.check("step-0")
	tb.checkGroups()
	tb.tabTo(`a.id === "in-days"`)
	tb.focusShown("number box")
	tb.press("12")
	if script {
		// Typed, not yet sent: the questions it brings up are there, and announced (each
		// digit may bring up some: the live region names those of the last).
		if !tb.visible("#item-drinks") || !tb.visible("#item-worry") {
			t.Fatal("drinks and worry not shown after 12 days were typed")
		}
		if live := eval[string](tb, `document.getElementById("live").textContent`); !strings.Contains(live, "Does how often you drink worry you?") {
			t.Errorf("live region says %q, want the question 12 brought up named", live)
		}
	} else {
		if tb.visible("#item-drinks") {
			t.Fatal("without JavaScript, drinks shown before days was sent")
		}
		if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 200 {
			t.Fatalf("days sent: status %d", st)
		}
		if !tb.visible("#item-drinks") || !tb.visible("#item-worry") || !tb.visible("p.notice[role=status]") {
			t.Fatal("without JavaScript, drinks and worry not added with a notice once days was sent")
		}
		tb.check("step-0-added")
	}
	tb.tabTo(`a.id === "in-drinks"`)
	tb.press("45") // over the range: refused with the reason, every value kept
	tb.choose("worry", "yes")
	if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 422 {
		t.Fatalf("45 drinks: status %d, want 422", st)
	}
	if got := tb.text("#error-drinks"); !strings.Contains(got, "This number is too high. Please enter a number from 1 to 40.") {
		t.Errorf("error by the question: %q", got)
	}
	if got := eval[[]string](tb, `["in-days", "in-drinks"].map(id => document.getElementById(id).value)`); strings.Join(got, " ") != "12 45" {
		t.Errorf("the boxes hold %q after the error, want 12 and 45", got)
	}
	if d := tb.ax("#in-drinks").Description; !strings.Contains(d, "too high") || !strings.Contains(d, "drinks") {
		t.Errorf("screen readers describe the drinks box as %q, without its error and unit", d)
	}
	tb.check("step-0-error")
	if script {
		// Focus on the list of problems; its link leads to the question, the next Tab to its box.
		if got := eval[string](tb, "document.activeElement.id"); got != "error-summary" {
			t.Errorf("focus after the error on %q, want the error summary", got)
		}
		tb.press(kb.Tab)
		if got := eval[string](tb, "document.activeElement.getAttribute('href')"); got != "#item-drinks" {
			t.Fatalf("Tab from the error summary reached %q, want its link", got)
		}
		tb.press(kb.Enter)
		tb.press(kb.Tab)
		if got := eval[string](tb, "document.activeElement.id"); got != "in-drinks" {
			t.Errorf("after the error link, Tab reached %q, want the drinks box", got)
		}
	}
	tb.tabTo(`a.id === "in-drinks"`)
	for range 2 {
		tb.press(kb.Backspace)
	}
	tb.press("6")
	tb.checkGroups()
	if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 200 {
		t.Fatalf("step 0: status %d: %s", st, tb.text("#error-summary"))
	}
	// Six drinks: the step behind the drinks score.
	if got := tb.text("#step-title"); got != "How it affects you" {
		t.Fatalf("next step %q, want the one behind the drinks score", got)
	}
	tb.check("step-1")
	tb.choose("memory", "yes")
	if st := tb.activate("a.name === 'nav' && a.value === 'next'"); st != 200 {
		t.Fatalf("finish: status %d", st)
	}
	if !strings.HasPrefix(tb.path(), "/r/") {
		t.Fatalf("not on the result: %s", tb.path())
	}
	tb.check("result")
	levels := eval[[]string](tb, `[...document.querySelectorAll(".levels .level")].map(s => s.innerText.replace(/\s+/g, " ").trim())`)
	if len(levels) != 2 || !strings.HasPrefix(levels[0], "How often you drink Many days") ||
		!strings.HasPrefix(levels[1], "How much you drink Many drinks") {
		t.Errorf("other levels shown: %q", levels)
	}
	if got := tb.text(".level-label"); got != "High concern" {
		t.Errorf("main level %q, want High concern first", got)
	}
	tb.checkPrintPages("result", 2)
}
