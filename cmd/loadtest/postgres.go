package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// The postgres scenario: durable submissions by the JSON API from 64 clients to ketascreen on
// PostgreSQL, next to pgbench running a one-row insert transaction from 64 clients on the same
// server (the anchor: what PostgreSQL itself commits per second here), and next to the same
// load on SQLite, all in the same run. PostgreSQL runs wherever it runs (it is not pinned).

const pgClients = 64

func postgresScenario(ctx context.Context, e env) ([]row, error) {
	if e.o.postgres == "" {
		return nil, fmt.Errorf("no PostgreSQL: give --postgres URL (or set KETASCREEN_TEST_POSTGRES)")
	}
	schema, drop, err := pgSchema(ctx, e.o.postgres)
	if err != nil {
		return nil, err
	}
	defer drop()
	bench, err := pgbench(ctx, e, schema)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(e.o.postgres)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	pg, err := submitLoad(ctx, e, u.String())
	if err != nil {
		return nil, fmt.Errorf("ketascreen on PostgreSQL: %w", err)
	}
	lite, err := submitLoad(ctx, e, filepath.Join(e.dir, fmt.Sprintf("pg-sqlite-%d.db", time.Now().UnixNano())))
	if err != nil {
		return nil, fmt.Errorf("ketascreen on SQLite: %w", err)
	}
	return []row{
		{what: "pgbench one-row insert transactions/s, 64 clients", value: bench.rate, unit: "/s"},
		{what: "pgbench p99", value: ms(bench.p99), unit: "ms"},
		{what: "ketascreen on PostgreSQL: api submissions/s, 64 clients", value: pg.rate, unit: "/s"},
		{what: "ratio to pgbench", value: pg.rate / bench.rate, unit: "x"},
		{what: "ketascreen on PostgreSQL: p50", value: ms(pg.p50), unit: "ms"},
		{what: "ketascreen on PostgreSQL: p99", value: ms(pg.p99), unit: "ms"},
		{what: "ketascreen on PostgreSQL: server CPU per submission", value: us(pg.cpuPerRequest), unit: "us"},
		{what: "ketascreen on SQLite: api submissions/s, 64 clients", value: lite.rate, unit: "/s"},
		{what: "ketascreen on SQLite: p99", value: ms(lite.p99), unit: "ms"},
	}, nil
}

// submitLoad starts ketascreen on a database and drives API submissions from 64 clients.
func submitLoad(ctx context.Context, e env, db string) (wrkResult, error) {
	srv, err := startServer(ctx, e.bin, e.setup, db)
	if err != nil {
		return wrkResult{}, err
	}
	defer srv.stop()
	r, err := runWrk(ctx, e.setup, e.dir, load{url: srv.url + apiPath, connections: pgClients, method: "POST", body: e.api,
		contentType: "application/json", profile: true}, e.o.duration, srv.pid())
	if err != nil {
		return r, err
	}
	if r.errors > 0 {
		return r, fmt.Errorf("%d errors under load\n%.2000s", r.errors, srv.log)
	}
	return r, nil
}

// pgSchema makes a schema of its own for a run, and the function that drops it.
func pgSchema(ctx context.Context, base string) (string, func(), error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "ks_loadtest_" + hex.EncodeToString(b)
	if _, err := db.ExecContext(ctx, "create schema "+schema); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create a schema on %s: %w", redactURL(base), err)
	}
	return schema, func() {
		db.Exec("drop schema " + schema + " cascade")
		db.Close()
	}, nil
}

// pgbenchResult is what pgbench measured.
type pgbenchResult struct {
	rate float64
	p99  time.Duration
}

// pgbench runs the anchor: a one-row insert per transaction, shaped like a response row (a
// random text key, a unique hash, 400 bytes), from 64 clients on two threads, each transaction
// committed durably (synchronous_commit on). Latencies come from its per-transaction log.
func pgbench(ctx context.Context, e env, schema string) (pgbenchResult, error) {
	db, err := sql.Open("pgx", e.o.postgres)
	if err != nil {
		return pgbenchResult{}, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `create table `+schema+`.anchor_rows (
		id text primary key, token_hash bytea not null unique, body text not null)`); err != nil {
		return pgbenchResult{}, err
	}
	dir := filepath.Join(e.dir, fmt.Sprintf("pgbench-%d", time.Now().UnixNano()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return pgbenchResult{}, err
	}
	script := filepath.Join(dir, "insert.sql")
	body := "insert into " + schema + ".anchor_rows (id, token_hash, body)\n" +
		"\tvalues (md5(random()::text), sha256(random()::text::bytea), repeat('x', 400));\n"
	if err := os.WriteFile(script, []byte(body), 0o644); err != nil {
		return pgbenchResult{}, err
	}
	args := []string{"-n", "-c", strconv.Itoa(pgClients), "-j", "2", "-T", strconv.Itoa(int(e.o.duration.Seconds())),
		"-f", script, "--log", "--log-prefix", filepath.Join(dir, "pgb"), libpqURL(e.o.postgres)}
	cmd := pinned(e.setup, 1, "pgbench", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return pgbenchResult{}, fmt.Errorf("pgbench: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`).FindSubmatch(out)
	if m == nil {
		return pgbenchResult{}, fmt.Errorf("no tps in pgbench's output:\n%s", out)
	}
	rate, _ := strconv.ParseFloat(string(m[1]), 64)
	p99, err := pgbenchP99(dir)
	return pgbenchResult{rate: rate, p99: p99}, err
}

// pgbenchP99 is the 99th percentile of the latencies in pgbench's per-transaction logs (the
// third field of each line, in microseconds).
func pgbenchP99(dir string) (time.Duration, error) {
	logs, err := filepath.Glob(filepath.Join(dir, "pgb.*"))
	if err != nil || len(logs) == 0 {
		return 0, fmt.Errorf("no pgbench log in %s", dir)
	}
	var lat []int64
	for _, name := range logs {
		f, err := os.Open(name)
		if err != nil {
			return 0, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			if v, err := strconv.ParseInt(fields[2], 10, 64); err == nil {
				lat = append(lat, v)
			}
		}
		f.Close()
	}
	if len(lat) == 0 {
		return 0, fmt.Errorf("empty pgbench logs in %s", dir)
	}
	slices.Sort(lat)
	return time.Duration(lat[len(lat)*99/100]) * time.Microsecond, nil
}

// libpqURL is a URL pgbench (libpq) accepts: without the parameters only ketascreen's driver
// takes.
func libpqURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}

// redactURL is a URL without its password, for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the URL"
	}
	return u.Redacted()
}

// pgbenchInstalled says whether pgbench can run (Debian: postgresql-client).
func pgbenchInstalled() error {
	if _, err := exec.LookPath("pgbench"); err != nil {
		return fmt.Errorf("the postgres scenario needs pgbench (Debian: apt-get install postgresql-contrib or postgresql-client)")
	}
	return nil
}
