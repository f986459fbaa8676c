package stats

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Params choose a release. Dates are days; a release covers the whole weeks (or months) they
// fall in, never less, so no date finer than a week reaches a table.
type Params struct {
	From, To       time.Time
	By             string   // "week" or "month"
	Questionnaires []string // ids; empty: every questionnaire
	Langs          []string // empty: every language
	Regions        []string // empty: every region
	K              int
	Epsilon        float64 // 0: no noise
}

// Granularities.
const (
	ByWeek  = "week"
	ByMonth = "month"
)

// Limits on parameters.
const (
	MaxK        = 1000
	MinEpsilon  = 0.01
	MaxEpsilon  = 10
	MaxWeeks    = 530 // ten years
	MaxMonths   = 120
	DefaultDays = 364
)

// ParamError is a mistake in the parameters of a release, in words a person can act on. Code
// names the parameter or the mistake for message catalogues: by, k, epsilon, date, week,
// range_order, range_long, questionnaire, language, region.
type ParamError struct{ Code, Msg string }

func (e *ParamError) Error() string { return e.Msg }

func paramErr(code, format string, args ...any) error {
	return &ParamError{code, fmt.Sprintf(format, args...)}
}

// ParamCodes lists every ParamError code.
var ParamCodes = []string{"by", "k", "epsilon", "date", "week", "range_order", "range_long", "questionnaire", "language", "region"}

// DefaultParams are the last 52 weeks up to today, every questionnaire, k = 11, no noise.
// The defaults depend on the clock only, never on the data.
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
		return 0, paramErr("k", "k must be a whole number from %d to %d: counts from 1 to k-1 are withheld", DefaultK, MaxK)
	}
	return k, nil
}

// ParseEpsilon reads epsilon; empty or "0" mean no noise.
func ParseEpsilon(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	e, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(e) || e != 0 && (e < MinEpsilon || e > MaxEpsilon) {
		return 0, paramErr("epsilon", "epsilon must be a number from %g to %g (smaller adds more noise), or 0 for none", float64(MinEpsilon), float64(MaxEpsilon))
	}
	return e, nil
}

// check validates the parameters against the catalog and returns the periods covered.
func (p *Params) check(cat *questionnaire.Catalog) (periods []string, start, end time.Time, err error) {
	if p.By != ByWeek && p.By != ByMonth {
		return nil, start, end, paramErr("by", "by must be week or month")
	}
	if p.K < DefaultK || p.K > MaxK {
		return nil, start, end, paramErr("k", "k must be a whole number from %d to %d", DefaultK, MaxK)
	}
	if math.IsNaN(p.Epsilon) || p.Epsilon != 0 && (p.Epsilon < MinEpsilon || p.Epsilon > MaxEpsilon) {
		return nil, start, end, paramErr("epsilon", "epsilon must be from %g to %g, or 0 for none", float64(MinEpsilon), float64(MaxEpsilon))
	}
	if p.From.IsZero() || p.To.IsZero() {
		return nil, start, end, paramErr("date", "the date range is missing")
	}
	from, to := day(p.From), day(p.To)
	if to.Before(from) {
		return nil, start, end, paramErr("range_order", "the start of the date range is after its end")
	}
	for _, id := range p.Questionnaires {
		if cat.Latest(id) == nil {
			return nil, start, end, paramErr("questionnaire", "there is no questionnaire %.64q", id)
		}
	}
	for _, l := range p.Langs {
		if !slices.Contains(catalogLangs(cat, nil), l) {
			return nil, start, end, paramErr("language", "there is no language %.16q", l)
		}
	}
	for _, r := range p.Regions {
		if !cat.Resources.HasRegion(r) {
			return nil, start, end, paramErr("region", "there is no region %.16q", r)
		}
	}
	if p.By == ByWeek {
		start = from.AddDate(0, 0, -((int(from.Weekday()) + 6) % 7))
		for t := start; !t.After(to); t = t.AddDate(0, 0, 7) {
			periods = append(periods, WeekOf(t))
			end = t.AddDate(0, 0, 6)
			if len(periods) > MaxWeeks {
				return nil, start, end, paramErr("range_long", "the date range is longer than %d weeks", MaxWeeks)
			}
		}
	} else {
		start = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
		for t := start; !t.After(to); t = t.AddDate(0, 1, 0) {
			periods = append(periods, t.Format("2006-01"))
			end = t.AddDate(0, 1, -1)
			if len(periods) > MaxMonths {
				return nil, start, end, paramErr("range_long", "the date range is longer than %d months", MaxMonths)
			}
		}
	}
	return periods, start, end, nil
}

// PeriodCount is how many weeks or months (by) a release from one day to another covers: the
// whole periods the days fall in, as Build counts them, without limits; 0 when to is before
// from. The dashboard uses it to choose how to show a range before building it.
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
func catalogLangs(cat *questionnaire.Catalog, ids []string) []string {
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
