package stats

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
)

// A record of the attacks on the model before releases: run once, numbers kept for the notes.
func TestRecordOldModelAttacks(t *testing.T) {
	cat := shipped(t)
	q := cat.Latest(qid)
	ctx := context.Background()
	path := t.TempDir() + "/old.db"
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	// Population: 600 responses over 3 weeks in en and es, regions us, uk, ca (never ie).
	var pop []questionnaire.Answers
	for range 600 {
		r := SyntheticResponse(q, rng, rng.Float64()*rng.Float64(), nil)
		r.Lang = []string{"en", "en", "es"}[rng.IntN(3)]
		r.Region = []string{"us", "uk", "ca"}[rng.IntN(3)]
		when := day0.AddDate(0, 0, rng.IntN(21))
		st.Now = func() time.Time { return when }
		if _, err := st.CreateResponse(ctx, r); err != nil {
			t.Fatal(err)
		}
		pop = append(pop, r.Answers)
	}
	items := q.Items()
	key := func(a questionnaire.Answers, item string) string {
		c := slices.Clone(a[item])
		slices.Sort(c)
		return strings.Join(c, "+")
	}
	mode := map[string]string{}
	for _, it := range items {
		n := map[string]int{}
		for _, a := range pop {
			n[key(a, it.ID)]++
		}
		best := -1
		for k, c := range n {
			if c > best || c == best && k < mode[it.ID] {
				best, mode[it.ID] = c, k
			}
		}
	}
	week := day0.AddDate(0, 0, 7)
	p1 := Params{From: week, To: week.AddDate(0, 0, 6), By: ByWeek, K: DefaultK, Questionnaires: []string{qid}}
	narrow := p1
	narrow.Langs, narrow.Regions = []string{"es"}, []string{"ie"}
	build := func(p Params) *Release {
		r, err := Build(ctx, st, cat, p, week.AddDate(0, 0, 30))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	opts := func(r *Release) map[string]Cell {
		m := map[string]Cell{}
		for _, e := range r.Table(TableOptions, qid).Entries {
			m[e.Row+"="+e.Column] = e.Cell
		}
		return m
	}
	guessFrom := func(pick func(item, code string) bool) questionnaire.Answers {
		g := questionnaire.Answers{}
		for _, it := range items {
			for _, o := range it.Options {
				if pick(it.ID, o.Code) {
					g[it.ID] = append(g[it.ID], o.Code)
				}
			}
		}
		return g
	}
	score := func(g, truth questionnaire.Answers) (hit, base int) {
		for _, it := range items {
			if key(g, it.ID) == key(truth, it.ID) {
				hit++
			}
			if mode[it.ID] == key(truth, it.ID) {
				base++
			}
		}
		return
	}
	const trials = 200
	results := map[string][2]int{}
	add := func(name string, g, truth questionnaire.Answers) {
		h, b := score(g, truth)
		r := results[name]
		results[name] = [2]int{r[0] + h, r[1] + b}
	}
	for i := range trials {
		target := SyntheticResponse(q, rng, rng.Float64()*rng.Float64(), nil)
		target.Lang, target.Region = "es", "ie"
		before := opts(build(p1))
		st.Now = func() time.Time { return week.AddDate(0, 0, 3) }
		tok, err := st.CreateResponse(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		after := opts(build(p1))
		n := opts(build(narrow))
		add("narrow filter", guessFrom(func(it, c string) bool { return n[it+"="+c].Suppressed || n[it+"="+c].Value > 0 }), target.Answers)
		add("before/after submission", guessFrom(func(it, c string) bool {
			return after[it+"="+c].Value-before[it+"="+c].Value == 1
		}), target.Answers)
		// Region complement: es everywhere minus es in the other regions.
		all := p1
		all.Langs = []string{"es"}
		rest := all
		rest.Regions = []string{"us", "uk", "ca", "au", "other"}
		a, r := opts(build(all)), opts(build(rest))
		add("region complement", guessFrom(func(it, c string) bool {
			x, y := a[it+"="+c], r[it+"="+c]
			if x.Suppressed || y.Suppressed {
				return false
			}
			return x.Value-y.Value == 1
		}), target.Answers)
		if i < 20 { // averaging is slow: 100 noisy builds before and after
			noisy := p1
			noisy.Epsilon = 10 // the most the old export allowed
			avg := func() (map[string]float64, map[string]float64) {
				o, l := map[string]float64{}, map[string]float64{}
				for range 100 {
					r := build(noisy)
					for k, c := range opts(r) {
						o[k] += float64(c.Value) / 100
					}
					for _, e := range r.Table(TableByLevel, qid).Entries {
						l[e.Row] += float64(e.Value) / 100
					}
				}
				return o, l
			}
			st.DeleteResponse(ctx, tok)
			ob, lb := avg()
			st.Now = func() time.Time { return week.AddDate(0, 0, 3) }
			tok, _ = st.CreateResponse(ctx, target)
			oa, la := avg()
			g := questionnaire.Answers{}
			for _, it := range items {
				best, bd := "", 0.5
				for _, o := range it.Options {
					d := oa[it.ID+"="+o.Code] - ob[it.ID+"="+o.Code]
					if it.Type == questionnaire.Multiple && d > 0.5 {
						g[it.ID] = append(g[it.ID], o.Code)
					} else if d > bd {
						best, bd = o.Code, d
					}
				}
				if best != "" {
					g[it.ID] = []string{best}
				}
			}
			add("averaging 100 exports (epsilon 10)", g, target.Answers)
			bestL, bd := "", -1e9
			for k := range la {
				if k != Total && la[k]-lb[k] > bd {
					bestL, bd = k, la[k]-lb[k]
				}
			}
			hit := 0
			if bestL == target.Band {
				hit = 23
			}
			add("averaging: level of concern", questionnaire.Answers{}, questionnaire.Answers{})
			r := results["averaging: level of concern"]
			results["averaging: level of concern"] = [2]int{r[0] - 23 + hit, r[1]}
		}
		beforeDel := opts(build(p1))
		if err := st.DeleteResponse(ctx, tok); err != nil {
			t.Fatal(err)
		}
		afterDel := opts(build(p1))
		add("before/after deletion", guessFrom(func(it, c string) bool {
			return beforeDel[it+"="+c].Value-afterDel[it+"="+c].Value == 1
		}), target.Answers)
	}
	// After the retention purge: each target alone in its own week, every row purged.
	for i := range trials {
		target := SyntheticResponse(q, rng, rng.Float64()*rng.Float64(), nil)
		target.Lang, target.Region = "es", "ie"
		wk := day0.AddDate(0, 0, 7*(10+i))
		st.Now = func() time.Time { return wk }
		if _, err := st.CreateResponse(ctx, target); err != nil {
			t.Fatal(err)
		}
		st.Now = func() time.Time { return wk.AddDate(0, 0, 400) }
		if _, err := st.Purge(ctx, 30); err != nil {
			t.Fatal(err)
		}
		p := Params{From: wk, To: wk, By: ByWeek, K: DefaultK, Questionnaires: []string{qid}, Langs: []string{"es"}, Regions: []string{"ie"}}
		n := opts(build(p))
		add("after the purge (narrow filter)", guessFrom(func(it, c string) bool { return n[it+"="+c].Suppressed || n[it+"="+c].Value > 0 }), target.Answers)
	}
	for name, r := range results {
		n := trials
		if strings.HasPrefix(name, "averaging") {
			n = 20
		}
		t.Logf("%-36s attack %.3f  baseline %.3f  (%d trials x %d items)", name, float64(r[0])/float64(n*len(items)), float64(r[1])/float64(n*len(items)), n, len(items))
	}
}
