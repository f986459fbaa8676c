package statsview

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
)

// Source is where views read releases from: the store's releases (releasedb.DB).
type Source interface {
	Releases(ctx context.Context, f releasedb.ReleaseFilter) ([]*releasedb.Release, error)
}

// Query makes the view the parameters ask for, from stored releases only: the releases of the
// chosen questionnaires whose days touch the range, summed over the chosen languages and
// regions. A *stats.ParamError means the parameters were wrong, or that no release covers them
// (code no_release); any other error is internal.
func Query(ctx context.Context, src Source, cat *catalog.Catalog, p Params, now time.Time) (*View, error) {
	from, to, err := p.check(cat)
	if err != nil {
		return nil, err
	}
	if len(p.Questionnaires) == 0 {
		p.Questionnaires = cat.IDs()
	}
	if len(p.Langs) == 0 {
		p.Langs = catalogLangs(cat, p.Questionnaires)
	}
	if len(p.Regions) == 0 {
		p.Regions = stats.RegionIDs(cat)
	}
	stored, err := src.Releases(ctx, releasedb.ReleaseFilter{Questionnaires: p.Questionnaires,
		From: store.Day(from), To: store.Day(to)})
	if err != nil {
		return nil, err
	}
	rs, err := current(stored)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, paramErr("no_release", "no statistics have been released for %s to %s: a week or month is released the day after it ends",
			from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	v := &View{Params: p, Generated: stats.WeekOf(now), cat: cat}
	v.sum(rs)
	return v, nil
}

// decoded is a stored release and its content.
type decoded struct {
	*releasedb.Release
	f     *stats.Release
	first time.Time
	last  time.Time
}

// current decodes the releases and keeps, where releases overlap (a period released again,
// or weeks and months of the same days), only the newest: a re-release replaces what a
// reader sees, while the ledger still counts both.
func current(stored []*releasedb.Release) ([]*decoded, error) {
	var out []*decoded
	sort.SliceStable(stored, func(i, j int) bool { return stored[i].LedgerID > stored[j].LedgerID })
	for _, r := range stored {
		f, err := decodeRelease(r.Body)
		if err != nil {
			return nil, fmt.Errorf("release %d is damaged: %w", r.ID, err)
		}
		d := &decoded{Release: r, f: f}
		var err1, err2 error
		d.first, err1 = time.Parse(time.DateOnly, r.FirstDay)
		d.last, err2 = time.Parse(time.DateOnly, r.LastDay)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("release %d has bad days %q to %q", r.ID, r.FirstDay, r.LastDay)
		}
		newer := slices.ContainsFunc(out, func(o *decoded) bool {
			return o.Questionnaire == r.Questionnaire && o.LedgerID != r.LedgerID &&
				!o.first.After(d.last) && !d.first.After(o.last)
		})
		if !newer {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].first.Equal(out[j].first) {
			return out[i].first.Before(out[j].first)
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// seriesLabel is the period a release adds to in the time series: its own, or, for a weekly
// release in a monthly series, the month of its Thursday (as ISO weeks belong to years).
func (v *View) seriesLabel(d *decoded) string {
	if v.Params.By == stats.ByMonth && strings.Contains(d.Period, "-W") {
		return stats.PeriodOf(stats.ByWeek, d.first).First.AddDate(0, 0, 3).Format("2006-01")
	}
	return d.Period
}

// acc gathers the estimates of one questionnaire across releases.
type acc struct {
	responses estimate
	versions  map[string]*estimate
	level     map[string]*estimate
	flags     map[string]*estimate
	options   map[string]*estimate // item=code
	items     []stats.LayoutItem   // every item of the versions summed, in order of first appearance
	bands     []string
	flagIDs   []string
}

func get(m map[string]*estimate, k string) *estimate {
	if m[k] == nil {
		m[k] = &estimate{}
	}
	return m[k]
}

// sum adds the releases up over the chosen languages and regions, then lays out the tables.
func (v *View) sum(rs []*decoded) {
	byQ := map[string]*acc{}
	periods := map[string]*estimate{}
	places := map[string]*estimate{} // lang:region
	var labels []string
	for _, d := range rs {
		if v.Start.IsZero() || d.first.Before(v.Start) {
			v.Start = d.first
		}
		if d.last.After(v.End) {
			v.End = d.last
		}
		f := d.f
		l := &f.Layout
		used := ReleaseUsed{ID: d.ID, Questionnaire: d.Questionnaire, Version: d.Version, Period: d.Period,
			Mechanism: f.Mechanism, Epsilon: f.Epsilon, Delta: f.Delta}
		for _, pn := range f.Noise {
			used.Parts = append(used.Parts, stats.PartNoise(pn))
		}
		v.Releases = append(v.Releases, used)
		a := byQ[d.Questionnaire]
		if a == nil {
			a = &acc{versions: map[string]*estimate{}, level: map[string]*estimate{}, flags: map[string]*estimate{},
				options: map[string]*estimate{}}
			byQ[d.Questionnaire] = a
		}
		var sel []int
		for _, lang := range v.Params.Langs {
			for _, reg := range v.Params.Regions {
				if s := l.Slice(lang, reg); s >= 0 {
					sel = append(sel, s)
				}
			}
		}
		noiseOf := map[string]stats.PartNoise{}
		for _, pn := range f.Noise {
			noiseOf[pn.Part] = pn
		}
		// sumOver is a measured cell summed over slices, with its variance.
		sumOver := func(part string, row int, slices []int) estimate {
			var e estimate
			off := l.Offset(part)
			for _, s := range slices {
				e.sum += float64(f.Values[s][off+row])
			}
			if len(slices) > 0 {
				e.v = f.Variance(noiseOf[part], len(slices))
			}
			return e
		}
		responses := func(slices []int) estimate {
			var e estimate
			for i := range l.Rows(stats.PartLevel) {
				e.add(sumOver(stats.PartLevel, i, slices))
			}
			return e
		}
		r := responses(sel)
		a.responses.add(r)
		get(a.versions, d.Version).add(r)
		get(periods, v.seriesLabel(d)).add(r)
		addOnce(&labels, v.seriesLabel(d))
		// Each language's and region's total is estimated over its slices together: reconciled
		// slices are correlated, so their variances do not simply add.
		byLang, byRegion := map[string][]int{}, map[string][]int{}
		for _, s := range sel {
			lang, reg := l.Languages[s/len(l.Regions)], l.Regions[s%len(l.Regions)]
			get(places, lang+":"+reg).add(responses([]int{s}))
			byLang[lang], byRegion[reg] = append(byLang[lang], s), append(byRegion[reg], s)
		}
		for lang, ss := range byLang {
			get(places, lang+":"+Total).add(responses(ss))
		}
		for reg, ss := range byRegion {
			get(places, Total+":"+reg).add(responses(ss))
		}
		for i, b := range l.Bands {
			get(a.level, b).add(sumOver(stats.PartLevel, i, sel))
			addOnce(&a.bands, b)
		}
		for i, fl := range l.Flags {
			get(a.flags, fl).add(sumOver(stats.PartFlags, i, sel))
			addOnce(&a.flagIDs, fl)
		}
		i := 0
		for _, it := range l.Items {
			j := slices.IndexFunc(a.items, func(x stats.LayoutItem) bool { return x.ID == it.ID })
			if j < 0 {
				a.items = append(a.items, stats.LayoutItem{ID: it.ID, Multiple: it.Multiple})
				j = len(a.items) - 1
			}
			for _, c := range it.Codes {
				get(a.options, it.ID+"="+c).add(sumOver(stats.PartOptions, i, sel))
				addOnce(&a.items[j].Codes, c)
				i++
			}
			for _, c := range it.Signs {
				addOnce(&a.items[j].Signs, c)
			}
		}
	}
	v.layout(byQ, labels, periods, places)
}

func addOnce(list *[]string, s string) {
	if !slices.Contains(*list, s) {
		*list = append(*list, s)
	}
}
