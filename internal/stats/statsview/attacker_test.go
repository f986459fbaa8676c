package statsview

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// The attacker of the attack suite (attack_test.go): its guesses, its scores, the model before
// releases it also attacks, and its reading of the database file.

// secret is a response's value for every item: a code, codes joined by "+", or "" (not asked).
type secret map[string]string

func secretOf(q *questionnaire.Questionnaire, a questionnaire.Answers) secret {
	s := secret{}
	for _, it := range q.Items() {
		c := slices.Clone(a[it.ID])
		slices.Sort(c)
		s[it.ID] = strings.Join(c, "+")
	}
	return s
}

// guesser knows the questionnaire and the population's shares, nothing of the target.
type guesser struct {
	q      *questionnaire.Questionnaire
	shares map[string]map[string]float64 // item -> value -> share
	chosen map[string]float64            // item=code -> share of responses choosing it
}

func newGuesser(q *questionnaire.Questionnaire, pop []*responsedb.Response) *guesser {
	g := &guesser{q: q, shares: map[string]map[string]float64{}, chosen: map[string]float64{}}
	n := float64(len(pop))
	for _, r := range pop {
		for item, v := range secretOf(q, r.Answers) {
			if g.shares[item] == nil {
				g.shares[item] = map[string]float64{}
			}
			g.shares[item][v] += 1 / n
		}
		for item, codes := range r.Answers {
			for _, c := range codes {
				g.chosen[item+"="+c] += 1 / n
			}
		}
	}
	return g
}

// mode is the most common value of an item: the population guesser's answer.
func (g *guesser) mode(item string) (string, float64) {
	best, p := "", -1.0
	for v, s := range g.shares[item] {
		if s > p || s == p && v < best {
			best, p = v, s
		}
	}
	return best, p
}

// guess is the most probable value of each item given observed option counts y (the target's
// contribution plus noise of standard deviation sd; sd near 0 for exact counts). Choosing code
// c adds one to y[c]: the log-likelihood ratio against not choosing it is (2y − 1)/(2sd²).
func (g *guesser) guess(y map[string]float64, sd float64) secret {
	sd = max(sd, 0.05)
	llr := func(item, code string) float64 { return (2*y[item+"="+code] - 1) / (2 * sd * sd) }
	s := secret{}
	for _, it := range g.q.Items() {
		if it.Type == questionnaire.Multiple {
			var in []string
			for _, o := range it.Options {
				p := math.Min(math.Max(g.chosen[it.ID+"="+o.Code], 1e-4), 1-1e-4)
				if math.Log(p/(1-p))+llr(it.ID, o.Code) > 0 {
					in = append(in, o.Code)
				}
			}
			slices.Sort(in)
			s[it.ID] = strings.Join(in, "+")
			continue
		}
		best, score := "", math.Log(math.Max(g.shares[it.ID][""], 1e-4))
		for _, o := range it.Options {
			if sc := math.Log(math.Max(g.shares[it.ID][o.Code], 1e-4)) + llr(it.ID, o.Code); sc > score {
				best, score = o.Code, sc
			}
		}
		s[it.ID] = best
	}
	return s
}

// bound is the share of items any attacker can get right at epsilon (see the top of the file).
func (g *guesser) bound(epsilon float64) float64 {
	var sum float64
	for _, it := range g.q.Items() {
		_, p := g.mode(it.ID)
		a := math.Exp(epsilon)*p + stats.Delta
		e2 := math.Exp(2 * epsilon)
		b := p*e2/(p*e2+1-p) + (1+math.Exp(epsilon))*stats.Delta
		sum += math.Min(1, math.Min(a, b))
	}
	return sum / float64(len(g.q.Items()))
}

// tally of scores of one attack.
type score struct{ hits []float64 }

func (s *score) add(guess, truth secret) {
	n := 0
	for item, v := range truth {
		if guess[item] == v {
			n++
		}
	}
	s.hits = append(s.hits, float64(n)/float64(len(truth)))
}

func (s *score) mean() float64 { return mean(s.hits) }

func (s *score) se() float64 {
	m := s.mean()
	var v float64
	for _, x := range s.hits {
		v += (x - m) * (x - m)
	}
	return math.Sqrt(v / float64(len(s.hits)) / float64(len(s.hits)))
}

// optionValues reads the options table of a view: values and the standard deviation of their
// noise (from the 90% margins).
func optionValues(v *View) (map[string]float64, float64) {
	y := map[string]float64{}
	var sd float64
	for _, e := range v.Table(TableOptions, qid).Entries {
		y[e.Row+"="+e.Column] = float64(e.Value) // what "fewer than k" hides, the attacker gets anyway
		sd = max(sd, e.Margin/z90)
	}
	return y, sd
}

func minus(a, b map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, x := range a {
		out[k] = x - b[k]
	}
	return out
}

// The model before releases, kept to show the attacks worked on it: exact, live counts of the
// rows a filter selects (the counters never lost a row to the purge), every count from 1 to
// k−1 withheld.

// oldCounts counts the options of the rows in the languages and regions.
func oldCounts(rows []*responsedb.Response, langs, regions []string) map[string]float64 {
	y := map[string]float64{}
	for _, r := range rows {
		if slices.Contains(langs, r.Lang) && slices.Contains(regions, r.Region) {
			addAnswers(y, r, 1)
		}
	}
	return y
}

func addAnswers(y map[string]float64, r *responsedb.Response, n float64) {
	for item, codes := range r.Answers {
		for _, c := range codes {
			y[item+"="+c] += n
		}
	}
}

// withheld is what the old dashboard showed: a withheld count reads as -1.
func withheld(y map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, n := range y {
		out[k] = n
		if n >= 1 && n < DefaultK {
			out[k] = -1
		}
	}
	return out
}

// withheldIsOne is what a reader makes of a group of one: a withheld count is that person.
func withheldIsOne(y map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, n := range y {
		out[k] = max(n, 0)
		if n < 0 {
			out[k] = 1
		}
	}
	return out
}

func isCode(err error, code string) bool {
	var pe *stats.ParamError
	return errors.As(err, &pe) && pe.Code == code
}

func mapsEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, x := range a {
		if b[k] != x {
			return false
		}
	}
	return true
}

// oldAveraged is the averaging attack on exports noised afresh each time (the export before
// releases, at its largest epsilon): the mean of 100 noisy exports after the submission minus
// the mean of 100 before. Each export split epsilon over 7 tables, with Laplace noise scaled to
// the cells one response adds to in the option table.
func oldAveraged(rng *rand.Rand, with, without []*responsedb.Response, q *questionnaire.Questionnaire) map[string]float64 {
	scale := oldScale(q)
	everyone := []string{"en", "es", "us", "uk", "ie", "ca", "au", "other"}
	a, b := oldCounts(with, everyone, everyone), oldCounts(without, everyone, everyone)
	y := map[string]float64{}
	for k := range a {
		var d float64
		for range 100 {
			lap := func() float64 { return scale * (rng.ExpFloat64() - rng.ExpFloat64()) }
			d += (a[k] + lap() - b[k] - lap()) / 100
		}
		y[k] = d
	}
	return y
}

func oldScale(q *questionnaire.Questionnaire) float64 {
	l := stats.NewLayout(q, nil)
	return float64(l.MaxCells(stats.PartOptions)) / (attackOldEps / 7.0)
}

func oldAveragedSD(q *questionnaire.Questionnaire) float64 {
	return oldScale(q) * math.Sqrt2 * math.Sqrt2 / 10 // two means of 100 Laplace draws
}

// fileAttack purges every row and reads the database file as an attacker with a copy would:
// every table, and the raw bytes. No row of a response may remain, nor its id anywhere in the
// file; what is left (the releases) is read for the target's slice.
func fileAttack(t *testing.T, st *store.Store, path string, g *guesser, targets, others []*responsedb.Response,
	scores map[string]*score, add func(string, secret, *responsedb.Response)) {
	ctx := context.Background()
	st.Now = func() time.Time { return after(attackWeeks).AddDate(1, 0, 0) }
	if _, err := responsedb.New(st).Purge(ctx, 365); err != nil {
		t.Fatal(err)
	}
	// A copy of the file and its write-ahead log, as a backup or a stolen disk would have them.
	var raw []byte
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	ids := map[string]bool{}
	for _, r := range append(slices.Clone(others), targets...) {
		ids[r.ID] = true
	}
	for _, m := range regexp.MustCompile(`[0-9a-f]{32}`).FindAll(raw, -1) {
		if ids[string(m)] {
			t.Fatalf("the database file still holds response id %s after the purge", m)
		}
	}
	if bytes.Contains(raw, []byte(`"use_context":["`)) {
		t.Fatal("the database file still holds answers after the purge")
	}
	db := storetest.Raw(t, path)
	tables := storetest.Tables(t, path)
	for _, name := range tables {
		var n int
		if err := db.QueryRow(`select count(*) from "` + name + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 && !slices.Contains([]string{"stat_ledger", "stat_releases", "deleted_tokens"}, name) {
			t.Errorf("table %s holds %d rows after every response was purged", name, n)
		}
	}
	// The attacker's best read of the file: the target's slice in the release of its week.
	rs, err := db.Query(`select period, body from stat_releases`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	byWeek := map[string]*stats.Release{}
	for rs.Next() {
		var p, body string
		if err := rs.Scan(&p, &body); err != nil {
			t.Fatal(err)
		}
		f := &stats.Release{}
		if err := jsonUnmarshal(body, f); err != nil {
			t.Fatal(err)
		}
		byWeek[p] = f
	}
	for w, r := range targets {
		f := byWeek[stats.WeekOf(day0.AddDate(0, 0, 7*w))]
		l := &f.Layout
		s := l.Slice("es", "ie")
		y := map[string]float64{}
		for i, row := range l.Rows(stats.PartOptions) {
			y[row] = float64(f.Values[s][l.Offset(stats.PartOptions)+i])
		}
		add("database file after the purge", g.guess(y, math.Sqrt(f.Variance(f.Noise[2], 1))), r)
	}
}
