package stats

import (
	"context"
	"database/sql"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/questionnaires"
)

const qid = "ketamine-selfcheck"

func shipped(t testing.TB) *questionnaire.Catalog {
	t.Helper()
	cat, ps := questionnaire.Load(questionnaires.FS)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	return cat
}

// day0 is a Monday; seeded responses fall in the weeks after it.
var day0 = time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)

type seeded struct {
	st     *store.Store
	path   string
	tokens []string
}

// seed stores n synthetic responses over weeks weeks, in a few languages and regions, with
// most regions rare so that many cells are small.
func seed(t testing.TB, cat *questionnaire.Catalog, n, weeks int, rngSeed uint64) *seeded {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stats.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rng := rand.New(rand.NewPCG(rngSeed, 7))
	q := cat.Latest(qid)
	regions := []string{"us", "us", "us", "uk", "uk", "ie", "ca", "au", "other"}
	s := &seeded{st: st, path: path}
	for i := range n {
		r := SyntheticResponse(q, rng, rng.Float64()*rng.Float64(), nil)
		r.Lang = []string{"en", "en", "en", "es"}[rng.IntN(4)]
		r.Region = regions[rng.IntN(len(regions))]
		when := day0.AddDate(0, 0, rng.IntN(weeks*7))
		st.Now = func() time.Time { return when }
		tok, err := st.CreateResponse(context.Background(), r)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		s.tokens = append(s.tokens, tok)
	}
	st.Now = func() time.Time { return day0.AddDate(0, 0, weeks*7) }
	return s
}

func params(weeks int) Params {
	return Params{From: day0, To: day0.AddDate(0, 0, weeks*7-1), By: ByWeek, K: DefaultK}
}

// rawCells recounts every cell of a release straight from the stored responses, without the
// counters or the code that assembles cells from them.
func rawCells(t *testing.T, path string, cat *questionnaire.Catalog, p Params) map[string]int64 {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`select questionnaire, version, lang, region, answers, band, flags, day from responses`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := map[string]int64{}
	for rows.Next() {
		var q, v, lang, region, answers, band, flags, dayS string
		if err := rows.Scan(&q, &v, &lang, &region, &answers, &band, &flags, &dayS); err != nil {
			t.Fatal(err)
		}
		d, _ := time.Parse(time.DateOnly, dayS)
		if d.Before(day(p.From).AddDate(0, 0, -6)) || d.After(day(p.To)) {
			continue
		}
		def := cat.Version(q, v)
		var a questionnaire.Answers
		var fl []string
		json.Unmarshal([]byte(answers), &a)
		json.Unmarshal([]byte(flags), &fl)
		want["period:"+WeekOf(d)]++
		want["total"]++
		want["place:"+lang+":"+region]++
		want["lang:"+lang]++
		want["region:"+region]++
		want["q:"+q+"@"+v]++
		want["q:"+q]++
		want["band:"+q+":"+band]++
		for _, f := range fl {
			want["flag:"+q+":"+f]++
		}
		for item, codes := range a {
			for _, c := range codes {
				want["option:"+q+":"+item+"="+c]++
			}
			it := def.Item(item)
			if it.Domain == "warning_sign" {
				for _, s := range def.Scores {
					if slices.Contains(s.Items, item) && it.Option(codes[0]).ValueFor(s.ID) > 0 {
						want["sign:"+q+":"+item]++
						break
					}
				}
			}
		}
	}
	return want
}

// draftOf builds a release's cells without protecting them.
func draftOf(t *testing.T, st *store.Store, cat *questionnaire.Catalog, p Params) *draft {
	t.Helper()
	periods, start, end, err := p.check(cat)
	if err != nil {
		t.Fatal(err)
	}
	langs, regions := catalogLangs(cat, nil), []string{}
	for _, r := range cat.Resources.Regions {
		regions = append(regions, r.ID)
	}
	rel := &Release{Params: p, Periods: periods, Start: start, End: end,
		blocks: []*block{newBlock(qid, []*questionnaire.Questionnaire{cat.Latest(qid)})}, langs: langs, regions: regions}
	pc, kc, err := st.SumCounts(context.Background(), store.CountFilter{Weekly: true, From: periods[0], To: periods[len(periods)-1],
		Questionnaires: []string{qid}, Langs: langs, Regions: regions})
	if err != nil {
		t.Fatal(err)
	}
	d := &draft{r: rel, index: map[string]int{}}
	if err := d.fill(pc, kc); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestCountersEqualRecountAfterSubmissionsAndDeletions(t *testing.T) {
	cat := shipped(t)
	s := seed(t, cat, 600, 6, 1)
	ctx := context.Background()
	for i, tok := range s.tokens {
		if i%3 == 0 {
			if err := s.st.DeleteResponse(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
	}
	p := params(6)
	d := draftOf(t, s.st, cat, p)
	want := rawCells(t, s.path, cat, p)
	for i, id := range d.ids {
		if d.values[i] != want[id] {
			t.Errorf("%s: counters say %d, a recount of the responses says %d", id, d.values[i], want[id])
		}
	}
	for id, n := range want {
		if _, ok := d.index[id]; !ok && n != 0 {
			t.Errorf("%s: %d responses, but the release has no such cell", id, n)
		}
	}
}

func TestRelationsHoldForRealCounts(t *testing.T) {
	cat := shipped(t)
	s := seed(t, cat, 300, 4, 2)
	d := draftOf(t, s.st, cat, params(4))
	b := d.r.blocks[0]
	rel := b.relations()
	if len(rel.unseen) > 0 {
		t.Fatalf("synthetic responses never reached %v", rel.unseen)
	}
	for _, row := range rel.rows {
		var sum uint64
		for i, c := range row {
			sum = (sum + mulmod(c, modp(d.values[d.index[b.cells[i]]]))) % prime
		}
		if sum != 0 {
			t.Fatalf("a relation found from synthetic responses does not hold for stored ones")
		}
	}
	// Some relations a reader of the questionnaire knows, written out by hand: each must be
	// implied by the ones found.
	known := [][]string{
		{"+sign:" + qid + ":craving", "-option:" + qid + ":craving=yes"},
		{"+q:" + qid, "-option:" + qid + ":use_context=prescribed", "-option:" + qid + ":use_context=not_prescribed",
			"-option:" + qid + ":use_context=both", "-option:" + qid + ":use_context=none_recent"},
	}
	for _, k := range known {
		v := make([]uint64, len(b.cells))
		for _, term := range k {
			i, ok := b.index[term[1:]]
			if !ok {
				t.Fatalf("no cell %s", term[1:])
			}
			v[i] = 1
			if term[0] == '-' {
				v[i] = prime - 1
			}
		}
		if !inSpan(rel.rows, v) {
			t.Errorf("relation %v was not found", k)
		}
	}
	t.Logf("%d cells, %d relations", len(b.cells), len(rel.rows))
}

func inSpan(rows [][]uint64, v []uint64) bool {
	n := len(v)
	before := len(nullSpace(rows, n))
	after := len(nullSpace(append(slices.Clone(rows), v), n))
	return before == after
}

func TestBuildProtectsEveryCell(t *testing.T) {
	cat := shipped(t)
	s := seed(t, cat, 500, 5, 3)
	p := params(5)
	r, err := Build(context.Background(), s.st, cat, p, day0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Suppressed == 0 {
		t.Fatal("nothing suppressed: the test data should have small cells")
	}
	for _, tb := range r.Tables {
		for _, e := range tb.Entries {
			if !e.Suppressed && e.Value >= 1 && e.Value < int64(p.K) {
				t.Errorf("%s %s %s/%s: released %d", tb.ID, tb.Questionnaire, e.Row, e.Column, e.Value)
			}
		}
	}
	t.Logf("%d cells suppressed", r.Suppressed)
}

// TestEveryCellReached: the relation search produces every cell of the shipped questionnaire
// and of the test fixtures, so no release has to refuse a count for lack of knowledge.
func TestEveryCellReached(t *testing.T) {
	qs := []*questionnaire.Questionnaire{shipped(t).Latest(qid)}
	for _, f := range []string{"phq9.yaml", "dast10.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "questionnaire", "testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		q, ps := questionnaire.Parse(f, data)
		if len(ps) > 0 {
			t.Fatal(ps)
		}
		qs = append(qs, q)
	}
	for _, q := range qs {
		b := newBlock(q.ID, []*questionnaire.Questionnaire{q})
		start := time.Now()
		rel := b.relations()
		if len(rel.unseen) > 0 {
			t.Errorf("%s: no synthetic response reached %v", q.ID, rel.unseen)
		}
		t.Logf("%s: %d cells, %d relations, found in %v", q.ID, len(b.cells), len(rel.rows), time.Since(start))
	}
}
