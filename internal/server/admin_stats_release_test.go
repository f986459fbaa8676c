package server_test

import (
	"context"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/stats/statsview"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// Before any release (a new site), the dashboard says that nothing is released yet, with no
// figures, and that is not an error; a range the admin names, and an export, are refused:
// there is nothing to read. Weeks in which nobody answered are released too (all noise), so
// their figures read "fewer than 11" or small noisy numbers, never an error.
func TestStatsPageWithoutResponses(t *testing.T) { eachBackend(t, testStatsPageWithoutResponses) }

func testStatsPageWithoutResponses(t *testing.T, be backend) {
	ss := newStatsServerOn(t, be, 0, 1)
	for _, q := range []string{"/admin/stats", "/admin/stats?by=month", "/admin/stats/answers?lang=es&region=ie&language=es",
		"/admin/stats/export"} {
		res, body := ss.get("/test" + q)
		if res.StatusCode != http.StatusOK || strings.Contains(body, `class="error-summary"`) || strings.Contains(body, "<svg class=\"chart\"") ||
			strings.Contains(body, `name="format"`) {
			t.Errorf("%s: status %d, or an error or figures shown", q, res.StatusCode)
		}
		if !strings.Contains(body, "No statistics have been released for that range yet.") &&
			!strings.Contains(body, "Todavía no se han publicado estadísticas de ese periodo.") {
			t.Errorf("%s: the page does not say that nothing is released yet", q)
		}
	}
	if _, body := ss.get("/test/admin/stats"); !strings.Contains(body, "Nothing has been released in this range yet.") {
		t.Error("the privacy budget does not say that nothing was spent")
	}
	for _, q := range []string{"/admin/stats?from=2026-W10&to=2026-W20", "/admin/stats/export?format=csv", "/admin/stats/export?format=json&from=2026-W01"} {
		if res, body := ss.get("/test" + q); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "No statistics have been released") {
			t.Errorf("%s: status %d, want 400 saying no statistics are released", q, res.StatusCode)
		}
	}
	if n := ss.auditCount("stats_view") + ss.auditCount("export"); n != 0 {
		t.Errorf("%d readings audited, with nothing to read", n)
	}

	// One answer eight weeks ago (a Monday of 2026-W17), then the release job: that week and
	// every week since that is over are released, 2026-W17 to 2026-W23.
	r := stats.SyntheticResponse(ss.cat.Latest(qid), rand.New(rand.NewPCG(3, 4)), 0, nil)
	r.Lang, r.Region, r.Day = "en", "us", store.Day(ss.clock.Now().AddDate(0, 0, -56))
	if err := responsedb.New(ss.st).CreateResponses(context.Background(), []*responsedb.Response{r}); err != nil {
		t.Fatal(err)
	}
	if made := releaseStats(t, ss.st, ss.cat); len(made) != 7 {
		t.Fatalf("%d releases, want 7", len(made))
	}
	res, body := ss.get("/test/admin/stats")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `<svg class="chart"`) || !strings.Contains(body, "(7 periods)") {
		t.Fatalf("status %d, or no chart of 7 weeks", res.StatusCode)
	}
	if !strings.Contains(body, `<td class="withheld">fewer than 11<td>±`) {
		t.Error("no figure shown as fewer than 11, with its margin")
	}
	if res, body := ss.get("/test/admin/stats/export?format=csv"); res.StatusCode != http.StatusOK ||
		!strings.Contains(body, "responses_by_period,,total,responses,") {
		t.Errorf("export of empty weeks: %d", res.StatusCode)
	}
}

func (ss *statsServer) auditCount(action string) int {
	ss.t.Helper()
	return countRows(ss.t, ss.db, "select count(*) from audit where action = ?", action)
}

// Every figure is shown with its 90% margin of error, in words beside it and as a whisker on
// the chart and the bars; the words are the export's margins, rounded.
func TestStatsMargins(t *testing.T) {
	ss := newStatsServer(t, 3000, 70)
	const filter = "from=2026-W15&to=2026-W23"
	res, body := ss.get("/test/admin/stats?" + filter)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	_, export := ss.get("/test/admin/stats/export?format=csv&" + filter)
	records, err := csv.NewReader(strings.NewReader(export)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	shown := func(rec []string) string {
		if rec[5] == "fewer_than_k" {
			return "fewer than 11"
		}
		n, _ := strconv.Atoi(rec[4])
		return strconv.FormatInt(int64(n), 10)
	}
	margin := func(rec []string) string {
		m, _ := strconv.ParseFloat(rec[6], 64)
		return "±" + strconv.Itoa(int(math.Round(m)))
	}
	checked := 0
	for _, rec := range records {
		switch {
		case rec[0] == statsview.TableByPeriod && rec[2] != statsview.Total:
			// A period's row of the chart's table: its figure, then its margin.
			want := "<tr><th>" + rec[2] + "<td"
			i := strings.Index(body, want)
			if i < 0 {
				t.Errorf("no row for %s", rec[2])
				continue
			}
			row := body[i : i+strings.Index(body[i:], "\n")]
			if !strings.Contains(row, ">"+commas(shown(rec))+"<td>"+margin(rec)) {
				t.Errorf("row %q, want %s and %s", row, shown(rec), margin(rec))
			}
			checked++
		case rec[0] == statsview.TableByLevel && rec[2] != statsview.Total:
			if !strings.Contains(body, ">"+commas(shown(rec))+"<td>"+margin(rec)+"<td>") {
				t.Errorf("the level %s is not shown as %s %s", rec[2], shown(rec), margin(rec))
			}
			checked++
		}
	}
	if checked < 12 {
		t.Fatalf("only %d figures compared with the export", checked)
	}
	// The total, in words; the chart's whiskers, one a period; a whisker on every shown bar.
	if !regexp.MustCompile(`Responses: [0-9,]+ \(margin ±[0-9,]+\)\.`).MatchString(body) {
		t.Error("the total of responses has no margin")
	}
	m := regexp.MustCompile(`<path class="whisker" d="([^"]*)"/>`).FindStringSubmatch(body)
	if m == nil || strings.Count(m[1], "M") != 9 {
		t.Errorf("the chart's whiskers: %v, want 9", m)
	}
	if !strings.Contains(body, "A whisker on each bar shows its margin of error.") {
		t.Error("the chart's description does not mention its whiskers")
	}
	bars := regexp.MustCompile(`<svg aria-hidden="true"><rect width="[0-9.]+%"/><rect x="[0-9.]+%" width="[0-9.]+%"/></svg>`)
	if n := len(bars.FindAllString(body, -1)); n < 5 {
		t.Errorf("%d bars with a whisker", n)
	}
	// Flags are named by their clinician labels: staff read the statistics.
	for _, f := range ss.cat.Latest(qid).Flags {
		if !strings.Contains(body, "<tr><th>"+htmlEscape(f.ClinicianLabel.In("en"))+"<svg") {
			t.Errorf("the flag %s is not named %q", f.ID, f.ClinicianLabel.In("en"))
		}
	}
	// The language and region table gives each figure its margin beside it.
	places := body[strings.Index(body, `<section aria-labelledby="places-h">`):]
	places = places[:strings.Index(places, "</section>")]
	// Every language and the total, by every region and the total.
	want := (len(ss.cat.Languages()) + 1) * (len(ss.cat.Resources.Regions) + 1)
	if n := len(regexp.MustCompile(`<td(?: class="withheld")?>(?:[0-9,]+|fewer than 11) ±[0-9,]+`).FindAllString(places, -1)); n != want {
		t.Errorf("%d figures with a margin in the language and region table, want %d", n, want)
	}
	// Words a reader needs: what the margin means.
	if !strings.Contains(body, "nine times in ten, the true count is within that much of it") {
		t.Error("the page does not say what a margin is")
	}
}

func commas(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil {
		return s
	}
	out := strconv.Itoa(n)
	for i := len(out) - 3; i > 0; i -= 3 {
		out = out[:i] + "," + out[i:]
	}
	return out
}

// The overview says what epsilon means and which mechanism adds the noise, and shows per period
// the budget spent: consecutive periods released alike on one line, a run released again on
// another, with the sum and the composed epsilon; past five lines, the last sums up the rest.
func TestStatsBudget(t *testing.T) {
	ss := newStatsServer(t, 500, 70)
	_, body := ss.get("/test/admin/stats?from=2026-W15&to=2026-W23")
	for _, want := range []string{`<h2 id="budget-h">Privacy budget</h2>`, "Epsilon (ε) bounds what anyone can learn about one person",
		"The noise comes from the Gaussian mechanism", "Reading and exporting spend nothing",
		"<tr><th><span>2026-W15</span> to <span>2026-W23</span> (9 periods)<td>each: released by the daily job on 2026-06-15, ε\u00a0=\u00a01<td>1\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("the budget lacks %s", want)
		}
	}

	// 2026-W19 and W20 released again, by an admin: they have their own line.
	rerelease := func(week string) {
		t.Helper()
		p, err := stats.ParsePeriod(week)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := stats.Rerelease(context.Background(), ss.st, ss.cat, stats.DefaultConfig(), p, 1, qid, testAdmin.Email, 365, ss.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	rerelease("2026-W19")
	rerelease("2026-W20")
	_, body = ss.get("/test/admin/stats?from=2026-W15&to=2026-W23")
	for _, want := range []string{
		"<tr><th><span>2026-W15</span> to <span>2026-W18</span> (4 periods)<td>each: released by the daily job on 2026-06-15, ε\u00a0=\u00a01<td>1\n",
		"<tr><th><span>2026-W19</span> to <span>2026-W20</span> (2 periods)<td>each: released by the daily job on 2026-06-15, ε\u00a0=\u00a01; released again by admin@example.org on 2026-06-15, ε\u00a0=\u00a01<td>2 (composed 1.455)\n",
		"<tr><th><span>2026-W21</span> to <span>2026-W23</span> (3 periods)<td>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("after a re-release, the budget lacks %s", want)
		}
	}
	_, es := ss.get("/test/admin/stats?from=2026-W20&to=2026-W20&lang=es")
	if !strings.Contains(es, "<tr><th><span>2026-W20</span><td>publicado por la tarea diaria el 2026-06-15, ε\u00a0=\u00a01; publicado de nuevo por admin@example.org el 2026-06-15, ε\u00a0=\u00a01<td>2 (compuesto 1,455)\n") {
		t.Error("the Spanish budget is not in Spanish")
	}
	// Only the filter's range is listed.
	_, body = ss.get("/test/admin/stats?from=2026-W22&to=2026-W23")
	if strings.Contains(body, "2026-W20") || !strings.Contains(body, "<tr><th><span>2026-W22</span> to <span>2026-W23</span> (2 periods)<td>") {
		t.Error("the budget lists periods outside the range")
	}
	// W17 and W22 too: seven runs, so four lines and one that sums up the last three weeks.
	rerelease("2026-W17")
	rerelease("2026-W22")
	_, body = ss.get("/test/admin/stats?from=2026-W15&to=2026-W23")
	if n := strings.Count(body[strings.Index(body, `<table class="budget">`):], "\n<tr><th>"); n != 5 {
		t.Errorf("%d lines of budget, want 5", n)
	}
	if !strings.Contains(body, "<tr><th><span>2026-W21</span> to <span>2026-W23</span> (3 periods)<td>made in several ways: ketascreen stats list gives every release<td>1 to 2 (composed 1.455)\n") {
		t.Error("the last line does not sum up the rest")
	}
	// The other views do not repeat it.
	if _, body := ss.get("/test/admin/stats/answers"); strings.Contains(body, "budget-h") {
		t.Error("the answers view shows the budget")
	}
}

// Every dashboard view with figures is audited (who, which view and filter, when), once a
// minute at most for the same account, view and filter; a refused filter is not.
func TestStatsViewsAudited(t *testing.T) { eachBackend(t, testStatsViewsAudited) }

func testStatsViewsAudited(t *testing.T, be backend) {
	ss := newStatsServerOn(t, be, 200, 70)
	rows := func() []auditdb.Entry {
		t.Helper()
		out, err := auditdb.New(ss.st).Entries(context.Background(), auditdb.Filter{Action: "stats_view", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	steps := []struct {
		path  string
		wait  time.Duration // the clock moves this much first
		added bool
	}{
		{"/admin/stats?from=2026-W15&to=2026-W23", 0, true},
		{"/admin/stats?from=2026-W15&to=2026-W23", 0, false},                        // a reload
		{"/admin/stats?from=2026-W15&to=2026-W23&lang=es", 10 * time.Second, false}, // the same figures in Spanish
		{"/admin/stats/answers?from=2026-W15&to=2026-W23", 0, true},                 // another view
		{"/admin/stats?from=2026-W15&to=2026-W23", 20 * time.Second, false},         // back within the minute
		{"/admin/stats?from=2026-W15&to=2026-W23&region=uk", 0, true},               // another filter
		{"/admin/stats/export?from=2026-W15&to=2026-W23", 0, true},                  // the export view shows the total
		{"/admin/stats?from=2026-W15&to=2026-W23", 30 * time.Second, true},          // a minute after the first
		{"/admin/stats?from=nonsense", 0, false},                                    // refused: nothing shown
		{"/admin/stats?from=2025-W01&to=2025-W10", 0, false},                        // no release: nothing shown
	}
	want := 0
	for _, s := range steps {
		ss.clock.Advance(s.wait)
		ss.get("/test" + s.path)
		if s.added {
			want++
		}
		if got := len(rows()); got != want {
			t.Fatalf("after %s: %d view rows, want %d", s.path, got, want)
		}
	}
	r := rows()
	newest, first := r[0], r[len(r)-1]
	if first.UserID != testAdmin.ID || first.Actor != testAdmin.Email || first.Outcome != "ok" ||
		!first.At.Equal(time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("first row %+v", first)
	}
	for _, w := range []string{"view=overview from=2026-04-06 to=2026-06-07 by=week k=11 questionnaires=ketamine-selfcheck",
		" releases=9"} {
		if !strings.Contains(newest.Detail, w) {
			t.Errorf("detail %q lacks %q", newest.Detail, w)
		}
	}
	if got := r[1].Detail; !strings.HasPrefix(got, "view=export ") {
		t.Errorf("the export view's row: %q", got)
	}
	if got := r[2].Detail; !strings.Contains(got, " regions=uk ") {
		t.Errorf("the region filter's row: %q", got)
	}
	// Exports are each audited, however close together.
	for range 3 {
		ss.get("/test/admin/stats/export?format=csv")
	}
	if n := ss.exports(); n != 3 {
		t.Errorf("%d export rows for 3 exports", n)
	}
}

// A view or export cannot choose an epsilon: an old link or script that asks for one is told
// why, with a 400, and nothing is written.
func TestStatsEpsilonRefused(t *testing.T) { eachBackend(t, testStatsEpsilonRefused) }

func testStatsEpsilonRefused(t *testing.T, be backend) {
	ss := newStatsServerOn(t, be, 200, 70)
	before := ss.auditCount("stats_view") + ss.exports()
	for _, q := range []string{"/admin/stats?epsilon=1", "/admin/stats/answers?epsilon=", "/admin/stats/export?epsilon=0.5",
		"/admin/stats/export?format=csv&epsilon=1", "/admin/stats/export?format=json&epsilon=2"} {
		res, body := ss.get("/test" + q)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "there is no epsilon to choose here") {
			t.Errorf("%s: status %d, want 400 saying why", q, res.StatusCode)
		}
	}
	if after := ss.auditCount("stats_view") + ss.exports(); after != before {
		t.Errorf("refused requests wrote %d audit rows", after-before)
	}
	_, body := ss.get("/test/admin/stats/export")
	if strings.Contains(body, "epsilon") || strings.Contains(body, `name="epsilon"`) {
		t.Error("the export form still offers an epsilon")
	}
}
