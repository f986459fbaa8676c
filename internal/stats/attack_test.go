package stats

import (
	"context"
	"slices"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// readerRelations are the relations a reader of an exact release can write down by hand from
// the table layout and the published questionnaire, independently of how the code finds them:
// every total is the sum of its parts; every single-choice item has as many answers as people
// were asked it (from the skip logic, when it depends on one always-asked item); a warning
// sign is its "yes" option.
func readerRelations(r *Release, q *questionnaire.Questionnaire) [][]term {
	ids := map[string]int{}
	id := func(s string) int {
		if i, ok := ids[s]; ok {
			return i
		}
		ids[s] = len(ids)
		return ids[s]
	}
	for _, tb := range r.Tables {
		for _, e := range tb.Entries {
			id(e.id)
		}
	}
	var rels [][]term
	sum := func(total string, parts []string) {
		row := []term{{id(total), prime - 1}}
		for _, p := range parts {
			row = append(row, term{id(p), 1})
		}
		rels = append(rels, row)
	}
	// Table layout.
	for _, tb := range r.Tables {
		switch tb.ID {
		case TableByPeriod, TableByLevel:
			var parts []string
			var total string
			for _, e := range tb.Entries {
				if e.Row == Total {
					total = e.id
				} else {
					parts = append(parts, e.id)
				}
			}
			sum(total, parts)
		case TableByQuestionnaire:
			var versions, qs []string
			var total string
			for _, e := range tb.Entries {
				switch {
				case e.Row == Total:
					total = e.id
				case e.Row == q.ID:
					sum(e.id, versions)
					qs = append(qs, e.id)
				default:
					versions = append(versions, e.id)
				}
			}
			sum(total, qs)
		case TableByLangRegion:
			rows, cols := map[string][]string{}, map[string][]string{}
			rowTotal, colTotal := map[string]string{}, map[string]string{}
			for _, e := range tb.Entries {
				switch {
				case e.Row == Total && e.Column == Total:
					rowTotal[Total] = e.id
				case e.Column == Total:
					rowTotal[e.Row] = e.id
					cols[Total] = append(cols[Total], e.id)
				case e.Row == Total:
					colTotal[e.Column] = e.id
				default:
					rows[e.Row] = append(rows[e.Row], e.id)
					cols[e.Column] = append(cols[e.Column], e.id)
				}
			}
			for l, parts := range rows {
				sum(rowTotal[l], parts)
			}
			for g, parts := range cols {
				if g == Total {
					sum(rowTotal[Total], parts)
				} else {
					sum(colTotal[g], parts)
				}
			}
		}
	}
	// Skip logic.
	qTotal := qTotalCell(q.ID)
	option := func(item, code string) string { return optionCell(q.ID, item, code) }
	asked := func(c *questionnaire.Condition) []string {
		it := q.Item(c.Item)
		var out []string
		for _, o := range it.Options {
			if len(c.AnyOf) > 0 && slices.Contains(c.AnyOf, o.Code) || len(c.NoneOf) > 0 && !slices.Contains(c.NoneOf, o.Code) {
				out = append(out, option(c.Item, o.Code))
			}
		}
		return out
	}
	for _, it := range q.Items() {
		if it.Type != questionnaire.Single || !it.IsRequired() {
			continue
		}
		var parts []string
		for _, o := range it.Options {
			parts = append(parts, option(it.ID, o.Code))
		}
		conds := []*questionnaire.Condition{}
		for _, c := range []*questionnaire.Condition{it.Section().ShowIf, it.ShowIf} {
			if c != nil {
				conds = append(conds, c)
			}
		}
		switch {
		case len(conds) == 0:
			sum(qTotal, parts)
		case len(conds) == 1 && conds[0].Item != "":
			rel := []term{}
			for _, p := range parts {
				rel = append(rel, term{id(p), 1})
			}
			for _, a := range asked(conds[0]) {
				rel = append(rel, term{id(a), prime - 1})
			}
			rels = append(rels, rel)
		}
		if it.Domain == "warning_sign" {
			sum(signCell(q.ID, it.ID), []string{option(it.ID, "yes")})
		}
	}
	// Map the relations onto the release's cell order.
	return rels
}

// releaseValues lists the release's cells in the order readerRelations numbers them, with
// the true values from the unprotected draft.
func releaseCells(r *Release, d *draft) (values []int64, sup []bool) {
	seen := map[string]bool{}
	for _, tb := range r.Tables {
		for _, e := range tb.Entries {
			if seen[e.id] {
				continue
			}
			seen[e.id] = true
			values = append(values, d.values[d.index[e.id]])
			sup = append(sup, e.Suppressed)
		}
	}
	return values, sup
}

// TestNoSuppressedCellRecoverable releases small data sets (so that many cells are withheld)
// and plays the reader: by subtraction and by any rational combination of the relations
// above, no withheld cell can be worked out.
func TestNoSuppressedCellRecoverable(t *testing.T) {
	cat := shipped(t)
	q := cat.Latest(qid)
	for i, size := range []int{15, 40, 120, 400} {
		s := seed(t, cat, size, 3, uint64(10+i))
		p := params(3)
		r, err := Build(context.Background(), s.st, cat, p, day0)
		if err != nil {
			t.Fatal(err)
		}
		d := draftOf(t, s.st, cat, p)
		values, sup := releaseCells(r, d)
		rels := readerRelations(r, q)
		for j, v := range values {
			if !sup[j] && v >= 1 && v < DefaultK {
				t.Fatalf("%d responses: released %d", size, v)
			}
		}
		if j, ok := byRationalAlgebra(values, rels, sup); ok {
			t.Errorf("%d responses: cell %d (true value %d) can be worked out", size, j, values[j])
		}
		g := &grid{values: values, rels: rels}
		if j, ok := bySubtraction(g, sup); ok {
			t.Errorf("%d responses: cell %d can be worked out by subtraction", size, j)
		}
		n := 0
		for _, s := range sup {
			if s {
				n++
			}
		}
		t.Logf("%d responses: %d of %d cells withheld", size, n, len(sup))
	}
}
