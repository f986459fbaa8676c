package store_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
)

// BenchmarkWALCheckpoints is BenchmarkCreateResponse and its parallel form with the writer's
// WAL checkpoints on (the default) and off, side by side, so their cost is measured on the
// same machine at the same moment.
func BenchmarkWALCheckpoints(b *testing.B) {
	rs := syntheticResponses(b, 256)
	open := func(b *testing.B, subs int) *store.Store {
		s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		switch subs {
		case 0:
			store.SetWALPolicy(s, time.Hour, 1<<30, 1<<40)
		case store.WALSubmissions:
		default:
			store.SetWALPolicy(s, 250*time.Millisecond, subs, 512)
		}
		return s
	}
	for _, mode := range []struct {
		name string
		subs int // submissions between checkpoints; 0 for none
	}{{"off", 0}, {"on", store.WALSubmissions}, {"on64", 64}} {
		b.Run("Sequential/"+mode.name, func(b *testing.B) {
			s := open(b, mode.subs)
			i := 0
			for b.Loop() {
				r := *rs[i%len(rs)]
				i++
				if _, err := s.CreateResponse(context.Background(), &r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Parallel/"+mode.name, func(b *testing.B) {
			s := open(b, mode.subs)
			b.SetParallelism(32)
			b.RunParallel(func(pb *testing.PB) {
				i := rand.IntN(len(rs))
				for pb.Next() {
					r := *rs[i%len(rs)]
					i++
					if _, err := s.CreateResponse(context.Background(), &r); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
