package statsview

import (
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/stats"
)

// Labels give the words for a table's rows and columns in a language, from the questionnaire
// and resources files: the newest version that has the thing, or its id when no version the
// catalog holds has it any more. Totals, periods, languages and "responses" have no label
// here: the interface's message catalogue names them.

// RowLabel is the label of an entry's row, or "".
func (v *View) RowLabel(t *Table, e Entry, lang string) string {
	if e.Row == Total || v.cat == nil {
		return ""
	}
	if t.ID == TableByQuestionnaire {
		id, version, _ := strings.Cut(e.Row, "@")
		if q := v.cat.Latest(id); q != nil {
			if version != "" {
				return q.Title.In(lang) + " " + version
			}
			return q.Title.In(lang)
		}
		return ""
	}
	if t.ID == TableByFlag {
		clinical := v.find(t.Questionnaire, func(q *questionnaire.Questionnaire) string {
			if f := q.Flag(e.Row); f != nil {
				return f.ClinicianLabel.In(lang)
			}
			return ""
		})
		if clinical != "" {
			return clinical
		}
	}
	return v.find(t.Questionnaire, func(q *questionnaire.Questionnaire) string {
		switch t.ID {
		case TableByLevel:
			if s := q.LevelScore(); s != nil {
				for _, b := range s.Bands {
					if b.ID == e.Row {
						return b.Label.In(lang)
					}
				}
			}
		case TableByFlag:
			if f := q.Flag(e.Row); f != nil {
				return flagLabel(f, lang)
			}
		case TableWarningSigns, TableOptions:
			if it := q.Item(e.Row); it != nil {
				return strings.TrimSpace(it.Prompt.In(lang))
			}
		}
		return ""
	})
}

// ColumnLabel is the label of an entry's column, or "".
func (v *View) ColumnLabel(t *Table, e Entry, lang string) string {
	if e.Column == Total || v.cat == nil {
		return ""
	}
	switch t.ID {
	case TableByLangRegion:
		if v.cat.Resources != nil && v.cat.Resources.HasRegion(e.Column) {
			return v.cat.Resources.Region(e.Column).Name.In(lang)
		}
	case TableOptions:
		return v.find(t.Questionnaire, func(q *questionnaire.Questionnaire) string {
			if it := q.Item(e.Row); it != nil {
				if o := it.Option(e.Column); o != nil {
					return o.Label.In(lang)
				}
				if it.Type == questionnaire.Number {
					return stats.NumberBandLabel(it, e.Column, lang)
				}
			}
			return ""
		})
	}
	return ""
}

// QuestionnaireTitle is the title of a questionnaire, or its id.
func (v *View) QuestionnaireTitle(id, lang string) string {
	if v.cat != nil {
		if q := v.cat.Latest(id); q != nil {
			return q.Title.In(lang)
		}
	}
	return id
}

// find asks each version of a questionnaire that the view summed, newest first, for a label.
func (v *View) find(id string, label func(*questionnaire.Questionnaire) string) string {
	var versions []string
	for _, r := range v.Releases {
		if r.Questionnaire == id {
			addOnce(&versions, r.Version)
		}
	}
	for i := len(versions) - 1; i >= 0; i-- {
		if q := v.cat.Version(id, versions[i]); q != nil {
			if s := label(q); s != "" {
				return s
			}
		}
	}
	if q := v.cat.Latest(id); q != nil {
		return label(q)
	}
	return ""
}

// flagLabel names a flag in the statistics, which staff read: its clinician label ("Current
// suicidal thoughts reported") when the version has one, else its title (written for the person
// who answered). RowLabel asks every version for a clinician label before any title, so a flag
// of an older version is named as the newest names it.
func flagLabel(f *questionnaire.Flag, lang string) string {
	if s := f.ClinicianLabel.In(lang); s != "" {
		return s
	}
	return f.Title.In(lang)
}
