package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/testtool"
	"github.com/ketascreen/ketascreen/questionnaires"
)

const (
	qid       = "ketamine-selfcheck"
	pagePath  = "/q/" + qid
	apiPath   = "/api/v1/questionnaires/" + qid + "/responses"
	formQuery = "?lang=en"
)

// env is what every scenario of a run gets.
type env struct {
	o     options
	setup string
	dir   string
	bin   string
	api   string // a submission's JSON body
	form  string // the form's last step, as a browser posts it
}

// row is one line of the final table, measured once per run.
type row struct {
	scenario, setup, what string
	value                 float64
	unit                  string
}

func run(ctx context.Context, o options) error {
	if err := ensureTools(); err != nil {
		return err
	}
	if slices.Contains(o.only, "postgres") {
		if err := pgbenchInstalled(); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "ketascreen-loadtest")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "work folder:", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if err := setupProfiles(o.profiles); err != nil {
		return err
	}
	bin := o.ketascreen
	if bin == "" {
		if bin, err = buildKetascreen(dir); err != nil {
			return err
		}
	}
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		return err
	}
	q := cat.Latest(qid)
	answers := testtool.Answers(q, 5)
	api, _ := json.Marshal(map[string]any{"lang": "en", "region": "us", "answers": answers})
	e := env{o: o, dir: dir, bin: bin, api: string(api), form: testtool.LastStepForm(q, answers, "us").Encode()}

	var rows []row
	for r := 1; r <= o.runs; r++ {
		for _, setup := range o.setups {
			e.setup = setup
			for _, sc := range o.only {
				fmt.Fprintf(os.Stderr, "run %d/%d, %s, %s\n", r, o.runs, setup, sc)
				got, err := scenarioFuncs[sc](ctx, e)
				if err != nil {
					return fmt.Errorf("%s (%s): %w", sc, setup, err)
				}
				for i := range got {
					got[i].scenario, got[i].setup = sc, setup
				}
				rows = append(rows, got...)
			}
		}
	}
	printTable(os.Stdout, o, rows)
	return nil
}

var scenarioFuncs = map[string]func(context.Context, env) ([]row, error){
	"page":      pageScenario,
	"api":       func(ctx context.Context, e env) ([]row, error) { return submitScenario(ctx, e, "api", 64) },
	"form":      func(ctx context.Context, e env) ([]row, error) { return submitScenario(ctx, e, "form", 64) },
	"alone":     func(ctx context.Context, e env) ([]row, error) { return submitScenario(ctx, e, "api", 1) },
	"postgres":  postgresScenario,
	"dashboard": dashboardScenario,
	"purge":     purgeScenario,
}

// pageScenario is the questionnaire's first page from ketascreen and the same bytes from nginx,
// 50 connections each, one after the other: first as browsers ask for it (gzip accepted), then
// as wrk asks by default (no Accept-Encoding: the page whole).
func pageScenario(ctx context.Context, e env) ([]row, error) {
	srv, err := startServer(ctx, e.bin, e.setup, filepath.Join(e.dir, "page.db"))
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	plain, err := firstPage(srv.url+pagePath+formQuery, "")
	if err != nil {
		return nil, err
	}
	gz, err := firstPage(srv.url+pagePath+formQuery, "gzip")
	if err != nil {
		return nil, err
	}
	ngx, err := startNginx(ctx, e.setup, e.dir, pagePath, plain, gz)
	if err != nil {
		return nil, err
	}
	defer ngx.stop()
	gos, err := startGoStatic(ctx, e.setup, e.dir)
	if err != nil {
		return nil, err
	}
	defer gos.stop()
	var rows []row
	for _, enc := range []struct{ name, header string }{{"gzip", browserEncodings}, {"plain", ""}} {
		var headers map[string]string
		if enc.header != "" {
			headers = map[string]string{"Accept-Encoding": enc.header}
		}
		n, err := runWrk(ctx, e.setup, e.dir, load{url: ngx.url + pagePath, connections: 50, headers: headers}, e.o.duration, ngx.pid())
		if err != nil {
			return nil, err
		}
		g, err := runWrk(ctx, e.setup, e.dir, load{url: gos.url + pagePath, connections: 50, headers: headers}, e.o.duration, gos.pid())
		if err != nil {
			return nil, err
		}
		k, err := runWrk(ctx, e.setup, e.dir, load{url: srv.url + pagePath + formQuery, connections: 50, headers: headers, profile: true}, e.o.duration, srv.pid())
		if err != nil {
			return nil, err
		}
		if k.errors > 0 || n.errors > 0 || g.errors > 0 {
			return nil, fmt.Errorf("errors under load (%s): ketascreen %d, nginx %d, Go's server %d", enc.name, k.errors, n.errors, g.errors)
		}
		size := len(plain)
		if enc.name == "gzip" {
			size = len(gz)
		}
		rows = append(rows,
			row{what: enc.name + ": page bytes", value: float64(size), unit: "B"},
			row{what: enc.name + ": nginx req/s", value: n.rate, unit: "/s"},
			row{what: enc.name + ": ketascreen req/s", value: k.rate, unit: "/s"},
			row{what: enc.name + ": ratio to nginx", value: k.rate / n.rate, unit: "x"},
			row{what: enc.name + ": ketascreen p99", value: ms(k.p99), unit: "ms"},
			row{what: enc.name + ": ketascreen CPU per request", value: us(k.cpuPerRequest), unit: "us"},
			row{what: enc.name + ": nginx CPU per request", value: us(n.cpuPerRequest), unit: "us"},
			row{what: enc.name + ": Go net/http alone, ratio to nginx", value: g.rate / n.rate, unit: "x"},
			row{what: enc.name + ": Go net/http alone, CPU per request", value: us(g.cpuPerRequest), unit: "us"},
			row{what: enc.name + ": ketascreen, ratio to Go net/http alone", value: k.rate / g.rate, unit: "x"})
	}
	return append(rows, row{what: "ketascreen peak RSS", value: mb(peakRSS(srv.pid())), unit: "MB"}), nil
}

// browserEncodings is the Accept-Encoding Chromium sends.
const browserEncodings = "gzip, deflate, br, zstd"

// firstPage fetches the first page as it is sent with the given Accept-Encoding ("" for none):
// the bytes on the wire, gzipped when asked for and given.
func firstPage(url, encoding string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding) // set by hand: the client leaves the body as sent
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		return nil, fmt.Errorf("first page: %d %v", res.StatusCode, err)
	}
	if got := res.Header.Get("Content-Encoding"); got != encoding {
		return nil, fmt.Errorf("first page asked for as %q came as %q", encoding, got)
	}
	return body, nil
}

// submitScenario is durable submissions (the JSON API or the form's last step) from
// clients connections, next to the SQLite commit loop run just before in its own process.
func submitScenario(ctx context.Context, e env, via string, clients int) ([]row, error) {
	loop, err := sqliteLoop(ctx, e.setup, e.dir, e.o.duration)
	if err != nil {
		return nil, err
	}
	db := filepath.Join(e.dir, fmt.Sprintf("%s-%d-%d.db", via, clients, time.Now().UnixNano()))
	srv, err := startServer(ctx, e.bin, e.setup, db)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	l := load{url: srv.url + apiPath, connections: clients, method: "POST", body: e.api, contentType: "application/json", profile: true}
	if via == "form" {
		l = load{url: srv.url + pagePath + formQuery, connections: clients, method: "POST", body: e.form,
			contentType: "application/x-www-form-urlencoded", profile: true}
	}
	r, err := runWrk(ctx, e.setup, e.dir, l, e.o.duration, srv.pid())
	if err != nil {
		return nil, err
	}
	if r.errors > 0 {
		return nil, fmt.Errorf("%d errors under load\n%.2000s", r.errors, srv.log)
	}
	return []row{
		{what: fmt.Sprintf("%s submissions/s, %d clients", via, clients), value: r.rate, unit: "/s"},
		{what: "SQLite one-row commit loop", value: loop, unit: "/s"},
		{what: "ratio to the commit loop", value: r.rate / loop, unit: "x"},
		{what: "p50", value: ms(r.p50), unit: "ms"},
		{what: "p99", value: ms(r.p99), unit: "ms"},
		{what: "server CPU per submission", value: us(r.cpuPerRequest), unit: "us"},
		{what: "peak RSS", value: mb(peakRSS(srv.pid())), unit: "MB"},
	}, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
func mb(b int64) float64         { return float64(b) / 1e6 }

// machine describes where the run happened, for the table's heading.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%d cores (%s), %s, %s", runtime.NumCPU(), model, runtime.Version(), time.Now().UTC().Format(time.DateOnly))
}
