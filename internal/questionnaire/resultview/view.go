// Package resultview is a scored result as the person, the API and the score command see it:
// the level on its scale, and the whole result in one language.
package resultview

import "github.com/ketascreen/ketascreen/internal/questionnaire"

// ResultView is a result in one language, as the API and the score command print it.
type ResultView struct {
	Questionnaire string       `json:"questionnaire"`
	Version       string       `json:"version"`
	Language      string       `json:"language"`
	Flags         []FlagView   `json:"flags"`
	Level         *BandView    `json:"level"`
	Levels        []LevelView  `json:"levels,omitempty"` // every level, when the questionnaire shows several
	Scores        []ScoreView  `json:"scores"`
	Told          []ToldView   `json:"told"`
	Criteria      []string     `json:"dsm5_criteria"`
	Advice        []AdviceView `json:"advice"`
	ResourceKinds []string     `json:"resource_kinds"`
	Notice        string       `json:"notice"`
	// Acute: the person needs help now; the page leads with the emergency number.
	Acute bool `json:"acute,omitempty"`
	// Scale: the level on its scale, when the questionnaire words one.
	Scale *ScaleView `json:"scale,omitempty"`
}

// FlagView is a raised flag in one language.
type FlagView struct {
	ID        string   `json:"id"`
	Severity  string   `json:"severity"`
	Title     string   `json:"title"`
	Message   string   `json:"message"`
	Resources []string `json:"resources"`
	// For health workers; suggestions, not instructions.
	ClinicianLabel string `json:"clinician_label,omitempty"`
	FollowUp       string `json:"suggested_follow_up,omitempty"`
}

// BandView is a band in one language, with the next steps that fit the answers.
type BandView struct {
	Score     string   `json:"score"`
	ID        string   `json:"id"`
	Label     string   `json:"label"`
	Meaning   string   `json:"meaning"`
	NextSteps []string `json:"next_steps"`
}

// ScoreView is one score's value and range.
type ScoreView struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Value int    `json:"value"`
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Band  string `json:"band,omitempty"`
}

// ToldView is an answer that counted, said back in the person's terms.
type ToldView struct {
	Item    string   `json:"item"`
	Domain  string   `json:"domain"`
	Options []string `json:"options"`
	Text    []string `json:"text"`
}

// AdviceView is advice in one language.
type AdviceView struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Tips  []string `json:"tips"`
}

// Of renders the result in a language.
func Of(r *questionnaire.Result, lang string) ResultView {
	q := r.Questionnaire
	v := ResultView{
		Questionnaire: q.ID, Version: q.Version, Language: lang,
		// Each list made at its final length's capacity (never nil: an empty list is []).
		Flags: make([]FlagView, 0, len(r.Flags)), Scores: make([]ScoreView, 0, len(r.Scores)),
		Told: make([]ToldView, 0, len(r.Told)), Criteria: make([]string, 0, len(r.Criteria)),
		ResourceKinds: r.ResourceKinds(), Notice: q.Notice.In(lang),
	}
	if v.ResourceKinds == nil {
		v.ResourceKinds = []string{}
	}
	v.Criteria = append(v.Criteria, r.Criteria...)
	for _, f := range r.Flags {
		res := append(make([]string, 0, len(f.Resources)), f.Resources...)
		v.Flags = append(v.Flags, FlagView{ID: f.ID, Severity: f.Severity, Title: f.Title.In(lang), Message: f.Message.In(lang), Resources: res,
			ClinicianLabel: f.ClinicianLabel.In(lang), FollowUp: f.FollowUp.In(lang)})
	}
	if r.Level != nil {
		lt := r.LevelText()
		b := &BandView{Score: q.LevelScore().ID, ID: r.Level.ID, Label: lt.Label.In(lang), Meaning: lt.Meaning.In(lang), NextSteps: []string{}}
		for _, s := range r.NextSteps() {
			b.NextSteps = append(b.NextSteps, s.Text.In(lang))
		}
		v.Level = b
	}
	if len(q.Levels) > 0 {
		v.Levels = levelViews(r, lang)
	}
	for _, s := range q.Scores {
		if _, ok := r.Scores[s.ID]; !ok {
			continue // its show_if does not hold: it has no value
		}
		sv := ScoreView{ID: s.ID, Label: s.Label.In(lang), Value: r.Scores[s.ID]}
		sv.Min, sv.Max = s.Range()
		if b := s.Band(sv.Value); b != nil {
			sv.Band = b.ID
		}
		v.Scores = append(v.Scores, sv)
	}
	// The answers said back share one backing array for their codes and one for their texts,
	// each list cut to its own length and capacity (an append to one cannot reach the next).
	total := 0
	for _, t := range r.Told {
		total += len(t.Options)
		if t.Number != "" {
			total++
		}
	}
	codes, texts := make([]string, 0, total), make([]string, 0, total)
	for _, t := range r.Told {
		from := len(codes)
		for _, o := range t.Options {
			codes = append(codes, o.Code)
			texts = append(texts, o.ToldText(t.Item, lang))
		}
		if t.Number != "" {
			codes = append(codes, t.Number)
			texts = append(texts, t.Item.NumberText(t.Number, lang))
		}
		v.Told = append(v.Told, ToldView{Item: t.Item.ID, Domain: t.Item.Domain,
			Options: codes[from:len(codes):len(codes)], Text: texts[from:len(texts):len(texts)]})
	}
	advice := r.Advice()
	v.Advice = make([]AdviceView, 0, len(advice))
	tipCount := 0
	for _, a := range advice {
		tipCount += len(a.Tips)
	}
	tips := make([]string, 0, tipCount)
	for _, a := range advice {
		from := len(tips)
		for _, t := range a.Tips {
			tips = append(tips, t.In(lang))
		}
		v.Advice = append(v.Advice, AdviceView{ID: a.ID, Title: a.Title.In(lang), Tips: tips[from:len(tips):len(tips)]})
	}
	v.Acute = r.Acute()
	v.Scale = ScaleOf(r).View(lang)
	return v
}

// LevelView is one level in one language.
type LevelView struct {
	Score      string   `json:"score"`
	ScoreLabel string   `json:"score_label"`
	Value      int      `json:"value"`
	Band       string   `json:"band"`
	Label      string   `json:"label"`
	Meaning    string   `json:"meaning"`
	NextSteps  []string `json:"next_steps"`
}

// levelViews are the result's levels in a language.
func levelViews(r *questionnaire.Result, lang string) []LevelView {
	var out []LevelView
	for _, l := range r.Levels {
		lv := LevelView{Score: l.Score.ID, ScoreLabel: l.Score.Label.In(lang), Value: l.Value, NextSteps: []string{}}
		if l.Band != nil {
			lv.Band, lv.Label, lv.Meaning = l.Band.ID, l.Band.Label.In(lang), l.Band.Meaning.In(lang)
			for _, s := range r.NextStepsFor(l.Band) {
				lv.NextSteps = append(lv.NextSteps, s.Text.In(lang))
			}
		}
		out = append(out, lv)
	}
	return out
}
