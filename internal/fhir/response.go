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
	qr.Item = answerItems(q, r.Answers, lang, base)
	qr.Item = append(qr.Item, resultAnswers(r, lang, base, l))
	return qr
}

// answerItems are the answers, grouped by section.
func answerItems(q *questionnaire.Questionnaire, a questionnaire.Answers, lang, base string) []ResponseItem {
	var out []ResponseItem
	for _, sec := range q.Sections {
		g := ResponseItem{LinkID: sectionLink(sec.ID), Text: sec.Title.In(lang)}
		for _, it := range sec.Items {
			codes := a[it.ID]
			if len(codes) == 0 {
				continue
			}
			ri := ResponseItem{LinkID: it.ID, Text: it.Prompt.In(lang)}
			if it.Type == questionnaire.Number {
				if v, ok := questionnaire.NumberValue(codes); ok {
					ri.Answer = append(ri.Answer, Answer{ValueInteger: ptr(v)})
				}
			}
			for _, code := range codes {
				if o := it.Option(code); o != nil {
					ri.Answer = append(ri.Answer, Answer{ValueCoding: ptr(optionCoding(base, q, it, o, lang))})
				}
			}
			if len(ri.Answer) > 0 {
				g.Item = append(g.Item, ri)
			}
		}
		if len(g.Item) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// resultAnswers is the result group: every score that has a value, every band, the flags and
// the DSM-5 criteria met.
func resultAnswers(r *questionnaire.Result, lang, base string, l Labels) ResponseItem {
	q := r.Questionnaire
	res := ResponseItem{LinkID: ResultGroup, Text: l("clinician.fhir.result")}
	for _, s := range q.Scores {
		if v, ok := r.Scores[s.ID]; ok {
			res.Item = append(res.Item, ResponseItem{LinkID: scoreLink(s.ID), Text: s.Label.In(lang), Answer: []Answer{{ValueInteger: ptr(v)}}})
		}
	}
	for _, s := range bandScores(q) {
		v, ok := r.Scores[s.ID]
		if !ok {
			continue
		}
		text := s.Label.In(lang)
		if s == q.LevelScore() {
			text = l("clinician.level")
		}
		b := s.Band(v)
		res.Item = append(res.Item, ResponseItem{LinkID: bandLink(q, s), Text: text, Answer: []Answer{{ValueCoding: ptr(bandCoding(base, q, s, b, lang))}}})
	}
	if len(r.Flags) > 0 {
		fi := ResponseItem{LinkID: FlagsItem, Text: l("clinician.flags")}
		for _, f := range r.Flags {
			fi.Answer = append(fi.Answer, Answer{ValueCoding: ptr(flagCoding(base, q, f, lang, l))})
		}
		res.Item = append(res.Item, fi)
	}
	if !q.MapsDSM5() {
		return res
	}
	res.Item = append(res.Item, ResponseItem{LinkID: DSM5CountItem, Text: l("clinician.fhir.dsm5_count"),
		Answer: []Answer{{ValueInteger: ptr(len(r.Criteria))}}})
	if len(r.Criteria) > 0 {
		ci := ResponseItem{LinkID: DSM5Item, Text: l("clinician.fhir.dsm5_criteria")}
		for _, c := range r.Criteria {
			ci.Answer = append(ci.Answer, Answer{ValueCoding: &Coding{System: dsm5System(base), Code: c, Display: l("clinician.dsm5." + c)}})
		}
		res.Item = append(res.Item, ci)
	}
	return res
}
