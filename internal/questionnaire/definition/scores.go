package definition

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// checkScoreGraph checks what scores refer to: scores that exist, items or scores to count, a
// main level that always has a value, and no cycle (a score that, through the scores it uses
// or its show_if, depends on itself).
func (c *checker) checkScoreGraph() {
	q := c.q
	for i, s := range q.Scores {
		p := fmt.Sprintf("$.scores[%d]", i)
		if len(s.Items) == 0 && len(s.Scores) == 0 {
			c.pl.Add(p, "score %q needs items or scores to count", s.ID)
		}
		for j, id := range s.Scores {
			if c.scores[id] == nil {
				c.pl.Add(fmt.Sprintf("%s.scores[%d]", p, j), "score %q uses score %q, which does not exist", s.ID, id)
			}
		}
		c.condition(p+".show_if", s.ShowIf, len(c.items), true)
	}
	if ls := c.scores[q.Level]; ls != nil && ls.ShowIf != nil {
		c.pl.Add("$.level", "the level score %q must always have a value, so it cannot have show_if", q.Level)
	}
	for i, id := range q.Levels {
		p := fmt.Sprintf("$.levels[%d]", i)
		switch s := c.scores[id]; {
		case s == nil:
			c.pl.Add(p, "levels names score %q, which does not exist", id)
		case len(s.Bands) == 0:
			c.pl.Add(p, "levels names score %q, which has no bands", id)
		case id == q.Level:
			c.pl.Add(p, "score %q is already the level", id)
		}
	}
	// Depth-first over "uses": an edge back to a score still open is a cycle.
	state := map[string]uint8{}
	var path []string
	var visit func(s *questionnaire.Score) bool
	visit = func(s *questionnaire.Score) bool {
		switch state[s.ID] {
		case 1:
			// Reported where the edge back to the start is written.
			from := c.scores[path[len(path)-1]]
			key := ".show_if"
			if slices.Contains(from.Scores, s.ID) {
				key = ".scores"
			}
			start := slices.Index(path, s.ID)
			c.pl.Add(c.scorePath(from.ID)+key, "scores depend on each other in a cycle: %s", strings.Join(append(path[start:], s.ID), " -> "))
			return false
		case 2:
			return true
		}
		state[s.ID] = 1
		path = append(path, s.ID)
		ok := true
		for _, id := range append(slices.Clone(s.Scores), s.ShowIf.ScoreIDs()...) {
			if sub := c.scores[id]; sub != nil && !visit(sub) {
				ok = false
				break
			}
		}
		path = path[:len(path)-1]
		state[s.ID] = 2
		return ok
	}
	for _, s := range q.Scores {
		if state[s.ID] == 0 && !visit(s) {
			c.cyclic = true
			return // one cycle at a time: the others often go through it
		}
	}
}

func (c *checker) scorePath(id string) string {
	for i, s := range c.q.Scores {
		if s.ID == id {
			return fmt.Sprintf("$.scores[%d]", i)
		}
	}
	return "$.scores"
}

// earlierScore checks that skip logic looking at a score only looks at earlier answers: every
// item the score counts, through the scores it uses and their show_if, comes before.
func (c *checker) earlierScore(p, id string, before int) bool {
	s := c.scores[id]
	if s == nil {
		return true // reported as unknown by the caller
	}
	seen := map[string]bool{}
	var items []string
	var walk func(s *questionnaire.Score)
	walk = func(s *questionnaire.Score) {
		if seen[s.ID] {
			return
		}
		seen[s.ID] = true
		items = append(items, s.Items...)
		items = append(items, s.ShowIf.ItemIDs()...)
		for _, sid := range append(slices.Clone(s.Scores), s.ShowIf.ScoreIDs()...) {
			if sub := c.scores[sid]; sub != nil {
				walk(sub)
			}
		}
	}
	walk(s)
	for _, it := range items {
		if pos, ok := c.itemPos[it]; !ok || pos >= before {
			c.pl.Add(p+".score", "skip logic may only look at a score of earlier answers, and %q counts %q, which is not earlier", id, it)
			return false
		}
	}
	return true
}

// checkCriteriaScores refuses a criteria score that lists an item without a dsm5 code.
func (c *checker) checkCriteriaScores() {
	for i, s := range c.q.Scores {
		if s.Kind != questionnaire.Criteria {
			continue
		}
		for j, id := range s.Items {
			if it := c.all[id]; it != nil && it.DSM5 == "" {
				c.pl.Add(fmt.Sprintf("$.scores[%d].items[%d]", i, j),
					"score %q counts DSM-5 criteria, but item %q has no dsm5 code, so it could never count", s.ID, id)
			}
		}
	}
}
