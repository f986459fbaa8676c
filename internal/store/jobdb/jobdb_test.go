package jobdb_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/jobdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// TestLeaseOnceAcrossInstances: instances asking for a job's lease at the same moment, many
// times each, get it once between them; the holder renews it, nobody else gets it before it
// ends, and anyone may take it after it ends or is given up.
func TestLeaseOnceAcrossInstances(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.New(t)
		c := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
		stores := make([]*store.Store, 3)
		for i := range stores {
			stores[i] = storetest.Open(t, store.Open, db)
			stores[i].Now = c.Now
			defer stores[i].Close()
		}
		jobs := []*jobdb.DB{jobdb.New(stores[0]), jobdb.New(stores[1]), jobdb.New(stores[2])}
		var mu sync.Mutex
		winners := map[int]int{}
		storetest.Burst(60, func(i int) {
			held, err := jobs[i%3].Lease(ctx, "daily", time.Hour)
			if err != nil {
				t.Error(err)
			}
			if held {
				mu.Lock()
				winners[i%3]++
				mu.Unlock()
			}
		})
		if len(winners) != 1 {
			t.Fatalf("instances holding the lease after a burst: %v, want one", winners)
		}
		var holder, other *store.Store
		for i := range winners {
			holder, other = stores[i], stores[(i+1)%3]
		}
		for _, step := range []struct {
			name   string
			after  time.Duration
			s      *store.Store
			want   bool
			giveUp bool
		}{
			{"HolderRenews", 30 * time.Minute, holder, true, false},
			{"OtherWaits", 59 * time.Minute, other, false, false},
			{"OtherAfterTheEnd", time.Minute, other, true, true},
			{"AnyoneAfterGivingUp", 0, holder, true, false},
		} {
			c.Advance(step.after)
			held, err := jobdb.New(step.s).Lease(ctx, "daily", time.Hour)
			if err != nil || held != step.want {
				t.Fatalf("%s: held %v, %v; want %v", step.name, held, err, step.want)
			}
			if step.giveUp {
				if err := jobdb.New(step.s).EndLease(ctx, "daily"); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := jobdb.New(holder).Lease(ctx, "", time.Hour); err == nil {
			t.Error("a lease without a name was taken")
		}
	})
}
