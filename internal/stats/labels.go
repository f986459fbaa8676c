package stats

import "strings"

// Labels give the words for a table's rows and columns in a language, from the questionnaire
// and resources files. Totals, periods, languages and "responses" have no label here: the
// interface's message catalogue names them.

// RowLabel is the label of an entry's row, or "".
func (r *Release) RowLabel(t *Table, e Entry, lang string) string {
	b := r.block(t.Questionnaire)
	switch {
	case e.Row == Total:
		return ""
	case t.ID == TableByQuestionnaire:
		id, version, _ := strings.Cut(e.Row, "@")
		if b := r.block(id); b != nil {
			title := b.versions[0].Title.In(lang)
			if version != "" {
				return title + " " + version
			}
			return title
		}
	case b == nil:
	case t.ID == TableByLevel:
		for _, q := range b.versions {
			if s := q.LevelScore(); s != nil {
				for _, band := range s.Bands {
					if band.ID == e.Row {
						return band.Label.In(lang)
					}
				}
			}
		}
	case t.ID == TableByFlag:
		for _, q := range b.versions {
			if f := q.Flag(e.Row); f != nil {
				return f.Title.In(lang)
			}
		}
	case t.ID == TableWarningSigns || t.ID == TableOptions:
		return b.itemPrompt(e.Row, lang)
	}
	return ""
}

// ColumnLabel is the label of an entry's column, or "".
func (r *Release) ColumnLabel(t *Table, e Entry, lang string) string {
	switch {
	case e.Column == Total:
		return ""
	case t.ID == TableByLangRegion:
		if r.resources != nil && r.resources.HasRegion(e.Column) {
			return r.resources.Region(e.Column).Name.In(lang)
		}
	case t.ID == TableOptions:
		if b := r.block(t.Questionnaire); b != nil {
			return b.optionLabel(e.Row, e.Column, lang)
		}
	}
	return ""
}

// QuestionnaireTitle is the title of a questionnaire of the release.
func (r *Release) QuestionnaireTitle(id, lang string) string {
	if b := r.block(id); b != nil {
		return b.versions[0].Title.In(lang)
	}
	return id
}

func (r *Release) block(id string) *block {
	for _, b := range r.blocks {
		if b.id == id {
			return b
		}
	}
	return nil
}
