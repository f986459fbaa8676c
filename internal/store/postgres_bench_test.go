package store_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// BenchmarkPostgresCreateResponse is BenchmarkCreateResponse and its parallel form (64
// goroutines) on PostgreSQL, with the regrouping of new rows on (the default) and off, side by
// side: each submission is its own durable transaction, so the sequential form is mostly
// PostgreSQL's commit latency, and the parallel form shows what PostgreSQL's own grouping of
// concurrent commits (one WAL flush for the commits waiting on it) gives without any in
// ketascreen.
func BenchmarkPostgresCreateResponse(b *testing.B) {
	rs := syntheticResponses(b, 256)
	for _, mode := range []struct {
		name    string
		regroup bool
	}{{"regroup-off", false}, {"regroup-on", true}} {
		open := func(b *testing.B) *store.Store {
			s, err := store.Open(context.Background(), storetest.Postgres.New(b))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			if !mode.regroup {
				store.SetRegroupPolicy(s, time.Hour, 1<<30, 1<<30)
			}
			return s
		}
		b.Run("Sequential/"+mode.name, func(b *testing.B) {
			s := open(b)
			responses := responsedb.New(s)
			i := 0
			for b.Loop() {
				r := *rs[i%len(rs)]
				i++
				if _, err := responses.CreateResponse(context.Background(), &r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Parallel64/"+mode.name, func(b *testing.B) {
			s := open(b)
			responses := responsedb.New(s)
			b.SetParallelism(32)
			b.RunParallel(func(pb *testing.PB) {
				i := rand.IntN(len(rs))
				for pb.Next() {
					r := *rs[i%len(rs)]
					i++
					if _, err := responses.CreateResponse(context.Background(), &r); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
