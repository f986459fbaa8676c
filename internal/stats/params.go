package stats

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
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
var ErrEpsilonView error = &ParamError{"epsilon_view",
	"a view cannot choose epsilon: each period's budget was spent when it was released (ketascreen stats list shows it)"}

// Limits on parameters.
const (
	MaxK        = 1000
	MinEpsilon  = 0.01 // the budget of one release, as --stats-epsilon takes it
	MaxEpsilon  = 10
	MaxWeeks    = 530 // ten years
	MaxMonths   = 120
	DefaultDays = 364
)

// DefaultParams are the last 52 weeks up to today, every questionnaire, k = 11. The defaults
// depend on the clock only, never on the data.
func DefaultParams(now time.Time) Params {
	to := day(now)
	return Params{From: to.AddDate(0, 0, -DefaultDays), To: to, By: ByWeek, K: DefaultK}
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

// ParseWeek reads an ISO week, YYYY-Www (what an HTML week input sends), or a date, and
// returns the week's Monday (or the date).
func ParseWeek(name, s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil && t.Year() >= 2000 && t.Year() <= 2200 {
		return t, nil
	}
	y, w, ok := strings.Cut(s, "-W")
	year, err1 := strconv.Atoi(y)
	week, err2 := strconv.Atoi(w)
	if !ok || len(y) != 4 || len(w) != 2 || err1 != nil || err2 != nil || year < 2000 || year > 2200 || week < 1 || week > 53 {
		return time.Time{}, paramErr("week", "%s must be a week written YYYY-Www, such as 2026-W05", name)
	}
	// ISO week 1 holds January 4th.
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(week-1)*7)
	if yy, ww := monday.ISOWeek(); yy != year || ww != week {
		return time.Time{}, paramErr("week", "%s: %d has no week %d", name, year, week)
	}
	return monday, nil
}

// WeekOf is the ISO week of a day, YYYY-Www.
func WeekOf(t time.Time) string {
	y, w := t.UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// ParseK reads k.
func ParseK(s string) (int, error) {
	k, err := strconv.Atoi(s)
	if err != nil || k < DefaultK || k > MaxK {
		return 0, paramErr("k", "k must be a whole number from %d to %d: figures under k are shown as \"fewer than k\"", DefaultK, MaxK)
	}
	return k, nil
}

// ParseBudget reads the epsilon of a release or the cap of a period: a number from MinEpsilon
// to MaxEpsilon.
func ParseBudget(name, s string) (float64, error) {
	e, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(e) || e < MinEpsilon || e > MaxEpsilon {
		return 0, paramErr("epsilon", "%s must be a number from %g to %g (smaller adds more noise)", name, float64(MinEpsilon), float64(MaxEpsilon))
	}
	return e, nil
}

// check validates the parameters against the catalog and returns the days asked for.
func (p *Params) check(cat *catalog.Catalog) (from, to time.Time, err error) {
	if p.By != ByWeek && p.By != ByMonth {
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
	if p.By == ByWeek && PeriodCount(ByWeek, from, to) > MaxWeeks {
		return from, to, paramErr("range_long", "the date range is longer than %d weeks", MaxWeeks)
	}
	if p.By == ByMonth && PeriodCount(ByMonth, from, to) > MaxMonths {
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

// PeriodCount is how many weeks or months (by) the days from one day to another fall in; 0
// when to is before from. The dashboard uses it to choose how to show a range.
func PeriodCount(by string, from, to time.Time) int {
	from, to = day(from), day(to)
	if to.Before(from) {
		return 0
	}
	if by == ByMonth {
		return (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month()) + 1
	}
	monday := from.AddDate(0, 0, -((int(from.Weekday()) + 6) % 7))
	return int(to.Sub(monday).Hours()/24)/7 + 1
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

// regionIDs lists the resources' regions in their file order.
func regionIDs(cat *catalog.Catalog) []string {
	var out []string
	for _, r := range cat.Resources.Regions {
		out = append(out, r.ID)
	}
	return out
}
