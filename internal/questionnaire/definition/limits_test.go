package definition_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// wide is a questionnaire of c items that skip logic looks at, n items shown after one of them,
// and s scores over those n items: as much range work as the limits allow.
func wide(c, n, s int, repeatEntries int) string {
	var b strings.Builder
	b.WriteString("id: wide\nversion: 1.0.0\nlanguages: [en]\nminutes: 1\nlevel: s0\ntitle: {en: T}\nintroduction: {en: I}\nnotice: {en: N}\n")
	b.WriteString("domains: [{id: d, label: {en: D}}]\nsections:\n  - id: s\n    title: {en: S}\n    items:\n")
	opts := "options: [{code: a, label: {en: A}, value: 1}, {code: b, label: {en: B}, value: 2}, {code: c, label: {en: C}}]"
	for i := range c {
		fmt.Fprintf(&b, "      - {id: c%d, type: single, domain: d, prompt: {en: P}, %s}\n", i, opts)
	}
	if repeatEntries > 0 {
		b.WriteString("      - {id: list, type: multiple, domain: d, prompt: {en: P}, options: [")
		for e := range repeatEntries {
			fmt.Fprintf(&b, "{code: e%d, label: {en: E}}, ", e)
		}
		b.WriteString("]}\n  - id: block\n    title: {en: B}\n    repeat: {item: list}\n    items:\n")
	}
	var items []string
	for i := range n {
		fmt.Fprintf(&b, "      - {id: q%d, type: single, domain: d, prompt: {en: P}, show_if: {item: c%d, any_of: [a]}, %s}\n", i, i%c, opts)
		items = append(items, fmt.Sprintf("q%d", i))
	}
	b.WriteString("scores:\n")
	for j := range s {
		bands := ""
		if j == 0 {
			bands = fmt.Sprintf(", bands: [{id: a, min: 0, max: %d, label: {en: A}, meaning: {en: A}}]", 2*n)
		}
		fmt.Fprintf(&b, "  - {id: s%d, label: {en: S}, kind: sum, items: [%s]%s}\n", j, strings.Join(items, ", "), bands)
	}
	return b.String()
}

// No file can make lint (or the server starting) take long: the work on ranges has a budget,
// past which scores are only bounded, and a questionnaire may not grow past what a response
// can hold.
func TestLintLimits(t *testing.T) {
	tests := []struct {
		name string
		src  string
		msg  string // "" when the file is valid
	}{
		{"OKAtTheLimits", wide(9, 150, 190, 0), ""},
		{"ErrTooManyItems", wide(9, 200, 1, 0), "the questionnaire has 209 items"},
		// 2 items, the list, and 10 items for each of 30 entries.
		{"ErrRepeatedTooMuch", wide(2, 10, 1, 30), "the questionnaire has 303 items with its repeated blocks written out, but a response holds at most 200"},
		{"ErrTooManyScores", wide(2, 2, definition.MaxScores+1, 0), "scores with its repeated scores written out; at most 200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := definition.Parse("wide.yaml", []byte(tt.src))
			ps := yamlfile.ProblemsOf(err)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %s", d)
			}
			if tt.msg == "" {
				if len(ps) > 0 {
					t.Fatal(ps)
				}
				return
			}
			if len(ps) != 1 || !strings.Contains(ps[0].Message, tt.msg) {
				t.Errorf("problems %v, want one with %q", ps, tt.msg)
			}
		})
	}
}
