package definition_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
	"github.com/ketascreen/ketascreen/questionnaires"
)

func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"../testdata/*.yaml", "testdata/lint/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	for _, name := range []string{"ketamine-selfcheck/1.1.0.yaml", "ketamine-selfcheck/1.2.0.yaml", "resources.yaml"} {
		data, err := questionnaires.FS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(""))
	f.Add([]byte("id: [\n"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("languages: !\n")) // panicked inside the YAML library
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := definition.Parse("f.yaml", data)
		ps := yamlfile.ProblemsOf(err)
		if (q == nil) == (len(ps) == 0) {
			t.Fatalf("Parse() = %v with %d problems", q, len(ps))
		}
		for _, p := range ps {
			if p.File != "f.yaml" || p.Message == "" || p.Line < 0 {
				t.Errorf("bad problem %#v", p)
			}
		}
		if q != nil {
			// A questionnaire lint accepts can always be scored without panicking, and its
			// level score has a band for every value it can take.
			lo, hi := q.LevelScore().Range()
			if lo > hi {
				t.Fatalf("level range %d..%d", lo, hi)
			}
			for v := lo; v <= hi && v-lo < 1000; v++ {
				if q.LevelScore().Band(v) == nil {
					t.Fatalf("no band holds %d", v)
				}
			}
			_, _ = q.Score(questionnaire.Answers{})
			_ = q.Visibility(questionnaire.Answers{})
		}
		r, rerr := helplines.Parse("r.yaml", data)
		rps := yamlfile.ProblemsOf(rerr)
		if (r == nil) == (len(rps) == 0) {
			t.Fatalf("ParseResources() = %v with %d problems", r, len(rps))
		}
		if r != nil {
			_ = r.For("", nil)
		}
	})
}
