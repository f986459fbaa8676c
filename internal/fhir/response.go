package fhir

import (
	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// ResponseInfo is what a response keeps besides its answers.
type ResponseInfo struct {
	ID  string
	Day string // YYYY-MM-DD
}

// NewResponse is a scored response as an R4 QuestionnaireResponse: the answered items grouped
// by section (items that were not asked, or not answered, are absent, as R4 requires), then
// the result group. It names no person: there is no subject.
func NewResponse(r *questionnaire.Result, info ResponseInfo, lang, base string, l Labels) *QuestionnaireResponse {
	q := r.Questionnaire
	qr := &QuestionnaireResponse{
		ResourceType: "QuestionnaireResponse", ID: resourceID(info.ID), Language: lang,
		Questionnaire: Canonical(base, q) + "|" + q.Version, Status: "completed", Authored: info.Day,
	}
	for _, sec := range q.Sections {
		g := ResponseItem{LinkID: sectionLink(sec.ID), Text: sec.Title.In(lang)}
		for _, it := range sec.Items {
			codes := r.Answers[it.ID]
			if len(codes) == 0 {
				continue
			}
			ri := ResponseItem{LinkID: it.ID, Text: it.Prompt.In(lang)}
			for _, code := range codes {
				if o := it.Option(code); o != nil {
					ri.Answer = append(ri.Answer, Answer{ValueCoding: ptr(optionCoding(base, q, it, o, lang))})
				}
			}
			g.Item = append(g.Item, ri)
		}
		if len(g.Item) > 0 {
			qr.Item = append(qr.Item, g)
		}
	}

	res := ResponseItem{LinkID: resultGroup, Text: l("clinician.fhir.result")}
	for _, s := range q.Scores {
		res.Item = append(res.Item, ResponseItem{LinkID: scoreLink(s.ID), Text: s.Label.In(lang),
			Answer: []Answer{{ValueInteger: ptr(r.Scores[s.ID])}}})
	}
	if r.Level != nil {
		res.Item = append(res.Item, ResponseItem{LinkID: levelItem, Text: l("clinician.level"),
			Answer: []Answer{{ValueCoding: &Coding{System: system(base, q, "level"), Code: r.Level.ID, Display: r.Level.Label.In(lang)}}}})
	}
	if len(r.Flags) > 0 {
		fi := ResponseItem{LinkID: flagsItem, Text: l("clinician.flags")}
		for _, f := range r.Flags {
			fi.Answer = append(fi.Answer, Answer{ValueCoding: &Coding{System: system(base, q, "flag"), Code: f.ID, Display: flagLabel(f, lang, l)}})
		}
		res.Item = append(res.Item, fi)
	}
	res.Item = append(res.Item, ResponseItem{LinkID: dsm5CountItem, Text: l("clinician.fhir.dsm5_count"),
		Answer: []Answer{{ValueInteger: ptr(len(r.Criteria))}}})
	if len(r.Criteria) > 0 {
		ci := ResponseItem{LinkID: dsm5Item, Text: l("clinician.fhir.dsm5_criteria")}
		for _, c := range r.Criteria {
			ci.Answer = append(ci.Answer, Answer{ValueCoding: &Coding{System: dsm5System(base), Code: c, Display: l("clinician.dsm5." + c)}})
		}
		res.Item = append(res.Item, ci)
	}
	qr.Item = append(qr.Item, res)
	return qr
}
