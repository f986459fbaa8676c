package fhir

import (
	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// NewQuestionnaire is the questionnaire as an R4 Questionnaire in one language: a group per
// section (with its skip logic), a choice question per item, and a read-only "result" group
// for the scores, the level, the flags and the DSM-5 count.
func NewQuestionnaire(q *questionnaire.Questionnaire, lang, base string, l Labels) *Questionnaire {
	fq := &Questionnaire{
		ResourceType: "Questionnaire", ID: resourceID(q.ID + "-" + q.Version), Language: lang,
		URL: Canonical(base, q), Version: q.Version, Name: name(q.ID), Title: q.Title.In(lang),
		Status: "active", SubjectType: []string{"Patient"}, Publisher: "ketascreen", Description: q.Notice.In(lang),
	}
	for _, sec := range q.Sections {
		g := Item{LinkID: sectionLink(sec.ID), Text: sec.Title.In(lang), Type: "group"}
		g.EnableWhen, g.EnableBehavior = enableWhen(base, q, sec.ShowIf)
		for _, it := range sec.Items {
			fi := Item{LinkID: it.ID, Text: it.Prompt.In(lang), Type: "choice", Required: ptr(it.IsRequired())}
			if it.Type == questionnaire.Multiple {
				fi.Repeats = ptr(true)
			}
			if it.DSM5 != "" {
				fi.Code = []Coding{{System: dsm5System(base), Code: it.DSM5, Display: l("clinician.dsm5." + it.DSM5)}}
			}
			fi.EnableWhen, fi.EnableBehavior = enableWhen(base, q, it.ShowIf)
			for _, o := range it.Options {
				fi.AnswerOption = append(fi.AnswerOption, AnswerOption{optionCoding(base, q, it, o, lang)})
			}
			g.Item = append(g.Item, fi)
		}
		fq.Item = append(fq.Item, g)
	}
	fq.Item = append(fq.Item, resultItems(q, lang, base, l))
	return fq
}

func optionCoding(base string, q *questionnaire.Questionnaire, it *questionnaire.Item, o *questionnaire.Option, lang string) Coding {
	return Coding{System: system(base, q, it.ID), Code: o.Code, Display: o.Label.In(lang)}
}

// resultItems are the read-only items a response carries its scoring in.
func resultItems(q *questionnaire.Questionnaire, lang, base string, l Labels) Item {
	g := Item{LinkID: resultGroup, Text: l("clinician.fhir.result"), Type: "group", ReadOnly: ptr(true)}
	for _, s := range q.Scores {
		g.Item = append(g.Item, Item{LinkID: scoreLink(s.ID), Text: s.Label.In(lang), Type: "integer", ReadOnly: ptr(true),
			Code: []Coding{{System: system(base, q, "score"), Code: s.ID, Display: s.Label.In(lang)}}})
	}
	if lv := q.LevelScore(); lv != nil && len(lv.Bands) > 0 {
		level := Item{LinkID: levelItem, Text: l("clinician.level"), Type: "choice", ReadOnly: ptr(true)}
		for _, b := range lv.Bands {
			level.AnswerOption = append(level.AnswerOption, AnswerOption{Coding{System: system(base, q, "level"), Code: b.ID, Display: b.Label.In(lang)}})
		}
		g.Item = append(g.Item, level)
	}
	if len(q.Flags) > 0 {
		flags := Item{LinkID: flagsItem, Text: l("clinician.flags"), Type: "choice", Repeats: ptr(true), ReadOnly: ptr(true)}
		for _, f := range q.Flags {
			flags.AnswerOption = append(flags.AnswerOption, AnswerOption{Coding{System: system(base, q, "flag"), Code: f.ID, Display: flagLabel(f, lang, l)}})
		}
		g.Item = append(g.Item, flags)
	}
	g.Item = append(g.Item, Item{LinkID: dsm5CountItem, Text: l("clinician.fhir.dsm5_count"), Type: "integer", ReadOnly: ptr(true)})
	crit := Item{LinkID: dsm5Item, Text: l("clinician.fhir.dsm5_criteria"), Type: "choice", Repeats: ptr(true), ReadOnly: ptr(true)}
	for _, c := range questionnaire.DSM5Criteria {
		crit.AnswerOption = append(crit.AnswerOption, AnswerOption{Coding{System: dsm5System(base), Code: c, Display: l("clinician.dsm5." + c)}})
	}
	g.Item = append(g.Item, crit)
	return g
}

// flagLabel is a flag's name for clinicians: the questionnaire's clinician label ("Current
// suicidal thoughts reported"), else the catalogue's for the flags of versions written before
// there were clinician labels, else the flag's own title (written for respondents).
func flagLabel(f *questionnaire.Flag, lang string, l Labels) string {
	if s := f.ClinicianLabel.In(lang); s != "" {
		return s
	}
	key := "clinician.flag." + f.ID
	if s := l(key); s != key && s != "" {
		return s
	}
	return f.Title.In(lang)
}

// FlagLabel is exported for the summary page, so both say the same.
func FlagLabel(f *questionnaire.Flag, lang string, l Labels) string { return flagLabel(f, lang, l) }

// enableWhen turns skip logic into enableWhen conditions. Every condition the format allows in
// show_if maps, except an "all" inside an "any" (or the reverse), which R4's single
// enableBehavior cannot express: such items are left always enabled, and the response still
// holds only the answers that were asked.
func enableWhen(base string, q *questionnaire.Questionnaire, c *questionnaire.Condition) ([]EnableWhen, string) {
	if c == nil {
		return nil, ""
	}
	conds, behavior, ok := flatten(base, q, c)
	if !ok || len(conds) == 0 {
		return nil, ""
	}
	if len(conds) == 1 {
		behavior = ""
	}
	return conds, behavior
}

// flatten returns the conditions and how they combine ("all" or "any").
func flatten(base string, q *questionnaire.Questionnaire, c *questionnaire.Condition) ([]EnableWhen, string, bool) {
	switch {
	case c.Item != "" && len(c.AnyOf) > 0:
		var out []EnableWhen
		for _, code := range c.AnyOf {
			out = append(out, EnableWhen{Question: c.Item, Operator: "=", AnswerCoding: &Coding{System: system(base, q, c.Item), Code: code}})
		}
		return out, "any", true
	case c.Item != "":
		// Answered, and with none of the codes.
		out := []EnableWhen{{Question: c.Item, Operator: "exists", AnswerBoolean: ptr(true)}}
		for _, code := range c.NoneOf {
			out = append(out, EnableWhen{Question: c.Item, Operator: "!=", AnswerCoding: &Coding{System: system(base, q, c.Item), Code: code}})
		}
		return out, "all", true
	case c.All != nil || c.Any != nil:
		want, subs := "all", c.All
		if c.Any != nil {
			want, subs = "any", c.Any
		}
		var out []EnableWhen
		for _, sub := range subs {
			conds, b, ok := flatten(base, q, sub)
			if !ok || (len(conds) > 1 && b != want) {
				return nil, "", false
			}
			out = append(out, conds...)
		}
		return out, want, true
	}
	return nil, "", false
}
