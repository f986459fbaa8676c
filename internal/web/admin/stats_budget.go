package admin

import (
	"context"
	"slices"
	"strings"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/stats/statsview"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/web"
)

// budgetTable is the privacy budget each period of the filter's range has spent, from the
// ledger: its releases (what made them, when, at which epsilon), their epsilons summed (the
// figure the cap applies to) and composed. Consecutive periods whose releases were made the
// same way share a line, so a year of weekly releases is one line, and a run of weeks released
// again after a fix is one more.
type budgetTable struct {
	Rows []budgetRow
	// Words the template needs.
	Title, Help, Caption, PeriodHeader, ReleasesHeader, SpentHeader, EmptyText, To string
}

// budgetRow is a line of the table: its first and last periods (Last empty for one period),
// with Count saying how many, its releases in words, and the epsilon spent (with the composed
// epsilon when it is less).
type budgetRow struct {
	First, Last, Count, Releases, Spent string
}

// maxBudgetRows bounds the table, so that the overview stays under 30 KB however the
// periods were released: past it, the last line sums up the rest, and ketascreen stats list
// gives every entry.
const maxBudgetRows = 5

func (a *Area) budgetTable(ctx context.Context, p *web.Page, questionnaire string, params statsview.Params) (*budgetTable, error) {
	spends, err := stats.Budgets(ctx, a.site.Store)
	if err != nil {
		return nil, err
	}
	from, to := store.Day(params.From), store.Day(params.To)
	spends = slices.DeleteFunc(spends, func(s stats.Spend) bool {
		return s.Questionnaire != questionnaire || s.LastDay < from || s.FirstDay > to
	})
	slices.SortStableFunc(spends, func(x, y stats.Spend) int { return strings.Compare(x.FirstDay, y.FirstDay) })
	fig := figures{p, statsview.DefaultK}
	b := &budgetTable{Title: p.T("stats.budget_title"), Help: p.T("stats.budget_help"),
		Caption: p.T("stats.budget_caption"), PeriodHeader: p.T("stats.period"),
		ReleasesHeader: p.T("stats.budget_releases"), SpentHeader: p.T("stats.budget_spent"),
		EmptyText: p.T("stats.budget_none"), To: p.T("stats.budget_to")}
	var groups [][]stats.Spend
	for i := 0; i < len(spends); {
		j := i + 1
		for j < len(spends) && alike(spends[i], spends[j]) {
			j++
		}
		groups = append(groups, spends[i:j])
		i = j
	}
	for gi, g := range groups {
		if gi == maxBudgetRows-1 && len(groups) > maxBudgetRows {
			b.Rows = append(b.Rows, fig.restRow(slices.Concat(groups[gi:]...)))
			break
		}
		b.Rows = append(b.Rows, fig.budgetRow(g))
	}
	return b, nil
}

// alike says two periods' releases were made the same way: the same kinds, by the same, with
// the same mechanism and epsilon, in the same order.
func alike(x, y stats.Spend) bool {
	return slices.EqualFunc(x.Entries, y.Entries, func(a, b releasedb.LedgerEntry) bool {
		return a.Kind == b.Kind && a.Actor == b.Actor && a.Mechanism == b.Mechanism && a.Epsilon == b.Epsilon && a.Delta == b.Delta
	})
}

// budgetRow is a line for periods made alike: each entry in words, with its day when all the
// periods' entries were made on the same day.
func (p figures) budgetRow(g []stats.Spend) budgetRow {
	first := g[0]
	row := p.periods(g)
	row.Spent = p.spent(first.Epsilon, first.Composed)
	var words []string
	for i, e := range first.Entries {
		s := p.entryWords(e)
		if !slices.ContainsFunc(g, func(s stats.Spend) bool { return s.Entries[i].MadeOn != e.MadeOn }) {
			s += " " + p.T("stats.budget_on", e.MadeOn)
		}
		s += ", ε\u00a0=\u00a0" + p.decimal(e.Epsilon) // kept on one line
		if e.Mechanism != stats.Gaussian {
			s += " (" + p.T("stats.mechanism."+e.Mechanism) + ")"
		}
		words = append(words, s)
	}
	row.Releases = strings.Join(words, "; ")
	if len(g) > 1 {
		row.Releases = p.T("stats.budget_each", row.Releases)
	}
	return row
}

// restRow sums up the periods past the table's bound: how many, and the least and most they
// spent.
func (p figures) restRow(rest []stats.Spend) budgetRow {
	lo, hi := rest[0], rest[0]
	for _, s := range rest {
		if s.Epsilon < lo.Epsilon {
			lo = s
		}
		if s.Epsilon > hi.Epsilon {
			hi = s
		}
	}
	row := p.periods(rest)
	row.Releases = p.T("stats.budget_rest")
	row.Spent = p.spent(lo.Epsilon, lo.Composed)
	if hi.Epsilon != lo.Epsilon {
		row.Spent = p.T("stats.budget_between", row.Spent, p.spent(hi.Epsilon, hi.Composed))
	}
	return row
}

// periods names a run of periods: "2026-W05", or "2026-W05 to 2026-W20 (16 periods)".
func (p figures) periods(g []stats.Spend) budgetRow {
	if len(g) == 1 {
		return budgetRow{First: g[0].Period}
	}
	return budgetRow{First: g[0].Period, Last: g[len(g)-1].Period, Count: p.T("stats.budget_count", len(g))}
}

// spent is a period's epsilon, and its composed epsilon when that is less: "2 (composed 1.455)".
func (p figures) spent(sum, composed float64) string {
	if composed < sum {
		return p.T("stats.budget_composed", p.decimal(sum), p.decimal(composed))
	}
	return p.decimal(sum)
}

// entryWords says what made a ledger entry and who: "released by the daily job".
func (p figures) entryWords(e releasedb.LedgerEntry) string {
	kind := p.T("stats.ledger." + e.Kind)
	switch e.Actor {
	case "job", "cli", "migration":
		return kind + " " + p.T("stats.actor."+e.Actor)
	}
	return kind + " " + p.T("stats.actor.account", e.Actor)
}
