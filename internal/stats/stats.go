// Package stats owns ketascreen's statistics releases. Once a week (or month) has ended, the
// release job counts that period's responses into fixed tables (Layout, Tally), adds
// differentially private noise under a stated budget (Budget, Freeze), and stores the result
// for good, with its entry in the budget ledger. The store only keeps what it is given; what
// readers see is summed from stored releases by package statsview, never from responses.
package stats

import (
	"fmt"
	"time"
)

// Period kinds: an ISO week or a calendar month.
const (
	ByWeek  = "week"
	ByMonth = "month"
)

// Period is one ISO week (2026-W05) or one month (2026-02), with its first and last days.
type Period struct {
	Kind        string
	Label       string
	First, Last time.Time
}

// PeriodOf is the week or month a day falls in.
func PeriodOf(kind string, t time.Time) Period {
	d := day(t)
	if kind == ByMonth {
		first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		return Period{ByMonth, first.Format("2006-01"), first, first.AddDate(0, 1, -1)}
	}
	monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	return Period{ByWeek, WeekOf(monday), monday, monday.AddDate(0, 0, 6)}
}

// Next is the period after p.
func (p Period) Next() Period { return PeriodOf(p.Kind, p.Last.AddDate(0, 0, 1)) }

// ParsePeriod reads a week (2026-W05) or a month (2026-02).
func ParsePeriod(s string) (Period, error) {
	if t, err := time.Parse("2006-01", s); err == nil && len(s) == 7 && t.Year() >= 2000 && t.Year() <= 2200 {
		return PeriodOf(ByMonth, t), nil
	}
	if len(s) == 8 && s[4:6] == "-W" {
		if t, err := ParseWeek("period", s); err == nil {
			return PeriodOf(ByWeek, t), nil
		}
	}
	return Period{}, paramErr("period", "a period is a week written YYYY-Www (2026-W05) or a month written YYYY-MM (2026-02)")
}

// CheckKind refuses a period kind other than week or month.
func CheckKind(kind string) error {
	if kind != ByWeek && kind != ByMonth {
		return paramErr("by", "the statistics period must be week or month, not %.16q", kind)
	}
	return nil
}

// ReleaseDelayDays is the least retention of raw responses that lets every period be released
// before its rows are purged: the longest period (7 days or 31), plus the day the job waits
// after a period ends, plus a day because the job runs once a day.
func ReleaseDelayDays(kind string) int {
	if kind == ByMonth {
		return 31 + 2
	}
	return 7 + 2
}

// due reports whether a period is closed for release at now: it ended, and (unless now is
// forced) a further day has passed, so no late write can still reach it.
func (p Period) due(now time.Time, force bool) bool {
	wait := 2
	if force {
		wait = 1
	}
	return !day(now).Before(p.Last.AddDate(0, 0, wait))
}

func (p Period) String() string { return p.Label }

// ParamError is a mistake in what a caller asked for, in words a person can act on: the web
// answers it with 400, the command line with exit code 2. Code names the mistake for message
// catalogues (see ParamCodes).
type ParamError struct{ Code, Msg string }

func (e *ParamError) Error() string { return e.Msg }

func paramErr(code, format string, args ...any) error {
	return &ParamError{code, fmt.Sprintf(format, args...)}
}

// ParamCodes lists every ParamError code. no_release means no stored release covers what was
// asked; epsilon_view that a view was given an epsilon (releases fixed theirs); budget that a
// release would spend more than the period's cap; purged that a period's rows are gone.
var ParamCodes = []string{"by", "k", "epsilon", "epsilon_view", "date", "week", "period", "range_order", "range_long",
	"questionnaire", "language", "region", "no_release", "budget", "purged"}
