package statsview

import (
	"slices"

	"github.com/ketascreen/ketascreen/internal/stats"
)

// layout lays the summed estimates out as the view's tables, post-processing each table so
// that its figures are whole, never negative, and its totals the sums of its cells. A
// questionnaire's responses are the sum of its level cells; every table of that questionnaire
// adds up to the same total.
func (v *View) layout(byQ map[string]*acc, labels []string, periods, places map[string]*estimate) {
	qids := slices.DeleteFunc(slices.Clone(v.Params.Questionnaires), func(id string) bool { return byQ[id] == nil })
	qTotals := map[string]int64{}
	var total int64
	var totalEst estimate
	for _, id := range qids {
		a := byQ[id]
		qTotals[id] = max(0, int64(a.responses.sum+0.5))
		total += qTotals[id]
		totalEst.add(a.responses)
	}
	v.responses = totalEst

	// Responses by period: every period of the releases used, in order.
	v.Periods = labels
	t := &Table{ID: TableByPeriod}
	v.fitRows(t, labels, periods, total, "responses")
	t.Entries = append(t.Entries, Entry{Total, "responses", v.cell(total, totalEst)})
	v.Tables = append(v.Tables, t)

	// Responses by questionnaire and version.
	t = &Table{ID: TableByQuestionnaire}
	for _, id := range qids {
		a := byQ[id]
		var vs []string
		for ver := range a.versions {
			vs = append(vs, ver)
		}
		slices.SortFunc(vs, func(x, y string) int { return stats.CompareVersions(y, x) })
		rows, ests := []string{}, map[string]*estimate{}
		for _, ver := range vs {
			rows = append(rows, id+"@"+ver)
			ests[id+"@"+ver] = a.versions[ver]
		}
		v.fitRows(t, rows, ests, qTotals[id], "responses")
		t.Entries = append(t.Entries, Entry{id, "responses", v.cell(qTotals[id], a.responses)})
	}
	t.Entries = append(t.Entries, Entry{Total, "responses", v.cell(total, totalEst)})
	v.Tables = append(v.Tables, t)

	v.Tables = append(v.Tables, v.placeTable(places, total, totalEst))

	for _, id := range qids {
		a, qt := byQ[id], qTotals[id]
		if len(a.bands) > 0 {
			t = &Table{ID: TableByLevel, Questionnaire: id}
			v.fitRows(t, a.bands, a.level, qt, "responses")
			t.Entries = append(t.Entries, Entry{Total, "responses", v.cell(qt, a.responses)})
			v.Tables = append(v.Tables, t)
		}
		t = &Table{ID: TableByFlag, Questionnaire: id}
		for _, f := range a.flagIDs {
			t.Entries = append(t.Entries, Entry{f, "responses", v.cell(clamp(*a.flags[f], qt), *a.flags[f])})
		}
		v.Tables = append(v.Tables, t)
		options, signs := v.optionTables(id, a, qt)
		v.Tables = append(v.Tables, signs, options)
	}
}

// fitRows adds one entry per row, fitted to add up to total.
func (v *View) fitRows(t *Table, rows []string, ests map[string]*estimate, total int64, column string) {
	es := make([]estimate, len(rows))
	for i, r := range rows {
		if e := ests[r]; e != nil {
			es[i] = *e
		}
	}
	for i, n := range fit(es, total) {
		t.Entries = append(t.Entries, Entry{rows[i], column, v.cell(n, es[i])})
	}
}

// placeTable is responses by language (rows) and region (columns), with totals.
func (v *View) placeTable(places map[string]*estimate, total int64, totalEst estimate) *Table {
	t := &Table{ID: TableByLangRegion}
	est := func(k string) estimate {
		if p := places[k]; p != nil {
			return *p
		}
		return estimate{}
	}
	var keys []string
	var ests []estimate
	for _, l := range v.Params.Langs {
		for _, g := range v.Params.Regions {
			keys = append(keys, l+":"+g)
			ests = append(ests, est(l+":"+g))
		}
	}
	vals := fit(ests, total)
	byKey := map[string]int{}
	for i, k := range keys {
		byKey[k] = i
	}
	colSum := make([]int64, len(v.Params.Regions))
	for _, l := range v.Params.Langs {
		var rowSum int64
		for j, g := range v.Params.Regions {
			i := byKey[l+":"+g]
			t.Entries = append(t.Entries, Entry{l, g, v.cell(vals[i], ests[i])})
			rowSum += vals[i]
			colSum[j] += vals[i]
		}
		t.Entries = append(t.Entries, Entry{l, Total, v.cell(rowSum, est(l+":"+Total))})
	}
	for j, g := range v.Params.Regions {
		t.Entries = append(t.Entries, Entry{Total, g, v.cell(colSum[j], est(Total+":"+g))})
	}
	t.Entries = append(t.Entries, Entry{Total, Total, v.cell(total, totalEst)})
	return t
}

// optionTables are the answers to each item (a single-choice item's options add up to how
// many were asked it, at most the responses) and the warning signs, each the sum of its item's
// options that make it, as fitted.
func (v *View) optionTables(id string, a *acc, qt int64) (options, signs *Table) {
	options = &Table{ID: TableOptions, Questionnaire: id}
	signs = &Table{ID: TableWarningSigns, Questionnaire: id}
	for _, it := range a.items {
		es := make([]estimate, len(it.Codes))
		var asked estimate
		for i, c := range it.Codes {
			es[i] = *a.options[it.ID+"="+c]
			asked.add(es[i])
		}
		vals := make([]int64, len(it.Codes))
		if it.Multiple {
			for i := range es {
				vals[i] = clamp(es[i], qt)
			}
		} else {
			vals = fit(es, clamp(asked, qt))
		}
		var sign int64
		var signEst estimate
		for i, c := range it.Codes {
			options.Entries = append(options.Entries, Entry{it.ID, c, v.cell(vals[i], es[i])})
			if slices.Contains(it.Signs, c) {
				sign += vals[i]
				signEst.add(es[i])
			}
		}
		if len(it.Signs) > 0 {
			signs.Entries = append(signs.Entries, Entry{it.ID, "responses", v.cell(sign, signEst)})
		}
	}
	return options, signs
}
