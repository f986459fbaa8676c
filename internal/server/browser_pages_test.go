package server_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// The browser tests' other parts: every result variant, the crisis lines above the fold, the
// pages outside the questionnaire, and what axe cannot see (focus, zoom, motion).

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
