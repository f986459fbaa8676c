package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// purgeScenario starts the server on a copy of the big database with a retention that leaves
// about o.purgeRows responses to purge, and at once submits one response after another, as
// one person at a time would, for as long as the purge runs (and at least 20 s): a long
// purge must not hold respondents up.
func purgeScenario(ctx context.Context, e env) ([]row, error) {
	big, err := bigDB(ctx, e)
	if err != nil {
		return nil, err
	}
	db := filepath.Join(e.dir, fmt.Sprintf("purge-%d.db", time.Now().UnixNano()))
	if err := copyFile(big, db); err != nil {
		return nil, err
	}
	retention, err := retentionFor(big, e.o.purgeRows)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	srv, err := startServer(ctx, e.bin, e.setup, db, "--retention-days", fmt.Sprint(retention))
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	client := &http.Client{Timeout: 30 * time.Second}
	var lat []time.Duration
	// purged: when the purge's end was first seen in the server's log (a submission later)
	var slowest, slowestAt, purged time.Duration
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		t := time.Now()
		res, err := client.Post(srv.url+apiPath, "application/json", strings.NewReader(e.api))
		if err != nil {
			return nil, err
		}
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			return nil, fmt.Errorf("a submission during the purge: status %d", res.StatusCode)
		}
		took := time.Since(t)
		lat = append(lat, took)
		if took > slowest {
			slowest, slowestAt = took, t.Sub(start)
		}
		done := bytes.Contains(srv.log.Bytes(), []byte("responses_deleted="))
		if done && purged == 0 {
			purged = time.Since(start)
		}
		if done && time.Since(start) > 20*time.Second {
			break
		}
	}
	if !bytes.Contains(srv.log.Bytes(), []byte("responses_deleted=")) {
		return nil, fmt.Errorf("the purge did not finish in 10 minutes\n%.2000s", srv.log)
	}
	srv.stop()
	// Kept with --keep: each request's line says how long the server took over it.
	os.WriteFile(filepath.Join(e.dir, "purge-server.log"), srv.log.Bytes(), 0o644)
	var deleted float64
	if m := deletedRE.FindSubmatch(srv.log.Bytes()); m != nil {
		deleted, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return []row{
		{what: "responses purged", value: deleted, unit: ""},
		{what: "submissions while the purge ran", value: float64(len(lat)), unit: ""},
		{what: "seconds from start to the end of the purge", value: purged.Seconds(), unit: "s"},
		{what: "p50", value: ms(pct(0.5)), unit: "ms"},
		{what: "p99", value: ms(pct(0.99)), unit: "ms"},
		{what: "max", value: ms(lat[len(lat)-1]), unit: "ms"},
		{what: "the slowest began, seconds after start", value: slowestAt.Seconds(), unit: "s"},
	}, nil
}

var deletedRE = regexp.MustCompile(`responses_deleted=(\d+)`)

// retentionFor is the retention, in days before today, that leaves about rows responses of
// the database older than it: the day of the (rows+1)th oldest response.
func retentionFor(db string, rows int) (int, error) {
	conn, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var day string
	if err := conn.QueryRow("select day from responses order by day limit 1 offset ?", rows).Scan(&day); err != nil {
		return 0, fmt.Errorf("the day of the %dth oldest response: %w", rows+1, err)
	}
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return 0, err
	}
	return max(1, int(time.Since(d).Hours()/24)), nil
}
