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
		if len(it.ShowIf.ScoreIDs()) > 0 || len(it.section.ShowIf.ScoreIDs()) > 0 {
			q.scoreSkips = true
		}
	}
}
