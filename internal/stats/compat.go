package stats

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// The names the dashboard used when statistics were built from live counters. They now read
// stored releases like everything else; they go once the dashboard calls Query.

// Release is a View.
//
// Deprecated: use View.
type Release = View

// Build is Query.
//
// Deprecated: use Query.
func Build(ctx context.Context, src Source, cat *questionnaire.Catalog, p Params, now time.Time) (*View, error) {
	return Query(ctx, src, cat, p, now)
}

// ParseEpsilon reads the epsilon a dashboard form sends: empty or 0 is the only value a view
// accepts, since releases fixed their budget; anything else is refused by Query.
//
// Deprecated: views take no epsilon.
func ParseEpsilon(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	e, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(e) || math.IsInf(e, 0) || e < 0 {
		return 0, paramErr("epsilon", "epsilon must be a number")
	}
	return e, nil
}
