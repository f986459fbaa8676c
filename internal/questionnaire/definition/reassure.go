package definition

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// A text the author marks reassuring ("That is good to know") must never be shown next to a
// safety flag: after a "yes" to a question about suicide it reads as if the answer did not
// matter. Lint proves it cannot happen by trying every combination of the answers that the
// text's condition and the flag's condition look at, keeping only those skip logic allows (an
// item is answered only when it is shown). It over-approximates on purpose: any shown item may
// be left unanswered, and a score condition may be true or false whatever the answers, so a
// text it accepts is safe, and a text it refuses can be made safe by giving it a condition
// that plainly excludes the flag, such as {item: safety, none_of: ["yes"]}, or a band variant
// for the flag listed before it.

// maxCombinations caps the search; conditions that need more are refused as too complex.
const maxCombinations = 1 << 16

// formula is a condition combined with others: and, or, not, or one condition.
type formula struct {
	op   byte // '&', '|', '!', or 'c' for cond
	cond *questionnaire.Condition
	subs []formula
}

func cond(c *questionnaire.Condition) formula      { return formula{op: 'c', cond: c} }
func and(fs ...formula) formula                    { return formula{op: '&', subs: fs} }
func not(f formula) formula                        { return formula{op: '!', subs: []formula{f}} }
func noneOf(cs []*questionnaire.Condition) formula { return not(anyCond(cs)) }
func anyCond(cs []*questionnaire.Condition) formula {
	f := formula{op: '|'}
	for _, c := range cs {
		f.subs = append(f.subs, cond(c))
	}
	return f
}

// reassuringText is a text marked reassuring, at its YAML path, with when it is shown.
type reassuringText struct {
	path  string
	shown formula
}

func reassuringTexts(q *questionnaire.Questionnaire) []reassuringText {
	var out []reassuringText
	for i, s := range q.Scores {
		for j, b := range s.Bands {
			bp := fmt.Sprintf("$.scores[%d].bands[%d]", i, j)
			var earlier []*questionnaire.Condition
			for k, t := range b.Texts {
				if t.Reassuring {
					out = append(out, reassuringText{fmt.Sprintf("%s.texts[%d].reassuring", bp, k), and(cond(t.When), noneOf(earlier))})
				}
				earlier = append(earlier, t.When)
			}
			if b.Reassuring {
				out = append(out, reassuringText{bp + ".reassuring", noneOf(earlier)})
			}
			for k, st := range b.NextSteps {
				if st.Reassuring {
					out = append(out, reassuringText{fmt.Sprintf("%s.next_steps[%d].reassuring", bp, k), cond(st.ShowIf)})
				}
			}
		}
	}
	for i, a := range q.Advice {
		if a.Reassuring {
			out = append(out, reassuringText{fmt.Sprintf("$.advice[%d].reassuring", i), cond(a.ShowIf)})
		}
	}
	return out
}

// checkReassuring refuses every reassuring text that can be shown with a safety flag.
func (c *checker) checkReassuring() {
	for _, t := range reassuringTexts(c.q) {
		for _, f := range c.q.Flags {
			if !questionnaire.IsSafetySeverity(f.Severity) {
				continue
			}
			witness, found, err := satisfy(and(t.shown, cond(f.When)), c.all)
			switch {
			case err != nil:
				c.pl.Add(t.path, "this text is marked reassuring, and lint cannot tell whether it can be shown with the %s flag %q: %v", f.Severity, f.ID, err)
			case found:
				c.pl.Add(t.path, "this text is marked reassuring, but it can be shown while the %s flag %q is raised (for example with %s): give it a condition that leaves it out then",
					f.Severity, f.ID, witness)
			}
		}
	}
}

// itemChoices is the answers an item can take in the search: left unanswered, or any choice of the
// codes the conditions name, plus one code they do not name (standing for all the others).
func itemChoices(it *questionnaire.Item, named []string) [][]string {
	codes := slices.Clone(named)
	for _, o := range it.Options {
		if !slices.Contains(named, o.Code) {
			codes = append(codes, o.Code)
			break
		}
	}
	choices := [][]string{nil}
	if it.Type == questionnaire.Single {
		for _, c := range codes {
			choices = append(choices, []string{c})
		}
		return choices
	}
	for mask := 1; mask < 1<<len(codes); mask++ {
		var set []string
		for i, c := range codes {
			if mask&(1<<i) != 0 {
				set = append(set, c)
			}
		}
		choices = append(choices, set)
	}
	return choices
}

// satisfy searches for answers that make f hold. It returns them in words ("safety=yes"), or
// found false when there are none.
func satisfy(f formula, itemByID map[string]*questionnaire.Item) (witness string, found bool, err error) {
	named := map[string][]string{}      // item -> codes its conditions name
	var free []*questionnaire.Condition // conditions taken as free true/false
	f.atoms(named, &free)
	// An item is answered only when skip logic shows it: add that rule for every item looked
	// at, and for the items its skip logic looks at in turn.
	for done := map[string]bool{}; len(done) < len(named); {
		for id := range named {
			if done[id] {
				continue
			}
			done[id] = true
			it := itemByID[id]
			if it == nil {
				return "", false, fmt.Errorf("item %q does not exist", id)
			}
			var shownIf []*questionnaire.Condition
			if it.Section() != nil && it.Section().ShowIf != nil {
				shownIf = append(shownIf, it.Section().ShowIf)
			}
			if it.ShowIf != nil {
				shownIf = append(shownIf, it.ShowIf)
			}
			if len(shownIf) == 0 {
				continue
			}
			rule := formula{op: '|', subs: []formula{not(cond(&questionnaire.Condition{Item: id})), cond(&questionnaire.Condition{All: shownIf})}}
			rule.atoms(named, &free)
			f = and(f, rule)
		}
	}
	items := make([]string, 0, len(named))
	for id := range named {
		items = append(items, id)
	}
	sort.Strings(items)
	tooMany := fmt.Errorf("more than %d combinations of answers to try: simplify the conditions", maxCombinations)
	if 1<<min(len(free), 30) > maxCombinations {
		return "", false, tooMany
	}
	domains := make([][][]string, len(items))
	total := 1 << len(free)
	for i, id := range items {
		it := itemByID[id]
		if it.Type != questionnaire.Single && it.Type != questionnaire.Multiple {
			// The search knows the answers of choice items only; refusing is the safe side.
			return "", false, fmt.Errorf("item %q is not a choice item", id)
		}
		if it.Type == questionnaire.Multiple && len(named[id]) > 15 {
			return "", false, tooMany
		}
		domains[i] = itemChoices(it, named[id])
		total *= len(domains[i])
		if total > maxCombinations {
			return "", false, tooMany
		}
	}
	pick := make([]int, len(items))
	for n := 0; n < total; n++ {
		rest := n
		a := questionnaire.Answers{}
		for i := range items {
			pick[i] = rest % len(domains[i])
			rest /= len(domains[i])
			if d := domains[i][pick[i]]; d != nil {
				a[items[i]] = d
			}
		}
		truth := map[*questionnaire.Condition]bool{}
		for i, c := range free {
			truth[c] = rest&(1<<i) != 0
		}
		if f.eval(a, truth) {
			var words []string
			for _, id := range items {
				if v, ok := a[id]; ok {
					words = append(words, id+"="+strings.Join(v, ","))
				}
			}
			if len(words) == 0 {
				words = []string{"any answers"}
			}
			return strings.Join(words, ", "), true, nil
		}
	}
	return "", false, nil
}

// atoms collects the items (and the codes) the formula looks at, and the conditions it cannot
// look into, which the search treats as free.
func (f formula) atoms(named map[string][]string, free *[]*questionnaire.Condition) {
	if f.op != 'c' {
		for _, s := range f.subs {
			s.atoms(named, free)
		}
		return
	}
	var walk func(c *questionnaire.Condition)
	walk = func(c *questionnaire.Condition) {
		switch {
		case c == nil:
		case c.Item != "":
			for _, code := range append(slices.Clone(c.AnyOf), c.NoneOf...) {
				if !slices.Contains(named[c.Item], code) {
					named[c.Item] = append(named[c.Item], code)
				}
			}
			if named[c.Item] == nil {
				named[c.Item] = []string{}
			}
		case c.All != nil || c.Any != nil:
			for _, s := range append(slices.Clone(c.All), c.Any...) {
				walk(s)
			}
		default:
			*free = append(*free, c)
		}
	}
	walk(f.cond)
}

func (f formula) eval(a questionnaire.Answers, truth map[*questionnaire.Condition]bool) bool {
	switch f.op {
	case '&':
		for _, s := range f.subs {
			if !s.eval(a, truth) {
				return false
			}
		}
		return true
	case '|':
		for _, s := range f.subs {
			if s.eval(a, truth) {
				return true
			}
		}
		return false
	case '!':
		return !f.subs[0].eval(a, truth)
	}
	return evalCondition(f.cond, a, truth)
}

// evalCondition is Condition.Holds with the conditions the search cannot look into read from
// truth.
func evalCondition(c *questionnaire.Condition, a questionnaire.Answers, truth map[*questionnaire.Condition]bool) bool {
	switch {
	case c == nil:
		return true
	case c.Item != "":
		return c.Holds(a, nil)
	case c.All != nil:
		for _, s := range c.All {
			if !evalCondition(s, a, truth) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for _, s := range c.Any {
			if evalCondition(s, a, truth) {
				return true
			}
		}
		return false
	}
	return truth[c]
}
