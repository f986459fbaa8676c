package stats

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
)

// Limits on the budget of a release.
const (
	MinEpsilon = 0.01 // the budget of one release, as --stats-epsilon takes it
	MaxEpsilon = 10
)

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
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

// ParseBudget reads the epsilon of a release or the cap of a period: a number from MinEpsilon
// to MaxEpsilon.
func ParseBudget(name, s string) (float64, error) {
	e, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(e) || e < MinEpsilon || e > MaxEpsilon {
		return 0, paramErr("epsilon", "%s must be a number from %g to %g (smaller adds more noise)", name, float64(MinEpsilon), float64(MaxEpsilon))
	}
	return e, nil
}

// RegionIDs lists the resources' regions in their file order: the regions of a release.
func RegionIDs(cat *catalog.Catalog) []string {
	var out []string
	for _, r := range cat.Resources.Regions {
		out = append(out, r.ID)
	}
	return out
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
