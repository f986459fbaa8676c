package definition_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// wantMarker is how a lint fixture says which problem it expects on a line: "# want: message".
const wantMarker = "# want: "

type wantProblem struct {
	line int
	msg  string
}

// wantedProblems reads the "# want: message" markers of a fixture.
func wantedProblems(data []byte) []wantProblem {
	var out []wantProblem
	for i, line := range strings.Split(string(data), "\n") {
		if _, msg, ok := strings.Cut(line, wantMarker); ok {
			out = append(out, wantProblem{i + 1, strings.TrimSpace(msg)})
		}
	}
	return out
}

// checkProblems reports whether got is exactly the wanted problems: one per marker, on its line,
// with a message that contains the marker's text.
func checkProblems(t *testing.T, file string, got yamlfile.Problems, want []wantProblem) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, p := range got {
			if !used[i] && p.Line == w.line && strings.Contains(p.Message, w.msg) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("want %s:%d: ...%s...", file, w.line, w.msg)
		}
	}
	for i, p := range got {
		if !used[i] {
			t.Errorf("unexpected problem %s", p)
		}
		if p.File != file {
			t.Errorf("problem names file %q, want %q", p.File, file)
		}
		if prefix := fmt.Sprintf("%s:%d: ", file, p.Line); p.Line > 0 && !strings.HasPrefix(p.String(), prefix) {
			t.Errorf("String() = %q, want it to start with %q", p.String(), prefix)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%v", got)
	}
}

// Every fixture under testdata/lint breaks one rule and marks the line the problem must be
// reported at; valid.yaml and resources.yaml, the bases they were made from, have no problem.
func TestLintFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "lint", "*.yaml"))
	if err != nil || len(files) < 50 {
		t.Fatalf("found %d lint fixtures (%v)", len(files), err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := wantedProblems(data)
			for _, w := range want {
				if w.msg == "" {
					t.Fatalf("line %d: a want marker needs a message", w.line)
				}
			}
			base := name == "valid.yaml" || name == "resources.yaml"
			if base != (len(want) == 0) {
				t.Fatalf("%s has %d want markers", name, len(want))
			}
			var got yamlfile.Problems
			if strings.HasPrefix(name, "resources") {
				r, err := helplines.Parse(name, data)
				ps := yamlfile.ProblemsOf(err)
				if (r == nil) == base {
					t.Errorf("ParseResources returned %v with %d problems", r, len(ps))
				}
				got = ps
			} else {
				q, err := definition.Parse(name, data)
				ps := yamlfile.ProblemsOf(err)
				if (q == nil) == base {
					t.Errorf("Parse returned %v with %d problems", q, len(ps))
				}
				got = ps
			}
			checkProblems(t, name, got, want)
			// CheckFile picks the parser by the file name.
			if !strings.HasPrefix(name, "resources") {
				if fp := yamlfile.ProblemsOf(catalog.CheckFile(filepath.Join("some", "dir", name), data)); len(fp) != len(got) {
					t.Errorf("CheckFile found %d problems, Parse %d", len(fp), len(got))
				}
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	valid := lintFile(t, "valid.yaml")
	tests := []struct {
		name string
		src  string
		line int
		msg  string
	}{
		{"ErrTooLarge", valid + "\n#" + strings.Repeat("x", yamlfile.MaxFileSize), 0, "file is larger than"},
		{"ErrTextTooLong", strings.Replace(valid, "notice: {en: Notice,", "notice: {en: "+strings.Repeat("n", definition.MaxTextLength+1)+",", 1),
			lineOf(t, valid, "notice:"), "text is longer than 4000 characters"},
		{"ErrEmpty", "", 1, "id is required"},
		{"ErrNotAMapping", "- just\n- a list\n", 1, ""},
		// The YAML library panics on these; Parse must not.
		{"ErrLoneTag", "id: x\nlanguages: !\n", 0, "cannot decode this YAML"},
		{"ErrLoneTagFlow", "domains:\n  ! {id: sign}\n", 0, "cannot decode this YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := definition.Parse("q.yaml", []byte(tt.src))
			ps := yamlfile.ProblemsOf(err)
			if q != nil || len(ps) == 0 {
				t.Fatalf("Parse() = %v, %v; want problems", q, ps)
			}
			if ps[0].Line != tt.line || !strings.Contains(ps[0].Message, tt.msg) {
				t.Errorf("first problem = %s, want line %d: ...%s...", ps[0], tt.line, tt.msg)
			}
		})
	}
}
