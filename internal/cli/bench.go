package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// The load benchmark: the real server, in this process, on 127.0.0.1:0 with a
// temporary database (synchronous=FULL), driven by a Go load generator in the same process,
// next to a plain net/http server of a byte slice as large as the questionnaire page.

// benchQuestionnaire is the questionnaire the benchmark answers.
const benchQuestionnaire = "ketamine-selfcheck"

// benchScenarios are the scenarios, in the order they run.
var benchScenarios = []string{"static", "page", "submit", "form", "result", "dashboard"}

func runBench(ctx context.Context, e *env, args []string) error {
	fl := e.flags("bench", "[--duration 10s] [--concurrency 64] [--db F] [--only page,submit,...]",
		"Load benchmark: starts the real server in this process on 127.0.0.1 with a temporary\n"+
			"database (synchronous=FULL) and drives it with a Go load generator, also in this process.\n"+
			"Reports requests per second, p50 and p99 latency and errors for: a plain net/http server of\n"+
			"a byte slice as large as the questionnaire page (the baseline), the questionnaire page,\n"+
			"submissions by the JSON API and by the web form's last step, the result page and the\n"+
			"admin dashboard; then the peak memory (VmHWM) of the whole process, generator included.\n"+
			"Scenarios: "+strings.Join(benchScenarios, ", ")+".")
	duration := fl.Duration("duration", 10*time.Second, "how long each scenario runs (after a short warm-up)")
	conc := fl.Int("concurrency", 64, "concurrent clients (1 to 4096)")
	adminConc := fl.Int("dashboard-concurrency", 4, "concurrent clients of the dashboard: admins, not the public (1 to 4096)")
	db := fl.String("db", "", "database file or PostgreSQL URL to use (default: a temporary file, removed afterwards); it must hold no responses.\n"+
		"The run adds synthetic responses and an admin account for the dashboard, disabled at the end")
	only := fl.String("only", "", "comma-separated scenarios to run (default: all)")
	profile := fl.String("cpuprofile", "", "write a CPU profile of the measured part of the run (server and generator) to this file")
	if err := e.parse(fl, args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %.40q", fl.Arg(0))}
	}
	if *duration < 100*time.Millisecond || *duration > time.Hour {
		return usageError{"--duration must be from 100ms to 1h"}
	}
	if *conc < 1 || *conc > 4096 {
		return usageError{"--concurrency must be from 1 to 4096"}
	}
	if *adminConc < 1 || *adminConc > 4096 {
		return usageError{"--dashboard-concurrency must be from 1 to 4096"}
	}
	run := map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(benchScenarios, s) {
			return usageError{fmt.Sprintf("--only: no scenario %.40q (there is: %s)", s, strings.Join(benchScenarios, ", "))}
		}
		run[s] = true
	}
	if len(run) == 0 {
		for _, s := range benchScenarios {
			run[s] = true
		}
	}

	cat, err := catalog("")
	if err != nil {
		return err
	}
	q := cat.Latest(benchQuestionnaire)
	if q == nil {
		return fmt.Errorf("no questionnaire %s", benchQuestionnaire)
	}
	path := *db
	if path == "" {
		dir, err := os.MkdirTemp("", "ketascreen-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "bench.db")
	}
	st, err := openDB(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	if n, err := responsedb.New(st).CountResponses(ctx); err != nil {
		return err
	} else if n > 0 {
		return usageError{fmt.Sprintf("%s already holds %d responses: the benchmark writes synthetic ones, give it an empty or new one", st.Path(), n)}
	}

	// The real server, as serve runs it, except that the request log is formatted and dropped.
	srv, err := server.New(server.Config{Catalog: cat, Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Secret: []byte("bench-secret-bench-secret-bench-secret")})
	if err != nil {
		return err
	}
	app, err := benchListen(srv)
	if err != nil {
		return err
	}
	defer app.Close()

	b := &bench{e: e, q: q, client: benchClient(*conc), conc: *conc, duration: *duration, base: app.url}
	page, err := b.fetch(http.MethodGet, b.base+"/q/"+q.ID, "", nil, http.StatusOK)
	if err != nil {
		return fmt.Errorf("the questionnaire page: %w", err)
	}
	static, err := benchListen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	if err != nil {
		return err
	}
	defer static.Close()
	b.prepare(cat, 512)

	fmt.Fprintf(e.stdout, "ketascreen bench: %d clients, %s per scenario, GOMAXPROCS %d, %d CPUs, database %s\n",
		*conc, *duration, runtime.GOMAXPROCS(0), runtime.NumCPU(), st.Path())
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(e.stdout, "load average before: %s", load)
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	// The admin signs in first: Argon2id takes 19 MiB for the hash and again for the check,
	// once, before any load.
	var cookie string
	if run["dashboard"] {
		var done func() error
		if cookie, done, err = b.adminSession(ctx, st); err != nil {
			return fmt.Errorf("signing in an admin for the dashboard: %w", err)
		}
		defer done()
	}
	setupRSS := peakRSS()

	var results []*benchResult
	add := func(r *benchResult) {
		results = append(results, r)
		fmt.Fprintf(e.stderr, "  %s: %.0f req/s, p50 %s, p99 %s, %d errors, %d µs CPU/req\n", r.name, r.rps(), ms(r.pct(50)), ms(r.pct(99)),
			r.errors, r.cpuPerRequest().Microseconds())
	}
	var acked atomic.Int64
	if run["static"] {
		add(b.load(ctx, fmt.Sprintf("static baseline (%s)", kb(len(page))), func(int) benchRequest {
			return benchRequest{method: http.MethodGet, url: static.url + "/", want: http.StatusOK}
		}))
	}
	if run["page"] {
		add(b.load(ctx, "questionnaire page GET /q/"+q.ID, func(int) benchRequest {
			return benchRequest{method: http.MethodGet, url: b.base + "/q/" + q.ID, want: http.StatusOK}
		}))
	}
	if run["submit"] {
		add(b.load(ctx, "submission POST /api/v1/.../responses", func(i int) benchRequest {
			return benchRequest{method: http.MethodPost, url: b.base + "/api/v1/questionnaires/" + q.ID + "/responses",
				contentType: "application/json", body: b.apiBodies[i%len(b.apiBodies)], want: http.StatusCreated, acked: &acked}
		}))
	}
	if run["form"] {
		add(b.load(ctx, "submission POST /q/"+q.ID+" (last step)", func(i int) benchRequest {
			f := b.forms[i%len(b.forms)]
			return benchRequest{method: http.MethodPost, url: b.base + "/q/" + q.ID + "?lang=" + f.lang,
				contentType: "application/x-www-form-urlencoded", body: f.body, want: http.StatusSeeOther, acked: &acked}
		}))
	}
	if run["result"] {
		tokens, err := b.resultLinks(&acked)
		if err != nil {
			return err
		}
		add(b.load(ctx, "result page GET /r/{token}", func(i int) benchRequest {
			return benchRequest{method: http.MethodGet, url: b.base + tokens[i%len(tokens)], want: http.StatusOK}
		}))
	}
	if run["dashboard"] {
		public := b.conc
		b.conc = *adminConc
		add(b.load(ctx, fmt.Sprintf("dashboard GET /admin/stats (%d clients)", b.conc), func(int) benchRequest {
			return benchRequest{method: http.MethodGet, url: b.base + "/admin/stats", cookie: cookie, want: http.StatusOK}
		}))
		b.conc = public
	}
	if *profile != "" {
		pprof.StopCPUProfile()
	}

	// Every acknowledged submission must be in the database.
	stored, err := responsedb.New(st).CountResponses(ctx)
	if err != nil {
		return err
	}
	b.report(results, acked.Load(), stored, setupRSS)
	if stored < acked.Load() {
		return fmt.Errorf("%d submissions were acknowledged but only %d responses are stored", acked.Load(), stored)
	}
	return nil
}

// benchServer is a server on 127.0.0.1:0.
type benchServer struct {
	url string
	hs  *http.Server
}

func benchListen(h http.Handler) (*benchServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	// The timeouts of serve.
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10}
	go hs.Serve(ln)
	return &benchServer{url: "http://" + ln.Addr().String(), hs: hs}, nil
}

func (s *benchServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.hs.Shutdown(ctx)
}

func benchClient(conc int) *http.Client {
	tr := &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, IdleConnTimeout: time.Minute,
		DisableCompression: true, ForceAttemptHTTP2: false}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type bench struct {
	e        *env
	q        *questionnaire.Questionnaire
	client   *http.Client
	conc     int
	duration time.Duration
	base     string

	apiBodies [][]byte
	forms     []benchForm
}

// benchForm is the last step of the web form, with the earlier answers carried as a browser
// sends them.
type benchForm struct {
	lang string
	body []byte
}

// prepare makes n varied, valid submissions ahead of time so the generator only sends bytes.
func (b *bench) prepare(cat *questionnaire.Catalog, n int) {
	rng := rand.New(rand.NewPCG(7, 7))
	var regions []string
	for _, r := range cat.Resources.Regions {
		regions = append(regions, r.ID)
	}
	q := b.q
	for i := range n {
		a := stats.RandomAnswers(q, rng, rng.Float64(), nil)
		lang := q.Languages[i%len(q.Languages)]
		region := regions[rng.IntN(len(regions))]
		body, _ := json.Marshal(map[string]any{"lang": lang, "region": region, "answers": a})
		b.apiBodies = append(b.apiBodies, body)

		shown := q.Visibility(a)
		last := 0
		for j, sec := range q.Sections {
			if q.SectionShown(sec, shown) {
				last = j
			}
		}
		form := url.Values{"step": {strconv.Itoa(last)}, "nav": {"next"}, "region": {region}}
		for id, codes := range a {
			form[id] = codes
		}
		for _, it := range q.Sections[last].Items {
			if shown[it.ID] {
				form.Add("seen", it.ID)
			}
		}
		b.forms = append(b.forms, benchForm{lang: lang, body: []byte(form.Encode())})
	}
}

// resultLinks are result pages to read: those of the submissions so far, or new ones.
func (b *bench) resultLinks(acked *atomic.Int64) ([]string, error) {
	var links []string
	for i := range 256 {
		res, err := b.client.Post(b.base+"/api/v1/questionnaires/"+b.q.ID+"/responses", "application/json", bytes.NewReader(b.apiBodies[i%len(b.apiBodies)]))
		if err != nil {
			return nil, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			return nil, fmt.Errorf("making a result to read: status %d", res.StatusCode)
		}
		acked.Add(1)
		links = append(links, res.Header.Get("Location"))
	}
	return links, nil
}

// adminSession makes an admin account with a random password, signs it in through the login
// form as a person would, and returns the session cookie, and a function that disables the
// account again.
func (b *bench) adminSession(ctx context.Context, st *store.Store) (cookie string, done func() error, err error) {
	email := "bench-" + store.NewToken()[:12] + "@example.invalid"
	pw := password.Generate()
	hash, err := password.Hash(pw)
	if err != nil {
		return "", nil, err
	}
	if _, err := staffdb.New(st).CreateUser(ctx, email, staffdb.RoleAdmin, hash, "bench"); err != nil {
		return "", nil, err
	}
	done = func() error { return staffdb.New(st).SetUserDisabled(ctx, email, true, "bench") }
	res, err := b.client.PostForm(b.base+"/clinician/login", url.Values{"email": {email}, "password": {pw}})
	if err != nil {
		return "", done, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	for _, c := range res.Cookies() {
		if strings.Contains(c.Name, "session") && c.Value != "" {
			return c.Name + "=" + c.Value, done, nil
		}
	}
	return "", done, fmt.Errorf("the login answered %d without a session cookie", res.StatusCode)
}

// fetch makes one request and checks its status (0: any).
func (b *bench) fetch(method, u, contentType string, body []byte, want int) ([]byte, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if want != 0 && res.StatusCode != want {
		return nil, fmt.Errorf("status %d, want %d", res.StatusCode, want)
	}
	return out, nil
}

type benchRequest struct {
	method, url, contentType string
	cookie                   string
	body                     []byte
	want                     int
	acked                    *atomic.Int64 // counts acknowledged submissions
}

type benchResult struct {
	name     string
	requests int
	errors   int
	firstErr string
	elapsed  time.Duration
	cpu      time.Duration   // CPU time of the process (server and generator) in the window
	rss      int64           // the largest resident size sampled while it ran
	lat      []time.Duration // sorted
}

// cpuPerRequest is the process's CPU time per successful request, server and generator.
func (r *benchResult) cpuPerRequest() time.Duration {
	if r.requests == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.requests)
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (r *benchResult) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// pct is the p-th percentile latency of the successful requests (nearest rank).
func (r *benchResult) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat))*p/100+0.5) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

// load runs b.conc clients for a warm-up and then b.duration, each sending the request next
// gives it as soon as the last one is answered (a closed loop), and collects the latencies.
func (b *bench) load(ctx context.Context, name string, next func(i int) benchRequest) *benchResult {
	runtime.GC()
	warm := min(b.duration/5, 2*time.Second)
	start := time.Now().Add(warm)
	end := start.Add(b.duration)
	type worker struct {
		lat      []time.Duration
		errors   int
		firstErr string
	}
	workers := make([]worker, b.conc)
	var seq atomic.Int64
	var wg sync.WaitGroup
	// CPU time of the whole process over the measured window: less sensitive than req/s to
	// other programs on the machine.
	cpu := make(chan time.Duration, 1)
	go func() {
		time.Sleep(time.Until(start))
		t0 := cpuTime()
		time.Sleep(time.Until(end))
		cpu <- cpuTime() - t0
	}()
	// The largest resident size while the clients run, sampled.
	rss := make(chan int64, 1)
	go func() {
		var most int64
		for time.Now().Before(end) {
			most = max(most, currentRSS())
			time.Sleep(20 * time.Millisecond)
		}
		rss <- most
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			me := &workers[w]
			me.lat = make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				r := next(int(seq.Add(1)))
				t0 := time.Now()
				if t0.After(end) {
					return
				}
				err := b.once(ctx, r)
				t1 := time.Now()
				if err == nil && r.acked != nil {
					r.acked.Add(1) // counted even outside the window: all must be stored
				}
				if t0.Before(start) {
					continue // warm-up
				}
				if t1.After(end) {
					return // cut off at the end: not counted
				}
				if err != nil {
					me.errors++
					if me.firstErr == "" {
						me.firstErr = err.Error()
					}
					continue
				}
				me.lat = append(me.lat, t1.Sub(t0))
			}
		}()
	}
	wg.Wait()
	res := &benchResult{name: name, elapsed: b.duration, cpu: <-cpu, rss: <-rss}
	for _, w := range workers {
		res.lat = append(res.lat, w.lat...)
		res.errors += w.errors
		if res.firstErr == "" {
			res.firstErr = w.firstErr
		}
	}
	slices.Sort(res.lat)
	res.requests = len(res.lat)
	return res
}

func (b *bench) once(ctx context.Context, r benchRequest) error {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return err
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.cookie != "" {
		req.Header.Set("Cookie", r.cookie)
	}
	res, err := b.client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err != nil {
		return err
	}
	if res.StatusCode != r.want {
		return fmt.Errorf("status %d, want %d", res.StatusCode, r.want)
	}
	return nil
}

func (b *bench) report(results []*benchResult, acked, stored, setupRSS int64) {
	w := tabwriter.NewWriter(b.e.stdout, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "scenario\treq/s\tp50\tp99\terrors\trequests\tCPU/req\tRSS\t")
	byName := map[string]*benchResult{}
	var loadRSS int64
	for _, r := range results {
		byName[strings.Fields(r.name)[0]] = r
		loadRSS = max(loadRSS, r.rss)
		fmt.Fprintf(w, "%s\t%.0f\t%s\t%s\t%d\t%d\t%d µs\t%.0f MB\t\n", r.name, r.rps(), ms(r.pct(50)), ms(r.pct(99)), r.errors, r.requests,
			r.cpuPerRequest().Microseconds(), float64(r.rss)/1e6)
	}
	w.Flush()
	for _, r := range results {
		if r.firstErr != "" {
			fmt.Fprintf(b.e.stdout, "first error of %s: %s\n", r.name, r.firstErr)
		}
	}
	fmt.Fprintf(b.e.stdout, "acknowledged submissions: %d; responses stored: %d\n", acked, stored)
	fmt.Fprintln(b.e.stdout, "targets:")
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	if st, pg := byName["static"], byName["questionnaire"]; st != nil && pg != nil {
		ratio := pg.rps() / st.rps()
		fmt.Fprintf(b.e.stdout, "  questionnaire page at %.2f of the static baseline (%.0f / %.0f req/s; target >= 0.50): %s\n",
			ratio, pg.rps(), st.rps(), met(ratio >= 0.5))
	}
	for _, r := range results {
		if !strings.HasPrefix(r.name, "submission") {
			continue
		}
		ok := r.rps() >= 2000 && r.pct(99) < 50*time.Millisecond && r.errors == 0
		fmt.Fprintf(b.e.stdout, "  %s: %.0f/s, p99 %s (target >= 2000/s, p99 < 50 ms at 64 clients): %s\n",
			r.name, r.rps(), ms(r.pct(99)), met(ok))
	}
	hwm := peakRSS()
	fmt.Fprintf(b.e.stdout, "  peak RSS of the whole run (VmHWM: server, generator, and the admin's sign-in before the load, %.1f MB): %.1f MB (target < 100 MB): %s\n",
		float64(setupRSS)/1e6, float64(hwm)/1e6, met(hwm > 0 && hwm < 100e6))
	fmt.Fprintf(b.e.stdout, "  largest RSS sampled under load: %.1f MB\n", float64(loadRSS)/1e6)
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(b.e.stdout, "load average after: %s", load)
	}
}

// peakRSS is the process's peak resident set size in bytes, from /proc/self/status.
func peakRSS() int64 { return procStatus("VmHWM:") }

// currentRSS is the process's resident set size in bytes.
func currentRSS() int64 { return procStatus("VmRSS:") }

// procStatus is a size in /proc/self/status, in bytes.
func procStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n * 1024
			}
		}
	}
	return 0
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func kb(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1000) }
