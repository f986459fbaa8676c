package auditdb_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// TestAuditTallyIsBounded: refused tries become at most FoldRowsPerMinute rows and one row
// per action and outcome for the rest, whatever their number and keys, with every try counted.
func TestAuditTallyIsBounded(t *testing.T) { storetest.Run(t, testAuditTallyIsBounded) }

func testAuditTallyIsBounded(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	s, audit, c := openClocked(t, b)
	staff := staffdb.New(s)
	audited := func() []auditdb.Entry {
		rows, err := audit.Entries(ctx, auditdb.Filter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	before := len(audited())
	const keys, tries = 200, 1000
	storetest.Burst(tries, func(i int) {
		// A full limit: every try is refused and tallied.
		_, _, err := staff.Reserve(ctx, []staffdb.Limit{limitFor(fmt.Sprint("k", i%keys), 1)}, refusal(fmt.Sprintf("user%03d@example.org", i%keys)))
		if err != nil {
			t.Error(err)
		}
	})
	// Not folded while its minute lasts.
	if n, err := audit.FoldTally(ctx, c.Now()); err != nil || n != 0 {
		t.Fatalf("fold within the minute: %d rows, %v", n, err)
	}
	totals, err := audit.Totals(ctx, c.Now().Add(-time.Hour))
	if err != nil || len(totals) != 1 || totals[0].Tries != tries-keys || totals[0].Rows != 0 {
		t.Fatalf("totals before the fold: %+v, %v", totals, err)
	}
	c.Advance(time.Minute)
	n, err := audit.FoldTally(ctx, c.Now())
	if err != nil || n != auditdb.FoldRowsPerMinute+1 {
		t.Fatalf("fold: %d rows, %v; want %d", n, err, auditdb.FoldRowsPerMinute+1)
	}
	rows := audited()[:n]
	if len(audited()) != before+n {
		t.Fatalf("the audit log grew by %d rows, want %d", len(audited())-before, n)
	}
	sum := 0
	for _, r := range rows {
		sum += r.Count
		if r.Action != auditdb.ActionLoginFailed || r.Outcome != auditdb.OutcomeThrottled || !r.At.Equal(c.Now().Add(-time.Minute)) {
			t.Errorf("row %+v", r)
		}
	}
	if sum != tries-keys { // each key's first try took its slot
		t.Fatalf("folded rows count %d tries, want %d", sum, tries-keys)
	}
	if !strings.Contains(rows[0].Actor, "others") && !strings.Contains(rows[len(rows)-1].Actor, "others") {
		t.Errorf("no row for the keys beyond the bound: %+v", rows)
	}
	if n, err := audit.FoldTally(ctx, c.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("second fold: %d rows, %v", n, err)
	}
	totals, err = audit.Totals(ctx, c.Now().Add(-time.Hour))
	if err != nil || len(totals) != 1 || totals[0].Tries != tries-keys || totals[0].Rows != auditdb.FoldRowsPerMinute+1 {
		t.Fatalf("totals after the fold: %+v, %v", totals, err)
	}
	// The audit log is still append-only.
	err = s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`update audit set n = 1`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("update of the audit log: %v", err)
	}
}

// TestFoldOnceAcrossInstances: two instances folding the same minutes at once write each count
// once.
func TestFoldOnceAcrossInstances(t *testing.T) { storetest.Run(t, testFoldOnceAcrossInstances) }

func testFoldOnceAcrossInstances(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	path := b.New(t)
	a, a2 := storetest.Open(t, store.Open, path), storetest.Open(t, store.Open, path)
	t.Cleanup(func() { a.Close(); a2.Close() })
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	a.Now = func() time.Time { return at }
	for i := range 30 {
		if _, _, err := staffdb.New(a).Reserve(ctx, []staffdb.Limit{limitFor(fmt.Sprint("k", i%3), 1)}, refusal(fmt.Sprint("u", i%3))); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	written := 0
	storetest.Burst(20, func(i int) {
		s := []*store.Store{a, a2}[i%2]
		n, err := auditdb.New(s).FoldTally(ctx, at.Add(time.Hour))
		if err != nil {
			t.Error(err)
		}
		mu.Lock()
		written += n
		mu.Unlock()
	})
	rows, err := auditdb.New(a).Entries(ctx, auditdb.Filter{Action: string(auditdb.ActionLoginFailed)})
	if err != nil || written != 3 || len(rows) != 3 {
		t.Fatalf("20 folds through two instances wrote %d rows (%d in the log), want 3: %v", written, len(rows), err)
	}
	for _, r := range rows {
		if r.Count != 9 {
			t.Fatalf("row %+v, want a count of 9", r)
		}
	}
}
