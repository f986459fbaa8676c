package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// TestLeaseOnceAcrossInstances: instances asking for a job's lease at the same moment, many
// times each, get it once between them; the holder renews it, nobody else gets it before it
// ends, and anyone may take it after it ends or is given up.
func TestLeaseOnceAcrossInstances(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.New(t)
		c := &clock{time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
		stores := make([]*store.Store, 3)
		for i := range stores {
			stores[i] = openStore(t, db)
			stores[i].Now = c.now
			defer stores[i].Close()
		}
		var mu sync.Mutex
		winners := map[int]int{}
		burst(60, func(i int) {
			held, err := stores[i%3].Lease(ctx, "daily", time.Hour)
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
			c.advance(step.after)
			held, err := step.s.Lease(ctx, "daily", time.Hour)
			if err != nil || held != step.want {
				t.Fatalf("%s: held %v, %v; want %v", step.name, held, err, step.want)
			}
			if step.giveUp {
				if err := step.s.EndLease(ctx, "daily"); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := holder.Lease(ctx, "", time.Hour); err == nil {
			t.Error("a lease without a name was taken")
		}
	})
}

// TestSecretFingerprint: the first secret is recorded; the same one passes again (on another
// instance too), another is refused, and the database holds no trace of the secret itself.
func TestSecretFingerprint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		db := b.New(t)
		a, other := openStore(t, db), openStore(t, db)
		defer a.Close()
		defer other.Close()
		secret := []byte("the-first-secret-the-first-secret")
		if err := a.CheckSecret(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if err := other.CheckSecret(ctx, secret); err != nil {
			t.Fatalf("the same secret on another instance: %v", err)
		}
		if err := other.CheckSecret(ctx, []byte("a-second-secret-a-second-secret!!")); !errors.Is(err, store.ErrSecretMismatch) {
			t.Fatalf("another secret: %v, want ErrSecretMismatch", err)
		}
		var value string
		if err := storetest.Raw(t, db).QueryRow("select value from meta where name = 'secret_fingerprint'").Scan(&value); err != nil {
			t.Fatal(err)
		}
		if value != store.SecretFingerprint(secret) || value == string(secret) {
			t.Errorf("stored %q", value)
		}
	})
}
