package cli

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/jobdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// TestServeStopsJobsBeforeClosing: when serve stops, its background jobs finish their last
// work (here, folding refused tries into the audit log) before the store closes: nothing is
// written to a closed store, nothing is lost, and serve exits cleanly.
func TestServeStopsJobsBeforeClosing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.db")
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	full := staffdb.Limit{Scope: "test", Key: []byte("k"), Max: 1, Window: time.Hour}
	for range 3 { // one slot taken, two refusals tallied
		if _, _, err := staffdb.New(st).Reserve(ctx, []staffdb.Limit{full}, auditdb.Tally{Action: auditdb.ActionLoginFailed, Outcome: auditdb.OutcomeThrottled, Actor: "x@example.org"}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	for round := range 3 {
		var stdout, stderr lockedBuffer
		e := &command.Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan int, 1)
		go func() { done <- dispatch(runCtx, e, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}) }()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(stdout.String(), "is serving") {
			if time.Now().After(deadline) {
				cancel()
				t.Fatalf("serve did not start: %s", stderr.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		select {
		case code := <-done:
			// When serve returns, no job is left running (to write to a closed store).
			var stacks bytes.Buffer
			pprof.Lookup("goroutine").WriteTo(&stacks, 2)
			for _, job := range []string{"cli.daily", "access.(*Service).Run"} {
				if strings.Contains(stacks.String(), job) {
					t.Fatalf("round %d: %s still running after serve returned", round, job)
				}
			}
			if code != 0 || strings.Contains(stderr.String(), "level=ERROR") {
				t.Fatalf("round %d: exit %d, log:\n%s", round, code, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
	st, err = store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := auditdb.New(st).Entries(ctx, auditdb.Filter{Action: string(auditdb.ActionLoginFailed)})
	if err != nil || len(rows) != 1 || rows[0].Count != 2 {
		t.Fatalf("the refused tries were not folded into the audit log before the store closed: %+v, %v", rows, err)
	}
}

// TestDailyJobOnceAcrossInstances: instances looking for the daily job at the same moment run
// it once between them (one takes the lease, the others find it taken or the day done), and
// nobody runs it again that day.
func TestDailyJobOnceAcrossInstances(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.New(t)
		cat, err := command.Catalog("")
		if err != nil {
			t.Fatal(err)
		}
		var logs lockedBuffer
		log := slog.New(slog.NewTextHandler(&logs, nil))
		stores := make([]*store.Store, 3)
		for i := range stores {
			if stores[i], err = store.Open(ctx, db); err != nil {
				t.Fatal(err)
			}
			defer stores[i].Close()
		}
		if code, _, errs := runIn(t, "", nil, "dev", "seed", "--n", "200", "--weeks", "4", "--db", db); code != 0 {
			t.Fatal(errs)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 9 {
			wg.Go(func() {
				<-start
				if err := dailyOnce(ctx, stores[i%3], cat, stats.DefaultConfig(), 365, log); err != nil {
					t.Error(err)
				}
			})
		}
		close(start)
		wg.Wait()
		ledger, err := releasedb.New(stores[0]).Ledger(ctx)
		if err != nil {
			t.Fatal(err)
		}
		released := strings.Count(logs.String(), "statistics released")
		if len(ledger) == 0 || released != len(ledger) {
			t.Fatalf("%d periods in the ledger, %d release lines logged: want each once\n%s", len(ledger), released, logs.String())
		}
		if day, err := jobdb.New(stores[1]).LastRun(ctx, dailyJob); err != nil || day != store.Day(time.Now()) {
			t.Errorf("last run %q, %v", day, err)
		}
		if err := dailyOnce(ctx, stores[2], cat, stats.DefaultConfig(), 365, log); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(logs.String(), "statistics released"); n != released {
			t.Errorf("the job ran again the same day")
		}
	})
}
