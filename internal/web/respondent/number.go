package respondent

import (
	"regexp"
	"slices"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/web"
)

// wholeRE is a whole number written in figures, of any length.
var wholeRE = regexp.MustCompile(`^[+-]?[0-9]+$`)

// answerMessage is what a step says about an answer it cannot take. A number item says which
// numbers it takes, and whether the one sent was not a whole number or out of range.
func answerMessage(p *web.Page, it *questionnaire.Item, e questionnaire.AnswerError, codes []string) string {
	if it.Type != questionnaire.Number {
		return p.T("answer." + e.Kind)
	}
	lo, hi := it.Range()
	switch e.Kind {
	case questionnaire.ErrRequired:
		return p.T("answer.number_required", lo, hi)
	case questionnaire.ErrNumber:
		// Digits alone are a whole number out of range, however many there are.
		if len(codes) == 1 && wholeRE.MatchString(codes[0]) {
			if strings.HasPrefix(codes[0], "-") {
				return p.T("answer.number_low", lo, hi)
			}
			return p.T("answer.number_high", lo, hi)
		}
		return p.T("answer.number_whole", lo, hi)
	}
	return p.T("answer." + e.Kind)
}

// numberAnswer is a number item's value as a form sends it. Spaces around it are dropped: a
// browser without number inputs shows a text box, where they are easy to type.
func numberAnswer(v string) string { return strings.TrimSpace(v) }

// usesScore reports whether a condition looks at a score anywhere.
func usesScore(c *questionnaire.Condition) bool {
	if c == nil {
		return false
	}
	if c.Score != "" {
		return true
	}
	return slices.ContainsFunc(append(slices.Clone(c.All), c.Any...), usesScore)
}

// scoreOpen reports whether a score may still change: some item it counts, directly or through
// the scores it is made of, is not answered yet. seen stops a walk that meets a score twice.
func (f *form) scoreOpen(s *questionnaire.Score, seen map[string]bool) bool {
	if s == nil || seen[s.ID] {
		return false
	}
	seen[s.ID] = true
	for _, id := range s.Items {
		if len(f.answers[id]) == 0 {
			return true
		}
	}
	for _, id := range s.Scores {
		if f.scoreOpen(f.q.ScoreByID(id), seen) {
			return true
		}
	}
	return false
}
