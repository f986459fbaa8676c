package catalog_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ketascreen/ketascreen/internal/questionnaire/resultview"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// A questionnaire's versions live in its folder, <id>/<version>.yaml: each file must hold that
// id and version, and an option code keeps its meaning from one version to the next.
func TestLoadVersionFolders(t *testing.T) {
	valid, resources := lintFile(t, "valid.yaml"), lintFile(t, "resources.yaml")
	version := func(v string, edits ...string) string {
		s := strings.Replace(valid, "version: 1.0.0", "version: "+v, 1)
		for i := 0; i+1 < len(edits); i += 2 {
			if !strings.Contains(s, edits[i]) {
				t.Fatalf("valid.yaml has no %q", edits[i])
			}
			s = strings.Replace(s, edits[i], edits[i+1], 1)
		}
		return s
	}
	relabel := version("1.1.0", `{code: a, label: {en: A, es: A}`, `{code: a, label: {en: Another thing, es: A}`)
	tests := []struct {
		name  string
		files fstest.MapFS
		want  []yamlfile.Problem // Line -1: any line; messages are substrings
	}{
		{"OK", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")), "lint-base/1.1.0.yaml": file(version("1.1.0")),
			"lint-base/README.md": file("notes"), "lint-base/draft.yaml": file("broken: ["), ".git/1.0.0.yaml": file("broken: ["),
			"resources.yaml": file(resources)}, nil},
		{"OKWithTopLevelFile", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")), "current.yaml": file(version("1.1.0")),
			"resources.yaml": file(resources)}, nil},
		{"OKCaseAndSpacing", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")),
			"lint-base/1.1.0.yaml": file(version("1.1.0", `{code: none, label: {en: None, es: Ninguno}`, `{code: none, label: {en: "NONE ", es: Ninguno}`)),
			"resources.yaml":       file(resources)}, nil},
		{"OKReworded", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")),
			"lint-base/1.1.0.yaml": file(version("1.1.0", `{code: a, label: {en: A, es: A}`, `{code: a, reworded: true, label: {en: A in other words, es: A}`)),
			"resources.yaml":       file(resources)}, nil},
		// A code dropped in one version and brought back is compared with the last that had it.
		{"OKNewCode", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")),
			"lint-base/1.1.0.yaml": file(version("1.1.0", `{code: b, label: {en: B, es: B}`, `{code: c, label: {en: C, es: C}`, "any_of: [a, b]", "any_of: [a, c]")),
			"resources.yaml":       file(resources)}, nil},
		{"ErrWrongID", fstest.MapFS{"other/1.0.0.yaml": file(version("1.0.0")), "resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: "other/1.0.0.yaml", Line: lineOf(t, valid, "id: lint-base"), Message: "a file in the folder other/ must define other, not lint-base"}}},
		{"ErrWrongVersion", fstest.MapFS{"lint-base/1.0.1.yaml": file(version("1.0.0")), "resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: "lint-base/1.0.1.yaml", Line: lineOf(t, valid, "version:"), Message: "the file 1.0.1.yaml must hold version 1.0.1, not 1.0.0"}}},
		{"ErrRelabelled", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")), "lint-base/1.1.0.yaml": file(relabel), "resources.yaml": file(resources)},
			[]yamlfile.Problem{{File: "lint-base/1.1.0.yaml", Line: lineOf(t, relabel, "Another thing"),
				Message: `option "a" of item "harms" said "A" in version 1.0.0 and says "Another thing" here`}}},
		{"ErrRelabelledAcrossAGap", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")),
			"lint-base/1.1.0.yaml": file(version("1.1.0", `{code: a, label: {en: A, es: A}, value: 1}`, `{code: z, label: {en: Z, es: Z}, value: 1}`, "any_of: [a, b]", "any_of: [z, b]")),
			"lint-base/1.2.0.yaml": file(version("1.2.0", `{code: a, label: {en: A, es: A}`, `{code: a, label: {en: Another thing, es: A}`)),
			"resources.yaml":       file(resources)},
			[]yamlfile.Problem{{File: "lint-base/1.2.0.yaml", Line: -1, Message: `said "A" in version 1.0.0`}}},
		{"ErrExclusiveChanged", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")),
			"lint-base/1.1.0.yaml": file(version("1.1.0", `{code: none, label: {en: None, es: Ninguno}, exclusive: true}`, `{code: none, label: {en: None, es: Ninguno}}`)),
			"resources.yaml":       file(resources)},
			[]yamlfile.Problem{{File: "lint-base/1.1.0.yaml", Line: -1, Message: `option "none" of item "harms" changes whether it is exclusive since version 1.0.0`}}},
		{"ErrTypeChanged", fstest.MapFS{"lint-base/1.0.0.yaml": file(version("1.0.0")),
			"lint-base/1.1.0.yaml": file(version("1.1.0", "      - id: use\n        type: single", "      - id: use\n        type: multiple")),
			"resources.yaml":       file(resources)},
			[]yamlfile.Problem{{File: "lint-base/1.1.0.yaml", Line: -1, Message: `item "use" is single-choice in version 1.0.0 but multiple-choice here`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := catalog.Load(tt.files)
			ps := yamlfile.ProblemsOf(err)
			if len(tt.want) == 0 {
				if len(ps) > 0 || c == nil {
					t.Fatalf("Load() = %v, %v", c, ps)
				}
				if vs := c.Versions("lint-base"); len(vs) < 1 || vs[0] != c.Latest("lint-base") {
					t.Errorf("Versions() = %v", vs)
				}
				return
			}
			if c != nil || len(ps) != len(tt.want) {
				t.Fatalf("Load() = %v, problems:\n%v\nwant %v", c, ps, tt.want)
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

// Both shipped versions load, 1.2.0 is the latest, and a result stored under 1.1.0 still scores
// with its own rules: thirteen warning-sign questions counted one by one.
func TestShippedVersions(t *testing.T) {
	c := shippedCatalog(t)
	var got []string
	for _, q := range c.Versions("ketamine-selfcheck") {
		got = append(got, q.Version)
	}
	if want := []string{"1.2.0", "1.1.0"}; !qtest.Equal(got, want) {
		t.Fatalf("versions = %v, want %v", got, want)
	}
	old := c.Version("ketamine-selfcheck", "1.1.0")
	a := fill(old, ans("use_context", "both", "frequency", "weekly"))
	for _, id := range old.ScoreByID("signs").Items {
		a[id] = []string{"yes"}
	}
	r := mustScore(t, old, a)
	if r.Scores["signs"] != 13 || r.Level.ID != "high" || resultview.Of(r, "en").Scale != nil {
		t.Errorf("1.1.0: signs %d level %s scale %v; want 13, high and no scale", r.Scores["signs"], r.Level.ID, resultview.Of(r, "en").Scale)
	}
	if _, err := old.Score(with(a, "safety_now", "no")); err == nil {
		t.Error("1.1.0 accepted an answer to a question it never asked")
	}
}
