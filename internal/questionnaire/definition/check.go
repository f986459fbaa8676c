package definition

import (
	"fmt"
	"slices"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/scorerange"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// checker runs the rules that span fields: unique ids, references, skip logic order, bands
// covering every score, texts in every language.
type checker struct {
	q  *questionnaire.Questionnaire
	pl *yamlfile.List
	// position of each item in the questionnaire, for "earlier items only"
	itemPos map[string]int
	items   map[string]*questionnaire.Item // items seen so far
	all     map[string]*questionnaire.Item // every item in the file
	scores  map[string]*questionnaire.Score
	cyclic  bool // scores depend on each other in a cycle: no range can be computed
	unsound bool // other problems were found: ranges are only bounded
	draft   bool // ScoreRanges: bands are not checked against the ranges
	ranges  *scorerange.Finder
}

func (c *checker) run() {
	q := c.q
	c.itemPos = map[string]int{}
	c.items = map[string]*questionnaire.Item{}
	c.scores = map[string]*questionnaire.Score{}
	c.all = map[string]*questionnaire.Item{}
	q.PlaceItems()
	for _, s := range q.Sections {
		for _, it := range s.Items {
			c.all[it.ID] = it
		}
	}

	c.text("$.title", q.Title, true)
	c.text("$.introduction", q.Introduction, true)
	c.text("$.notice", q.Notice, true)

	domains := map[string]bool{}
	for i, d := range q.Domains {
		p := fmt.Sprintf("$.domains[%d]", i)
		if domains[d.ID] {
			c.pl.Add(p+".id", "domain id %q is used twice", d.ID)
		}
		domains[d.ID] = true
		c.text(p+".label", d.Label, true)
	}

	for i, s := range q.Scores {
		p := fmt.Sprintf("$.scores[%d]", i)
		if c.scores[s.ID] != nil {
			c.pl.Add(p+".id", "score id %q is used twice", s.ID)
			continue // the first one is the score every reference means
		}
		c.scores[s.ID] = s
	}

	sections := map[string]bool{}
	pos := 0
	for si, s := range q.Sections {
		sp := fmt.Sprintf("$.sections[%d]", si)
		if sections[s.ID] {
			c.pl.Add(sp+".id", "section id %q is used twice", s.ID)
		}
		sections[s.ID] = true
		c.text(sp+".title", s.Title, true)
		c.text(sp+".intro", s.Intro, false)
		// A section's condition may look only at items of earlier sections.
		c.condition(sp+".show_if", s.ShowIf, pos, false)
		for ii, it := range s.Items {
			ip := fmt.Sprintf("%s.items[%d]", sp, ii)
			if c.items[it.ID] != nil {
				c.pl.Add(ip+".id", "item id %q is used twice", it.ID)
			}
			c.text(ip+".prompt", it.Prompt, true)
			c.text(ip+".help", it.Help, false)
			if !domains[it.Domain] {
				c.pl.Add(ip+".domain", "domain %q is not declared under domains", it.Domain)
			}
			if it.DSM5 != "" && !slices.Contains(questionnaire.DSM5Criteria, it.DSM5) {
				c.pl.Add(ip+".dsm5", "%q is not a DSM-5 criterion code (one of %v)", it.DSM5, questionnaire.DSM5Criteria)
			}
			c.condition(ip+".show_if", it.ShowIf, pos, false)
			c.checkNumberItem(ip, it)
			c.options(ip, it)
			c.items[it.ID] = it
			c.itemPos[it.ID] = pos
			pos++
		}
	}

	if ls := c.scores[q.Level]; ls == nil {
		c.pl.Add("$.level", "level names score %q, which does not exist", q.Level)
	} else if len(ls.Bands) == 0 {
		c.pl.Add("$.level", "the level score %q needs bands", q.Level)
	}

	c.checkScoreGraph()
	c.ranges = scorerange.New(q, c.all, c.scores)
	c.unsound = c.pl.Len() > 0
	for i, s := range q.Scores {
		c.score(fmt.Sprintf("$.scores[%d]", i), s)
	}

	flags := map[string]bool{}
	for i, f := range q.Flags {
		p := fmt.Sprintf("$.flags[%d]", i)
		if flags[f.ID] {
			c.pl.Add(p+".id", "flag id %q is used twice", f.ID)
		}
		flags[f.ID] = true
		c.text(p+".title", f.Title, true)
		c.text(p+".message", f.Message, true)
		c.condition(p+".when", f.When, len(c.items), true)
	}

	advice := map[string]bool{}
	for i, a := range q.Advice {
		p := fmt.Sprintf("$.advice[%d]", i)
		if advice[a.ID] {
			c.pl.Add(p+".id", "advice id %q is used twice", a.ID)
		}
		advice[a.ID] = true
		c.text(p+".title", a.Title, true)
		c.condition(p+".show_if", a.ShowIf, len(c.items), true)
		for j, t := range a.Tips {
			c.text(fmt.Sprintf("%s.tips[%d]", p, j), t, true)
		}
	}

	c.checkCriteriaScores()
	c.checkLevelTexts()
	c.checkFlagClinicianTexts()
	if c.pl.Len() == 0 {
		// Needs every condition sound.
		c.checkReassuring()
	}
}

func (c *checker) options(ip string, it *questionnaire.Item) {
	codes := map[string]bool{}
	exclusive := 0
	for oi, o := range it.Options {
		op := fmt.Sprintf("%s.options[%d]", ip, oi)
		if codes[o.Code] {
			c.pl.Add(op+".code", "option code %q is used twice in item %q", o.Code, it.ID)
		}
		codes[o.Code] = true
		c.text(op+".label", o.Label, true)
		c.text(op+".told", o.Told, false)
		if o.Exclusive {
			exclusive++
			if it.Type != questionnaire.Multiple {
				c.pl.Add(op+".exclusive", "exclusive only makes sense on a multiple-choice item")
			}
		}
		for sid := range o.Values {
			if c.scores[sid] == nil {
				c.pl.Add(op+".values", "values names score %q, which does not exist", sid)
			}
		}
	}
	if it.Type == questionnaire.Multiple && exclusive == len(it.Options) {
		c.pl.Add(ip+".options", "a multiple-choice item needs at least one option that is not exclusive")
	}
}

func (c *checker) score(p string, s *questionnaire.Score) {
	c.text(p+".label", s.Label, true)
	missing := false
	for i, id := range s.Items {
		if c.items[id] == nil {
			c.pl.Add(fmt.Sprintf("%s.items[%d]", p, i), "score %q lists item %q, which does not exist", s.ID, id)
			missing = true
		}
	}
	if missing || c.cyclic {
		return
	}
	if !c.ranges.Find(s, c.unsound) {
		c.pl.Add(p+".show_if", "score %q can never have a value: its show_if never holds", s.ID)
		return
	}
	if len(s.Bands) == 0 || c.draft {
		return
	}
	found := c.ranges.Bounds(s)
	ids := map[string]bool{}
	next := found.Lo
	if !found.Exact && s.Bands[0].Min > found.Lo {
		// Only a bound: the lowest values may be unreachable, unless a path reached them.
		next = min(s.Bands[0].Min, found.SeenLo)
	}
	for i, b := range s.Bands {
		bp := fmt.Sprintf("%s.bands[%d]", p, i)
		if ids[b.ID] {
			c.pl.Add(bp+".id", "band id %q is used twice in score %q", b.ID, s.ID)
		}
		ids[b.ID] = true
		c.text(bp+".label", b.Label, true)
		c.text(bp+".meaning", b.Meaning, true)
		for j, st := range b.NextSteps {
			sp := fmt.Sprintf("%s.next_steps[%d]", bp, j)
			c.text(sp+".text", st.Text, true)
			c.condition(sp+".show_if", st.ShowIf, len(c.items), true)
		}
		switch {
		case b.Min > b.Max:
			c.pl.Add(bp+".min", "band %q starts at %d, after its end %d", b.ID, b.Min, b.Max)
			continue // it holds nothing: the next band must start where this one should have
		case b.Min > next:
			c.pl.Add(bp+".min", "score %q has a gap: no band holds %d to %d", s.ID, next, b.Min-1)
		case b.Min < next && i > 0:
			c.pl.Add(bp+".min", "band %q overlaps the band before it (starts at %d, must start at %d)", b.ID, b.Min, next)
		case b.Min < next:
			c.pl.Add(bp+".min", "band %q starts at %d, but score %q can never be lower than %d", b.ID, b.Min, s.ID, found.Lo)
		}
		next = b.Max + 1
	}
	if last := s.Bands[len(s.Bands)-1]; last.Max < found.Hi && !found.Exact {
		if last.Max < found.SeenHi {
			c.pl.Add(fmt.Sprintf("%s.bands[%d].max", p, len(s.Bands)-1),
				"score %q can reach %d (on a path lint tried), but the last band ends at %d", s.ID, found.SeenHi, last.Max)
		}
	} else if last.Max < found.Hi {
		c.pl.Add(fmt.Sprintf("%s.bands[%d].max", p, len(s.Bands)-1),
			"score %q can reach %d, but the last band ends at %d", s.ID, found.Hi, last.Max)
	} else if last.Max > found.Hi {
		c.pl.Add(fmt.Sprintf("%s.bands[%d].max", p, len(s.Bands)-1),
			"the last band ends at %d, but score %q can never be above %d", last.Max, s.ID, found.Hi)
	}
}

// condition checks one condition. before is how many items come before the place it is used:
// skip logic may only look at earlier items. scores says whether score conditions are allowed.
func (c *checker) condition(p string, cond *questionnaire.Condition, before int, scores bool) {
	if cond == nil {
		return
	}
	forms := 0
	if cond.Item != "" {
		forms++
	}
	if cond.Score != "" {
		forms++
	}
	if cond.All != nil {
		forms++
	}
	if cond.Any != nil {
		forms++
	}
	if forms != 1 {
		c.pl.Add(p, "a condition needs exactly one of item, score, all or any")
		return
	}
	switch {
	case cond.Item != "":
		it := c.all[cond.Item]
		if it == nil {
			c.pl.Add(p+".item", "condition names item %q, which does not exist", cond.Item)
			return
		}
		if pos, seen := c.itemPos[cond.Item]; !seen || pos >= before {
			c.pl.Add(p+".item", "skip logic may only look at earlier items, and %q is not one", cond.Item)
			return
		}
		if it.Type == questionnaire.Number || cond.Min != nil || cond.Max != nil {
			c.numberCondition(p, cond, it)
			return
		}
		if (len(cond.AnyOf) == 0) == (len(cond.NoneOf) == 0) {
			c.pl.Add(p, "an item condition needs exactly one of any_of or none_of")
		}
		for i, code := range append(slices.Clone(cond.AnyOf), cond.NoneOf...) {
			if it.Option(code) == nil {
				c.pl.Add(fmt.Sprintf("%s.item", p), "item %q has no option %q (condition entry %d)", it.ID, code, i+1)
			}
		}
	case cond.Score != "":
		if !scores && !c.earlierScore(p, cond.Score, before) {
			return
		}
		if c.scores[cond.Score] == nil {
			c.pl.Add(p+".score", "condition names score %q, which does not exist", cond.Score)
		}
		if cond.Min == nil && cond.Max == nil {
			c.pl.Add(p, "a score condition needs min, max or both")
		}
		if cond.Min != nil && cond.Max != nil && *cond.Min > *cond.Max {
			c.pl.Add(p, "min %d is above max %d", *cond.Min, *cond.Max)
		}
		if cond.AnyOf != nil || cond.NoneOf != nil {
			c.pl.Add(p, "any_of and none_of go with item, not score")
		}
	default:
		list, key := cond.All, "all"
		if cond.Any != nil {
			list, key = cond.Any, "any"
		}
		if len(list) == 0 {
			c.pl.Add(p+"."+key, "%s needs at least one condition", key)
		}
		for i, sub := range list {
			c.condition(fmt.Sprintf("%s.%s[%d]", p, key, i), sub, before, scores)
		}
	}
}
