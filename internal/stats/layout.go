package stats

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
)

// Layout is the fixed shape of a release of one questionnaire version: its slices (every
// language of the questionnaire by every region of the resources) and, in each slice, the
// measured cells of three parts: the level (one cell per band), the flags, and the options of
// every item. Every other figure (responses, warning signs, how many were asked an item,
// totals) is a sum of measured cells, so it costs no budget and always agrees with them.
//
// The lists come from the definitions, never from the data, so every category is there (zeros
// included) and the list itself says nothing about who answered. A release stores its layout,
// so it can be read after the questionnaire changes.
type Layout struct {
	Questionnaire string       `json:"questionnaire"`
	Version       string       `json:"version"`
	Languages     []string     `json:"languages"`
	Regions       []string     `json:"regions"`
	Bands         []string     `json:"bands"` // empty when the questionnaire has no level: "responses" is counted instead
	Flags         []string     `json:"flags"`
	Items         []LayoutItem `json:"items"`
}

// LayoutItem is an item of a layout: its measured options (or bands, for a number item).
type LayoutItem struct {
	ID       string   `json:"id"`
	Multiple bool     `json:"multiple,omitempty"`
	Codes    []string `json:"codes"`
	// Signs are the options that make the item a warning sign (a single-choice item of the
	// warning_sign domain whose option counts toward a score).
	Signs []string `json:"signs,omitempty"`
	// Most is how many of its options one response can choose: 1, or for a multiple-choice
	// item its options that are not exclusive.
	Most int `json:"most"`
	// Number: a number item, counted by the bands of its points ("1..3"), one per response.
	Number bool `json:"number,omitempty"`
}

// Parts of a slice, in the order of its values.
const (
	PartLevel   = "level"
	PartFlags   = "flags"
	PartOptions = "options"
)

var partNames = []string{PartLevel, PartFlags, PartOptions}

// responsesRow is the one row of the level part of a questionnaire without a level.
const responsesRow = "responses"

// NewLayout is the layout of a questionnaire version's releases over the regions given.
func NewLayout(q *questionnaire.Questionnaire, regions []string) *Layout {
	l := &Layout{Questionnaire: q.ID, Version: q.Version, Languages: slices.Clone(q.Languages), Regions: regions}
	slices.Sort(l.Languages)
	if s := q.LevelScore(); s != nil {
		for _, b := range s.Bands {
			l.Bands = append(l.Bands, b.ID)
		}
	}
	for _, f := range q.Flags {
		l.Flags = append(l.Flags, f.ID)
	}
	for _, it := range q.Items() {
		if it.Type == questionnaire.Number {
			if li, ok := numberItem(it); ok {
				l.Items = append(l.Items, li)
			}
			continue
		}
		li := LayoutItem{ID: it.ID, Multiple: it.Type == questionnaire.Multiple, Most: 1, Signs: signOptions(q, it)}
		free := 0
		for _, o := range it.Options {
			li.Codes = append(li.Codes, o.Code)
			if !o.Exclusive {
				free++
			}
		}
		if li.Multiple {
			li.Most = max(1, free)
		}
		l.Items = append(l.Items, li)
	}
	return l
}

// signOptions are the options of a warning-sign item that count toward a score: choosing one
// means the person shows that sign. Only single-choice items: of a multiple-choice item a
// person may choose several such options, and option counts could not say how many people.
func signOptions(q *questionnaire.Questionnaire, it *questionnaire.Item) []string {
	if it.Domain != "warning_sign" || it.Type != questionnaire.Single {
		return nil
	}
	var out []string
	for _, o := range it.Options {
		for _, s := range q.Scores {
			if slices.Contains(s.Items, it.ID) && o.ValueFor(s.ID) > 0 {
				out = append(out, o.Code)
				break
			}
		}
	}
	return out
}

// Rows are the measured rows of a part: band ids, flag ids, or item=code.
func (l *Layout) Rows(part string) []string {
	switch part {
	case PartLevel:
		if len(l.Bands) == 0 {
			return []string{responsesRow}
		}
		return l.Bands
	case PartFlags:
		return l.Flags
	}
	var out []string
	for _, it := range l.Items {
		for _, c := range it.Codes {
			out = append(out, it.ID+"="+c)
		}
	}
	return out
}

// MaxCells is how many cells of a part one response adds one to, at most: the part's squared
// L2 (and its L1) sensitivity. The tally enforces it.
func (l *Layout) MaxCells(part string) int {
	switch part {
	case PartLevel:
		return 1
	case PartFlags:
		return len(l.Flags)
	}
	n := 0
	for _, it := range l.Items {
		n += it.Most
	}
	return n
}

// width is how many values one slice holds; Offset is where a part starts in it.
func (l *Layout) width() int { return l.Offset(PartOptions) + len(l.Rows(PartOptions)) }

func (l *Layout) Offset(part string) int {
	n := 0
	for _, p := range partNames {
		if p == part {
			return n
		}
		n += len(l.Rows(p))
	}
	return n
}

// Slices is how many slices (languages by regions) a release of the layout holds.
func (l *Layout) Slices() int { return len(l.Languages) * len(l.Regions) }

// Slice is the index of a language and region, or -1 when the layout has neither.
func (l *Layout) Slice(lang, region string) int {
	i, j := slices.Index(l.Languages, lang), slices.Index(l.Regions, region)
	if i < 0 || j < 0 {
		return -1
	}
	return i*len(l.Regions) + j
}

// Tally is the exact counts of one release before noise: for each slice, its measured cells.
type Tally struct {
	l *Layout
	// Counts are the exact counts by slice, then measured cell (as Release.Values).
	Counts [][]int64
	// skipped counts responses no slice could take (a language or region no longer defined).
	skipped int
	index   map[string]int // measured row -> position in a slice
}

// Layout is the layout the tally counts into.
func (t *Tally) Layout() *Layout { return t.l }

// NewTally is an empty tally of a layout.
func NewTally(l *Layout) *Tally {
	t := &Tally{l: l, Counts: make([][]int64, l.Slices()), index: map[string]int{}}
	for i := range t.Counts {
		t.Counts[i] = make([]int64, l.width())
	}
	for _, p := range partNames {
		for i, r := range l.Rows(p) {
			t.index[p+":"+r] = l.Offset(p) + i
		}
	}
	return t
}

// Add counts one response. It never lets a response add to more cells than MaxCells says (a
// damaged row, or one from before an item changed, could): the noise is calibrated to that
// bound.
func (t *Tally) Add(r *responsedb.Response) {
	s := t.l.Slice(r.Lang, r.Region)
	if s < 0 {
		t.skipped++
		return
	}
	row := t.Counts[s]
	if len(t.l.Bands) == 0 {
		row[t.index[PartLevel+":"+responsesRow]]++
	} else if i, ok := t.index[PartLevel+":"+r.Band]; ok {
		row[i]++
	}
	seen := map[string]bool{}
	for _, f := range r.Flags {
		if i, ok := t.index[PartFlags+":"+f]; ok && !seen[f] {
			seen[f] = true
			row[i]++
		}
	}
	for _, it := range t.l.Items {
		if it.Number {
			if c, ok := it.numberBand(r.Answers[it.ID]); ok {
				row[t.index[PartOptions+":"+it.ID+"="+c]]++
			}
			continue
		}
		chosen := 0
		for _, c := range r.Answers[it.ID] {
			i, ok := t.index[PartOptions+":"+it.ID+"="+c]
			if !ok || chosen == it.Most || seen[it.ID+"="+c] {
				continue
			}
			seen[it.ID+"="+c] = true
			chosen++
			row[i]++
		}
	}
}

// addCounter adds one of the counters kept before releases (metric/key, n responses) to a
// slice. Counters cannot be bounded per response, but they were made by the same code that
// stored the rows, which never exceeded the bounds.
func (t *Tally) addCounter(lang, region, metric, key string, n int64) {
	s := t.l.Slice(lang, region)
	if s < 0 {
		if metric == "responses" {
			t.skipped += int(n)
		}
		return
	}
	row := t.Counts[s]
	switch {
	case metric == "responses" && len(t.l.Bands) == 0:
		row[t.index[PartLevel+":"+responsesRow]] += n
	case metric == "band":
		if i, ok := t.index[PartLevel+":"+key]; ok {
			row[i] += n
		}
	case metric == "flag":
		if i, ok := t.index[PartFlags+":"+key]; ok {
			row[i] += n
		}
	case metric == "option" && strings.Contains(key, "="):
		if i, ok := t.index[PartOptions+":"+key]; ok {
			row[i] += n
		}
	}
}

// CompareVersions compares dotted versions number by number ("1.10" after "1.9").
func CompareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		an, aerr := strconv.Atoi(as[i])
		bn, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			if an != bn {
				return an - bn
			}
			continue
		}
		if c := strings.Compare(as[i], bs[i]); c != 0 {
			return c
		}
	}
	return len(as) - len(bs)
}
