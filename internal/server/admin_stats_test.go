package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/stats/statsview"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// statsServer is the real server with a seeded database and an admin account. A path that
// starts with /test/ is fetched signed in as that admin (without the /test); any other path
// without signing in.
type statsServer struct {
	t     *testing.T
	url   string
	st    *store.Store
	cat   *catalog.Catalog
	clock *storetest.Clock
	db    string // the database: a SQLite file or a PostgreSQL URL
	admin *http.Client
}

var testAdmin = &staffdb.User{Email: "admin@example.org", Role: staffdb.RoleAdmin}

// newStatsServer stores responses spread over the days before 2026-06-15 (a Monday), as
// ketascreen dev seed does, and runs the release job as serve's daily job would: every week
// that ended at least a day before has its release (the last one is 2026-W23). The database is
// SQLite; newStatsServerOn takes a backend.
func newStatsServer(t *testing.T, responses, days int) *statsServer {
	t.Helper()
	return newStatsServerOn(t, storetest.SQLite, responses, days)
}

func newStatsServerOn(t *testing.T, be backend, responses, days int) *statsServer {
	t.Helper()
	db := be.New(t)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	var batch []*responsedb.Response
	for i := range responses {
		r := stats.SyntheticResponse(cat.Latest("ketamine-selfcheck"), rng, rng.Float64()*rng.Float64(), nil)
		r.Lang = []string{"en", "en", "es"}[i%3]
		r.Region = []string{"us", "us", "uk", "ca", "other"}[i%5]
		r.Day = store.Day(now.AddDate(0, 0, -rng.IntN(days)))
		batch = append(batch, r)
	}
	if err := responsedb.New(st).CreateResponses(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	clock := storetest.NewClock(now)
	st.Now = clock.Now
	releaseStats(t, st, cat)
	s, err := server.New(server.Config{Catalog: cat, Store: st, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil)),
		Secret: testSecret, Access: testAccess(t, st), ShareDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { hs.Close(); st.Close() })
	return &statsServer{t: t, url: hs.URL, st: st, cat: cat, clock: clock, db: db, admin: signInAdmin(t, st, hs.URL)}
}

// signInAdmin adds the test admin's account, with two-factor sign-in (admins cannot sign in
// without it), and returns a client signed in to it.
func signInAdmin(tb testing.TB, st *store.Store, base string) *http.Client {
	tb.Helper()
	hash, err := password.Hash(staffPassword)
	if err != nil {
		tb.Fatal(err)
	}
	// A big seeded database (KETASCREEN_STATS_DB) may have the account from an earlier run.
	if _, err := staffdb.New(st).CreateUser(context.Background(), testAdmin.Email, testAdmin.Role, hash, "test"); errors.Is(err, staffdb.ErrEmailTaken) {
		err = staffdb.New(st).SetPassword(context.Background(), testAdmin.Email, hash, "test")
		if err != nil {
			tb.Fatal(err)
		}
	} else if err != nil {
		tb.Fatal(err)
	}
	u, _, err := staffdb.New(st).UserByEmail(context.Background(), testAdmin.Email)
	if err != nil {
		tb.Fatal(err)
	}
	testAdmin.ID = u.ID
	if u.TwoFactor { // set up by an earlier run: this one's phone is new
		if err := staffdb.New(st).ResetTOTP(context.Background(), testAdmin.Email, "test"); err != nil {
			tb.Fatal(err)
		}
	}
	phone := enrolTOTP(tb, testAccess(tb, st), st, u)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	signInWithCode(tb, c, base, testAdmin.Email, phone, st.Now)
	return c
}

func (ss *statsServer) get(path string) (*http.Response, string) {
	ss.t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if p, ok := strings.CutPrefix(path, "/test/"); ok {
		c, path = ss.admin, "/"+p
	}
	res, err := c.Get(ss.url + path)
	if err != nil {
		ss.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (ss *statsServer) exports() int {
	return countRows(ss.t, ss.db, "select count(*) from audit where action = 'export'")
}

func TestStatsOnlyForAdmins(t *testing.T) { eachBackend(t, testStatsOnlyForAdmins) }

func testStatsOnlyForAdmins(t *testing.T, be backend) {
	ss := newStatsServerOn(t, be, 50, 70)
	for _, path := range []string{"/admin/stats", "/admin/stats?q=ketamine-selfcheck", "/admin/stats/export?format=csv",
		"/admin/stats/export?format=json"} {
		res, body := ss.get(path)
		if res.StatusCode == http.StatusOK || strings.Contains(body, "responses_by_period") || strings.Contains(body, "<svg") {
			t.Errorf("%s without signing in: %d", path, res.StatusCode)
		}
	}
	if n := ss.exports(); n != 0 {
		t.Errorf("%d exports audited for refused requests", n)
	}
}

func TestStatsPage(t *testing.T) {
	ss := newStatsServer(t, 3000, 70)
	res, body := ss.get("/test/admin/stats?from=2026-W14&to=2026-W24")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q", got)
	}
	// The chart is an image with a title and a description, beside the table of its figures.
	for _, want := range []string{`<svg class="chart" viewBox="0 0 600 260" role="img" aria-labelledby="time-t time-d">`,
		`<title id="time-t">Responses per week</title>`, `<desc id="time-d">Bar chart of the number of responses per week, from 2026-W15 to 2026-W23;`,
		`<caption id="time-c">Responses per week</caption>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// Levels, flags and warning signs are tables named by their headings, whose bars are
	// hidden from screen readers (the figures are beside them).
	for _, id := range []string{"levels", "flags", "signs"} {
		if !strings.Contains(body, `<table class="bars" aria-labelledby="`+id+`-h">`) || !strings.Contains(body, `<h2 id="`+id+`-h">`) {
			t.Errorf("no table of %s", id)
		}
	}
	if n := strings.Count(body, "<svg"); n != 1+strings.Count(body, `<svg aria-hidden="true">`)+strings.Count(body, `<svg class="withheld" aria-hidden="true">`) {
		t.Errorf("an SVG other than the chart is not hidden from screen readers")
	}
	// The staff navigation, and the views' navigation keeping the filter.
	for _, want := range []string{`<nav class="staff-nav no-print"`, `<a href="/admin/audit?lang=en">`,
		`<a href="/admin/stats?by=week&amp;from=2026-W14&amp;lang=en&amp;q=ketamine-selfcheck&amp;to=2026-W24" aria-current="page">Overview</a>`,
		`<a href="/admin/stats/answers?by=week&amp;from=2026-W14&amp;lang=en&amp;q=ketamine-selfcheck&amp;to=2026-W24">Answers to each question</a>`,
		`<a href="/admin/stats/export?by=week&amp;from=2026-W14&amp;lang=en&amp;q=ketamine-selfcheck&amp;to=2026-W24">Export</a>`,
		`<form class="stats-filter no-print" method="get" action="/admin/stats">`, "<title>Statistics: Overview · "} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	// The CSP forbids inline styles and scripts.
	if regexp.MustCompile(`(?i)\sstyle=|<style|<script>|\son[a-z]+=`).MatchString(body) {
		t.Error("the page has inline style or script")
	}
	checkNoSmallCount(t, body)
	if !strings.Contains(body, "Responses: ") {
		t.Error("no total")
	}
	if strings.Contains(body, "<details") || strings.Contains(body, `action="/admin/stats/export"`) {
		t.Error("the overview shows the answers or the export form")
	}

	// The answers to each question, and nothing of the overview.
	res, body = ss.get("/test/admin/stats/answers?from=2026-W14&to=2026-W24")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("answers: status %d", res.StatusCode)
	}
	checkNoSmallCount(t, body)
	if n := strings.Count(body, "<details open>"); n < 20 {
		t.Errorf("answers: %d questions", n)
	}
	for _, want := range []string{`aria-current="page">Answers to each question</a>`, `action="/admin/stats/answers"`,
		"<summary>In the last 3 months, how often have you used ketamine?</summary>", "<th>Once or twice<td"} {
		if !strings.Contains(body, want) {
			t.Errorf("answers: the page lacks %s", want)
		}
	}
	if strings.Contains(body, "<svg") || strings.Contains(body, `action="/admin/stats/export"`) {
		t.Error("the answers view shows a chart or the export form")
	}

	// The export view: its form carries the filter.
	res, body = ss.get("/test/admin/stats/export?from=2026-W14&to=2026-W24&region=uk")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export view: status %d", res.StatusCode)
	}
	for _, want := range []string{`aria-current="page">Export</a>`, `<form method="get" action="/admin/stats/export">`,
		`<input type="hidden" name="region" value="uk">`, `<input type="hidden" name="from" value="2026-W14">`, `name="format" value="csv" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("export view: the page lacks %s", want)
		}
	}
	if strings.Contains(body, "<table") || strings.Contains(body, "<svg") {
		t.Error("the export view shows figures")
	}
	if n := ss.exports(); n != 0 {
		t.Errorf("showing the export view audited %d exports", n)
	}

	// Spanish.
	_, es := ss.get("/test/admin/stats?lang=es&by=month")
	if !strings.Contains(es, "Estadísticas") || !strings.Contains(es, "Respuestas por mes") {
		t.Error("the Spanish page is not in Spanish")
	}
}

// checkNoSmallCount fails the test if a table cell shows a count from 1 to k-1. The privacy
// budget's table holds epsilons, not counts, and is left out.
func checkNoSmallCount(t *testing.T, body string) {
	t.Helper()
	if i := strings.Index(body, `<section aria-labelledby="budget-h">`); i >= 0 {
		body = body[:i]
	}
	cells := regexp.MustCompile(`<td>([0-9,]+)[\n<]`).FindAllStringSubmatch(body, -1)
	if len(cells) < 10 {
		t.Fatalf("only %d counts found: the scan is broken", len(cells))
	}
	for _, m := range cells {
		if n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", "")); n >= 1 && n < statsview.DefaultK {
			t.Errorf("the page shows a count of %d", n)
		}
	}
}

// A page shows a year of weeks at most, or five years of months: a longer weekly range is
// shown by month, with a notice; a longer monthly one is refused, and the export view takes it.
// The bound is on the range asked: 2026-W24 is not released yet, so 53 weeks asked show 52.
func TestStatsPeriodBounds(t *testing.T) {
	ss := newStatsServer(t, 600, 2000)
	for _, c := range []struct {
		query  string
		status int
		want   []string
	}{
		{"from=2025-W24&to=2026-W24", 200, []string{"(52 periods)", "Responses per week"}},
		{"from=2025-W23&to=2026-W24", 200, []string{"(13 periods)", "Responses per month", `<p class="notice">A page shows at most 53 weeks, so this range is shown by month.`,
			`<option value="week" selected>`, `<a href="/admin/stats/export?by=week&amp;from=2025-W23`}},
		{"from=2021-07-01&to=2026-06-15&by=month", 200, []string{"(60 periods)", "Responses per month"}},
		{"from=2021-06-01&to=2026-06-15&by=month", 400, []string{"A page shows at most 60 months.", `<a href="/admin/stats/export?by=month&amp;from=2021-06-01`}},
		{"from=2021-06-01&to=2026-06-15", 400, []string{"A page shows at most 60 months."}},
	} {
		for _, view := range []string{"/test/admin/stats?", "/test/admin/stats/answers?"} {
			res, body := ss.get(view + c.query)
			if res.StatusCode != c.status {
				t.Errorf("%s%s: status %d, want %d", view, c.query, res.StatusCode, c.status)
			}
			for _, w := range c.want {
				if strings.HasPrefix(w, "Responses per") && strings.Contains(view, "answers") {
					continue
				}
				if !strings.Contains(body, w) {
					t.Errorf("%s%s: the page lacks %s", view, c.query, w)
				}
			}
		}
	}
	// The export view and the export take what a page cannot show.
	if res, body := ss.get("/test/admin/stats/export?from=2021-06-01&to=2026-06-15"); res.StatusCode != http.StatusOK || !strings.Contains(body, "periods)") {
		t.Errorf("export view of five years by week: status %d", res.StatusCode)
	}
	res, body := ss.get("/test/admin/stats/export?format=csv&from=2021-06-01&to=2026-06-15")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "responses_by_period,,2021-W22,responses,") {
		t.Errorf("export of five years by week: status %d", res.StatusCode)
	}
}

func TestStatsBadFiltersAre400(t *testing.T) { eachBackend(t, testStatsBadFiltersAre400) }

func testStatsBadFiltersAre400(t *testing.T, be backend) {
	ss := newStatsServerOn(t, be, 100, 70)
	for _, q := range []string{"q=nope", "from=garbage", "to=2026-W99", "from=2026-W20&to=2026-W10", "by=day",
		"language=xx", "region=mars", "from=2000-W01&to=2026-W10", "from=" + url.QueryEscape("<script>"),
		"q=" + url.QueryEscape(strings.Repeat("x", 5000))} {
		res, body := ss.get("/test/admin/stats?" + q)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%.60s: status %d, want 400", q, res.StatusCode)
		}
		if strings.Contains(body, "<script>") || !strings.Contains(body, `class="error-summary"`) {
			t.Errorf("%.60s: the page does not explain the mistake safely", q)
		}
	}
	for _, q := range []string{"format=xml", "format=csv&k=5", "format=csv&k=abc", "format=csv&epsilon=abc",
		"format=csv&epsilon=100", "format=csv&epsilon=NaN", "format=json&region=mars", "format=csv&from=x"} {
		res, _ := ss.get("/test/admin/stats/export?" + q)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("export %s: status %d, want 400", q, res.StatusCode)
		}
	}
	if n := ss.exports(); n != 0 {
		t.Errorf("%d refused exports were audited as exports", n)
	}
}

func TestStatsExportAudited(t *testing.T) { eachBackend(t, testStatsExportAudited) }

func testStatsExportAudited(t *testing.T, be backend) {
	ss := newStatsServerOn(t, be, 500, 70)
	res, body := ss.get("/test/admin/stats/export?format=csv&from=2026-W14&to=2026-W24&k=15")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="ketascreen-stats-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	// The epsilon is the releases' own: an export chooses none.
	for _, want := range []string{"metadata,,k,15,,", "metadata,,epsilon,1,,", "responses_by_level,ketamine-selfcheck,"} {
		if !strings.Contains(body, want) {
			t.Errorf("the export lacks %q", want)
		}
	}
	res, body = ss.get("/test/admin/stats/export?format=json")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `"format": "ketascreen-stats"`) {
		t.Fatalf("json export: %d", res.StatusCode)
	}
	rows, err := rawDB(t, ss.db).Query("select user_id, actor, outcome, detail from audit where action = 'export' order by id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var details []string
	for rows.Next() {
		var uid int64
		var actor, outcome, detail string
		rows.Scan(&uid, &actor, &outcome, &detail)
		if uid != testAdmin.ID || actor != testAdmin.Email || outcome != "ok" {
			t.Errorf("audit row %d %s %s", uid, actor, outcome)
		}
		details = append(details, detail)
	}
	if len(details) != 2 || !strings.HasPrefix(details[0], "format=csv from=2026-04-06 to=2026-06-07 by=week k=15 ") ||
		!strings.HasSuffix(details[0], " releases=9") || !strings.HasPrefix(details[1], "format=json") {
		t.Errorf("audit details %q", details)
	}
}

// testLog sends the server's log to the test's.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
