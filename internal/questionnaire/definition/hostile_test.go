package definition_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// A "billion laughs" file: nine levels of aliases, each repeating the one before nine times.
// Decoded, it would hold 9^9 strings; it must be refused at once.
func TestAliasesAreRefused(t *testing.T) {
	src := "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	prev := "a"
	for _, c := range "bcdefghi" {
		src += string(c) + ": &" + string(c) + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+", ", 9), ", ") + "]\n"
		prev = string(c)
	}
	src += "id: x\nversion: '1'\nlanguages: [en]\ntitle: {en: *i}\nsections: *i\n"
	start := time.Now()
	_, err := definition.Parse("laughs.yaml", []byte(src))
	ps := yamlfile.ProblemsOf(err)
	if len(ps) == 0 || !strings.Contains(ps.Error(), "aliases") {
		t.Errorf("problems %v, want aliases refused", ps)
	}
	if ps[0].Line != 2 {
		t.Errorf("reported at line %d, want 2 (the first alias)", ps[0].Line)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
	// The same for the resources file.
	if _, err := helplines.Parse("resources.yaml", []byte("kinds: &k []\nregions: *k\n")); err == nil || !strings.Contains(err.Error(), "aliases") {
		t.Errorf("resources: problems %v, want aliases refused", ps)
	}
}
