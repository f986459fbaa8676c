package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/questionnaires"
)

const qid = "ketamine-selfcheck"

var (
	shippedOnce sync.Once
	shippedCat  *catalog.Catalog
	shippedErr  error
)

// shipped is the built-in catalog, loaded once: tests only read it.
func shipped(t testing.TB) *catalog.Catalog {
	t.Helper()
	shippedOnce.Do(func() {
		shippedCat, shippedErr = catalog.Load(questionnaires.FS)
	})
	if shippedErr != nil {
		t.Fatal(shippedErr)
	}
	return shippedCat
}

// population is n synthetic responses, spread over languages and regions unevenly.
func population(t testing.TB, n int, seed uint64) []*responsedb.Response {
	cat := shipped(t)
	q := cat.Latest(qid)
	rng := rand.New(rand.NewPCG(seed, 11))
	regions := RegionIDs(cat)
	var out []*responsedb.Response
	for range n {
		r := SyntheticResponse(q, rng, math.Pow(rng.Float64(), 2), nil)
		r.Lang = "en"
		if rng.IntN(4) == 0 {
			r.Lang = "es"
		}
		r.Region = regions[min(len(regions)-1, int(math.Floor(math.Pow(rng.Float64(), 2)*float64(len(regions)))))]
		out = append(out, r)
	}
	return out
}

func isCode(err error, code string) bool {
	var pe *ParamError
	return errors.As(err, &pe) && pe.Code == code
}
