package statsview

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// The job releases every week once it is over and a day has passed, each once, every week
// from the first response on (an empty one too), and its figures are the rows' within noise.
func TestReleaseJob(t *testing.T) { storetest.Run(t, testReleaseJob) }

func testReleaseJob(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st, _ := openStoreOn(t, b)
	rows := seedRows(t, st, 400, 3, 1)
	// Week 5 (day0 + 4 weeks) has one response; week 4 has none.
	lone := stats.SyntheticResponse(shipped(t).Latest(qid), rand.New(rand.NewPCG(2, 2)), 0.5, nil)
	lone.Lang, lone.Region, lone.Day = "en", "us", store.Day(day0.AddDate(0, 0, 29))
	if err := responsedb.New(st).CreateResponses(ctx, []*responsedb.Response{lone}); err != nil {
		t.Fatal(err)
	}
	sunday := day0.AddDate(0, 0, 6)
	for _, tc := range []struct {
		name  string
		now   time.Time
		force bool
		want  []string
	}{
		{"DuringTheWeek", sunday, false, nil},
		{"TheDayAfterWaits", sunday.AddDate(0, 0, 1), false, nil},
		{"TheDayAfterWithNow", sunday.AddDate(0, 0, 1), true, []string{"2026-W10"}},
		{"TwoDaysAfter", sunday.AddDate(0, 0, 2), false, nil},
		{"WeeksLater", after(5), false, []string{"2026-W11", "2026-W12", "2026-W13", "2026-W14"}},
		{"Again", after(5), false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			made, err := stats.ReleaseDue(ctx, st, shipped(t), stats.DefaultConfig(), tc.now, tc.force)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range made {
				got = append(got, m.Period)
				if m.Epsilon != 1 || m.Delta != stats.Delta || m.Mechanism != stats.Gaussian || m.Kind != "release" {
					t.Errorf("ledger entry %+v", m)
				}
			}
			if len(got) != len(tc.want) || len(got) > 0 && got[len(got)-1] != tc.want[len(tc.want)-1] {
				t.Errorf("released %v, want %v", got, tc.want)
			}
		})
	}
	v := query(t, st, weeksParams(5))
	if len(v.Periods) != 5 || len(v.Releases) != 5 {
		t.Fatalf("periods %v from %d releases", v.Periods, len(v.Releases))
	}
	tb := v.Table(TableByPeriod, "")
	for i, p := range v.Periods {
		var truth int
		for _, r := range append(rows, lone) {
			if stats.WeekOf(mustDay(t, r.Day)) == p {
				truth++
			}
		}
		c, _ := tb.Cell(p, "responses")
		// Margins are for 90%: four of them is far outside any honest noise.
		if math.Abs(float64(c.Value-int64(truth))) > 4*c.Margin {
			t.Errorf("week %d (%s): %d ± %.0f, truth %d", i, p, c.Value, c.Margin, truth)
		}
	}
}

func mustDay(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Releasing a period again: only within the cap, audited, views read the newest, bad input
// changes nothing.
func TestRerelease(t *testing.T) {
	ctx := context.Background()
	st, _ := openStore(t)
	seedRows(t, st, 200, 2, 3)
	now := after(2)
	release(t, st, now)
	cat := shipped(t)
	w10 := stats.PeriodOf(stats.ByWeek, day0)
	ledger := func() int {
		l, err := releasedb.New(st).Ledger(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(l)
	}
	for _, tc := range []struct {
		name    string
		p       stats.Period
		epsilon float64
		q       string
		now     time.Time
		code    string
	}{
		{"ErrEpsilonZero", w10, 0, "", now, "epsilon"},
		{"ErrEpsilonNegative", w10, -1, "", now, "epsilon"},
		{"ErrEpsilonAboveTheCap", w10, 2.5, "", now, "epsilon"},
		{"ErrOverTheCap", w10, 1.5, "", now, "budget"},
		{"ErrNotOver", stats.PeriodOf(stats.ByWeek, now), 0.5, "", now, "period"},
		{"ErrPurged", w10, 0.5, "", now.AddDate(2, 0, 0), "purged"},
		{"ErrUnknownQuestionnaire", w10, 0.5, "nope", now, "questionnaire"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := stats.Rerelease(ctx, st, cat, stats.DefaultConfig(), tc.p, tc.epsilon, tc.q, "cli", 365, tc.now)
			var pe *stats.ParamError
			if !errors.As(err, &pe) || pe.Code != tc.code {
				t.Errorf("err %v, want a stats.ParamError %s", err, tc.code)
			}
			if n := ledger(); n != 2 {
				t.Errorf("%d ledger entries, want 2: nothing written", n)
			}
		})
	}
	made, err := stats.Rerelease(ctx, st, cat, stats.DefaultConfig(), w10, 1, "", "cli", 365, now)
	if err != nil || len(made) != 1 || made[0].Kind != "rerelease" {
		t.Fatalf("rerelease: %v %+v", err, made)
	}
	v := query(t, st, weeksParams(1))
	if len(v.Releases) != 1 || v.Releases[0].ID == 0 {
		t.Fatalf("the view summed %d releases of one week", len(v.Releases))
	}
	all, _ := releasedb.New(st).Releases(ctx, releasedb.ReleaseFilter{To: store.Day(w10.Last)})
	if len(all) != 2 || v.Releases[0].ID != all[len(all)-1].ID {
		t.Errorf("the view read release %d, not the newest of %d", v.Releases[0].ID, len(all))
	}
	spends, err := stats.Budgets(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if spends[0].Period != "2026-W10" || spends[0].Epsilon != 2 || spends[0].Composed >= 2 || spends[0].Composed < 1 {
		t.Errorf("spend of W10: %+v", spends[0])
	}
	audits, err := auditdb.New(st).Entries(ctx, auditdb.Filter{Action: "stats_rerelease"})
	if err != nil || len(audits) != 1 {
		t.Errorf("%d audit rows (%v)", len(audits), err)
	}
}

// Moving from weekly to monthly releases leaves no day out and releases none twice: the first
// month starts the day after the last week.
func TestFromWeeksToMonths(t *testing.T) {
	st, _ := openStore(t)
	seedRows(t, st, 300, 9, 4)
	release(t, st, after(2)) // W10 and W11: 2 to 15 March
	cfg := stats.DefaultConfig()
	cfg.Period = stats.ByMonth
	made, err := stats.ReleaseDue(context.Background(), st, shipped(t), cfg, time.Date(2026, 5, 3, 0, 0, 0, 0, time.UTC), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(made) != 2 || made[0].Period != "2026-03" || made[0].FirstDay != "2026-03-16" || made[1].FirstDay != "2026-04-01" {
		t.Fatalf("made %+v", made)
	}
	v := query(t, st, Params{From: day0, To: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC), By: stats.ByMonth, K: DefaultK})
	if len(v.Releases) != 4 || v.Start != day(day0) || v.End != time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC) {
		t.Errorf("%d releases from %s to %s", len(v.Releases), v.Start, v.End)
	}
	if len(v.Periods) != 2 || v.Periods[0] != "2026-03" {
		t.Errorf("periods %v, want 2026-03 and 2026-04", v.Periods)
	}
}
