package cli

import (
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/cli/dbcli"
	"github.com/ketascreen/ketascreen/internal/cli/statscli"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/server"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/jobdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

func runServe(ctx context.Context, e *command.Env, args []string) error {
	fl := e.Flags("serve", "[flags]", "Serves the self-check over HTTP until interrupted (SIGINT or SIGTERM), then\n"+
		"finishes the requests in flight and closes the database cleanly.")
	addr := fl.String("addr", "127.0.0.1:8080", "address to listen on")
	db := command.DBFlag(fl)
	dir := command.QuestionnairesFlag(fl)
	secretFile := dbcli.SecretFileFlag(fl)
	pprofAddr := fl.String("pprof-addr", "", "serve Go's profiler (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060, "+
		"for measuring; off by default")
	logRequests := fl.Bool("log-requests", true, "log a line per request (method, route, status, duration; never a time or an address); "+
		"turn it off under a supervisor that stamps each line with the time, such as journald")
	tls := fl.Bool("tls-behind-proxy", false,
		"the site is reached over HTTPS through a proxy: send HSTS and secure cookies")
	shareDays := fl.Int("share-days", 30, "days a share code stays valid, 1 to 30")
	retention := fl.Int("retention-days", 365,
		"days raw answers are kept before the daily purge deletes them; statistics releases are kept")
	require2FA := fl.Bool("require-2fa", false,
		"every clinician must sign in with a second factor (TOTP) and enrol at the next sign-in; admins always must")
	config := statscli.Flags(fl)
	fhirBase := fl.String("fhir-base", "",
		"base of the canonical URLs in FHIR downloads, e.g. https://clinic.example/fhir (default https://ketascreen.example/fhir)")
	if err := e.ParseNoArgs(fl, args); err != nil {
		return err
	}
	if u, err := url.Parse(*fhirBase); *fhirBase != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "") {
		return command.UsageError{Msg: "--fhir-base must be an http(s) URL without query or fragment"}
	}
	if *shareDays < 1 || *shareDays > 30 {
		return command.UsageError{Msg: "--share-days must be from 1 to 30"}
	}
	cfg, err := config()
	if err != nil {
		return err
	}
	if err := statscli.CheckRetention(*retention, cfg); err != nil {
		return err
	}
	atLeastTwoProcs(e.Getenv)
	logs := newLogBuffer(e.Stderr, 200*time.Millisecond)
	defer logs.Close()
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{ReplaceAttr: command.WithoutTime}))
	// The addresses first: a bad or busy one stops the command before it creates a database
	// or a secret, or says it is serving.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return command.UsageError{Msg: fmt.Sprintf("--addr %.100s: %v", *addr, err)}
	}
	defer ln.Close()
	if *pprofAddr != "" {
		prof, err := serveProfiler(*pprofAddr, log)
		if err != nil {
			return err
		}
		defer prof.Close()
	}
	cat, err := command.Catalog(*dir)
	if err != nil {
		return err
	}
	st, err := command.OpenDB(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	secret, err := dbcli.LoadSecret(e, *secretFile, *db)
	if err != nil {
		return err
	}
	if err := dbcli.CheckSecret(ctx, st, secret, *db); err != nil {
		return err
	}
	acc, err := access.New(access.Config{Store: st, Secret: secret, Logger: log, RequireTwoFactor: *require2FA})
	if err != nil {
		return err
	}
	// Background jobs stop, and are waited for, before the store closes (deferred calls run
	// last first): a purge cut off by Close would fail half done.
	jobs, stopJobs := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		stopJobs()
		wg.Wait()
	}()
	wg.Go(func() { daily(jobs, st, cat, cfg, *retention, log) })
	wg.Go(func() { acc.Run(jobs) })
	srv, err := server.New(server.Config{Catalog: cat, Store: st, Logger: log, BehindTLS: *tls, Secret: secret, Access: acc, ShareDays: *shareDays, RetentionDays: *retention, FHIRBase: *fhirBase, QuietRequests: !*logRequests, RequestLog: logs})
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          stdlog.New(addressScrubber{log}, "", 0),
	}
	fmt.Fprintf(e.Stdout, "ketascreen is serving on http://%s (database %s)\n", ln.Addr(), st.Path())
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() && !*tls {
		log.Warn("listening beyond this machine without --tls-behind-proxy: no HSTS, and staff cookies are not marked Secure; " +
			"serve it over HTTPS through a proxy and set the flag")
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// daily releases the statistics of the periods that are over, then deletes raw answers past
// the retention period and expired share codes and sessions: once a (UTC) day across every
// instance on the database. Each instance looks at start and then every hour; the first to
// find the day's run not done takes the job's lease, runs it and records the day. A run that
// fails is tried again at the next look. The purge waits for a day the release went through:
// rows of an unreleased period would be lost to the statistics.
func daily(ctx context.Context, st *store.Store, cat *catalog.Catalog, cfg stats.Config, retentionDays int, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if err := dailyOnce(ctx, st, cat, cfg, retentionDays, log); err != nil && ctx.Err() == nil {
			log.Error("daily job", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// dailyJob names the daily job's lease and its record of the last day it ran.
const dailyJob = "daily"

func dailyOnce(ctx context.Context, st *store.Store, cat *catalog.Catalog, cfg stats.Config, retentionDays int, log *slog.Logger) error {
	today := store.Day(st.Now())
	jobs := jobdb.New(st)
	if last, err := jobs.LastRun(ctx, dailyJob); err != nil || last == today {
		return err
	}
	held, err := jobs.Lease(ctx, dailyJob, time.Hour)
	if err != nil || !held {
		return err
	}
	defer jobs.EndLease(context.Background(), dailyJob)
	// Another instance may have run it between the look and the lease.
	if last, err := jobs.LastRun(ctx, dailyJob); err != nil || last == today {
		return err
	}
	if !statscli.ReleaseJob(ctx, st, cat, cfg, false, log) {
		return nil // logged; the purge waits
	}
	n, err := responsedb.New(st).Purge(ctx, retentionDays)
	if err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	if n > 0 {
		log.Info("purge", "responses_deleted", n)
	}
	if err := staffdb.New(st).PurgeSessions(ctx); err != nil {
		return fmt.Errorf("purge: %w", err)
	}
	return jobs.SetLastRun(ctx, dailyJob, today)
}

// clientAddress matches an IPv4 or IPv6 address, with or without a port.
var clientAddress = regexp.MustCompile(`\[?[0-9a-fA-F:]*:[0-9a-fA-F:.]+\]?(:\d+)?|\d{1,3}(\.\d{1,3}){3}(:\d+)?`)

// addressScrubber takes net/http's own error messages ("http: TLS handshake error from
// 203.0.113.7:5100", a panic's "serving 203.0.113.7:5100") and logs them without addresses.
type addressScrubber struct{ log *slog.Logger }

func (a addressScrubber) Write(p []byte) (int, error) {
	a.log.Warn(clientAddress.ReplaceAllString(strings.TrimSpace(string(p)), "[address]"))
	return len(p), nil
}

// serveProfiler serves net/http/pprof on a loopback address only: profiles show what the
// server is doing, never to be reached from outside the machine. Closing the listener it
// returns stops it.
func serveProfiler(addr string, log *slog.Logger) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, command.UsageError{Msg: fmt.Sprintf("--pprof-addr %.100s: %v", addr, err)}
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		ln.Close()
		return nil, command.UsageError{Msg: "--pprof-addr must be a loopback address (127.0.0.1 or [::1])"}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	log.Info("profiler on http://" + ln.Addr().String() + "/debug/pprof/")
	go http.Serve(ln, mux)
	return ln, nil
}

// atLeastTwoProcs runs Go code on two threads at once even where the server may use only one core
// (a container limited to one CPU, taskset), unless GOMAXPROCS is set. With one, every request
// waits whenever the writer's goroutine is in a system call (an fsync) until the scheduler takes
// the core back; with two the kernel shares the core between them. Under 64 clients pinned to one
// core this took the submissions' p99 from about 1,150 ms to about 60 ms.
func atLeastTwoProcs(getenv func(string) string) {
	if getenv("GOMAXPROCS") == "" && runtime.GOMAXPROCS(0) < 2 {
		runtime.GOMAXPROCS(2)
	}
}
