package server_test

import (
	"context"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// maxPageWeight is the most any page may weigh with its CSS and script: people may
// be on a slow or metered connection, or a borrowed phone; staff may be on a clinic's.
const maxPageWeight = 30_000

// weighedPage is a page as served.
type weighedPage struct {
	name string
	res  response
}

// respondentPages visits every page a respondent can reach, in every language: the landing
// and privacy pages, each step of the form (with every section shown), a step with errors,
// the result with flags and the crisis box for every region, the delete and deleted pages,
// and the error page.
func respondentPages(t *testing.T, ts *testServer) []weighedPage {
	t.Helper()
	q := ts.Cat.Latest(qid)
	var out []weighedPage
	add := func(name string, res response, want int) {
		t.Helper()
		if res.StatusCode != want {
			t.Fatalf("%s: status %d, want %d", name, res.StatusCode, want)
		}
		out = append(out, weighedPage{name, res})
	}
	for _, lang := range []string{"en", "es"} {
		add(lang+" landing", ts.get("/?lang="+lang), http.StatusOK)
		add(lang+" privacy", ts.get("/privacy?lang="+lang), http.StatusOK)
		for _, r := range ts.Cat.Resources.Regions {
			add(lang+" help, region "+r.ID, ts.get("/help?lang="+lang+"&region="+r.ID), http.StatusOK)
		}
		add(lang+" not found", ts.get("/nope?lang="+lang), http.StatusNotFound)
		add(lang+" step with errors", ts.postForm("/q/"+qid+"?lang="+lang, url.Values{"step": {"0"}, "nav": {"next"},
			"seen": {"use_context"}}), http.StatusUnprocessableEntity)

		// Every step, answered so every section is shown, with the urgent box on the result
		// (TestHeaviestResultWeight weighs the results with the most flags and advice).
		answers := answersFor(q, "both", len(q.Items()), questionnaire.Answers{"safety": {"yes"}, "safety_now": {"yes"}})
		page := ts.get("/q/" + qid + "?lang=" + lang + "&region=us")
		add(lang+" step 1", page, http.StatusOK)
		var loc string
		for n := 2; ; n++ {
			m := stepRE.FindStringSubmatch(page.Body)
			if m == nil || n > 20 {
				t.Fatalf("%s: the form does not end", lang)
			}
			step, _ := strconv.Atoi(m[1])
			page = ts.postForm("/q/"+qid+"?lang="+lang, stepForm(q, answers, step, "us"))
			if page.StatusCode == http.StatusSeeOther {
				loc = page.Header.Get("Location")
				break
			}
			add(lang+" step "+strconv.Itoa(n), page, http.StatusOK)
		}
		token := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/r/")
		for _, r := range ts.Cat.Resources.Regions {
			res := ts.get("/r/" + token + "?lang=" + lang + "&region=" + r.ID)
			add(lang+" result, region "+r.ID, res, http.StatusOK)
			if !strings.Contains(res.Body, `<section class="crisis urgent"`) {
				t.Errorf("%s result for region %s: no urgent box, so this is not the heaviest result", lang, r.ID)
			}
		}
		add(lang+" delete", ts.get("/r/"+token+"/delete?lang="+lang), http.StatusOK)
		if res := ts.postForm("/r/"+token+"/delete?lang="+lang, url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: status %d", res.StatusCode)
		}
		add(lang+" deleted", ts.get("/r/"+token+"?lang="+lang), http.StatusGone)
	}
	return out
}

var (
	tagRE  = regexp.MustCompile(`(?is)<([a-z][a-z0-9-]*)\b([^>]*)>`)
	attrRE = regexp.MustCompile(`(?is)\b(src|href|action|formaction|srcset|poster|data|style|background|manifest|ping)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
	relRE  = regexp.MustCompile(`(?i)\brel\s*=\s*"?([^">]*)`)
	cssURL = regexp.MustCompile(`(?i)(@import\s+(url\()?|url\()\s*['"]?([^'")\s]*)`)
)

// sameSite reports whether a URL in a page stays on this site: a path, a fragment, or data.
func sameSite(u string) bool {
	u = strings.TrimSpace(u)
	switch {
	case strings.HasPrefix(u, "//"), strings.HasPrefix(u, `\`):
		return false
	case strings.HasPrefix(u, "/"), strings.HasPrefix(u, "#"), strings.HasPrefix(u, "?"), u == "":
		return true
	case strings.HasPrefix(strings.ToLower(u), "data:"):
		return true
	}
	return !strings.Contains(u, ":") // a relative path
}

// subresources are the URLs a page makes the browser fetch by itself (not links to follow),
// and every URL that would make it fetch from another host.
func subresources(body string) (local, foreign []string) {
	for _, tag := range tagRE.FindAllStringSubmatch(body, -1) {
		name, attrs := strings.ToLower(tag[1]), tag[2]
		rel := ""
		if m := relRE.FindStringSubmatch(attrs); m != nil {
			rel = strings.ToLower(m[1])
		}
		for _, a := range attrRE.FindAllStringSubmatch(attrs, -1) {
			attr, val := strings.ToLower(a[1]), strings.Trim(a[2], `"'`)
			if attr == "style" {
				if strings.Contains(strings.ToLower(val), "url(") {
					foreign = append(foreign, name+" style: "+val)
				}
				continue
			}
			// Links people follow and forms they send may point elsewhere (help lines' sites);
			// nothing else may.
			if (name == "a" || name == "area") && attr == "href" {
				continue
			}
			if name == "form" && attr == "action" {
				if !sameSite(val) {
					foreign = append(foreign, name+" "+attr+": "+val)
				}
				continue
			}
			if !sameSite(val) {
				foreign = append(foreign, name+" "+attr+": "+val)
				continue
			}
			if (name == "link" && attr == "href" && (strings.Contains(rel, "stylesheet") || strings.Contains(rel, "icon") ||
				strings.Contains(rel, "preload") || strings.Contains(rel, "manifest"))) ||
				(attr == "src" && name != "a") {
				local = append(local, val)
			}
		}
	}
	return local, foreign
}

// staffPages visits every page staff can reach, and the share-code page a respondent sees,
// each as full as it gets, in every language: sign-in (also with its error, and after signing
// out), the code step (also with its error), two-factor enrolment (its QR code for the longest
// email), the recovery codes, the two-factor page, code entry (also with its error), the summary of the longest response (every flag,
// every warning sign, every choice of every question asked), the audit log with a full page
// of export rows, and every view of the dashboard at its largest (a year of weeks, five years
// of months, a weekly range long enough to be shown by month, and one week, whose thin figures
// are mostly "fewer than 11", longer than a number) over six years of responses in two
// languages and every region, released week by week as the daily job does.
func staffPages(t *testing.T, ts *testServer) []weighedPage {
	t.Helper()
	q := ts.Cat.Latest(qid)
	clock := useClock(ts)
	now := clock.Now()
	seedResponses(t, ts, 30_000, now, 6*365)
	releaseStats(t, ts.Store, ts.Cat)
	// Weeks released again by an admin, every other week, so that the privacy budget's table is
	// at its longest.
	for w := 3; w <= 9; w += 2 {
		p := stats.PeriodOf(stats.ByWeek, now.AddDate(0, 0, -7*w))
		if _, err := stats.Rerelease(context.Background(), ts.Store, ts.Cat, stats.DefaultConfig(), p, 1, qid,
			"statistics.admin@health-service.example.org", 365, now); err != nil {
			t.Fatal(err)
		}
	}
	clinician, admin := "clinician.with.a.longer.name@health-service.example.org", "statistics.admin@health-service.example.org"
	addUser(t, ts, clinician, staffdb.RoleClinician)
	addUser(t, ts, admin, staffdb.RoleAdmin)

	var out []weighedPage
	add := func(name string, res response, want int) {
		t.Helper()
		if res.StatusCode != want {
			t.Fatalf("%s: status %d, want %d\n%.300s", name, res.StatusCode, want, res.Body)
		}
		out = append(out, weighedPage{name, res})
	}
	token, _ := sharedResponse(t, ts, "es", longestAnswers(t, q))
	doc := ts.newBrowser(t)
	boss := ts.newBrowser(t)
	for _, lang := range []string{"en", "es"} {
		add(lang+" share code", ts.postForm("/r/"+token+"/share?lang="+lang, url.Values{}), http.StatusOK)
		add(lang+" sign-in", doc.get("/clinician/login?lang="+lang), http.StatusOK)
		add(lang+" sign-in, wrong password", doc.postForm("/clinician/login?lang="+lang,
			url.Values{"email": {clinician}, "password": {"not the password at all"}}), http.StatusUnauthorized)
	}
	code := makeShareCode(t, ts, token)
	pending := ts.newBrowser(t)
	pending.postForm("/clinician/login", url.Values{"email": {admin}, "password": {staffPassword}})
	for _, lang := range []string{"en", "es"} {
		add(lang+" sign-in code", pending.get("/clinician/login/code?lang="+lang), http.StatusOK)
		add(lang+" sign-in code, wrong", pending.postForm("/clinician/login/code?lang="+lang, url.Values{"code": {"000000"}}),
			http.StatusUnauthorized)
		// Enrolment and its recovery codes, for an account with the longest email yet.
		email := lang + "." + clinician
		addUser(t, ts, email, staffdb.RoleClinician)
		nb := ts.newBrowser(t)
		nb.login(email)
		page := nb.get("/clinician/two-factor?lang=" + lang)
		add(lang+" two-factor setup", page, http.StatusOK)
		add(lang+" two-factor setup, wrong", nb.postForm("/clinician/two-factor?lang="+lang, url.Values{"code": {"000000"}}),
			http.StatusUnauthorized)
		add(lang+" recovery codes", nb.postForm("/clinician/two-factor?lang="+lang,
			url.Values{"code": {totpCode(t, enrolPageKey(t, page), now.Unix()/30)}}), http.StatusOK)
		add(lang+" two-factor", nb.get("/clinician/two-factor?lang="+lang), http.StatusOK)
	}
	doc.login(clinician)
	boss.login(admin)
	auditRows(t, ts) // the refused tries folded: their rows show on the audit page
	res := doc.postForm("/clinician/redeem", url.Values{"code": {code}})
	summary := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(summary, "/clinician/responses/") {
		t.Fatalf("redeem: %d to %q", res.StatusCode, summary)
	}
	summary = strings.SplitN(summary, "?", 2)[0]

	// A full page of the audit log, of its longest rows: exports with every parameter.
	if res := boss.get("/admin/stats/export?format=json&lang=es&from=2020-W01&to=2026-W10&by=month&language=es&region=other&k=1000"); res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", res.StatusCode)
	}
	rows, err := auditdb.New(ts.Store).Entries(context.Background(), auditdb.Filter{Action: "export", Limit: 1})
	if err != nil || len(rows) != 1 {
		t.Fatalf("the export's audit row: %v %v", rows, err)
	}
	for range 60 {
		if err := auditdb.New(ts.Store).Append(context.Background(), rows[0]); err != nil {
			t.Fatal(err)
		}
	}

	// The dashboard's largest views: a year of weeks (the default), five years of months, and
	// a weekly range too long for a page, shown by month.
	months := now.AddDate(0, -59, 0).Format("2006-01") + "-01"
	longWeeks := stats.WeekOf(now.AddDate(-2, 0, 0))
	lastWeek := stats.WeekOf(now.AddDate(0, 0, -9))
	for _, lang := range []string{"en", "es"} {
		add(lang+" clinician home", doc.get("/clinician?lang="+lang), http.StatusOK)
		add(lang+" clinician home, wrong code", doc.postForm("/clinician/redeem?lang="+lang, url.Values{"code": {"ZZZZ-ZZZZ-ZZZZ"}}),
			http.StatusNotFound)
		add(lang+" summary", doc.get(summary+"?lang="+lang), http.StatusOK)
		add(lang+" audit", boss.get("/admin/audit?lang="+lang), http.StatusOK)
		add(lang+" audit, exports", boss.get("/admin/audit?action=export&lang="+lang), http.StatusOK)
		for _, view := range []string{"/admin/stats", "/admin/stats/answers", "/admin/stats/export"} {
			add(lang+" "+view, boss.get(view+"?lang="+lang), http.StatusOK)
			add(lang+" "+view+", months", boss.get(view+"?by=month&from="+months+"&lang="+lang), http.StatusOK)
			add(lang+" "+view+", weeks by month", boss.get(view+"?from="+longWeeks+"&lang="+lang), http.StatusOK)
			add(lang+" "+view+", one week", boss.get(view+"?from="+lastWeek+"&to="+lastWeek+"&lang="+lang), http.StatusOK)
			add(lang+" "+view+", bad filter", boss.get(view+"?from=nonsense&lang="+lang), http.StatusBadRequest)
		}
	}
	// The weighing must see both kinds of figure: numbers (the long ranges) and "fewer than
	// 11" (the week).
	for _, p := range out {
		n := strings.Count(p.res.Body, `class="withheld"`)
		switch {
		case strings.Contains(p.name, "/admin/stats/answers, one week") && n < 20:
			t.Errorf("%s: %d figures under 11; the week is not thin enough to weigh its heaviest", p.name, n)
		case strings.Contains(p.name, "/admin/stats/answers, months") && n > 10:
			t.Errorf("%s: %d figures under 11; the data is too thin to weigh the page full of numbers", p.name, n)
		}
	}
	res = doc.postForm("/clinician/logout", url.Values{})
	add("signed out", doc.get(res.Header.Get("Location")), http.StatusOK)
	return out
}

// longestAnswers are answers that make the longest summary: every question asked, every warning
// sign and flag (each with its suggested follow-up), every choice of each multiple-choice
// question.
func longestAnswers(t *testing.T, q *questionnaire.Questionnaire) questionnaire.Answers {
	return heaviestAnswers(t, q)
}

// seedResponses stores n synthetic responses to the ketamine self-check over the days before
// now, as ketascreen dev seed makes them: a quarter in Spanish, a few regions taking most.
func seedResponses(t *testing.T, ts *testServer, n int, now time.Time, days int) {
	t.Helper()
	q := ts.Cat.Latest(qid)
	rng := rand.New(rand.NewPCG(7, 7))
	regions := ts.Cat.Resources.Regions
	batch := make([]*responsedb.Response, 0, n)
	for range n {
		r := stats.SyntheticResponse(q, rng, math.Pow(rng.Float64(), 2), nil)
		r.Lang = "en"
		if rng.IntN(4) == 0 {
			r.Lang = "es"
		}
		r.Region = regions[min(rng.IntN(len(regions)), rng.IntN(len(regions)))].ID
		r.Day = store.Day(now.AddDate(0, 0, -rng.IntN(days)))
		batch = append(batch, r)
	}
	if err := responsedb.New(ts.Store).CreateResponses(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
}

// TestPageWeightAndNoOtherHost weighs every page anyone can see, with its CSS and script, and
// checks that none makes the browser fetch anything from another host.
func TestPageWeightAndNoOtherHost(t *testing.T) {
	ts := newTestServer(t)
	assetSize := map[string]int{}
	fetch := func(u string) int {
		t.Helper()
		if n, ok := assetSize[u]; ok {
			return n
		}
		res := ts.get(u)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", u, res.StatusCode)
		}
		if strings.HasSuffix(strings.SplitN(u, "?", 2)[0], ".css") {
			for _, m := range cssURL.FindAllStringSubmatch(res.Body, -1) {
				if !sameSite(m[3]) || strings.HasPrefix(strings.ToLower(m[0]), "@import") {
					t.Errorf("%s: %s reaches outside the site (or imports)", u, m[0])
				}
			}
		}
		assetSize[u] = len(res.Body)
		return len(res.Body)
	}
	heaviest := map[bool]weighedPage{}
	heaviestWeight := map[bool]int{}
	staff := map[string]bool{}
	pages := respondentPages(t, ts)
	for _, p := range staffPages(t, ts) {
		staff[p.name] = !strings.Contains(p.name, "share code")
		pages = append(pages, p)
	}
	for _, p := range pages {
		local, foreign := subresources(p.res.Body)
		for _, f := range foreign {
			t.Errorf("%s: refers to another host: %s", p.name, f)
		}
		if len(local) == 0 {
			t.Errorf("%s: no stylesheet or script found: the page scan is broken", p.name)
		}
		weight := len(p.res.Body)
		for _, u := range local {
			weight += fetch(u)
		}
		t.Logf("%-40s %6d bytes, HTML %6d", p.name, weight, len(p.res.Body))
		if weight > maxPageWeight {
			t.Errorf("%s weighs %d bytes with its CSS and script (HTML %d), over %d", p.name, weight, len(p.res.Body), maxPageWeight)
		}
		if weight > heaviestWeight[staff[p.name]] {
			heaviest[staff[p.name]], heaviestWeight[staff[p.name]] = p, weight
		}
	}
	for _, s := range []bool{false, true} {
		t.Logf("heaviest page (staff %v): %s, %d bytes with CSS and script (HTML %d)", s, heaviest[s].name,
			heaviestWeight[s], len(heaviest[s].res.Body))
	}
}

// The scan itself must see what it is meant to refuse.
func TestSubresourceScan(t *testing.T) {
	for _, tc := range []struct {
		html    string
		foreign bool
	}{
		{`<script src="/static/app.js"></script>`, false},
		{`<link rel="stylesheet" href="/static/style.css">`, false},
		{`<a href="https://988lifeline.org/">988</a>`, false},
		{`<a href="tel:988">988</a>`, false},
		{`<img src="data:image/png;base64,AAAA">`, false},
		{`<script src="https://cdn.example/x.js"></script>`, true},
		{`<script src='//cdn.example/x.js'></script>`, true},
		{`<LINK REL=stylesheet HREF=http://fonts.example/css>`, true},
		{`<img src="https://pixel.example/t.gif">`, true},
		{`<iframe src="https://evil.example/"></iframe>`, true},
		{`<form action="https://evil.example/collect">`, true},
		{`<div style="background:url(https://evil.example/x.png)">`, true},
		{`<link rel="icon" href="https://evil.example/favicon.ico">`, true},
	} {
		_, foreign := subresources(tc.html)
		if got := len(foreign) > 0; got != tc.foreign {
			t.Errorf("%s: foreign %v, want %v", tc.html, got, tc.foreign)
		}
	}
}
