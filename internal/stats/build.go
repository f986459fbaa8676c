package stats

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
)

// Source is where the counters come from: the store.
type Source interface {
	SumCounts(ctx context.Context, f store.CountFilter) ([]store.PeriodCount, []store.KeyCount, error)
	CountedVersions(ctx context.Context) ([]store.QuestionnaireVersion, error)
}

// Build makes the release the parameters ask for. A *ParamError means the parameters were
// wrong; any other error is internal.
func Build(ctx context.Context, src Source, cat *questionnaire.Catalog, p Params, now time.Time) (*Release, error) {
	periods, start, end, err := p.check(cat)
	if err != nil {
		return nil, err
	}
	qids := p.Questionnaires
	if len(qids) == 0 {
		qids = cat.IDs()
	}
	langs := p.Langs
	if len(langs) == 0 {
		langs = catalogLangs(cat, qids)
	}
	regions := p.Regions
	if len(regions) == 0 {
		for _, r := range cat.Resources.Regions {
			regions = append(regions, r.ID)
		}
	}
	counted, err := src.CountedVersions(ctx)
	if err != nil {
		return nil, err
	}
	blocks := make([]*block, len(qids))
	for i, id := range qids {
		blocks[i] = newBlock(id, catalogVersions(cat, id, counted))
	}
	pc, kc, err := src.SumCounts(ctx, store.CountFilter{Weekly: p.By == ByWeek, From: periods[0], To: periods[len(periods)-1],
		Questionnaires: qids, Langs: langs, Regions: regions})
	if err != nil {
		return nil, err
	}
	rel := &Release{Params: p, Periods: periods, Start: start, End: end, Generated: WeekOf(now),
		blocks: blocks, langs: langs, regions: regions, resources: cat.Resources}
	rel.Params.Questionnaires, rel.Params.Langs, rel.Params.Regions = qids, langs, regions
	d := &draft{r: rel, index: map[string]int{}}
	if err := d.fill(pc, kc); err != nil {
		return nil, err
	}
	if p.Epsilon > 0 {
		if err := d.addNoise(p.Epsilon); err != nil {
			return nil, err
		}
	} else {
		if err := d.addKnownRelations(); err != nil {
			return nil, err
		}
	}
	sup, err := suppress(d.values, d.dense(), int64(p.K))
	if err != nil {
		return nil, err
	}
	d.tables(sup)
	return rel, nil
}

// catalogVersions lists the versions of a questionnaire a release counts: the newest, and
// every older one the catalog still has and that has had a response. Responses to versions
// the catalog no longer has are left out of every table: nothing is known of their structure.
func catalogVersions(cat *questionnaire.Catalog, id string, counted []store.QuestionnaireVersion) []*questionnaire.Questionnaire {
	latest := cat.Latest(id)
	out := []*questionnaire.Questionnaire{latest}
	for _, c := range counted {
		if c.Questionnaire != id || c.Version == latest.Version {
			continue
		}
		if q := cat.Version(id, c.Version); q != nil {
			out = append(out, q)
		}
	}
	slices.SortStableFunc(out[1:], func(a, b *questionnaire.Questionnaire) int { return compareVersions(b.Version, a.Version) })
	return out
}

// compareVersions compares dotted versions number by number ("1.10" after "1.9").
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		an, aerr := strconv.Atoi(as[i])
		bn, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			if an != bn {
				return an - bn
			}
			continue
		}
		if c := strings.Compare(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return len(as) - len(bs)
}

// draft is a release being made: every cell's value, and the relations a reader knows.
type draft struct {
	r      *Release
	ids    []string
	index  map[string]int
	values []int64
	rels   [][]term
	// derived cells are sums of other cells (totals); with noise they are computed from the
	// noisy parts rather than noised themselves.
	derived map[int][]int
}

type term struct {
	cell int
	coef uint64
}

func (d *draft) cell(id string) int {
	if i, ok := d.index[id]; ok {
		return i
	}
	d.index[id] = len(d.ids)
	d.ids = append(d.ids, id)
	d.values = append(d.values, 0)
	return len(d.ids) - 1
}

func (d *draft) add(id string, n int64) { d.values[d.cell(id)] += n }

// sum records that total is the sum of parts.
func (d *draft) sum(total string, parts []string) {
	t := d.cell(total)
	row := []term{{t, prime - 1}}
	var ps []int
	for _, p := range parts {
		row = append(row, term{d.cell(p), 1})
		ps = append(ps, d.cell(p))
	}
	d.rels = append(d.rels, row)
	if d.derived == nil {
		d.derived = map[int][]int{}
	}
	d.derived[t] = ps
}

func (d *draft) dense() [][]uint64 {
	out := make([][]uint64, len(d.rels))
	for i, r := range d.rels {
		row := make([]uint64, len(d.ids))
		for _, t := range r {
			row[t.cell] = (row[t.cell] + t.coef) % prime
		}
		out[i] = row
	}
	return out
}

// Cell ids outside the blocks.
func periodCell(p string) string        { return "period:" + p }
func placeCell(lang, reg string) string { return "place:" + lang + ":" + reg }
func langCell(lang string) string       { return "lang:" + lang }
func regionCell(reg string) string      { return "region:" + reg }

// Totals. Without noise, a total that several tables show is one cell, so it is withheld in
// all of them or none. With noise each table's total is the sum of its own noisy parts.
func (d *draft) totalID(table string) string {
	if d.r.Params.Epsilon == 0 {
		return "total"
	}
	return "total:" + table
}

func (d *draft) levelTotalID(q string) string {
	if d.r.Params.Epsilon == 0 {
		return qTotalCell(q)
	}
	return "total:level:" + q
}

// fill creates every cell of the release, zeros included, with its true count, and the sums
// that define totals.
func (d *draft) fill(pc []store.PeriodCount, kc []store.KeyCount) error {
	r := d.r
	byQ := map[string]*block{}
	for _, b := range r.blocks {
		byQ[b.id] = b
	}
	known := func(q, v string) bool {
		b := byQ[q]
		return b != nil && slices.ContainsFunc(b.versions, func(x *questionnaire.Questionnaire) bool { return x.Version == v })
	}
	// Cells in table order, parts before totals: ties in choosing complements go to parts.
	var periodIDs []string
	for _, p := range r.Periods {
		periodIDs = append(periodIDs, periodCell(p))
		d.cell(periodCell(p))
	}
	var langIDs, regionIDs []string
	for _, l := range r.langs {
		for _, g := range r.regions {
			d.cell(placeCell(l, g))
		}
		langIDs = append(langIDs, langCell(l))
	}
	for _, g := range r.regions {
		regionIDs = append(regionIDs, regionCell(g))
	}
	inPeriods := map[string]bool{}
	for _, p := range r.Periods {
		inPeriods[p] = true
	}
	counts := map[string]map[string]versionCounts{}
	for _, c := range pc {
		if !known(c.Questionnaire, c.Version) || !inPeriods[c.Period] ||
			!slices.Contains(r.langs, c.Lang) || !slices.Contains(r.regions, c.Region) {
			continue
		}
		d.add(periodCell(c.Period), c.N)
		d.add(placeCell(c.Lang, c.Region), c.N)
		vc := versionCountsOf(counts, c.Questionnaire, c.Version)
		vc["responses/"] += c.N
	}
	for _, c := range kc {
		if !known(c.Questionnaire, c.Version) {
			continue
		}
		versionCountsOf(counts, c.Questionnaire, c.Version)[countKey(c.Metric, c.Key)] += c.N
	}
	var qTotals []string
	for _, b := range r.blocks {
		vals := b.assemble(counts[b.id])
		for i, id := range b.cells {
			if id == qTotalCell(b.id) {
				continue // a sum, made below
			}
			d.add(id, vals[i])
		}
		var vs []string
		for _, q := range b.versions {
			vs = append(vs, versionCell(b.id, q.Version))
		}
		d.sum(qTotalCell(b.id), vs)
		qTotals = append(qTotals, qTotalCell(b.id))
		var bands []string
		for _, s := range b.bands {
			bands = append(bands, bandCell(b.id, s))
		}
		if r.Params.Epsilon > 0 {
			d.sum(d.levelTotalID(b.id), bands)
		}
	}
	// Totals of the tables that cover everyone.
	for i, l := range r.langs {
		var row []string
		for _, g := range r.regions {
			row = append(row, placeCell(l, g))
		}
		d.sum(langIDs[i], row)
	}
	for i, g := range r.regions {
		var col []string
		for _, l := range r.langs {
			col = append(col, placeCell(l, g))
		}
		d.sum(regionIDs[i], col)
	}
	d.sum(d.totalID(TableByPeriod), periodIDs)
	d.sum(d.totalID(TableByLangRegion), langIDs)
	d.sum(d.totalID(TableByQuestionnaire), qTotals)
	d.computeDerived()
	return nil
}

func versionCountsOf(m map[string]map[string]versionCounts, q, v string) versionCounts {
	if m[q] == nil {
		m[q] = map[string]versionCounts{}
	}
	if m[q][v] == nil {
		m[q][v] = versionCounts{}
	}
	return m[q][v]
}

// computeDerived sets every total to the sum of its parts, totals of totals last.
func (d *draft) computeDerived() {
	done := map[int]bool{}
	var visit func(t int) int64
	visit = func(t int) int64 {
		parts, ok := d.derived[t]
		if !ok || done[t] {
			return d.values[t]
		}
		var s int64
		for _, p := range parts {
			s += visit(p)
		}
		d.values[t] = s
		done[t] = true
		return s
	}
	for t := range d.derived {
		visit(t)
	}
}

// addKnownRelations adds, for a release without noise, what a reader knows beyond the sums:
// the relations between a questionnaire's cells, found from its structure (see relations).
// It refuses to release a non-zero count in a cell the search never saw.
func (d *draft) addKnownRelations() error {
	for _, b := range d.r.blocks {
		rel := b.relations()
		for _, id := range rel.unseen {
			if d.values[d.index[id]] != 0 {
				return fmt.Errorf("stats: %s has responses in %s, which no synthetic response reached: cannot protect it", b.id, id)
			}
		}
		cols := make([]int, len(b.cells))
		for i, id := range b.cells {
			cols[i] = d.cell(id)
		}
		for _, row := range rel.rows {
			var ts []term
			for i, c := range row {
				if c != 0 {
					ts = append(ts, term{cols[i], c})
				}
			}
			d.rels = append(d.rels, ts)
		}
	}
	return nil
}
