package store_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// BenchmarkWALCheckpoints is BenchmarkCreateResponse and its parallel form with the writer's
// WAL checkpoints on (the default) and off, side by side, so their cost is measured on the
// same machine at the same moment. Interleave runs to compare them on a busy machine:
// go test -c ./internal/store, then alternate -test.bench 'WALCheckpoints/Sequential/off$'
// and '.../on$' with a fixed -test.benchtime.
func BenchmarkWALCheckpoints(b *testing.B) {
	rs := syntheticResponses(b, 256)
	open := func(b *testing.B, on bool) *store.Store {
		s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		if !on {
			store.SetWALPolicy(s, time.Hour, 1<<30, 1<<40)
		}
		return s
	}
	for _, mode := range []struct {
		name string
		on   bool
	}{{"off", false}, {"on", true}} {
		b.Run("Sequential/"+mode.name, func(b *testing.B) {
			s := open(b, mode.on)
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
		b.Run("Parallel/"+mode.name, func(b *testing.B) {
			s := open(b, mode.on)
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
