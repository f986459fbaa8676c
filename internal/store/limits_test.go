package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// burst runs n calls of f at once: every goroutine waits on a barrier, as requests held open
// by an attacker and released together.
func burst(n int, f func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			f(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

func limitFor(key string, max int) store.Limit {
	return store.Limit{Scope: "test", Key: []byte(key), Max: max, Window: time.Hour}
}

func refusal(actor string) store.Tally {
	return store.Tally{Action: store.ActionLoginFailed, Outcome: store.OutcomeThrottled, Actor: actor}
}

// TestReserveBurst: 500 tries released together get no more slots than the limit, another key
// keeps its allowance, a restart keeps the slots, and room comes back when the window passes.
func TestReserveBurst(t *testing.T) { storetest.Run(t, testReserveBurst) }

func testReserveBurst(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	path := b.New(t)
	s := openStore(t, path)
	c := &clock{time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	s.Now = c.now
	for _, max := range []int{10, 100} {
		t.Run(fmt.Sprint("Max", max), func(t *testing.T) {
			key := fmt.Sprint("victim", max)
			var mu sync.Mutex
			held, refused := 0, 0
			burst(500, func(int) {
				r, wait, err := s.Reserve(ctx, []store.Limit{limitFor(key, max)}, refusal(key))
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
			if n, err := s.HeldSlots(ctx, "test"); err != nil || n < max {
				t.Fatalf("HeldSlots = %d, %v", n, err)
			}
		})
	}
	if r, wait, err := s.Reserve(ctx, []store.Limit{limitFor("bystander", 10)}, refusal("bystander")); err != nil || !r.Held() || wait != 0 {
		t.Fatalf("another key after the bursts: %v %v %v", r.Held(), wait, err)
	}

	// A restart (close, open) keeps the slots.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path)
	t.Cleanup(func() { s.Close() })
	s.Now = c.now
	c.advance(10 * time.Minute)
	_, wait, err := s.Reserve(ctx, []store.Limit{limitFor("victim10", 10)}, refusal("victim10"))
	if err != nil || wait != 50*time.Minute {
		t.Fatalf("after a restart, 10 min later: wait %v, %v; want 50m0s", wait, err)
	}
	c.advance(50 * time.Minute)
	if r, wait, err := s.Reserve(ctx, []store.Limit{limitFor("victim10", 10)}, refusal("victim10")); err != nil || !r.Held() || wait != 0 {
		t.Fatalf("an hour after the burst: held %v, wait %v, %v", r.Held(), wait, err)
	}
}

func TestReserveRules(t *testing.T) { storetest.Run(t, testReserveRules) }

func testReserveRules(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	s, c := openClocked(t, b)
	reserve := func(ls ...store.Limit) (store.Reservation, time.Duration) {
		t.Helper()
		r, wait, err := s.Reserve(ctx, ls, refusal("x"))
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
			if err := s.Release(ctx, r, nil); err != nil {
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
			c.advance(10 * time.Minute)
		}
		// Slots end at 60, 70 and 80 minutes after the first; now is 30 minutes after it.
		if _, wait := reserve(l); wait != 30*time.Minute {
			t.Fatalf("wait %v, want 30m0s", wait)
		}
	})
	t.Run("ErrBadLimit", func(t *testing.T) {
		for _, l := range []store.Limit{
			{Key: []byte("k"), Max: 1, Window: time.Hour},
			{Scope: "s", Max: 1, Window: time.Hour},
			{Scope: "s", Key: []byte("k"), Window: time.Hour},
			{Scope: "s", Key: []byte("k"), Max: 1, Window: time.Millisecond},
		} {
			if _, _, err := s.Reserve(ctx, []store.Limit{l}, refusal("x")); err == nil {
				t.Errorf("Reserve(%+v) accepted", l)
			}
		}
	})
}
