package stats

import (
	"testing"
	"time"
)

// PeriodCount agrees with the periods a release covers, for every granularity, over ranges
// that start and end on every day of the week and month, across years with 53 ISO weeks.
func TestPeriodCount(t *testing.T) {
	base := time.Date(2019, 12, 20, 0, 0, 0, 0, time.UTC)
	for _, by := range []string{ByWeek, ByMonth} {
		for start := 0; start < 400; start += 3 {
			for length := 0; length < 800; length += 17 {
				from := base.AddDate(0, 0, start)
				to := from.AddDate(0, 0, length)
				p := Params{From: from, To: to, By: by, K: DefaultK}
				periods, _, _, err := p.check(nil)
				if err != nil {
					t.Fatal(err)
				}
				if got := PeriodCount(by, from, to.Add(13*time.Hour)); got != len(periods) {
					t.Fatalf("%s %s to %s: PeriodCount %d, release covers %d", by, from.Format(time.DateOnly),
						to.Format(time.DateOnly), got, len(periods))
				}
			}
		}
		if got := PeriodCount(by, base, base.AddDate(0, 0, -1)); got != 0 {
			t.Errorf("%s: a range that ends before it starts covers %d periods", by, got)
		}
	}
}
