package server_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/i18n"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/web"
)

// Every message a page or handler asks for exists, in every language: a missing Spanish text
// would otherwise show English (or the bare key) to a Spanish speaker.
func TestEveryMessageInEveryLanguage(t *testing.T) {
	cat := loadMessages(t)
	if len(cat.Languages()) < 2 {
		t.Fatalf("languages %v, want at least en and es", cat.Languages())
	}
	for lang, keys := range cat.Missing() {
		for _, k := range keys {
			t.Errorf("%s lacks %q", lang, k)
		}
	}

	used := map[string]bool{}
	literal := regexp.MustCompile(`\.T "([a-z0-9_.]+)"|\bT\([a-zA-Z.]*,? ?"([a-z0-9_.]+)"|"(error\.[a-z_]+)"`)
	add := func(text string) {
		for _, m := range literal.FindAllStringSubmatch(text, -1) {
			for _, k := range m[1:] {
				if k != "" && !strings.HasSuffix(k, ".") {
					used[k] = true
				}
			}
		}
	}
	fs.WalkDir(web.FS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(web.FS, p)
			add(string(b))
		}
		return err
	})
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		add(string(b))
	}
	// Keys built at run time.
	for _, kind := range []string{questionnaire.ErrUnknownItem, questionnaire.ErrInvalidOption, questionnaire.ErrRequired,
		questionnaire.ErrHidden, questionnaire.ErrWrongType, questionnaire.ErrExclusive, questionnaire.ErrNumber,
		"number_required", "number_high", "number_low", "number_whole"} {
		used["answer."+kind] = true
	}
	for _, sev := range []string{"urgent", "high", "moderate", "info"} {
		used["severity."+sev] = true
	}
	qs, err := catalog.Load(questionnaireFS())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range qs.Resources.Regions {
		for _, res := range r.Resources {
			for _, l := range res.Languages {
				used["lang.in."+l] = true
			}
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use; the scan is broken", len(used))
	}
	known := map[string]bool{}
	for _, k := range cat.Keys() {
		known[k] = true
	}
	for k := range used {
		if !known[k] {
			t.Errorf("message %q is used but not in the catalogue", k)
		}
	}
}

// loadMessages is the shipped message catalogue, as the server loads it.
func loadMessages(t *testing.T) *i18n.Catalog {
	t.Helper()
	sub, err := fs.Sub(web.FS, "locales")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// Every refusal a staff page can show has words in every language: the page's message prefix
// and the outcome's name (internal/web/staff.Refuse), for each outcome the service's method
// can lead to.
func TestEveryOutcomeHasWords(t *testing.T) {
	cat := loadMessages(t)
	for prefix, outcomes := range map[string][]access.Outcome{
		"signin.":           access.SignInOutcomes,
		"signin.code.":      access.CodeOutcomes,
		"twofactor.enrol.":  access.ConfirmOutcomes,
		"clinician.redeem.": access.RedeemOutcomes,
	} {
		for _, o := range outcomes {
			if o.Status() < 400 {
				continue // a redirect or the next page, not words
			}
			for _, lang := range cat.Languages() {
				key := prefix + o.String()
				var args []any
				if o == access.Throttled {
					args = append(args, 5) // minutes to wait
				}
				if text := cat.T(lang, key, args...); text == key || strings.Contains(text, "%") {
					t.Errorf("%s: no words (or wrong arguments) for %s: %q", lang, key, text)
				}
			}
		}
	}
}
