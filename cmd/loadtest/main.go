// Command loadtest measures ketascreen from outside, as a person with a load generator would:
// it builds the real binary and starts it as its own process, starts nginx (one worker) serving
// the same first-page bytes as the anchor for pages, runs wrk in a third process, and runs a
// plain SQLite commit loop (one small row per durable transaction, WAL, synchronous=FULL) in a
// fourth, as the anchor for submissions, all in the same run. It prints one table: the median of
// the runs with their range, the ratios to the anchors, the server's CPU per request (from
// /proc) and its peak memory.
//
//	go run ./cmd/loadtest                      # 3 runs of every scenario, 10 s each
//	go run ./cmd/loadtest --runs 1 --only page,api --duration 5s
//
// It needs wrk, nginx and taskset (Debian: apt-get install wrk nginx-light util-linux) and
// installs the first two with apt-get when they are missing and it runs as root. The postgres
// scenario (ketascreen on PostgreSQL next to pgbench, and next to SQLite) also needs a server
// (--postgres URL) and pgbench:
//
//	go run ./cmd/loadtest --only postgres --postgres 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ketascreen/ketascreen/cmd/loadtest/anchor"
)

// scenarios, in the order they run. postgres runs by default only when a PostgreSQL server is
// given; dashboard and purge need the big database (made on first use, which takes minutes).
var scenarios = []string{"page", "api", "form", "alone", "dashboard", "purge", "postgres"}

type options struct {
	runs       int
	duration   time.Duration
	only       []string
	setups     []string
	bigDB      string
	keep       bool
	purgeRows  int
	totalRows  int
	ketascreen string // a built binary to use instead of building one
	profiles   string // a folder for CPU and allocation profiles of the server under each load
	postgres   string // the PostgreSQL server of the postgres scenario (a schema is made and dropped)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "sqlite-loop" {
		os.Exit(anchor.SQLiteLoop(os.Args[2:]))
	}
	if len(os.Args) > 1 && os.Args[1] == "go-static" {
		os.Exit(anchor.GoStatic(os.Args[2:]))
	}
	var o options
	var only, setups string
	flag.IntVar(&o.runs, "runs", 3, "runs of each scenario; the table shows the median and the range")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long wrk drives each scenario")
	flag.StringVar(&only, "only", "", "comma-separated scenarios: "+strings.Join(scenarios, ", ")+
		" (default: all; postgres only when --postgres or KETASCREEN_TEST_POSTGRES is set)")
	flag.StringVar(&o.postgres, "postgres", os.Getenv("KETASCREEN_TEST_POSTGRES"),
		"URL of a PostgreSQL server for the postgres scenario, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	flag.StringVar(&setups, "setups", "pinned,shared", "pinned: server (and nginx) on core 0, wrk on core 1; shared: no pinning")
	flag.StringVar(&o.bigDB, "big-db", "", "a database seeded with `ketascreen dev seed --n 1000000` (made on first use if the file is missing); "+
		"the dashboard and purge scenarios copy it")
	flag.IntVar(&o.totalRows, "big-rows", 1_000_000, "responses in the big database when it is made")
	flag.IntVar(&o.purgeRows, "purge-rows", 247_000, "about how many responses the purge scenario's retention leaves to purge")
	flag.BoolVar(&o.keep, "keep", false, "keep the work folder (databases, logs, wrk scripts)")
	flag.StringVar(&o.profiles, "profiles", "", "write the server's CPU and allocation profiles under each load to this folder "+
		"(the server runs with --pprof-addr on loopback)")
	flag.StringVar(&o.ketascreen, "binary", "", "a ketascreen binary to measure (default: built from this checkout)")
	flag.Parse()
	if only == "" {
		only = strings.Join(scenarios[:len(scenarios)-1], ",")
		if o.postgres != "" {
			only += ",postgres"
		}
	}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			if !slices.Contains(scenarios, s) {
				fmt.Fprintf(os.Stderr, "loadtest: unknown scenario %q\n", s)
				os.Exit(2)
			}
			o.only = append(o.only, s)
		}
	}
	for _, s := range strings.Split(setups, ",") {
		if s = strings.TrimSpace(s); s == "pinned" || s == "shared" {
			o.setups = append(o.setups, s)
		} else if s != "" {
			fmt.Fprintf(os.Stderr, "loadtest: unknown setup %q\n", s)
			os.Exit(2)
		}
	}
	if o.runs < 1 || o.duration < time.Second {
		fmt.Fprintln(os.Stderr, "loadtest: --runs must be at least 1 and --duration at least 1s")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}
