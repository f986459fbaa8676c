package stats

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
)

// Rerelease releases a period again at epsilon, from its stored rows (after a questionnaire
// fix, say). Views then read the new release; the ledger keeps both and the period's epsilon
// is their sum, which may not pass cfg.EpsilonMax. The releases of every questionnaire (or of
// the one named) and the audit row are written together, or nothing is. retentionDays is how
// long rows are kept: a period some of whose rows may be purged is refused.
func Rerelease(ctx context.Context, st *store.Store, cat *catalog.Catalog, cfg Config, p Period, epsilon float64,
	questionnaireID, actor string, retentionDays int, now time.Time) ([]Made, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if epsilon < MinEpsilon || epsilon > cfg.EpsilonMax || epsilon != epsilon {
		return nil, paramErr("epsilon", "the epsilon of a release must be from %g to the cap per period, %g", float64(MinEpsilon), cfg.EpsilonMax)
	}
	if !p.due(now, true) {
		return nil, paramErr("period", "%s is not over yet: only a period that has ended can be released", p)
	}
	if p.First.Before(day(now).AddDate(0, 0, -retentionDays)) {
		return nil, paramErr("purged", "the responses of %s are older than the %d days they are kept: some are deleted, so it cannot be released again", p, retentionDays)
	}
	ids := cat.IDs()
	if questionnaireID != "" {
		if cat.Latest(questionnaireID) == nil {
			return nil, paramErr("questionnaire", "there is no questionnaire %.64q", questionnaireID)
		}
		ids = []string{questionnaireID}
	}
	var batches []*releasedb.ReleaseBatch
	b := DefaultBudget(epsilon)
	for _, id := range ids {
		tallies, err := tallyRows(ctx, st, cat, id, []Period{p})
		if err != nil {
			return nil, err
		}
		rb, err := batch(cat, id, p, tallies[0], b, "rerelease", actor, now)
		if err != nil {
			return nil, err
		}
		batches = append(batches, rb)
	}
	audit := &auditdb.Entry{Actor: actor, Action: auditdb.ActionStatsRerelease, Outcome: auditdb.OutcomeOK,
		Detail: fmt.Sprintf("period=%s epsilon=%s questionnaires=%v", p, formatFloat(epsilon), ids)}
	err := releasedb.New(st).SaveReleases(ctx, batches, releasedb.SaveGuard{Again: true, MaxEpsilon: cfg.EpsilonMax, Audit: audit})
	var be *releasedb.BudgetError
	if errors.As(err, &be) {
		return nil, paramErr("budget", "%s %s has spent epsilon %g already: %g more would pass the cap per period of %g",
			be.Questionnaire, be.Period, be.Spent, be.Asked, be.Max)
	}
	if err != nil {
		return nil, err
	}
	var made []Made
	for _, rb := range batches {
		made = append(made, rb.Ledger)
	}
	return made, nil
}

// ConvertCounters turns the counters kept before releases into releases: every closed period
// of cfg.Period that is not yet released, noised as the job would, and then drops the
// counters, in one transaction (so a crash leaves the counters to convert on the next start,
// and no release made from them twice). Counters of the other period kind, of the periods not
// yet over (their rows are still there: the job releases them), and of versions the catalog no
// longer has are dropped unreleased. It returns the entries made; with no counters, nothing.
func ConvertCounters(ctx context.Context, st *store.Store, cat *catalog.Catalog, cfg Config, now time.Time) ([]Made, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	releases := releasedb.New(st)
	if ok, err := releases.HasLegacyCounts(ctx); err != nil || !ok {
		return nil, err
	}
	spans, err := releases.ReleaseSpans(ctx, nil)
	if err != nil {
		return nil, err
	}
	type key struct{ q, period string }
	tallies := map[key]map[string]*Tally{}
	periods := map[string][]Period{}
	regions := RegionIDs(cat)
	err = releases.EachLegacyCount(ctx, cfg.Period == ByWeek, func(c releasedb.LegacyCount) error {
		p, err := ParsePeriod(c.Period)
		q := cat.Version(c.Questionnaire, c.Version)
		if err != nil || q == nil || !p.due(now, false) {
			return nil
		}
		if last := spans[c.Questionnaire].LastReleased; last != "" && store.Day(p.First) <= last {
			return nil // released already
		}
		k := key{c.Questionnaire, p.Label}
		if tallies[k] == nil {
			tallies[k] = map[string]*Tally{}
			periods[c.Questionnaire] = append(periods[c.Questionnaire], p)
		}
		t := tallies[k][c.Version]
		if t == nil {
			t = NewTally(NewLayout(q, regions))
			tallies[k][c.Version] = t
		}
		t.addCounter(c.Lang, c.Region, c.Metric, c.Key, c.N)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var batches []*releasedb.ReleaseBatch
	for _, id := range cat.IDs() {
		ps := periods[id]
		if len(ps) == 0 {
			continue
		}
		slices.SortFunc(ps, func(a, b Period) int { return a.First.Compare(b.First) })
		// Every period from the first counted to the last, so none stands out by its absence.
		for p := ps[0]; !p.First.After(ps[len(ps)-1].First); p = p.Next() {
			b, err := batch(cat, id, p, tallies[key{id, p.Label}], DefaultBudget(cfg.Epsilon), "counters", "migration", now)
			if err != nil {
				return nil, err
			}
			batches = append(batches, b)
		}
	}
	if err := releases.SaveReleases(ctx, batches, releasedb.SaveGuard{MaxEpsilon: cfg.EpsilonMax, DropLegacyCounts: true}); err != nil {
		return nil, fmt.Errorf("turn the old counters into releases: %w", err)
	}
	var made []Made
	for _, b := range batches {
		made = append(made, b.Ledger)
	}
	return made, nil
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }
