package fhir

import (
	"slices"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// NewQuestionnaire is the questionnaire as an R4 Questionnaire in one language: a group per
// section (with its skip logic), a question per item, and a read-only "result" group with the
// scores, the bands, the flags and, when the questionnaire maps DSM-5 criteria, their count.
func NewQuestionnaire(q *questionnaire.Questionnaire, lang, base string, l Labels) *Questionnaire {
	fq := &Questionnaire{
		ResourceType: "Questionnaire", ID: resourceID(q.ID + "-" + q.Version), Language: lang,
		URL: Canonical(base, q), Version: q.Version, Name: name(q.ID), Title: q.Title.In(lang),
		Status: "active", SubjectType: []string{"Patient"}, Publisher: "ketascreen", Description: q.Notice.In(lang),
	}
	for _, s := range scoreOrder(q) {
		fq.Extension = append(fq.Extension, Extension{URL: ExtVariable, ValueExpression: fhirpathExpr(scoreVar(q, s.ID), scoreExpr(q, s))})
	}
	for _, sec := range q.Sections {
		g := Item{LinkID: sectionLink(sec.ID), Text: sec.Title.In(lang), Type: "group"}
		enable(&g, q, base, sec.ShowIf)
		for _, it := range sec.Items {
			g.Item = append(g.Item, question(q, it, lang, base, l))
		}
		fq.Item = append(fq.Item, g)
	}
	fq.Item = append(fq.Item, resultItems(q, lang, base, l))
	return fq
}

func question(q *questionnaire.Questionnaire, it *questionnaire.Item, lang, base string, l Labels) Item {
	fi := Item{LinkID: it.ID, Text: it.Prompt.In(lang), Type: "choice", Required: ptr(it.IsRequired())}
	if d := q.Domain(it.Domain); d != nil {
		fi.Code = append(fi.Code, Coding{System: domainSystem(base, q), Code: d.ID, Display: d.Label.In(lang)})
	}
	if it.DSM5 != "" {
		fi.Code = append(fi.Code, Coding{System: dsm5System(base), Code: it.DSM5, Display: l("clinician.dsm5." + it.DSM5)})
	}
	switch it.Type {
	case questionnaire.Number:
		fi.Type = "integer"
		lo, hi := it.Range()
		fi.Extension = append(fi.Extension, Extension{URL: ExtMinValue, ValueInteger: ptr(lo)}, Extension{URL: ExtMaxValue, ValueInteger: ptr(hi)})
		if u := it.Unit.In(lang); u != "" {
			fi.Extension = append(fi.Extension, Extension{URL: ExtUnit, ValueCoding: &Coding{Display: u}})
		}
	case questionnaire.Multiple:
		fi.Repeats = ptr(true)
	}
	enable(&fi, q, base, it.ShowIf)
	for _, o := range it.Options {
		ao := AnswerOption{ValueCoding: optionCoding(base, q, it, o, lang)}
		ao.Extension = []Extension{{URL: ExtOrdinal, ValueDecimal: ptr(float64(o.Value))}}
		if o.Exclusive {
			ao.Extension = append(ao.Extension, Extension{URL: ExtExclusive, ValueBoolean: ptr(true)})
		}
		fi.AnswerOption = append(fi.AnswerOption, ao)
	}
	return fi
}

func optionCoding(base string, q *questionnaire.Questionnaire, it *questionnaire.Item, o *questionnaire.Option, lang string) Coding {
	return Coding{System: itemSystem(base, q, it.ID), Code: o.Code, Display: o.Label.In(lang)}
}

// scoreOrder lists the scores so that each comes after the scores it uses: an SDC variable can
// only use the variables before it.
func scoreOrder(q *questionnaire.Questionnaire) []*questionnaire.Score {
	var out []*questionnaire.Score
	done := map[string]bool{}
	var visit func(s *questionnaire.Score)
	visit = func(s *questionnaire.Score) {
		if done[s.ID] {
			return
		}
		done[s.ID] = true // lint refuses cycles
		for _, sub := range s.Subscores() {
			visit(sub)
		}
		for _, id := range s.ShowIf.ScoreIDs() {
			visit(q.ScoreByID(id))
		}
		out = append(out, s)
	}
	for _, s := range q.Scores {
		visit(s)
	}
	return out
}

// resultItems are the read-only items a response carries its result in, each calculated from
// the answers by an SDC form filler.
func resultItems(q *questionnaire.Questionnaire, lang, base string, l Labels) Item {
	g := Item{LinkID: ResultGroup, Text: l("clinician.fhir.result"), Type: "group", ReadOnly: ptr(true)}
	calc := func(e string) []Extension {
		return []Extension{{URL: ExtCalculated, ValueExpression: fhirpathExpr("", e)}}
	}
	for _, s := range q.Scores {
		lo, hi := s.Range()
		ext := append([]Extension{{URL: ExtMinValue, ValueInteger: ptr(lo)}, {URL: ExtMaxValue, ValueInteger: ptr(hi)}}, calc("%"+scoreVar(q, s.ID))...)
		g.Item = append(g.Item, Item{LinkID: scoreLink(s.ID), Text: s.Label.In(lang), Type: "integer", ReadOnly: ptr(true), Extension: ext,
			Code: []Coding{{System: scoreSystem(base, q), Code: s.ID, Display: s.Label.In(lang)}}})
	}
	for _, s := range bandScores(q) {
		link := bandLink(q, s)
		text := s.Label.In(lang)
		if s == q.LevelScore() {
			text = l("clinician.level")
		}
		it := Item{LinkID: link, Text: text, Type: "choice", ReadOnly: ptr(true), Extension: calc(bandExpr(q, link, s))}
		for _, b := range s.Bands {
			it.AnswerOption = append(it.AnswerOption, AnswerOption{ValueCoding: bandCoding(base, q, s, b, lang)})
		}
		g.Item = append(g.Item, it)
	}
	if len(q.Flags) > 0 {
		flags := severityOrder(q.Flags)
		fi := Item{LinkID: FlagsItem, Text: l("clinician.flags"), Type: "choice", Repeats: ptr(true), ReadOnly: ptr(true),
			Extension: calc(flagsExpr(q, flags))}
		for _, f := range flags {
			// The ordinal is the severity, most urgent highest, so a reader can sort by it.
			fi.AnswerOption = append(fi.AnswerOption, AnswerOption{ValueCoding: flagCoding(base, q, f, lang, l),
				Extension: []Extension{{URL: ExtOrdinal, ValueDecimal: ptr(float64(severityRank[f.Severity]))}}})
		}
		g.Item = append(g.Item, fi)
	}
	if !q.MapsDSM5() {
		return g
	}
	g.Item = append(g.Item, Item{LinkID: DSM5CountItem, Text: l("clinician.fhir.dsm5_count"), Type: "integer", ReadOnly: ptr(true)})
	crit := Item{LinkID: DSM5Item, Text: l("clinician.fhir.dsm5_criteria"), Type: "choice", Repeats: ptr(true), ReadOnly: ptr(true)}
	for _, c := range questionnaire.DSM5Criteria {
		crit.AnswerOption = append(crit.AnswerOption, AnswerOption{ValueCoding: Coding{System: dsm5System(base), Code: c, Display: l("clinician.dsm5." + c)}})
	}
	g.Item = append(g.Item, crit)
	return g
}

// bandScores are the scores with bands: the level first, then the levels shown after it, then
// the others.
func bandScores(q *questionnaire.Questionnaire) []*questionnaire.Score {
	out := slices.Clone(q.LevelScores())
	for _, s := range q.Scores {
		if len(s.Bands) > 0 && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func bandCoding(base string, q *questionnaire.Questionnaire, s *questionnaire.Score, b *questionnaire.Band, lang string) Coding {
	return Coding{System: levelSystem(base, q, s.ID), Code: b.ID, Display: b.Label.In(lang)}
}

func flagCoding(base string, q *questionnaire.Questionnaire, f *questionnaire.Flag, lang string, l Labels) Coding {
	return Coding{System: flagSystem(base, q), Code: f.ID, Display: flagLabel(f, lang, l)}
}

// severityRank orders flags for readers: the most urgent has the highest ordinal.
var severityRank = map[string]int{"acute": 4, "urgent": 3, "high": 2, "moderate": 1, "info": 0}

// severityOrder lists flags most severe first, as a result does.
func severityOrder(flags []*questionnaire.Flag) []*questionnaire.Flag {
	out := slices.Clone(flags)
	slices.SortStableFunc(out, func(a, b *questionnaire.Flag) int { return severityRank[b.Severity] - severityRank[a.Severity] })
	return out
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

// enable writes an item's skip logic: enableWhen when R4 can say it, else an SDC expression.
func enable(it *Item, q *questionnaire.Questionnaire, base string, c *questionnaire.Condition) {
	if c == nil {
		return
	}
	if ew, behavior, ok := flatten(q, base, c); ok {
		it.EnableWhen = ew
		if len(ew) > 1 {
			it.EnableBehavior = behavior
		}
		return
	}
	it.Extension = append(it.Extension, Extension{URL: ExtEnableWhenX, ValueExpression: fhirpathExpr("", condExpr(q, c))})
}

// flatten writes a condition as enableWhen entries that all hold ("all") or of which one holds
// ("any"). An item condition is one list; all and any merge lists that combine the same way.
// A none_of on a single-choice item is "=" over the other options, which R4 readers agree on,
// while "!=" on an unanswered question differs between them.
func flatten(q *questionnaire.Questionnaire, base string, c *questionnaire.Condition) ([]EnableWhen, string, bool) {
	it := q.Item(c.Item)
	switch {
	case it != nil && (c.Min != nil || c.Max != nil):
		return between(c.Item, c.Min, c.Max), "all", true
	case it != nil && len(c.AnyOf) > 0:
		return equalsAny(q, base, it, c.AnyOf), "any", true
	case it != nil && it.Type == questionnaire.Single:
		var others []string
		for _, o := range it.Options {
			if !slices.Contains(c.NoneOf, o.Code) {
				others = append(others, o.Code)
			}
		}
		if len(others) == 0 {
			return nil, "", false
		}
		return equalsAny(q, base, it, others), "any", true
	case it != nil:
		out := []EnableWhen{{Question: c.Item, Operator: "exists", AnswerBoolean: ptr(true)}}
		for _, code := range c.NoneOf {
			out = append(out, EnableWhen{Question: c.Item, Operator: "!=", AnswerCoding: &Coding{System: itemSystem(base, q, c.Item), Code: code}})
		}
		return out, "all", true
	case c.Score != "":
		return between(scoreLink(c.Score), c.Min, c.Max), "all", true
	}
	want, subs := "all", c.All
	if c.Any != nil {
		want, subs = "any", c.Any
	}
	var out []EnableWhen
	for _, sub := range subs {
		ew, b, ok := flatten(q, base, sub)
		if !ok || len(ew) > 1 && b != want {
			return nil, "", false
		}
		out = append(out, ew...)
	}
	return out, want, len(out) > 0
}

func between(question string, lo, hi *int) []EnableWhen {
	var out []EnableWhen
	if lo != nil {
		out = append(out, EnableWhen{Question: question, Operator: ">=", AnswerInteger: ptr(*lo)})
	}
	if hi != nil {
		out = append(out, EnableWhen{Question: question, Operator: "<=", AnswerInteger: ptr(*hi)})
	}
	return out
}

func equalsAny(q *questionnaire.Questionnaire, base string, it *questionnaire.Item, codes []string) []EnableWhen {
	out := make([]EnableWhen, len(codes))
	for i, code := range codes {
		out[i] = EnableWhen{Question: it.ID, Operator: "=", AnswerCoding: &Coding{System: itemSystem(base, q, it.ID), Code: code}}
	}
	return out
}
