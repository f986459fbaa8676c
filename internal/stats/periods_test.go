package stats

import (
	"testing"
	"time"
)

// Periods tile time: each starts the day after the one before, weeks on Mondays and months on
// the 1st, across years with 53 ISO weeks; PeriodCount agrees with walking them.
func TestPeriods(t *testing.T) {
	base := time.Date(2019, 12, 20, 0, 0, 0, 0, time.UTC)
	for _, kind := range []string{ByWeek, ByMonth} {
		p := PeriodOf(kind, base)
		for range 400 {
			n := p.Next()
			if !n.First.Equal(p.Last.AddDate(0, 0, 1)) || n.Last.Before(n.First) {
				t.Fatalf("%s after %s starts %s", n, p, n.First)
			}
			if kind == ByWeek && (n.First.Weekday() != time.Monday || n.Last.Sub(n.First) != 6*24*time.Hour) ||
				kind == ByMonth && n.First.Day() != 1 {
				t.Fatalf("%s runs from %s to %s", n, n.First, n.Last)
			}
			if again, err := ParsePeriod(n.Label); err != nil || again != n {
				t.Fatalf("%s reads back as %+v (%v)", n, again, err)
			}
			p = n
		}
		for start := 0; start < 400; start += 3 {
			for length := 0; length < 800; length += 17 {
				from := base.AddDate(0, 0, start)
				to := from.AddDate(0, 0, length)
				walked := 0
				for q := PeriodOf(kind, from); !q.First.After(to); q = q.Next() {
					walked++
				}
				if got := PeriodCount(kind, from, to.Add(13*time.Hour)); got != walked {
					t.Fatalf("%s %s to %s: PeriodCount %d, walked %d", kind, from.Format(time.DateOnly), to.Format(time.DateOnly), got, walked)
				}
			}
		}
	}
	for _, bad := range []string{"", "2026", "2026-W54", "2026-13", "1999-01", "2026-W5", "26-W05", "2026-05-01"} {
		if _, err := ParsePeriod(bad); !isCode(err, "period") {
			t.Errorf("ParsePeriod(%q): %v", bad, err)
		}
	}
	if got := PeriodCount(ByWeek, base, base.AddDate(0, 0, -1)); got != 0 {
		t.Errorf("a range that ends before it starts covers %d periods", got)
	}
}

func TestConfigCheck(t *testing.T) {
	for _, tc := range []struct {
		cfg Config
		ok  bool
	}{
		{DefaultConfig(), true},
		{Config{ByMonth, 0.5, 0.5}, true},
		{Config{"day", 1, 2}, false},
		{Config{ByWeek, 0, 2}, false},
		{Config{ByWeek, -1, 2}, false},
		{Config{ByWeek, 3, 2}, false},
		{Config{ByWeek, 1, 20}, false},
	} {
		if err := tc.cfg.Check(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc.cfg, err)
		}
	}
}
