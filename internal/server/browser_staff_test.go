package server_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// testClinicianJourney: a respondent shares a result; a clinician signs in (after a wrong
// password), redeems the code, reads and prints the summary, downloads FHIR and signs out;
// the respondent revokes the code. Each person has their own browser context (own cookies).
func testClinicianJourney(t *testing.T, b *browser) {
	ts := newTestServer(t)
	q := ts.Cat.Latest(qid)
	addUser(t, ts, "clinician@example.org", staffdb.RoleClinician)
	loc := resultPath(t, ts.walkForm("en", "us", answersFor(q, "both", 7,
		questionnaire.Answers{"safety": {"yes"}, "urinary": {"pain"}, "more_than_prescribed": {"yes"}})))

	// The respondent creates a share code from the result page.
	person := b.newTab(t, ts.URL)
	person.prefix = "share"
	if st := person.open(loc); st != 200 {
		t.Fatalf("result: status %d", st)
	}
	person.check("result-not-shared")
	if st := person.activate("a.type === 'submit' && !!a.closest('#share')"); st != 200 {
		t.Fatalf("create share code: status %d", st)
	}
	code := strings.TrimSpace(person.text(".share-code strong"))
	if len(code) < 12 {
		t.Fatalf("share code %q", code)
	}
	person.check("code-created")
	if st := person.activate("a.matches('a.button.primary[href*=\"#share\"]')"); st != 200 {
		t.Fatalf("back to the result: status %d", st)
	}
	if !person.visible("#share form[action*='/share/revoke']") {
		t.Fatal("result page does not offer to revoke the active code")
	}
	person.check("result-shared")

	doc := b.newTab(t, ts.URL)
	doc.prefix = "clinician"
	if st := doc.open("/clinician?lang=en"); st != 200 {
		t.Fatalf("clinician: status %d", st)
	}
	doc.check("login")
	doc.open("/clinician?lang=es")
	doc.check("login-es")
	doc.open("/clinician?lang=en")
	// A wrong password: the error is shown, focus moves to it, the email is kept.
	doc.typeInto("email", "clinician@example.org")
	doc.typeInto("password", "not the password")
	if st := doc.pressAndLoad(kb.Enter); st != 401 {
		t.Fatalf("wrong password: status %d, want 401", st)
	}
	if got := eval[string](doc, "document.activeElement.id"); got != "error-summary" {
		t.Errorf("after a wrong password focus is on %q, want the error", got)
	}
	if got := eval[string](doc, "document.getElementById('email').value"); got != "clinician@example.org" {
		t.Errorf("email after a wrong password: %q", got)
	}
	doc.check("login-wrong")
	doc.typeInto("password", staffPassword)
	if st := doc.pressAndLoad(kb.Enter); st != 200 || !strings.HasPrefix(doc.path(), "/clinician?") {
		t.Fatalf("sign in: status %d at %s", st, doc.path())
	}
	doc.check("code-entry")
	doc.robust("/clinician?lang=en")
	doc.viewport(390, 844)
	doc.open("/clinician?lang=en")

	// A code that is no code, then the real one typed in lower case with spaces.
	doc.typeInto("code", "ZZZZ")
	if st := doc.pressAndLoad(kb.Enter); st < 400 || st >= 500 {
		t.Fatalf("wrong code: status %d", st)
	}
	if got := eval[string](doc, "document.activeElement.id"); got != "error-summary" {
		t.Errorf("after a wrong code focus is on %q, want the error", got)
	}
	doc.check("code-wrong")
	doc.typeInto("code", strings.ToLower(strings.ReplaceAll(code, "-", " ")))
	if st := doc.pressAndLoad(kb.Enter); st != 200 || !strings.HasPrefix(doc.path(), "/clinician/responses/") {
		t.Fatalf("redeem: status %d at %s", st, doc.path())
	}
	summary := doc.path()
	doc.check("summary")
	if n := eval[int](doc, `[...document.querySelectorAll(".flag")].filter(f => !(f.querySelector(".flag-tag") || {}).innerText).length`); n > 0 {
		t.Errorf("%d flags on the summary without a severity in words", n)
	}
	if n := eval[int](doc, "document.querySelectorAll('.summary-flags .flag').length"); n != 3 {
		t.Errorf("%d flags on the summary, want 3", n)
	}
	if n := eval[int](doc, `[...document.querySelectorAll("tr.counted")].filter(r => !(r.querySelector("td small") || {}).innerText).length`); n > 0 {
		t.Errorf("%d answers marked as counted by colour only", n)
	}
	doc.checkPrint("summary")
	if st := doc.open(strings.Replace(summary, "lang=en", "lang=es", 1)); st != 200 {
		t.Fatalf("summary in Spanish: status %d", st)
	}
	doc.check("summary-es")
	doc.robust(summary)
	doc.viewport(1280, 800)
	doc.open(summary)

	// Both FHIR files download with the keyboard, and are what they say.
	for _, f := range []struct{ link, resource string }{
		{"questionnaire-response.json", "QuestionnaireResponse"},
		{"questionnaire.json", "Questionnaire"},
	} {
		doc.tabTo(`a.matches('a[href*="/` + f.link + `"]')`)
		data := doc.download(kb.Enter)
		var got struct{ ResourceType string }
		if err := json.Unmarshal(data, &got); err != nil || got.ResourceType != f.resource {
			t.Errorf("%s: resourceType %q (%v), want %s", f.link, got.ResourceType, err, f.resource)
		}
	}

	// Sign out with the keyboard, from the navigation.
	if st := doc.activate("a.matches('nav.staff-nav button[type=submit]')"); st != 200 || !strings.HasPrefix(doc.path(), "/clinician/login") {
		t.Fatalf("sign out: status %d at %s", st, doc.path())
	}
	doc.check("signed-out")
	if doc.open(summary); !strings.HasPrefix(doc.path(), "/clinician/login") {
		t.Errorf("after signing out the summary leads to %s, want the sign-in page", doc.path())
	}

	// The respondent revokes the code.
	person.open(loc)
	if st := person.activate("a.matches('#share form[action*=\"/share/revoke\"] button')"); st != 200 {
		t.Fatalf("revoke: status %d", st)
	}
	if person.exists("#share form[action*='/share/revoke']") {
		t.Error("the code is still active after revoking")
	}
	person.check("result-revoked")
}

// testAdminJourney: an admin signs in (with a code from the phone), reads the audit log and
// the dashboard, and downloads an export.
func testAdminJourney(t *testing.T, b *browser) {
	ts := newTestServer(t)
	// Four released weeks of answers: enough for some figures to be shown and others to be
	// "fewer than 11".
	clock := useClock(ts)
	answerPastWeeks(t, ts, clock, 4, 12)
	addUser(t, ts, "admin@example.org", staffdb.RoleAdmin)
	tb := b.newTab(t, ts.URL)
	tb.prefix = "admin"
	tb.open("/clinician/login?lang=en")
	tb.typeInto("email", "admin@example.org")
	tb.typeInto("password", staffPassword)
	if st := tb.pressAndLoad(kb.Enter); st != 200 || !strings.HasPrefix(tb.path(), "/clinician/login/code") {
		t.Fatalf("password: status %d at %s", st, tb.path())
	}
	// The code of the server's clock, which the weeks of answers moved.
	tb.typeInto("code", ts.auth.get("admin@example.org").next(t, clock.Now()))
	if st := tb.pressAndLoad(kb.Enter); st != 200 || !strings.HasPrefix(tb.path(), "/clinician?") {
		t.Fatalf("sign in: status %d at %s", st, tb.path())
	}
	if st := tb.activate(`a.matches('nav.staff-nav a[href^="/admin/audit"]')`); st != 200 {
		t.Fatalf("audit: status %d", st)
	}
	tb.check("audit")
	tb.robust("/admin/audit?lang=en")

	for _, lang := range []string{"en", "es"} {
		tb.viewport(390, 844)
		if st := tb.open("/admin/stats?lang=" + lang); st != 200 {
			t.Fatalf("dashboard: status %d", st)
		}
		tb.check("dashboard-" + lang)
		if !tb.visible("nav.staff-nav") {
			t.Error("the dashboard has no staff navigation")
		}
		// The chart is an image with a text alternative, and its numbers are in a table; every
		// other SVG (the bars of a table, beside their figures) is hidden from screen readers.
		bad := eval[[]string](tb, `[...document.querySelectorAll("svg:not([aria-hidden=true])")].filter(s => {
			const ids = (s.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
			const text = ids.map(id => (document.getElementById(id) || {}).textContent || "").join(" ").trim() || s.getAttribute("aria-label") || "";
			const fig = s.closest(".stats-figure");
			return s.getAttribute("role") !== "img" || text === "" || !fig || !fig.querySelector("table");
		}).map(s => s.outerHTML.slice(0, 80))`)
		if len(bad) > 0 {
			t.Errorf("charts without a text alternative or table: %v", bad)
		}
		if n := eval[int](tb, "document.querySelectorAll('svg.chart[role=img]').length"); n != 1 {
			t.Errorf("the overview shows %d charts, want 1", n)
		}
		if n := eval[int](tb, `[...document.querySelectorAll("td.withheld")].filter(td => !td.textContent.trim()).length`); n > 0 {
			t.Errorf("%d withheld counts shown by style only, without a word", n)
		}
		if got := tb.ax("table.bars tbody th"); got.Role != "rowheader" || strings.TrimSpace(got.Name) == "" {
			t.Errorf("a row of a bar table is %+v, want a named row header", got)
		}
		// The chart's text is readable on a 375px phone and on a desktop, and its dates do not
		// run into one another or off the chart.
		for _, w := range []int64{375, 1280} {
			tb.viewport(w, 844)
			px := eval[float64](tb, `(() => { const s = document.querySelector("svg.chart");
				return s.getBoundingClientRect().width / s.viewBox.baseVal.width * parseFloat(getComputedStyle(s.querySelector(".x text")).fontSize); })()`)
			if px < 11.5 {
				t.Errorf("%dpx wide: the chart's text is %.1fpx high, want at least 11.5", w, px)
			}
			overlap := eval[[]string](tb, `(() => { const s = document.querySelector("svg.chart").getBoundingClientRect();
				const r = [...document.querySelectorAll(".chart text")].filter(e => e.getClientRects().length).map(e => [e.textContent, e.getBoundingClientRect()]);
				const out = r.filter(([, b]) => b.left < s.left - 0.5 || b.right > s.right + 0.5).map(([t]) => t + " is cut off");
				r.forEach(([t, b], i) => r.slice(i + 1).forEach(([u, c]) => { if (b.left < c.right && c.left < b.right && b.top < c.bottom && c.top < b.bottom) out.push(t + " overlaps " + u); }));
				return out; })()`)
			if len(overlap) > 0 {
				t.Errorf("%dpx wide: the chart's text: %v", w, overlap)
			}
		}
		tb.viewport(390, 844)

		// The other views, reached with the keyboard from the views' navigation, keep the filter.
		if st := tb.activate(`a.matches('nav.stats-views a[href^="/admin/stats/answers"]')`); st != 200 {
			t.Fatalf("answers: status %d", st)
		}
		if n := eval[int](tb, "document.querySelectorAll('details[open] table').length"); n < 20 {
			t.Errorf("the answers view shows %d questions", n)
		}
		tb.check("dashboard-answers-" + lang)
		if st := tb.activate(`a.matches('nav.stats-views a[href^="/admin/stats/export"]')`); st != 200 {
			t.Fatalf("export view: status %d", st)
		}
		tb.check("dashboard-export-" + lang)
	}
	tb.open("/admin/stats?lang=en")
	tb.checkPrintPages("dashboard", 0) // a report of many pages; print rules still apply
	tb.robust("/admin/stats?lang=en")
	tb.robust("/admin/stats/answers?lang=es")

	// The export downloads with the keyboard: CSV is the default format.
	tb.viewport(1280, 800)
	tb.open("/admin/stats/export?lang=en")
	tb.tabTo(`a.type === "submit" && !!a.closest("form[action='/admin/stats/export']:not(.stats-filter)")`)
	csv := string(tb.download(kb.Enter))
	if !strings.Contains(csv, ",") || strings.Count(csv, "\n") < 3 {
		t.Errorf("export is not a CSV table:\n%.300s", csv)
	}
}

// typeInto moves to a text field with Tab, clears it and types the text, key by key.
func (tb *tab) typeInto(id, text string) {
	tb.t.Helper()
	tb.tabTo("a.id === " + jsString(id))
	// Select all, then type over it (Ctrl+A is a keyboard shortcut every user has).
	tb.do(chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	tb.press(kb.Delete)
	tb.press(text)
	if got := eval[string](tb, "document.activeElement.value"); got != text {
		tb.t.Fatalf("typed %q into #%s, it holds %q", text, id, got)
	}
}

// download presses keys that start a download, waits for it and returns the file.
func (tb *tab) download(keys string) []byte {
	tb.t.Helper()
	dir := tb.t.TempDir()
	c := chromedp.FromContext(tb.ctx)
	ctx, cancel := tb.step()
	defer cancel()
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, BrowserContextID: c.BrowserContextID,
		DownloadPath: dir, EventsEnabled: ptrTo(true)}); err != nil {
		tb.t.Fatal(err)
	}
	events := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	tb.press(keys)
	for ev, err := range events {
		if err != nil {
			tb.t.Fatalf("waiting for the download: %v", err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				tb.t.Fatal(err)
			}
			return data
		case cdpbrowser.DownloadProgressStateCanceled:
			tb.t.Fatal("download canceled")
		}
	}
	tb.t.Fatal("no download")
	return nil
}

func ptrTo[T any](v T) *T { return &v }
