package staffdb_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

func limitFor(key string, max int) staffdb.Limit {
	return staffdb.Limit{Scope: "test", Key: []byte(key), Max: max, Window: time.Hour}
}

func refusal(actor string) auditdb.Tally {
	return auditdb.Tally{Action: auditdb.ActionLoginFailed, Outcome: auditdb.OutcomeThrottled, Actor: actor}
}

// TestReserveBurst: 500 tries released together get no more slots than the limit, another key
// keeps its allowance, a restart keeps the slots, and room comes back when the window passes.
func TestReserveBurst(t *testing.T) { storetest.Run(t, testReserveBurst) }

func testReserveBurst(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	path := b.New(t)
	s := storetest.Open(t, store.Open, path)
	c := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	s.Now = c.Now
	staff := staffdb.New(s)
	for _, max := range []int{10, 100} {
		t.Run(fmt.Sprint("Max", max), func(t *testing.T) {
			key := fmt.Sprint("victim", max)
			var mu sync.Mutex
			held, refused := 0, 0
			storetest.Burst(500, func(int) {
				r, wait, err := staff.Reserve(ctx, []staffdb.Limit{limitFor(key, max)}, refusal(key))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					t.Error(err)
				case r.Held() && wait == 0:
					held++
				case !r.Held() && wait > 0:
					refused++
				default:
					t.Errorf("reservation %v with wait %v", r.Held(), wait)
				}
			})
			if held != max || refused != 500-max {
				t.Fatalf("500 tries at once: %d held a slot, %d refused; want %d, %d", held, refused, max, 500-max)
			}
			if n, err := staff.HeldSlots(ctx, "test"); err != nil || n < max {
				t.Fatalf("HeldSlots = %d, %v", n, err)
			}
		})
	}
	if r, wait, err := staff.Reserve(ctx, []staffdb.Limit{limitFor("bystander", 10)}, refusal("bystander")); err != nil || !r.Held() || wait != 0 {
		t.Fatalf("another key after the bursts: %v %v %v", r.Held(), wait, err)
	}

	// A restart (close, open) keeps the slots.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = storetest.Open(t, store.Open, path)
	t.Cleanup(func() { s.Close() })
	s.Now = c.Now
	staff = staffdb.New(s)
	c.Advance(10 * time.Minute)
	_, wait, err := staff.Reserve(ctx, []staffdb.Limit{limitFor("victim10", 10)}, refusal("victim10"))
	if err != nil || wait != 50*time.Minute {
		t.Fatalf("after a restart, 10 min later: wait %v, %v; want 50m0s", wait, err)
	}
	c.Advance(50 * time.Minute)
	if r, wait, err := staff.Reserve(ctx, []staffdb.Limit{limitFor("victim10", 10)}, refusal("victim10")); err != nil || !r.Held() || wait != 0 {
		t.Fatalf("an hour after the burst: held %v, wait %v, %v", r.Held(), wait, err)
	}
}

func TestReserveRules(t *testing.T) { storetest.Run(t, testReserveRules) }

func testReserveRules(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	_, staff, c := openClocked(t, b)
	reserve := func(ls ...staffdb.Limit) (staffdb.Reservation, time.Duration) {
		t.Helper()
		r, wait, err := staff.Reserve(ctx, ls, refusal("x"))
		if err != nil {
			t.Fatal(err)
		}
		return r, wait
	}

	t.Run("ReleaseGivesTheSlotBack", func(t *testing.T) {
		for range 5 {
			r, _ := reserve(limitFor("release", 1))
			if !r.Held() {
				t.Fatal("a released slot was not given back")
			}
			if err := staff.Release(ctx, r, nil); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		full, roomy := limitFor("full", 1), limitFor("roomy", 2)
		reserve(full)
		for range 3 {
			if r, wait := reserve(roomy, full); r.Held() || wait == 0 {
				t.Fatal("a try was let through past a full limit")
			}
		}
		// The refused tries took no slot of the limit that had room.
		a, _ := reserve(roomy)
		b, _ := reserve(roomy)
		if !a.Held() || !b.Held() {
			t.Fatal("refused tries kept slots of another limit")
		}
	})
	t.Run("RetryAfterCountsFromTheOldestNeeded", func(t *testing.T) {
		l := limitFor("spread", 3)
		for range 3 {
			reserve(l)
			c.Advance(10 * time.Minute)
		}
		// Slots end at 60, 70 and 80 minutes after the first; now is 30 minutes after it.
		if _, wait := reserve(l); wait != 30*time.Minute {
			t.Fatalf("wait %v, want 30m0s", wait)
		}
	})
	t.Run("ErrBadLimit", func(t *testing.T) {
		for _, l := range []staffdb.Limit{
			{Key: []byte("k"), Max: 1, Window: time.Hour},
			{Scope: "s", Max: 1, Window: time.Hour},
			{Scope: "s", Key: []byte("k"), Window: time.Hour},
			{Scope: "s", Key: []byte("k"), Max: 1, Window: time.Millisecond},
		} {
			if _, _, err := staff.Reserve(ctx, []staffdb.Limit{l}, refusal("x")); err == nil {
				t.Errorf("Reserve(%+v) accepted", l)
			}
		}
	})
}

// TestInstancesShareLimits: two stores on one database file (two instances of the program)
// share one allowance; the limit holds with each store's writer racing the other's.
func TestInstancesShareLimits(t *testing.T) { storetest.Run(t, testInstancesShareLimits) }

func testInstancesShareLimits(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	path := b.New(t)
	a, a2 := storetest.Open(t, store.Open, path), storetest.Open(t, store.Open, path)
	t.Cleanup(func() { a.Close(); a2.Close() })
	var mu sync.Mutex
	held := 0
	storetest.Burst(400, func(i int) {
		s := a
		if i%2 == 1 {
			s = a2
		}
		r, _, err := staffdb.New(s).Reserve(ctx, []staffdb.Limit{limitFor("shared", 25)}, refusal("shared"))
		if err != nil {
			t.Error(err)
			return
		}
		if r.Held() {
			mu.Lock()
			held++
			mu.Unlock()
		}
	})
	if held != 25 {
		t.Fatalf("400 tries through two instances: %d held a slot, want 25", held)
	}
}
