package statsview

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// The attack suite. A reader who knows that one person answered in a given week, in Spanish,
// from Ireland, where nobody else did, tries to read that person's answers back from what the
// dashboard and exports show, the ways that worked on the model before releases: a narrow
// filter, reads before and after a submission and a deletion, overlapping ranges, one region
// against all the others, the database file after the retention purge, and 100 exports
// averaged. Each attack guesses the target's answer to every item (or "not asked"), as a
// Bayesian would from the figures and their published noise, over one trial per week.
//
// The bound. A release is (epsilon, delta)-DP for one submission. For an item whose most
// likely value has prior probability p (the population's share; what a guesser knowing only
// the shares gets right), any attacker guesses the target's value with probability at most
//
//	min(1, e^ε·p + δ, p·e^2ε / (p·e^2ε + 1 − p) + (1 + e^ε)·δ)
//
// The first: compare the world with the target to the one without; the guess there does not
// depend on the target's answer, and (ε, δ)-DP bounds the ratio of the two. The second:
// changing the target's answer is a removal and an addition, (2ε, (1 + e^ε)δ)-DP, which bounds
// the posterior odds of any value against the others by e^2ε times the prior odds. The suite
// averages the bound over the items and fails if an attack's share of correct answers passes
// it by more than three standard errors. (The actual Gaussian mechanism allows far less: the
// attacks below land near the guesser's share.)

const (
	attackWeeks  = 210 // one trial a week
	othersAWeek  = 40
	attackOldEps = 10 // the most the export before releases allowed; it noised every export afresh
)

func TestAttacks(t *testing.T) {
	start := time.Now()
	ctx := context.Background()
	cat := shipped(t)
	q := cat.Latest(qid)
	st, path := openStore(t)
	rng := rand.New(rand.NewPCG(11, 13))
	synthetic := func(lang, region string, d time.Time) *responsedb.Response {
		r := stats.SyntheticResponse(q, rng, rng.Float64()*rng.Float64(), nil)
		r.Lang, r.Region, r.Day = lang, region, store.Day(d)
		return r
	}
	// Everyone else: never in Spanish from Ireland or Australia.
	var others []*responsedb.Response
	places := [][2]string{{"en", "us"}, {"en", "us"}, {"en", "uk"}, {"es", "us"}, {"en", "ca"}, {"en", "ie"}, {"es", "uk"}}
	for w := range attackWeeks {
		for range othersAWeek {
			pl := places[rng.IntN(len(places))]
			others = append(others, synthetic(pl[0], pl[1], day0.AddDate(0, 0, 7*w+rng.IntN(7))))
		}
	}
	if err := responsedb.New(st).CreateResponses(ctx, others); err != nil {
		t.Fatal(err)
	}
	g := newGuesser(q, others)
	weekParams := func(w, n int, langs, regions []string) Params {
		return Params{From: day0.AddDate(0, 0, 7*w), To: day0.AddDate(0, 0, 7*(w+n)-1), By: stats.ByWeek, K: DefaultK, Langs: langs, Regions: regions}
	}
	// The targets: A stays until its week is released, then deletes; B deletes at once.
	targets := make([]*responsedb.Response, attackWeeks)
	quitters := make([]*responsedb.Response, attackWeeks)
	tokens := make([]string, attackWeeks)
	for w := range attackWeeks {
		wed := day0.AddDate(0, 0, 7*w+2)
		st.Now = func() time.Time { return wed }
		// Before and after a submission: the week is open, so there is nothing to read.
		for i, r := range []*responsedb.Response{synthetic("es", "ie", wed), synthetic("es", "au", wed)} {
			if _, err := Query(ctx, releasedb.New(st), cat, weekParams(w, 1, nil, nil), wed); !isCode(err, "no_release") {
				t.Fatalf("week %d before the submission: %v", w, err)
			}
			tok, err := responsedb.New(st).CreateResponse(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Query(ctx, releasedb.New(st), cat, weekParams(w, 1, nil, nil), wed); !isCode(err, "no_release") {
				t.Fatalf("week %d after the submission: %v", w, err)
			}
			if i == 0 {
				targets[w], tokens[w] = r, tok
			} else if err := responsedb.New(st).DeleteResponse(ctx, tok); err != nil {
				t.Fatal(err)
			} else {
				quitters[w] = r
			}
		}
	}
	release(t, st, after(attackWeeks))
	scores := map[string]*score{}
	add := func(name string, guess secret, truth *responsedb.Response) {
		if scores[name] == nil {
			scores[name] = &score{}
		}
		scores[name].add(guess, secretOf(q, truth.Answers))
	}
	es, ie, au := []string{"es"}, []string{"ie"}, []string{"au"}
	notIE := slices.DeleteFunc(stats.RegionIDs(cat), func(r string) bool { return r == "ie" })
	othersByWeek := make([][]*responsedb.Response, attackWeeks)
	cumulative := map[string]float64{}
	for _, r := range others {
		w := int(mustDay(t, r.Day).Sub(day(day0)).Hours()) / (24 * 7)
		othersByWeek[w] = append(othersByWeek[w], r)
		addAnswers(cumulative, r, 1)
	}
	view := func(p Params) *View { return query(t, st, p) }
	for w := range attackWeeks {
		truth := targets[w]
		week := stats.PeriodOf(stats.ByWeek, day0.AddDate(0, 0, 7*w))
		known := map[string]float64{} // everyone else's answers, exactly
		for _, r := range others {
			if r.Day >= store.Day(week.First) && r.Day <= store.Day(week.Last) {
				for item, codes := range r.Answers {
					for _, c := range codes {
						known[item+"="+c]++
					}
				}
			}
		}
		narrow := view(weekParams(w, 1, es, ie))
		y, sd := optionValues(narrow)
		add("narrow filter", g.guess(y, sd), truth)
		all, allSD := optionValues(view(weekParams(w, 1, nil, nil)))
		add("before/after a submission", g.guess(minus(all, known), allSD), truth)
		next, back := w+1, w
		if w == attackWeeks-1 {
			next, back = w-1, w-1
		}
		both, bothSD := optionValues(view(weekParams(back, 2, es, ie)))
		other, _ := optionValues(view(weekParams(next, 1, es, ie)))
		add("overlapping ranges", g.guess(minus(both, other), bothSD*math.Sqrt2), truth)
		esAll, esSD := optionValues(view(weekParams(w, 1, es, nil)))
		esRest, _ := optionValues(view(weekParams(w, 1, es, notIE)))
		add("one region against the others", g.guess(minus(esAll, esRest), esSD*math.Sqrt2), truth)
		gone, goneSD := optionValues(view(weekParams(w, 1, es, au)))
		add("deletion before release", g.guess(gone, goneSD), quitters[w])
		if err := responsedb.New(st).DeleteResponse(ctx, tokens[w]); err != nil {
			t.Fatal(err)
		}
		afterDel, _ := optionValues(view(weekParams(w, 1, es, ie)))
		add("before/after a deletion", g.guess(minus(y, afterDel), sd*math.Sqrt2), truth)
		if !mapsEqual(y, afterDel) {
			t.Fatalf("week %d: deleting a released response changed what a view shows", w)
		}
		if w < 10 {
			var first []byte
			for i := range 100 {
				var b bytes.Buffer
				if err := view(weekParams(w, 1, es, ie)).WriteCSV(&b); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = b.Bytes()
				} else if !bytes.Equal(first, b.Bytes()) {
					t.Fatalf("week %d: export %d differs from the first: averaging could remove noise", w, i)
				}
			}
		}
		// 100 identical exports average to one.
		add("averaging 100 exports", g.guess(y, sd), truth)

		// The same attacks on the model before releases.
		weekRows := append(slices.Clone(othersByWeek[w]), truth)
		oldNarrow := withheldIsOne(withheld(oldCounts(weekRows, es, ie)))
		add("old: narrow filter", g.guess(oldNarrow, 0), truth)
		add("old: database file after the purge", g.guess(oldNarrow, 0), truth)
		// The default dashboard: every count so far, live; large enough that none is withheld.
		before := withheld(cumulative)
		addAnswers(cumulative, truth, 1)
		diff := minus(withheld(cumulative), before)
		add("old: before/after a submission", g.guess(diff, 0), truth)
		add("old: before/after a deletion", g.guess(diff, 0), truth)
		add("old: one region against the others", g.guess(minus(withheldIsOne(withheld(oldCounts(weekRows, es, stats.RegionIDs(cat)))),
			withheldIsOne(withheld(oldCounts(weekRows, es, notIE)))), 0), truth)
		add("old: averaging 100 exports", g.guess(oldAveraged(rng, weekRows, othersByWeek[w], q), oldAveragedSD(q)), truth)
	}
	fileAttack(t, st, path, g, targets, others, scores, add)

	eps := stats.DefaultConfig().Epsilon
	bound := g.bound(eps)
	var baseline score
	for _, r := range targets {
		s := secret{}
		for _, it := range q.Items() {
			s[it.ID], _ = g.mode(it.ID)
		}
		baseline.add(s, secretOf(q, r.Answers))
	}
	var names []string
	for n := range scores {
		names = append(names, n)
	}
	slices.Sort(names)
	var out strings.Builder
	fmt.Fprintf(&out, "%d trials; share of the target's %d answers guessed right; population guesser %.3f; bound at epsilon %g: %.3f\n",
		attackWeeks, len(q.Items()), baseline.mean(), eps, bound)
	for _, n := range names {
		s := scores[n]
		fmt.Fprintf(&out, "  %-38s %.3f ± %.3f\n", n, s.mean(), s.se())
		switch {
		case n == "old: averaging 100 exports" || n == "old: one region against the others":
			// Reported: they worked on the old model in part (withheld complements, and noise
			// that 100 exports at its largest epsilon only thin).
		case strings.HasPrefix(n, "old:"):
			if s.mean() <= bound {
				t.Errorf("%s: %.3f does not beat the bound %.3f: the attack is not doing its job", n, s.mean(), bound)
			}
		case len(s.hits) < 200:
			t.Errorf("%s: %d trials", n, len(s.hits))
		case s.mean()-3*s.se() > bound:
			t.Errorf("%s: %.3f ± %.3f beats the bound %.3f that epsilon %g allows", n, s.mean(), s.se(), bound, eps)
		}
	}
	t.Logf("%s(%s)", out.String(), time.Since(start).Round(time.Millisecond))
}
