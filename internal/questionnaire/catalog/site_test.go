package catalog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
	"github.com/ketascreen/ketascreen/questionnaires"
)

func TestParseSite(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg       string // "" when valid
	}{
		{"OK", "languages: [en, es]\nname: {en: Clinic check, es: Prueba}\n", 0, ""},
		{"OKIntro", "languages: [en]\nname: {en: Clinic}\nintro: {en: A short check.}\n", 0, ""},
		{"ErrMissingLanguage", "languages: [en, es]\nname: {en: Clinic}\n", 2, `missing the "es" text`},
		{"ErrNoName", "languages: [en]\n", 1, "name is required"},
		{"ErrLongName", "languages: [en]\nname:\n  en: " + strings.Repeat("n", catalog.MaxSiteName+1) + "\n", 3, "a site name is at most"},
		{"ErrLongIntro", "languages: [en]\nname: {en: C}\nintro: {en: " + strings.Repeat("i", catalog.MaxSiteIntro+1) + "}\n", 3, "a site introduction is at most"},
		{"ErrUnknownField", "languages: [en]\nname: {en: C}\ntitle: {en: C}\n", 3, "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := catalog.ParseSite("site.yaml", []byte(tt.src))
			ps := yamlfile.ProblemsOf(err)
			if tt.msg == "" {
				if len(ps) > 0 || s == nil {
					t.Fatalf("ParseSite() = %v, %v", s, ps)
				}
				return
			}
			if s != nil || len(ps) != 1 || ps[0].Line != tt.line || !strings.Contains(ps[0].Message, tt.msg) {
				t.Errorf("problems %v, want one at line %d with %q", ps, tt.line, tt.msg)
			}
			if fp := yamlfile.ProblemsOf(catalog.CheckFile("dir/site.yaml", []byte(tt.src))); len(fp) != len(ps) {
				t.Errorf("CheckFile found %d problems, ParseSite %d", len(fp), len(ps))
			}
		})
	}
}

// The catalog reads the site file next to the questionnaires; it is optional, and must name the
// site in every language of the questionnaires.
func TestCatalogSite(t *testing.T) {
	files := fstest.MapFS{}
	for _, name := range []string{"ketamine-selfcheck/1.2.0.yaml", "resources.yaml"} {
		data, _ := questionnaires.FS.ReadFile(name)
		files[name] = &fstest.MapFile{Data: data}
	}
	cat, err := catalog.Load(files)
	if err != nil || cat.Site() != nil {
		t.Errorf("without a site file: %v, %v", cat.Site(), err)
	}
	site, err := os.ReadFile(filepath.Join("testdata", "site", "site.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	files["site.yaml"] = &fstest.MapFile{Data: site}
	cat, err = catalog.Load(files)
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.Site().Name.In("es"); got != "Autoevaluación sobre el uso de ketamina" {
		t.Errorf("site name %q", got)
	}
	files["site.yaml"] = &fstest.MapFile{Data: []byte("languages: [en]\nname: {en: Clinic}\n")}
	_, err = catalog.Load(files)
	if ps := yamlfile.ProblemsOf(err); len(ps) != 1 || ps[0].File != "ketamine-selfcheck/1.2.0.yaml" || !strings.Contains(ps[0].Message, `is in language "es", but site.yaml is not`) {
		t.Errorf("problems %v, want the questionnaire's Spanish missing from the site", ps)
	}
}
