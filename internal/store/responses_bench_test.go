package store_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// syntheticResponses are n scored responses to the shipped self-check, as varied as real ones
// (each bumps about 25 counters in its week and its month).
func syntheticResponses(b *testing.B, n int) []*responsedb.Response {
	b.Helper()
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		b.Fatal(err)
	}
	q := cat.Latest("ketamine-selfcheck")
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]*responsedb.Response, n)
	for i := range out {
		r := stats.SyntheticResponse(q, rng, rng.Float64(), nil)
		r.Lang, r.Region = q.Languages[i%len(q.Languages)], []string{"us", "uk", "other"}[i%3]
		out[i] = r
	}
	return out
}

// BenchmarkCreateResponse stores responses one after the other: each waits for its own
// durable commit (synchronous=FULL), so this is mostly the disk's sync latency.
func BenchmarkCreateResponse(b *testing.B) {
	rs := syntheticResponses(b, 256)
	s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	responses := responsedb.New(s)
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		r := *rs[i%len(rs)]
		i++
		if _, err := responses.CreateResponse(context.Background(), &r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateResponseParallel stores responses from 64 goroutines at once, as 64 clients
// would: their writes share transactions (group commit).
func BenchmarkCreateResponseParallel(b *testing.B) {
	rs := syntheticResponses(b, 256)
	s, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	responses := responsedb.New(s)
	b.SetParallelism(32) // 64 goroutines on 2 cores
	b.ReportAllocs()
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
}
