package admin

import (
	"context"
	"slices"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/web"
)

// budgetTable is the privacy budget each period of the filter's range has spent, from the
// ledger: its releases (what made them, the mechanism and the epsilon of each), their epsilons
// summed (the figure the cap applies to) and composed. Periods alike (one release each, made
// the same way at the same epsilon) in a row share one line, so a year of weeks is usually one
// line and the page stays light; a period released again has its own.
type budgetTable struct {
	Rows []budgetRow
	// Words the template needs.
	Title, Help, Caption, PeriodHeader, ReleasesHeader, SpentHeader, ComposedHeader, EmptyText string
}

type budgetRow struct {
	Periods, Releases, Spent, Composed string
}

func (a *Area) budgetTable(ctx context.Context, p *web.Page, questionnaire string, params stats.Params) (*budgetTable, error) {
	spends, err := stats.Budgets(ctx, a.site.Store)
	if err != nil {
		return nil, err
	}
	from, to := store.Day(params.From), store.Day(params.To)
	spends = slices.DeleteFunc(spends, func(s stats.Spend) bool {
		return s.Questionnaire != questionnaire || s.LastDay < from || s.FirstDay > to
	})
	slices.SortStableFunc(spends, func(x, y stats.Spend) int {
		switch {
		case x.FirstDay < y.FirstDay:
			return -1
		case x.FirstDay > y.FirstDay:
			return 1
		}
		return 0
	})
	title := questionnaire
	if q := a.site.Catalog.Latest(questionnaire); q != nil {
		title = q.Title.In(p.Lang)
	}
	fig := figures{p, stats.DefaultK}
	b := &budgetTable{Title: p.T("stats.budget_title"), Help: p.T("stats.budget_help"),
		Caption: p.T("stats.budget_caption", title), PeriodHeader: p.T("stats.period"),
		ReleasesHeader: p.T("stats.budget_releases"), SpentHeader: p.T("stats.budget_spent"),
		ComposedHeader: p.T("stats.budget_composed"), EmptyText: p.T("stats.budget_none")}
	for i := 0; i < len(spends); {
		j := i + 1
		for j < len(spends) && alike(spends[i], spends[j]) {
			j++
		}
		s := spends[i]
		row := budgetRow{Periods: s.Period, Spent: fig.decimal(s.Epsilon), Composed: fig.decimal(s.Composed)}
		if j-i > 1 {
			e := s.Entries[0]
			row.Periods = p.T("stats.budget_range", s.Period, spends[j-1].Period, j-i)
			row.Releases = p.T("stats.budget_each", fig.entryWords(e), fig.mechanism(e), fig.decimal(e.Epsilon))
		} else {
			for k, e := range s.Entries {
				if k > 0 {
					row.Releases += "; "
				}
				row.Releases += p.T("stats.budget_entry", fig.entryWords(e), e.MadeOn, fig.mechanism(e), fig.decimal(e.Epsilon))
			}
		}
		b.Rows = append(b.Rows, row)
		i = j
	}
	return b, nil
}

// alike says two periods' spends read the same but for their days: one release each, made the
// same way at the same epsilon.
func alike(x, y stats.Spend) bool {
	if len(x.Entries) != 1 || len(y.Entries) != 1 {
		return false
	}
	a, b := x.Entries[0], y.Entries[0]
	return a.Kind == b.Kind && a.Actor == b.Actor && a.Mechanism == b.Mechanism && a.Epsilon == b.Epsilon && a.Delta == b.Delta
}

// entryWords says what made a ledger entry and who: "released by the daily job".
func (p figures) entryWords(e store.LedgerEntry) string {
	kind := p.T("stats.ledger." + e.Kind)
	switch e.Actor {
	case "job", "cli", "migration":
		return kind + " " + p.T("stats.actor."+e.Actor)
	}
	return kind + " " + p.T("stats.actor.account", e.Actor)
}

// mechanism names the noise of a ledger entry.
func (p figures) mechanism(e store.LedgerEntry) string {
	if e.Mechanism == stats.Gaussian || e.Mechanism == stats.Laplace {
		return p.T("stats.mechanism." + e.Mechanism)
	}
	return e.Mechanism
}
