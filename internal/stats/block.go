package stats

import (
	"slices"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/store"
)

// block is the cells one questionnaire contributes to a release, across its versions: how many
// responses per version and in all, and by level, flag, item option and warning sign. The
// category lists come from the definitions, never from the data, so every category shows
// (zeros included) and the list itself says nothing about who answered.
type block struct {
	id       string
	versions []*questionnaire.Questionnaire // newest first
	bands    []string
	flags    []string
	options  []itemOptions
	signs    []string // warning-sign items
	// positive[version][item] are the options that make the item's warning sign count.
	positive map[string]map[string][]string
	// maxFlags, maxOptions and maxSigns bound how many cells of each table one response adds
	// to: the L0 sensitivity of differential privacy.
	maxFlags, maxOptions, maxSigns int64

	cells []string // cell ids, in the order of assemble's output
	index map[string]int
}

type itemOptions struct {
	item  string
	codes []string
}

// Cell ids of a block.
func versionCell(q, v string) string    { return "q:" + q + "@" + v }
func qTotalCell(q string) string        { return "q:" + q }
func bandCell(q, b string) string       { return "band:" + q + ":" + b }
func flagCell(q, f string) string       { return "flag:" + q + ":" + f }
func optionCell(q, it, o string) string { return "option:" + q + ":" + it + "=" + o }
func signCell(q, it string) string      { return "sign:" + q + ":" + it }

func newBlock(id string, vs []*questionnaire.Questionnaire) *block {
	b := &block{id: id, versions: vs, positive: map[string]map[string][]string{}, index: map[string]int{}}
	add := func(list *[]string, s string) {
		if !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	for _, q := range vs {
		if lvl := q.LevelScore(); lvl != nil {
			for _, band := range lvl.Bands {
				add(&b.bands, band.ID)
			}
		}
		for _, f := range q.Flags {
			add(&b.flags, f.ID)
		}
		b.maxFlags = max(b.maxFlags, int64(len(q.Flags)))
		var opts, signs int64
		pos := map[string][]string{}
		for _, it := range q.Items() {
			i := slices.IndexFunc(b.options, func(o itemOptions) bool { return o.item == it.ID })
			if i < 0 {
				b.options = append(b.options, itemOptions{item: it.ID})
				i = len(b.options) - 1
			}
			for _, o := range it.Options {
				add(&b.options[i].codes, o.Code)
			}
			if it.Type == questionnaire.Single {
				opts++
			} else {
				opts += int64(max(1, len(slices.DeleteFunc(slices.Clone(it.Options), func(o *questionnaire.Option) bool { return o.Exclusive }))))
			}
			if p := signOptions(q, it); len(p) > 0 {
				add(&b.signs, it.ID)
				pos[it.ID] = p
				signs++
			}
		}
		b.positive[q.Version] = pos
		b.maxOptions = max(b.maxOptions, opts)
		b.maxSigns = max(b.maxSigns, signs)
	}
	b.maxFlags, b.maxOptions, b.maxSigns = max(b.maxFlags, 1), max(b.maxOptions, 1), max(b.maxSigns, 1)

	for _, q := range vs {
		b.cell(versionCell(id, q.Version))
	}
	b.cell(qTotalCell(id))
	for _, s := range b.bands {
		b.cell(bandCell(id, s))
	}
	for _, f := range b.flags {
		b.cell(flagCell(id, f))
	}
	for _, io := range b.options {
		for _, c := range io.codes {
			b.cell(optionCell(id, io.item, c))
		}
	}
	for _, s := range b.signs {
		b.cell(signCell(id, s))
	}
	return b
}

func (b *block) cell(id string) {
	b.index[id] = len(b.cells)
	b.cells = append(b.cells, id)
}

// signOptions are the options of a warning-sign item that count toward a score: choosing
// one means the person shows that sign. Only single-choice items: for a multiple-choice item
// a person may choose several such options, and option counts could not say how many people.
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

// versionCounts are the counters of one questionnaire version, summed: "responses" and
// metric/key pairs such as "band/low" or "option/frequency=daily".
type versionCounts map[string]int64

func countKey(metric, key string) string { return metric + "/" + key }

// assemble turns counter sums, by version, into the block's cell values. It is the one place
// that knows how cells derive from counters; the relations between cells are found by
// running it on single synthetic responses.
func (b *block) assemble(byVersion map[string]versionCounts) []int64 {
	out := make([]int64, len(b.cells))
	for _, q := range b.versions {
		c := byVersion[q.Version]
		if c == nil {
			continue
		}
		n := c["responses/"]
		out[b.index[versionCell(b.id, q.Version)]] += n
		out[b.index[qTotalCell(b.id)]] += n
		for _, s := range b.bands {
			out[b.index[bandCell(b.id, s)]] += c[countKey("band", s)]
		}
		for _, f := range b.flags {
			out[b.index[flagCell(b.id, f)]] += c[countKey("flag", f)]
		}
		for _, io := range b.options {
			for _, code := range io.codes {
				out[b.index[optionCell(b.id, io.item, code)]] += c[countKey("option", io.item+"="+code)]
			}
		}
		for item, codes := range b.positive[q.Version] {
			for _, code := range codes {
				out[b.index[signCell(b.id, item)]] += c[countKey("option", item+"="+code)]
			}
		}
	}
	return out
}

// responseCounts are the counters one response adds to, as store.CountKeys lists them.
func responseCounts(r *store.Response) versionCounts {
	c := versionCounts{}
	for _, k := range store.CountKeys(r) {
		if k.Metric == "score" {
			continue
		}
		c[countKey(k.Metric, k.Key)]++
	}
	return c
}

// optionLabel finds the label of an item's option in the newest version that has it.
func (b *block) optionLabel(item, code, lang string) string {
	for _, q := range b.versions {
		if it := q.Item(item); it != nil {
			if o := it.Option(code); o != nil {
				return o.Label.In(lang)
			}
		}
	}
	return code
}

// ItemPrompt finds an item's prompt in the newest version that has it.
func (b *block) itemPrompt(item, lang string) string {
	for _, q := range b.versions {
		if it := q.Item(item); it != nil {
			return strings.TrimSpace(it.Prompt.In(lang))
		}
	}
	return item
}
