package questionnaire

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Answers maps an item id to the option codes chosen: one for a single-choice item, one or
// more for a multiple-choice item.
type Answers map[string][]string

// Clone returns a deep copy.
func (a Answers) Clone() Answers {
	c := make(Answers, len(a))
	total := 0
	for _, v := range a {
		total += len(v)
	}
	// One backing array for every answer, each cut to its own length and capacity.
	buf := make([]string, total)
	for k, v := range a {
		if v == nil {
			c[k] = nil
			continue
		}
		n := copy(buf, v)
		c[k], buf = buf[:n:n], buf[n:]
	}
	return c
}

// Limits on a set of answers, far above any real questionnaire and far below harm.
const (
	MaxAnswerItems   = 200
	MaxAnswerCodes   = 30
	MaxAnswerKeySize = 64
)

// Error kinds for answers, stable for API clients and message catalogues.
const (
	ErrUnknownItem   = "unknown_item"
	ErrInvalidOption = "invalid_option"
	ErrRequired      = "required"
	ErrHidden        = "hidden"
	ErrWrongType     = "wrong_type"
	ErrExclusive     = "exclusive"
)

// AnswerError is one problem with one answer.
type AnswerError struct {
	Item    string `json:"item"`
	Kind    string `json:"error"`
	Message string `json:"message"`
}

// AnswersError lists every problem with a set of answers; nothing is scored while it has one.
type AnswersError []AnswerError

func (e AnswersError) Error() string {
	msgs := make([]string, len(e))
	for i, ae := range e {
		msgs[i] = ae.Message
	}
	return strings.Join(msgs, "; ")
}

// For returns the problems with one item.
func (e AnswersError) For(item string) []AnswerError {
	var out []AnswerError
	for _, ae := range e {
		if ae.Item == item {
			out = append(out, ae)
		}
	}
	return out
}

// Visibility says, for the given answers, which items skip logic shows. Items are walked in
// order and a hidden item's answer is ignored when later conditions are evaluated, so an
// answer left over from a changed mind never reveals anything.
func (q *Questionnaire) Visibility(a Answers) map[string]bool {
	shown := make(map[string]bool, len(q.items))
	seen := make(Answers, len(a))
	sectionShown := true
	var cur *Section
	var scores map[string]int // of the answers seen so far, when skip logic looks at scores
	for _, it := range q.items {
		if q.scoreSkips && scores == nil {
			scores = newScorer(q.model(), seen).all(q.Scores)
		}
		if it.section != cur {
			cur = it.section
			sectionShown = cur.ShowIf.Holds(seen, scores)
		}
		v := sectionShown && it.ShowIf.Holds(seen, scores)
		shown[it.ID] = v
		if v {
			if ans, ok := a[it.ID]; ok {
				seen[it.ID] = ans
				scores = nil
			}
		}
	}
	return shown
}

// SectionShown reports whether any item of the section is shown for these answers.
func (q *Questionnaire) SectionShown(s *Section, shown map[string]bool) bool {
	for _, it := range s.Items {
		if shown[it.ID] {
			return true
		}
	}
	return false
}

// Prune drops answers that skip logic hides or that name no item, as after a person goes back
// and changes an earlier answer. Use it for step-by-step forms; Check refuses such answers.
func (q *Questionnaire) Prune(a Answers) Answers {
	shown := q.Visibility(a)
	out := make(Answers, len(a))
	for id, v := range a {
		if shown[id] {
			out[id] = v
		}
	}
	return out
}

// Check validates answers against the definition and skip logic and returns every problem,
// in questionnaire order.
func (q *Questionnaire) Check(a Answers) AnswersError {
	return q.check(a, q.Visibility(a))
}

// check is Check with the answers' visibility already worked out.
func (q *Questionnaire) check(a Answers, shown map[string]bool) AnswersError {
	var errs AnswersError
	var unknown []string
	for id := range a {
		if q.itemIDs[id] == nil {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(unknown)
	for _, id := range unknown {
		errs = append(errs, AnswerError{Item: id, Kind: ErrUnknownItem, Message: fmt.Sprintf("%.64q is not an item of this questionnaire", id)})
	}
	for _, it := range q.items {
		errs = append(errs, q.checkItem(it, a[it.ID], shown[it.ID], hasKey(a, it.ID))...)
	}
	return errs
}

func hasKey(a Answers, id string) bool { _, ok := a[id]; return ok }

// CheckItem returns the problems with the answer to one item, given what skip logic shows.
func (q *Questionnaire) CheckItem(it *Item, a Answers, shown map[string]bool) []AnswerError {
	return q.checkItem(it, a[it.ID], shown[it.ID], hasKey(a, it.ID))
}

func (q *Questionnaire) checkItem(it *Item, codes []string, shown, present bool) []AnswerError {
	e := func(kind, format string, args ...any) []AnswerError {
		return []AnswerError{{Item: it.ID, Kind: kind, Message: fmt.Sprintf(format, args...)}}
	}
	if !shown {
		if present {
			return e(ErrHidden, "%s is not asked with these earlier answers, so it cannot be answered", it.ID)
		}
		return nil
	}
	if len(codes) == 0 {
		if it.IsRequired() {
			return e(ErrRequired, "%s needs an answer", it.ID)
		}
		return nil
	}
	if it.Type == Number {
		return checkNumber(it, codes)
	}
	if it.Type == Single && len(codes) > 1 {
		return e(ErrWrongType, "%s takes one answer, not %d", it.ID, len(codes))
	}
	seen := map[string]bool{}
	exclusive := false
	for _, code := range codes {
		o := it.Option(code)
		if o == nil {
			return e(ErrInvalidOption, "%s has no option %.64q", it.ID, code)
		}
		if seen[code] {
			return e(ErrWrongType, "%s lists option %s twice", it.ID, code)
		}
		seen[code] = true
		exclusive = exclusive || o.Exclusive
	}
	if exclusive && len(codes) > 1 {
		return e(ErrExclusive, "%s: an answer like \"none of these\" cannot be combined with others", it.ID)
	}
	return nil
}

// Result is a scored, complete set of answers.
type Result struct {
	Questionnaire *Questionnaire
	Answers       Answers
	Scores        map[string]int
	Level         *Band   // band of the level score
	Levels        []Level // every level shown: the level, then the levels that have a value
	Flags         []*Flag // most severe first
	Told          []Told  // answers that counted, in questionnaire order
	Criteria      []string

	shown map[string]bool // the items the skip logic showed, when Score worked it out
}

// Shown reports which items the skip logic showed for the result's answers (the caller must
// not change the map).
func (r *Result) Shown() map[string]bool {
	if r.shown != nil {
		return r.shown
	}
	return r.Questionnaire.Visibility(r.Answers)
}

// Told is an answer that counted toward a score or raised a flag.
type Told struct {
	Item    *Item
	Options []*Option
	Number  string // a number item's answer
}

// Score validates answers and scores them. Nothing partial is scored: any problem returns an
// AnswersError and no result.
func (q *Questionnaire) Score(a Answers) (*Result, error) {
	shown := q.Visibility(a)
	if errs := q.check(a, shown); len(errs) > 0 {
		return nil, errs
	}
	r := q.result(a.Clone())
	r.shown = shown
	return r, nil
}

func (q *Questionnaire) result(a Answers) *Result {
	r := &Result{Questionnaire: q, Answers: a, Scores: make(map[string]int, len(q.Scores))}
	type answer struct{ item, code string }
	counted := map[answer]bool{} // the item's option codes that counted
	items := map[string]bool{}   // the items with any
	mark := func(item, code string) {
		counted[answer{item, code}] = true
		items[item] = true
	}
	// DSM-5 criteria are the items that counted in the level score itself: an answer that
	// counted only in another score (per-score values) or only raised a flag meets none.
	criteria := map[string]bool{}
	e := newScorer(q.model(), a)
	e.mark = func(s *Score, it *Item, code string) {
		mark(it.ID, code)
		if s == q.level && it.DSM5 != "" {
			criteria[it.DSM5] = true
		}
	}
	r.Scores = e.all(q.Scores)
	r.Level = q.level.Band(r.Scores[q.level.ID])
	r.Levels = q.resultLevels(r.Scores)

	for _, f := range q.Flags {
		if f.When.Holds(a, r.Scores) {
			r.Flags = append(r.Flags, f)
			f.When.markItems(a, mark)
		}
	}
	sort.SliceStable(r.Flags, func(i, j int) bool {
		return severityOrder[r.Flags[i].Severity] < severityOrder[r.Flags[j].Severity]
	})

	for _, it := range q.items {
		if !items[it.ID] {
			continue
		}
		t := Told{Item: it}
		if it.Type == Number {
			t.Number = a[it.ID][0]
		}
		for _, o := range it.Options {
			if counted[answer{it.ID, o.Code}] {
				t.Options = append(t.Options, o)
			}
		}
		r.Told = append(r.Told, t)
	}
	for _, c := range DSM5Criteria {
		if criteria[c] {
			r.Criteria = append(r.Criteria, c)
		}
	}
	return r
}

// markItems records the chosen options that made an item condition hold: the codes it lists
// for any_of, and every chosen code for none_of (the same flag may be written either way).
func (c *Condition) markItems(a Answers, mark func(item, code string)) {
	switch {
	case c == nil:
	case c.Item != "":
		for _, code := range a[c.Item] {
			if len(c.AnyOf) == 0 || slices.Contains(c.AnyOf, code) {
				mark(c.Item, code)
			}
		}
	default:
		for _, sub := range append(slices.Clone(c.All), c.Any...) {
			if sub.Holds(a, nil) {
				sub.markItems(a, mark)
			}
		}
	}
}

// NextSteps are the level's next steps whose conditions hold for these answers.
func (r *Result) NextSteps() []*Step {
	if r.Level == nil {
		return nil
	}
	var out []*Step
	for _, s := range r.Level.NextSteps {
		if s.ShowIf.Holds(r.Answers, r.Scores) {
			out = append(out, s)
		}
	}
	return out
}

// Advice is the advice whose conditions hold for these answers.
func (r *Result) Advice() []*Advice {
	var out []*Advice
	for _, a := range r.Questionnaire.Advice {
		if a.ShowIf.Holds(r.Answers, r.Scores) {
			out = append(out, a)
		}
	}
	return out
}

// ResourceKinds are the kinds of help the flags and the level call for, flags first, without
// repeats. Kinds marked "always" in the resources file are added by the caller.
func (r *Result) ResourceKinds() []string {
	var out []string
	add := func(kinds []string) {
		for _, k := range kinds {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	for _, f := range r.Flags {
		add(f.Resources)
	}
	if r.Level != nil {
		add(r.Level.Resources)
	}
	return out
}

// FlagIDs lists the raised flags' ids, most severe first.
func (r *Result) FlagIDs() []string {
	ids := make([]string, len(r.Flags))
	for i, f := range r.Flags {
		ids[i] = f.ID
	}
	return ids
}
