package statsview

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
)

// FuzzExportParams feeds the parameters of a view, as an admin's URL or the export command
// gives them, and a release's epsilon and period, as the stats commands take them, through
// their parsers and the check of a view: no panic, no unbounded work, and every refusal a
// ParamError a person can act on.
func FuzzExportParams(f *testing.F) {
	cat := shipped(f)
	f.Add("2026-W01", "2026-W52", "week", "11", "", "en", "us", "ketamine-selfcheck")
	f.Add("2025-01-01", "2026-12-31", "month", "20", "1", "", "", "")
	f.Add("2026-W53", "2026-W00", "day", "10", "NaN", "xx", "mars", "nope")
	f.Add("2000-01-01", "2200-12-31", "week", "1000", "10", "es", "other", "")
	f.Add("<script>", "' OR 1=1 --", "=cmd|' /C calc'!A0", "1e9", "+Inf", "\xff", "../..", "{{.}}")
	f.Add("2026-W5", "9999-W01", "", "-1", "0.001", "EN", "US", "KETAMINE-SELFCHECK")
	f.Add("2026-02-30", "2026-13-01", "month", "0x10", "1e-320", "", "", "")
	f.Fuzz(func(t *testing.T, from, to, by, k, epsilon, lang, region, qid string) {
		var errs []error
		p := Params{By: by, K: DefaultK}
		var err error
		if p.From, err = stats.ParseWeek("from", from); err != nil {
			errs = append(errs, err)
		} else if p.From.Year() < 2000 || p.From.Year() > 2200 {
			t.Fatalf("ParseWeek(%q) = %s, outside 2000-2200", from, p.From)
		}
		if p.To, err = stats.ParseWeek("to", to); err != nil {
			errs = append(errs, err)
		} else if w := stats.WeekOf(p.To); w >= "2000-W01" && w <= "2200-W53" { // 2000-01-01 is in 1999-W52, 2200-12-31 in 2201-W01
			if again, err := stats.ParseWeek("to", w); err != nil || stats.WeekOf(again) != w {
				t.Fatalf("week %s does not read back: %s %v", w, again, err)
			}
		}
		if k != "" {
			if p.K, err = ParseK(k); err != nil {
				errs = append(errs, err)
				p.K = DefaultK
			} else if p.K < DefaultK || p.K > MaxK {
				t.Fatalf("ParseK(%q) = %d", k, p.K)
			}
		}
		if e, err := stats.ParseBudget("--stats-epsilon", epsilon); err != nil {
			errs = append(errs, err)
		} else if math.IsNaN(e) || e < stats.MinEpsilon || e > stats.MaxEpsilon {
			t.Fatalf("ParseBudget(%q) = %v", epsilon, e)
		}
		for _, s := range []string{from, to} {
			if per, err := stats.ParsePeriod(s); err != nil {
				errs = append(errs, err)
			} else if again, err := stats.ParsePeriod(per.Label); err != nil || again != per || per.Last.Before(per.First) {
				t.Fatalf("period %q reads back as %+v (%v)", s, again, err)
			}
		}
		if lang != "" {
			p.Langs = []string{lang}
		}
		if region != "" {
			p.Regions = []string{region}
		}
		if qid != "" {
			p.Questionnaires = []string{qid}
		}
		if len(errs) == 0 {
			start := time.Now()
			first, last, err := p.check(cat)
			if d := time.Since(start); d > time.Second {
				t.Fatalf("check took %s", d)
			}
			if err != nil {
				errs = append(errs, err)
			} else {
				limit := MaxWeeks
				if p.By == stats.ByMonth {
					limit = MaxMonths
				}
				if n := stats.PeriodCount(p.By, first, last); n == 0 || n > limit || last.Before(first) {
					t.Fatalf("check gave %d periods from %s to %s", n, first, last)
				}
			}
		}
		for _, err := range errs {
			var pe *stats.ParamError
			if !errors.As(err, &pe) || !slices.Contains(stats.ParamCodes, pe.Code) || pe.Msg == "" {
				t.Fatalf("refusal %v is not a stats.ParamError with a known code", err)
			}
		}
	})
}
