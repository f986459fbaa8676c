package statsview

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
)

// Params choose a view: which stored releases to select and sum. Dates are days; a view
// covers the whole releases its days touch, never less, so no date finer than a release's
// period reaches a table.
type Params struct {
	From, To       time.Time
	By             string   // "week" or "month": the periods of the time series
	Questionnaires []string // ids; empty: every questionnaire
	Langs          []string // empty: every language
	Regions        []string // empty: every region
	K              int      // the readability threshold, DefaultK or more
}

// ErrEpsilonView refuses a view or export that asks for an epsilon (an old link or script):
// views read stored releases, whose budget was spent when each period was released, so there
// is no noise to choose.
var ErrEpsilonView error = &stats.ParamError{Code: "epsilon_view",
	Msg: "a view cannot choose epsilon: each period's budget was spent when it was released (ketascreen stats list shows it)"}

// Limits on parameters.
const (
	MaxK        = 1000
	MaxWeeks    = 530 // ten years
	MaxMonths   = 120
	DefaultDays = 364
)

// DefaultParams are the last 52 weeks up to today, every questionnaire, k = 11. The defaults
// depend on the clock only, never on the data.
func DefaultParams(now time.Time) Params {
	to := day(now)
	return Params{From: to.AddDate(0, 0, -DefaultDays), To: to, By: stats.ByWeek, K: DefaultK}
}

// paramErr is a mistake in the parameters of a view, as the web and the command line report it.
func paramErr(code, format string, args ...any) error {
	return &stats.ParamError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(name, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, paramErr("date", "%s must be a date written YYYY-MM-DD, such as 2026-01-31", name)
	}
	return t, nil
}

// ParseK reads k.
func ParseK(s string) (int, error) {
	k, err := strconv.Atoi(s)
	if err != nil || k < DefaultK || k > MaxK {
		return 0, paramErr("k", "k must be a whole number from %d to %d: figures under k are shown as \"fewer than k\"", DefaultK, MaxK)
	}
	return k, nil
}

// check validates the parameters against the catalog and returns the days asked for.
func (p *Params) check(cat *catalog.Catalog) (from, to time.Time, err error) {
	if p.By != stats.ByWeek && p.By != stats.ByMonth {
		return from, to, paramErr("by", "by must be week or month")
	}
	if p.K < DefaultK || p.K > MaxK {
		return from, to, paramErr("k", "k must be a whole number from %d to %d", DefaultK, MaxK)
	}
	if p.From.IsZero() || p.To.IsZero() {
		return from, to, paramErr("date", "the date range is missing")
	}
	from, to = day(p.From), day(p.To)
	if to.Before(from) {
		return from, to, paramErr("range_order", "the start of the date range is after its end")
	}
	if p.By == stats.ByWeek && stats.PeriodCount(stats.ByWeek, from, to) > MaxWeeks {
		return from, to, paramErr("range_long", "the date range is longer than %d weeks", MaxWeeks)
	}
	if p.By == stats.ByMonth && stats.PeriodCount(stats.ByMonth, from, to) > MaxMonths {
		return from, to, paramErr("range_long", "the date range is longer than %d months", MaxMonths)
	}
	if cat == nil {
		return from, to, nil
	}
	for _, id := range p.Questionnaires {
		if cat.Latest(id) == nil {
			return from, to, paramErr("questionnaire", "there is no questionnaire %.64q", id)
		}
	}
	for _, l := range p.Langs {
		if !slices.Contains(catalogLangs(cat, nil), l) {
			return from, to, paramErr("language", "there is no language %.16q", l)
		}
	}
	for _, r := range p.Regions {
		if !cat.Resources.HasRegion(r) {
			return from, to, paramErr("region", "there is no region %.16q", r)
		}
	}
	return from, to, nil
}

// catalogLangs lists the languages of the questionnaires (all of them when ids is empty), in
// a fixed order.
func catalogLangs(cat *catalog.Catalog, ids []string) []string {
	var out []string
	for _, q := range cat.Questionnaires() {
		if len(ids) > 0 && !slices.Contains(ids, q.ID) {
			continue
		}
		for _, l := range q.Languages {
			if !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	slices.Sort(out)
	return out
}
