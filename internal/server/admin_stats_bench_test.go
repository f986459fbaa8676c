package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/testtool"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// These measure the dashboard against a big seeded database with its releases (ketascreen dev
// seed, then ketascreen stats release) named by KETASCREEN_STATS_DB, and take the screenshot of
// docs/ when KETASCREEN_STATS_SHOT names the PNG to write. Without them they skip.

// benchServer serves the seeded database and returns its URL and a client signed in as an
// admin.
func benchServer(tb testing.TB) (string, *http.Client) {
	tb.Helper()
	path := os.Getenv("KETASCREEN_STATS_DB")
	if path == "" {
		tb.Skip("KETASCREEN_STATS_DB is not set")
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := server.New(server.Config{Catalog: cat, Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: testSecret, Access: testAccess(tb, st), ShareDays: 30})
	if err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(s)
	tb.Cleanup(func() { hs.Close(); st.Close() })
	return hs.URL, signInAdmin(tb, st, hs.URL)
}

func fetch(tb testing.TB, c *http.Client, url string) int {
	res, err := c.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	n, _ := io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("%s: status %d", url, res.StatusCode)
	}
	return int(n)
}

// BenchmarkStatsPage is the dashboard's overview, default filter (the last 52 weeks, by week).
func BenchmarkStatsPage(b *testing.B) { benchPage(b, "/admin/stats") }

// BenchmarkStatsPageMonths is the dashboard over two years by month.
func BenchmarkStatsPageMonths(b *testing.B) {
	benchPage(b, "/admin/stats?by=month&from=2024-W48&to=2026-W47")
}

// BenchmarkStatsPageAnswers is the dashboard's answers to each question, default filter.
func BenchmarkStatsPageAnswers(b *testing.B) { benchPage(b, "/admin/stats/answers") }

// benchPage fetches one dashboard page again and again, after a first fetch that finds the
// questionnaire's relations (cached for the process).
func benchPage(b *testing.B, path string) {
	base, c := benchServer(b)
	fetch(b, c, base+path)
	var size int
	for b.Loop() {
		size = fetch(b, c, base+path)
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// BenchmarkStatsExport is a CSV and a JSON export of two years by week (as many releases as
// the database holds in them).
func BenchmarkStatsExport(b *testing.B) {
	base, c := benchServer(b)
	for b.Loop() {
		fetch(b, c, base+"/admin/stats/export?format=csv&from=2024-W48&to=2026-W47")
		fetch(b, c, base+"/admin/stats/export?format=json&from=2024-W48&to=2026-W47")
	}
}

// TestStatsMemoryFlat loads the dashboard many times and checks the heap does not grow.
func TestStatsMemoryFlat(t *testing.T) {
	base, c := benchServer(t)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	fetch(t, c, base+"/admin/stats")
	before := heap()
	start := time.Now()
	for range 50 {
		fetch(t, c, base+"/admin/stats")
	}
	after := heap()
	t.Logf("50 pages in %v; heap %.1f MiB before, %.1f MiB after", time.Since(start), float64(before)/(1<<20), float64(after)/(1<<20))
	if after > before+8<<20 {
		t.Errorf("the heap grew from %d to %d bytes", before, after)
	}
}

// TestStatsScreenshot writes a screenshot of the dashboard's overview at 1280 pixels wide, and
// with KETASCREEN_STATS_PARTS (a folder) full-page screenshots of every view at phone (375)
// and desktop widths, light and dark.
func TestStatsScreenshot(t *testing.T) {
	out := os.Getenv("KETASCREEN_STATS_SHOT")
	if out == "" {
		t.Skip("KETASCREEN_STATS_SHOT is not set")
	}
	base, client := benchServer(t)
	ctx := testtool.Browser(t, chromedp.Flag("hide-scrollbars", true))
	shareSession(t, ctx, base, client)
	type shot struct {
		file, path, scheme string
		width              int64
	}
	shots := []shot{{out, "/admin/stats", "light", 1280}}
	if dir := os.Getenv("KETASCREEN_STATS_PARTS"); dir != "" {
		for _, v := range []struct{ name, path string }{{"overview", "/admin/stats"},
			{"overview-es-months", "/admin/stats?lang=es&by=month&from=2024-W48"},
			{"answers", "/admin/stats/answers"}, {"export", "/admin/stats/export"}} {
			for _, scheme := range []string{"light", "dark"} {
				for _, w := range []int64{375, 1280} {
					shots = append(shots, shot{filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", v.name, scheme, w)), v.path, scheme, w})
				}
			}
		}
	}
	for _, shot := range shots {
		media := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: shot.scheme}}}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, media); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(shot.width, 900), chromedp.Navigate(base+shot.path)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(shot.file, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStatsAccessibility runs axe-core's WCAG 2.1 A and AA rules on every view of the dashboard
// (with withheld cells), light and dark, phone and desktop widths, and on its error state. It needs
// Chromium and axe-core (see testtool).
func TestStatsAccessibility(t *testing.T) {
	axe := testtool.Axe(t)
	ss := newStatsServer(t, 400, 70)
	ctx := testtool.Browser(t)
	shareSession(t, ctx, ss.url, ss.admin)
	type violation struct {
		ID, Impact, Help string
		Nodes            []string
	}
	for _, path := range []string{"/admin/stats?from=2026-W14&to=2026-W24", "/admin/stats?lang=es&by=month&from=2026-W01",
		"/admin/stats/answers?from=2026-W14&to=2026-W24", "/admin/stats/export?lang=es", "/admin/stats?from=nonsense"} {
		for _, scheme := range []string{"light", "dark"} {
			for _, width := range []int64{390, 1280} {
				media := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}
				if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, media); err != nil {
					t.Fatal(err)
				}
				if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), chromedp.Navigate(ss.url+path),
					chromedp.Evaluate[chromedp.Void](string(axe))); err != nil {
					t.Fatal(err)
				}
				res, err := chromedp.Run(ctx, chromedp.Evaluate[struct {
					Passes     int
					Violations []violation
				}](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r =>
					({Passes: r.passes.length, Violations: r.violations.map(v => ({ID: v.id, Impact: v.impact, Help: v.help,
					Nodes: v.nodes.map(n => n.target.join(" "))}))}))`, chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatal(err)
				}
				if res.Passes == 0 {
					t.Fatalf("%s: axe checked nothing", path)
				}
				for _, v := range res.Violations {
					t.Errorf("%s (%s, %d px): %s (%s): %s on %v", path, scheme, width, v.ID, v.Impact, v.Help, v.Nodes)
				}
			}
		}
	}
}

// shareSession gives the browser the cookies of a signed-in client, so it opens staff pages
// as that account.
func shareSession(t *testing.T, ctx context.Context, base string, c *http.Client) {
	t.Helper()
	u, _ := url.Parse(base + "/")
	for _, ck := range c.Jar.Cookies(u) {
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: base + "/"}); err != nil {
			t.Fatal(err)
		}
	}
}
