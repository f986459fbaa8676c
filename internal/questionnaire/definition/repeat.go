package definition

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// EntryPlaceholder in a repeated block's texts is replaced by the entry's label.
const EntryPlaceholder = "{entry}"

// expansion turns a file's repeated blocks into plain sections, items and scores, as if they had
// been written out by hand, and remembers where each came from so that a problem found in a
// copy is reported at the line of what was written.
type expansion struct {
	q  *questionnaire.Questionnaire
	pl *yamlfile.List
	// written index of each expanded section, score and level
	index map[string][]int
}

var writtenPath = regexp.MustCompile(`^\$\.(sections|scores|levels)\[(\d+)\]`)

// writtenPath maps a path in the expanded questionnaire to the path of what was written.
func (e *expansion) writtenPath(p string) string {
	m := writtenPath.FindStringSubmatchIndex(p)
	if m == nil {
		return p
	}
	list := e.index[p[m[2]:m[3]]]
	i, _ := strconv.Atoi(p[m[4]:m[5]])
	if i >= len(list) || list[i] == i {
		return p
	}
	return fmt.Sprintf("$.%s[%d]%s", p[m[2]:m[3]], list[i], p[m[1]:])
}

// expand replaces every repeated section, and every score that repeats with it, by one copy per
// entry. It reports a problem with a block's repeat and leaves the file unexpanded.
func expand(q *questionnaire.Questionnaire, pl *yamlfile.List) *expansion {
	e := &expansion{q: q, pl: pl, index: map[string][]int{}}
	blocks := map[string]*questionnaire.Section{} // repeated sections by id
	entries := map[string][]*questionnaire.Option{}
	earlier := map[string]*questionnaire.Item{}
	ok := true
	for si, s := range q.Sections {
		if s.Repeat != nil {
			opts, good := e.entries(fmt.Sprintf("$.sections[%d].repeat", si), s, earlier)
			blocks[s.ID], entries[s.ID] = s, opts
			ok = ok && good
		}
		for _, it := range s.Items {
			if s.Repeat == nil {
				earlier[it.ID] = it
			}
		}
	}
	for i, sc := range q.Scores {
		if sc.Repeat != "" && blocks[sc.Repeat] == nil {
			pl.Add(fmt.Sprintf("$.scores[%d].repeat", i), "repeat names section %q, which is not a repeated section", sc.Repeat)
			ok = false
		}
	}
	if !ok || len(blocks) == 0 {
		return e
	}

	// Each copy renames the block's items, and the scores that repeat with it, by its entry.
	// One id may repeat with several blocks (a risk score for alcohol, one for other drugs).
	repeatedScores := map[string][]*questionnaire.Score{}
	for _, sc := range q.Scores {
		if sc.Repeat != "" {
			repeatedScores[sc.ID] = append(repeatedScores[sc.ID], sc)
		}
	}
	var sections []*questionnaire.Section
	for si, s := range q.Sections {
		if s.Repeat == nil {
			sections = append(sections, s)
			e.index["sections"] = append(e.index["sections"], si)
			continue
		}
		for _, o := range entries[s.ID] {
			sections = append(sections, e.copySection(s, o, repeatedScores))
			e.index["sections"] = append(e.index["sections"], si)
		}
	}
	var scores []*questionnaire.Score
	for i, sc := range q.Scores {
		if sc.Repeat == "" {
			scores = append(scores, sc)
			e.index["scores"] = append(e.index["scores"], i)
			continue
		}
		for _, o := range entries[sc.Repeat] {
			scores = append(scores, e.copyScore(sc, blocks[sc.Repeat], o, repeatedScores))
			e.index["scores"] = append(e.index["scores"], i)
		}
	}
	// Elsewhere, a repeated score stands for all of its copies.
	copies := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			if rs := repeatedScores[id]; rs != nil {
				for _, sc := range rs {
					for _, o := range entries[sc.Repeat] {
						out = append(out, entryID(id, o.Code))
					}
				}
				continue
			}
			out = append(out, id)
		}
		return out
	}
	for _, sc := range scores {
		if sc.Repeat == "" {
			sc.Scores = copies(sc.Scores)
		}
	}
	var levels []string
	for i, id := range q.Levels {
		for _, c := range copies([]string{id}) {
			levels = append(levels, c)
			e.index["levels"] = append(e.index["levels"], i)
		}
	}
	q.Sections, q.Scores, q.Levels = sections, scores, levels
	return e
}

// entries checks a block's repeat and returns the options it repeats for.
func (e *expansion) entries(p string, s *questionnaire.Section, earlier map[string]*questionnaire.Item) ([]*questionnaire.Option, bool) {
	over := earlier[s.Repeat.Item]
	switch {
	case over == nil:
		e.pl.Add(p+".item", "repeat names item %q, which is not an earlier item outside a repeated block", s.Repeat.Item)
		return nil, false
	case over.Type != questionnaire.Multiple:
		e.pl.Add(p+".item", "a block repeats for each option ticked in a multiple-choice item, and %q is a %s item", over.ID, over.Type)
		return nil, false
	}
	var out []*questionnaire.Option
	if s.Repeat.Entries == nil {
		for _, o := range over.Options {
			if !o.Exclusive {
				out = append(out, o)
			}
		}
		return out, true
	}
	ok := true
	for i, code := range s.Repeat.Entries {
		o := over.Option(code)
		switch {
		case o == nil:
			e.pl.Add(fmt.Sprintf("%s.entries[%d]", p, i), "item %q has no option %q", over.ID, code)
			ok = false
		case o.Exclusive:
			e.pl.Add(fmt.Sprintf("%s.entries[%d]", p, i), "option %q is exclusive (like \"none of these\"): nothing can be asked about it", code)
			ok = false
		default:
			out = append(out, o)
		}
	}
	return out, ok
}

func entryID(id, code string) string { return id + "_" + code }

// rename maps the block's item ids, and its repeated scores' ids, to one entry's copies.
type rename struct {
	items, scores map[string]string
}

func (e *expansion) renameFor(block *questionnaire.Section, code string, repeated map[string][]*questionnaire.Score) rename {
	r := rename{items: map[string]string{}, scores: map[string]string{}}
	for _, it := range block.Items {
		r.items[it.ID] = entryID(it.ID, code)
	}
	for id, scs := range repeated {
		for _, sc := range scs {
			if sc.Repeat == block.ID {
				r.scores[id] = entryID(id, code)
			}
		}
	}
	return r
}

func (r rename) cond(c *questionnaire.Condition) *questionnaire.Condition {
	if c == nil {
		return nil
	}
	out := *c
	if n, ok := r.items[c.Item]; ok {
		out.Item = n
	}
	if n, ok := r.scores[c.Score]; ok {
		out.Score = n
	}
	out.All, out.Any = nil, nil
	for _, sub := range c.All {
		out.All = append(out.All, r.cond(sub))
	}
	for _, sub := range c.Any {
		out.Any = append(out.Any, r.cond(sub))
	}
	return &out
}

func (r rename) ids(ids []string, m map[string]string) []string {
	out := slices.Clone(ids)
	for i, id := range out {
		if n, ok := m[id]; ok {
			out[i] = n
		}
	}
	return out
}

// ticked is the condition every copy carries: its entry was ticked.
func ticked(block *questionnaire.Section, code string, own *questionnaire.Condition) *questionnaire.Condition {
	c := &questionnaire.Condition{Item: block.Repeat.Item, AnyOf: []string{code}}
	if own == nil {
		return c
	}
	return &questionnaire.Condition{All: []*questionnaire.Condition{c, own}}
}

// withEntry replaces the placeholder by the entry's label, language by language.
func withEntry(t questionnaire.Text, o *questionnaire.Option) questionnaire.Text {
	if t == nil {
		return nil
	}
	out := make(questionnaire.Text, len(t))
	for l, s := range t {
		out[l] = strings.ReplaceAll(s, EntryPlaceholder, o.Label.In(l))
	}
	return out
}

func (e *expansion) copySection(s *questionnaire.Section, o *questionnaire.Option, repeated map[string][]*questionnaire.Score) *questionnaire.Section {
	r := e.renameFor(s, o.Code, repeated)
	c := &questionnaire.Section{ID: entryID(s.ID, o.Code), Title: withEntry(s.Title, o), Intro: withEntry(s.Intro, o),
		ShowIf: ticked(s, o.Code, r.cond(s.ShowIf)), Origin: &questionnaire.Origin{Block: s, Code: o.Code}}
	for _, it := range s.Items {
		ci := *it
		ci.ID, ci.Origin = r.items[it.ID], &questionnaire.Origin{Block: s, Code: o.Code}
		ci.Prompt, ci.Help, ci.Unit = withEntry(it.Prompt, o), withEntry(it.Help, o), withEntry(it.Unit, o)
		ci.ShowIf = r.cond(it.ShowIf)
		ci.Options = nil
		for _, opt := range it.Options {
			co := *opt
			co.Label, co.Told = withEntry(opt.Label, o), withEntry(opt.Told, o)
			co.Values = make(map[string]int, len(opt.Values))
			for sid, v := range opt.Values {
				if n, ok := r.scores[sid]; ok {
					sid = n
				}
				co.Values[sid] = v
			}
			ci.Options = append(ci.Options, &co)
		}
		c.Items = append(c.Items, &ci)
	}
	return c
}

func (e *expansion) copyScore(sc *questionnaire.Score, block *questionnaire.Section, o *questionnaire.Option, repeated map[string][]*questionnaire.Score) *questionnaire.Score {
	r := e.renameFor(block, o.Code, repeated)
	c := &questionnaire.Score{ID: entryID(sc.ID, o.Code), Label: withEntry(sc.Label, o), Kind: sc.Kind,
		Items: r.ids(sc.Items, r.items), Scores: r.ids(sc.Scores, r.scores),
		ShowIf: ticked(block, o.Code, r.cond(sc.ShowIf)), Origin: &questionnaire.Origin{Block: block, Code: o.Code}}
	for _, b := range sc.Bands {
		cb := *b
		cb.Label, cb.Meaning = withEntry(b.Label, o), withEntry(b.Meaning, o)
		cb.NextSteps = nil
		for _, st := range b.NextSteps {
			cb.NextSteps = append(cb.NextSteps, &questionnaire.Step{Text: withEntry(st.Text, o), ShowIf: r.cond(st.ShowIf)})
		}
		c.Bands = append(c.Bands, &cb)
	}
	return c
}

// MaxScores bounds how many scores a questionnaire has, its repeated scores written out.
const MaxScores = 200

// checkSize refuses a questionnaire too large to answer or to check: a response holds at most
// MaxAnswerItems answers, and repeated blocks multiply items and scores.
func checkSize(pl *yamlfile.List, q *questionnaire.Questionnaire) {
	n := 0
	for _, s := range q.Sections {
		n += len(s.Items)
	}
	if n > questionnaire.MaxAnswerItems {
		pl.Add("$.sections", "the questionnaire has %d items with its repeated blocks written out, but a response holds at most %d answers", n, questionnaire.MaxAnswerItems)
	}
	if len(q.Scores) > MaxScores {
		pl.Add("$.scores", "the questionnaire has %d scores with its repeated scores written out; at most %d are allowed", len(q.Scores), MaxScores)
	}
}
