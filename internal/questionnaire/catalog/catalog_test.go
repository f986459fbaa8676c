package catalog_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
	"github.com/ketascreen/ketascreen/questionnaires"
)

func TestLoad(t *testing.T) {
	valid, resources := lintFile(t, "valid.yaml"), lintFile(t, "resources.yaml")
	badFlagKind := strings.Replace(valid, "    resources: [crisis]", "    resources: [crisis, hotline]", 1)
	badBandKind := strings.Replace(valid, "resources: [support]}", "resources: [support, peers]}", 1)
	// The support kind stays listed, but no region has a resource of it any more.
	noSupport := strings.Replace(resources, `      - id: us-web
        kind: support
        name: {en: Web, es: Web}
        contacts:
          - {type: web, value: "https://example.org/help"}
`, "", 1)
	if noSupport == resources {
		t.Fatal("the resources fixture changed: no us-web resource to remove")
	}
	french := strings.Replace(strings.Replace(valid, "languages: [en, es]", "languages: [en]", 1), ", es: ", ", fr: ", -1)
	french = strings.Replace(french, "languages: [en]", "languages: [en, fr]", 1)
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []yamlfile.Problem // Line -1: any line; messages are substrings
	}{
		{"OK", fstest.MapFS{"a.yaml": file(valid), "resources.yaml": file(resources), "README.md": file("not yaml"), "old/b.yaml": file("broken: [")}, nil},
		{"OKYml", fstest.MapFS{"a.yml": file(valid), "resources.yaml": file(resources)}, nil},
		{"ErrFlagUnknownKind", fstest.MapFS{"a.yaml": file(badFlagKind), "resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: "a.yaml", Line: lineOf(t, badFlagKind, "hotline"), Message: `flag "harm" asks for resource kind "hotline", which resources.yaml does not list`}}},
		{"ErrBandUnknownKind", fstest.MapFS{"a.yaml": file(badBandKind), "resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: "a.yaml", Line: lineOf(t, badBandKind, "peers"), Message: `band "high" of score "total" asks for resource kind "peers", which resources.yaml does not list`}}},
		// A kind that exists but that no region can show would be promised and never seen.
		{"ErrBandKindNowhere", fstest.MapFS{"a.yaml": file(valid), "resources.yaml": file(noSupport)},
			[]yamlfile.Problem{{File: "a.yaml", Line: lineOf(t, valid, "resources: [support]"), Message: `band "high" of score "total" asks for resource kind "support", but no region of resources.yaml has a resource of that kind`}}},
		{"ErrLanguageNotInResources", fstest.MapFS{"a.yaml": file(french), "resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: "a.yaml", Line: lineOf(t, french, "languages:"), Message: `lint-base is in language "fr", but resources.yaml is not`}}},
		{"ErrDuplicateVersion", fstest.MapFS{"a.yaml": file(valid), "b.yaml": file(valid), "resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: "b.yaml", Line: lineOf(t, valid, "version:"), Message: "lint-base version 1.0.0 is also defined in a.yaml"}}},
		{"ErrMissingResources", fstest.MapFS{"a.yaml": file(valid)},
			[]yamlfile.Problem{{File: "resources.yaml", Message: "the help resources file is missing"}}},
		{"ErrBrokenResources", fstest.MapFS{"a.yaml": file(valid), "resources.yaml": file(lintFile(t, "resources-unknown-kind.yaml"))},
			[]yamlfile.Problem{{File: "resources.yaml", Line: -1, Message: `kind "hotline" is not listed under kinds`}}},
		{"ErrNoQuestionnaire", fstest.MapFS{"resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: ".", Message: "no questionnaire found"}}},
		// Every file is checked: a problem in one does not hide those of another.
		{"ErrSeveralFiles", fstest.MapFS{"a.yaml": file(lintFile(t, "bad-dsm5.yaml")), "b.yaml": file(lintFile(t, "level-unknown.yaml")), "resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: "a.yaml", Line: -1, Message: "cravings"}, {File: "b.yaml", Line: -1, Message: "totl"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := catalog.Load(tt.files)
			ps := yamlfile.ProblemsOf(err)
			if len(tt.want) == 0 {
				if len(ps) > 0 || c == nil {
					t.Fatalf("Load() = %v, %v", c, ps)
				}
				if got := c.IDs(); !qtest.Equal(got, []string{"lint-base"}) {
					t.Errorf("IDs() = %v", got)
				}
				return
			}
			if c != nil {
				t.Errorf("Load() returned a catalog with problems")
			}
			if len(ps) != len(tt.want) {
				t.Fatalf("Load() problems:\n%v\nwant %v", ps, tt.want)
			}
			for i, w := range tt.want {
				p := ps[i]
				if p.File != w.File || (w.Line >= 0 && p.Line != w.Line) || !strings.Contains(p.Message, w.Message) {
					t.Errorf("problem %d = %s:%d: %s, want %s:%d: %s", i, p.File, p.Line, p.Message, w.File, w.Line, w.Message)
				}
			}
		})
	}
}

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestCatalogVersions(t *testing.T) {
	valid, resources := lintFile(t, "valid.yaml"), lintFile(t, "resources.yaml")
	version := func(v string) *fstest.MapFile {
		return file(strings.Replace(valid, "version: 1.0.0", "version: "+v, 1))
	}
	other := strings.Replace(strings.Replace(valid, "id: lint-base", "id: another", 1), "languages: [en, es]", "languages: [es, en]", 1)
	c, err := catalog.Load(fstest.MapFS{
		"v1.yaml": version("1.9.2"), "v2.yaml": version("1.10.0"), "v0.yaml": version("1.2"),
		"another.yaml": file(other), "resources.yaml": file(resources),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.IDs(); !qtest.Equal(got, []string{"another", "lint-base"}) {
		t.Errorf("IDs() = %v", got)
	}
	if got := c.Latest("lint-base").Version; got != "1.10.0" {
		t.Errorf("Latest = %s, want 1.10.0 (versions compare number by number)", got)
	}
	for _, v := range []string{"1.9.2", "1.10.0", "1.2"} {
		if q := c.Version("lint-base", v); q == nil || q.Version != v {
			t.Errorf("Version(%s) = %v", v, q)
		}
	}
	if c.Version("lint-base", "2.0.0") != nil || c.Latest("nope") != nil || c.Version("nope", "1.0.0") != nil {
		t.Error("found a questionnaire that does not exist")
	}
	var got []string
	for _, q := range c.Questionnaires() {
		got = append(got, q.ID+"@"+q.Version)
	}
	if want := []string{"another@1.0.0", "lint-base@1.10.0"}; !qtest.Equal(got, want) {
		t.Errorf("Questionnaires() = %v, want %v", got, want)
	}
	if got := c.Languages(); !qtest.Equal(got, []string{"es", "en"}) {
		t.Errorf("Languages() = %v, want [es en]", got)
	}
	if c.Resources == nil || !c.Resources.HasRegion("us") {
		t.Error("the catalog lacks its resources")
	}
}

// The shipped folder loads clean: questionnaire and resources together.
func TestShippedCatalog(t *testing.T) {
	q := shippedCatalog(t).Latest("ketamine-selfcheck")
	if q.Version == "" || !q.HasLanguage("en") || !q.HasLanguage("es") || q.HasLanguage("fr") {
		t.Errorf("ketamine-selfcheck %s in %v", q.Version, q.Languages)
	}
}

// A name in a questionnaires folder that is not a regular file (a device, a pipe) is a problem,
// not something to read forever.
func TestLoadRefusesFilesThatAreNotRegular(t *testing.T) {
	files := fstest.MapFS{}
	names, _ := fs.Glob(questionnaires.FS, "*.yaml")
	for _, n := range names {
		data, _ := fs.ReadFile(questionnaires.FS, n)
		files[n] = &fstest.MapFile{Data: data}
	}
	files["zero.yaml"] = &fstest.MapFile{Mode: fs.ModeDevice | fs.ModeCharDevice | 0o666}
	_, err := catalog.Load(files)
	ps := yamlfile.ProblemsOf(err)
	if len(ps) != 1 || ps[0].File != "zero.yaml" || !strings.Contains(ps[0].Message, "not a regular file") {
		t.Errorf("problems %v, want zero.yaml not a regular file", ps)
	}
}
