package questionnaire

// Level is the band of one score, as the result shows it.
type Level struct {
	Score *Score
	Value int
	Band  *Band
}

// LevelScores are the scores whose bands a result shows: the level, then the levels, in order.
// A repeated score stands for its copies, one per entry.
func (q *Questionnaire) LevelScores() []*Score { return q.levels }

// MapsDSM5 reports whether some item maps to a DSM-5 criterion, so a summary of the criteria
// met means something for this questionnaire.
func (q *Questionnaire) MapsDSM5() bool {
	for _, it := range q.items {
		if it.DSM5 != "" {
			return true
		}
	}
	return false
}

// levels are the bands of the level scores that have a value for these scores.
func (q *Questionnaire) resultLevels(scores map[string]int) []Level {
	var out []Level
	for _, s := range q.levels {
		if v, ok := scores[s.ID]; ok {
			out = append(out, Level{Score: s, Value: v, Band: s.Band(v)})
		}
	}
	return out
}

// NextStepsFor are a band's next steps whose conditions hold for these answers.
func (r *Result) NextStepsFor(b *Band) []*Step {
	if b == nil {
		return nil
	}
	var out []*Step
	for _, s := range b.NextSteps {
		if s.ShowIf.Holds(r.Answers, r.Scores) {
			out = append(out, s)
		}
	}
	return out
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

func (r *Result) levelViews(lang string) []LevelView {
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

// linkScores resolves what scores use once the file is known to be sound.
func (q *Questionnaire) linkScores() {
	for _, s := range q.Scores {
		s.subs = nil
		for _, id := range s.Scores {
			s.subs = append(s.subs, q.scores[id])
		}
	}
	q.levels = []*Score{q.level}
	for _, id := range q.Levels {
		q.levels = append(q.levels, q.scores[id])
	}
	for _, it := range q.items {
		if conditionScores(it.ShowIf, conditionScores(it.section.ShowIf, nil)) != nil {
			q.scoreSkips = true
		}
	}
}
