package stats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// Config is how releases are made.
type Config struct {
	Period     string  // week or month
	Epsilon    float64 // the budget of one release
	EpsilonMax float64 // the cap on a period's releases together
}

// DefaultConfig: weekly releases at epsilon 1, at most 2 per period.
func DefaultConfig() Config { return Config{Period: ByWeek, Epsilon: 1, EpsilonMax: 2} }

// Check refuses a configuration no release could be made under.
func (c Config) Check() error {
	if err := CheckKind(c.Period); err != nil {
		return err
	}
	if c.Epsilon < MinEpsilon || c.Epsilon > MaxEpsilon || c.Epsilon != c.Epsilon {
		return paramErr("epsilon", "the epsilon of a release must be from %g to %g", float64(MinEpsilon), float64(MaxEpsilon))
	}
	if c.EpsilonMax < c.Epsilon || c.EpsilonMax > MaxEpsilon || c.EpsilonMax != c.EpsilonMax {
		return paramErr("epsilon", "the cap per period (%g) must be from the epsilon of a release (%g) to %g", c.EpsilonMax, c.Epsilon, float64(MaxEpsilon))
	}
	return nil
}

// Made is a ledger entry a run of the job wrote. It says nothing of counts, so it can be
// logged.
type Made = releasedb.LedgerEntry

// ReleaseDue releases every period that is over (see Period.due; force skips the day's wait)
// and not yet released, for every questionnaire of the catalog, from its stored rows. It is
// the daily job: serve runs it before the retention purge, so no row is purged unreleased.
// A period with no response still gets a release (of the newest version, all noise), so that
// whether a period has one says nothing about who answered.
func ReleaseDue(ctx context.Context, st *store.Store, cat *catalog.Catalog, cfg Config, now time.Time, force bool) ([]Made, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	releases := releasedb.New(st)
	spans, err := releases.ReleaseSpans(ctx, cat.IDs())
	if err != nil {
		return nil, err
	}
	var made []Made
	for _, id := range cat.IDs() {
		sp, ok := spans[id]
		if !ok {
			continue
		}
		var p Period
		if sp.LastReleased != "" {
			last, err := time.Parse(time.DateOnly, sp.LastReleased)
			if err != nil {
				return made, fmt.Errorf("ledger of %s: %w", id, err)
			}
			p = startAfter(cfg.Period, last)
		} else {
			first, err := time.Parse(time.DateOnly, sp.FirstResponse)
			if err != nil {
				return made, fmt.Errorf("responses of %s: %w", id, err)
			}
			p = PeriodOf(cfg.Period, first)
		}
		var due []Period
		for ; p.due(now, force); p = p.Next() {
			due = append(due, p)
		}
		if len(due) == 0 {
			continue
		}
		tallies, err := tallyRows(ctx, st, cat, id, due)
		if err != nil {
			return made, err
		}
		for i, p := range due {
			b, err := batch(cat, id, p, tallies[i], DefaultBudget(cfg.Epsilon), "release", "job", now)
			if err != nil {
				return made, err
			}
			// One transaction per period: a period another process released meanwhile is skipped.
			err = releases.SaveReleases(ctx, []*releasedb.ReleaseBatch{b}, releasedb.SaveGuard{MaxEpsilon: cfg.EpsilonMax})
			if errors.Is(err, releasedb.ErrReleased) {
				continue
			}
			if err != nil {
				return made, err
			}
			made = append(made, b.Ledger)
		}
	}
	return made, nil
}

// startAfter is the first period to release after the last released day. After a change from
// weeks to months (or back) the first new period starts on the day after the last release,
// so no day is released twice and none is left out.
func startAfter(kind string, last time.Time) Period {
	next := last.AddDate(0, 0, 1)
	p := PeriodOf(kind, next)
	p.First = next
	return p
}

// tallyRows counts the stored rows of the due periods (one scan), by period and version.
func tallyRows(ctx context.Context, st *store.Store, cat *catalog.Catalog, id string, due []Period) ([]map[string]*Tally, error) {
	out := make([]map[string]*Tally, len(due))
	for i := range out {
		out[i] = map[string]*Tally{}
	}
	regions := RegionIDs(cat)
	first, last := due[0].First, due[len(due)-1].Last
	err := responsedb.New(st).EachResponse(ctx, id, store.Day(first), store.Day(last), func(r *responsedb.Response) error {
		d, err := time.Parse(time.DateOnly, r.Day)
		if err != nil {
			return fmt.Errorf("response with day %q: %w", r.Day, err)
		}
		i := slices.IndexFunc(due, func(p Period) bool { return !d.Before(p.First) && !d.After(p.Last) })
		q := cat.Version(id, r.Version)
		if i < 0 || q == nil {
			return nil // a version the catalog no longer has: its tables are unknown
		}
		t := out[i][r.Version]
		if t == nil {
			t = NewTally(NewLayout(q, regions))
			out[i][r.Version] = t
		}
		t.Add(r)
		return nil
	})
	return out, err
}

// batch noises the tallies of one questionnaire's period into a ledger entry and its releases:
// one per version that had responses, or the newest version's when none had.
func batch(cat *catalog.Catalog, id string, p Period, tallies map[string]*Tally, b Budget, kind, actor string, now time.Time) (*releasedb.ReleaseBatch, error) {
	if len(tallies) == 0 {
		tallies = map[string]*Tally{cat.Latest(id).Version: NewTally(NewLayout(cat.Latest(id), RegionIDs(cat)))}
	}
	var versions []string
	for v := range tallies {
		versions = append(versions, v)
	}
	slices.SortFunc(versions, CompareVersions)
	out := &releasedb.ReleaseBatch{Ledger: releasedb.LedgerEntry{Questionnaire: id, Period: p.Label, FirstDay: store.Day(p.First),
		LastDay: store.Day(p.Last), Epsilon: b.Epsilon, Mechanism: b.Mechanism, Kind: kind, MadeOn: store.Day(now), Actor: actor}}
	if b.Mechanism == Gaussian {
		out.Ledger.Delta = Delta
	}
	for _, v := range versions {
		f, err := b.Freeze(tallies[v])
		if err != nil {
			return nil, err
		}
		body, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		out.Releases = append(out.Releases, &releasedb.Release{Version: v, Body: string(body)})
	}
	return out, nil
}
