package yamlfile_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// deepIndent is n block mappings, each indented one more space than the one before.
func deepIndent(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%sk%d:\n", strings.Repeat(" ", i), i)
	}
	return b.String()
}

// Nesting deeper than MaxDepth is refused before the YAML library sees it (its memory grows
// with the square of the depth), at the line where it happens, in little time and memory.
func TestNestingTooDeep(t *testing.T) {
	tooDeep := yamlfile.MaxDepth + 1
	tests := []struct {
		name string
		src  string
		line int
	}{
		{"ErrFlowLists", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), 1},
		{"ErrFlowMaps", "id: " + strings.Repeat("{a: ", 10000) + strings.Repeat("}", 10000), 1},
		{"ErrDashes", strings.Repeat("- ", 20000) + "x\n", 1},
		{"ErrExplicitKeys", strings.Repeat("? ", 20000) + "x\n", 1},
		{"ErrFlowOverLines", "id: x\n" + strings.Repeat("[\n", 20000), yamlfile.MaxDepth + 1},
		{"ErrIndentation", "id: x\n" + deepIndent(tooDeep), tooDeep + 1},
		// What looks like text, but is not text to YAML, is still counted.
		{"ErrQuoteInsideAWord", "title: it's\n" + strings.Repeat("- ", tooDeep) + "x\n", 2},
		{"ErrQuoteAfterAWord", "title: a 'b\n" + strings.Repeat("- ", tooDeep) + "x\n", 2},
		{"ErrBarAfterAWord", "title: a |\n  " + strings.Repeat("[", tooDeep) + "\n", 2},
		{"ErrBracketAfterAWord", "title: a [\n" + strings.Repeat("- ", tooDeep) + "x\n", 2},
		{"ErrAfterBlockScalar", "- key: |\n    text\n  other: " + strings.Repeat("[", tooDeep) + "\n", 3},
		{"ErrAfterQuoteClosed", "title: \"a\n  b\" \nnext: " + strings.Repeat("{a: ", tooDeep) + "\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			start := time.Now()
			q, err := definition.Parse("deep.yaml", []byte(tt.src))
			ps := yamlfile.ProblemsOf(err)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if q != nil || len(ps) != 1 {
				t.Fatalf("Parse() = %v, %v; want one problem", q, ps)
			}
			if want := fmt.Sprintf("deep.yaml:%d: nesting is deeper than %d levels", tt.line, yamlfile.MaxDepth); !strings.HasPrefix(ps[0].String(), want) {
				t.Errorf("problem %q, want %q...", ps[0], want)
			}
			// Twice the file's size would do; the YAML library took 1.3 GB on the first case.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
				t.Errorf("allocated %d bytes to refuse a %d-byte file", alloc, len(tt.src))
			}
			if elapsed > time.Second {
				t.Errorf("took %s", elapsed)
			}
			// The help resources file goes through the same door.
			_, err = helplines.Parse("deep.yaml", []byte(tt.src))
			if ps := yamlfile.ProblemsOf(err); len(ps) != 1 || !strings.Contains(ps[0].Message, "nesting is deeper") {
				t.Errorf("ParseResources: %v", ps)
			}
		})
	}
}

// Text that only looks nested (in quotes, comments and block scalars) is not counted, and
// nesting up to the bound is allowed: the file fails later, for its real problems.
func TestNestingInTextIsNotCounted(t *testing.T) {
	deep := strings.Repeat("[", 3*yamlfile.MaxDepth)
	tests := []struct {
		name string
		src  string
	}{
		{"DoubleQuoted", "title: {en: \"" + deep + "\"}\n"},
		{"DoubleQuotedEscapedQuote", "title: {en: \"say \\\"" + deep + "\"}\n"},
		{"SingleQuoted", "title: {en: '" + deep + "'}\n"},
		{"QuotedOverLines", "title:\n  en: \"a\n    " + deep + "\n    b\"\n"},
		{"Comment", "id: x # " + deep + "\n# " + deep + "\n"},
		{"Literal", "title:\n  en: |\n    " + deep + "\n\n    " + deep + "\n"},
		{"FoldedInList", "tips:\n  - >-\n    " + deep + "\n  - |2\n     " + deep + "\n"},
		{"PlainWithBrackets", "title: {en: a]b}\n"},
		{"AtTheBound", "id: x\n" + deepIndent(yamlfile.MaxDepth-1)},
		{"FlowAtTheBound", "id: " + strings.Repeat("[", yamlfile.MaxDepth-1) + strings.Repeat("]", yamlfile.MaxDepth-1) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := definition.Parse("text.yaml", []byte(tt.src))
			ps := yamlfile.ProblemsOf(err)
			if len(ps) == 0 {
				t.Fatal("no problem at all: the fixture should be an incomplete questionnaire")
			}
			for _, p := range ps {
				if strings.Contains(p.Message, "nesting") {
					t.Errorf("refused for nesting: %s", p)
				}
			}
		})
	}
}
