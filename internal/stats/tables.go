package stats

// tables lays the cells out as the release's tables.
func (d *draft) tables(sup []bool) {
	r := d.r
	e := func(row, col, id string) Entry {
		i := d.index[id]
		if sup[i] {
			return Entry{Row: row, Column: col, Cell: Cell{Suppressed: true}, id: id}
		}
		return Entry{Row: row, Column: col, Cell: Cell{Value: d.values[i]}, id: id}
	}
	for _, s := range sup {
		if s {
			r.Suppressed++
		}
	}
	// Cells shown in several tables (a total) are counted once above.
	t := &Table{ID: TableByPeriod}
	for _, p := range r.Periods {
		t.Entries = append(t.Entries, e(p, "responses", periodCell(p)))
	}
	t.Entries = append(t.Entries, e(Total, "responses", d.totalID(TableByPeriod)))
	r.Tables = append(r.Tables, t)

	t = &Table{ID: TableByQuestionnaire}
	for _, b := range r.blocks {
		for _, q := range b.versions {
			t.Entries = append(t.Entries, e(b.id+"@"+q.Version, "responses", versionCell(b.id, q.Version)))
		}
		t.Entries = append(t.Entries, e(b.id, "responses", qTotalCell(b.id)))
	}
	t.Entries = append(t.Entries, e(Total, "responses", d.totalID(TableByQuestionnaire)))
	r.Tables = append(r.Tables, t)

	t = &Table{ID: TableByLangRegion}
	for _, l := range r.langs {
		for _, g := range r.regions {
			t.Entries = append(t.Entries, e(l, g, placeCell(l, g)))
		}
		t.Entries = append(t.Entries, e(l, Total, langCell(l)))
	}
	for _, g := range r.regions {
		t.Entries = append(t.Entries, e(Total, g, regionCell(g)))
	}
	t.Entries = append(t.Entries, e(Total, Total, d.totalID(TableByLangRegion)))
	r.Tables = append(r.Tables, t)

	for _, b := range r.blocks {
		t = &Table{ID: TableByLevel, Questionnaire: b.id}
		for _, s := range b.bands {
			t.Entries = append(t.Entries, e(s, "responses", bandCell(b.id, s)))
		}
		t.Entries = append(t.Entries, e(Total, "responses", d.levelTotalID(b.id)))
		r.Tables = append(r.Tables, t)

		t = &Table{ID: TableByFlag, Questionnaire: b.id}
		for _, f := range b.flags {
			t.Entries = append(t.Entries, e(f, "responses", flagCell(b.id, f)))
		}
		r.Tables = append(r.Tables, t)

		t = &Table{ID: TableWarningSigns, Questionnaire: b.id}
		for _, s := range b.signs {
			t.Entries = append(t.Entries, e(s, "responses", signCell(b.id, s)))
		}
		r.Tables = append(r.Tables, t)

		t = &Table{ID: TableOptions, Questionnaire: b.id}
		for _, io := range b.options {
			for _, c := range io.codes {
				t.Entries = append(t.Entries, e(io.item, c, optionCell(b.id, io.item, c)))
			}
		}
		r.Tables = append(r.Tables, t)
	}
}
