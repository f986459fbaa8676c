package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// The shipped self-check, exported and imported again, passes lint and scores as before; notes
// go to stderr, the file to stdout.
func TestImportFHIR(t *testing.T) {
	cat, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatal(err)
	}
	q := cat.Latest("ketamine-selfcheck")
	body, _ := json.Marshal(fhir.NewQuestionnaire(q, "es", fhir.DefaultBase, func(k string) string { return k }))
	file := filepath.Join(t.TempDir(), "q.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, stdin, arg string }{{"File", "", file}, {"Stdin", string(body), "-"}} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, tt.stdin, nil, "import", "fhir", tt.arg)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "ketascreen import: not converted: bands keep their names, not their meanings") {
				t.Errorf("stderr lacks the notes: %s", stderr)
			}
			back, err := definition.Parse("back.yaml", []byte(stdout))
			if err != nil {
				t.Fatalf("%v", err)
			}
			if !back.HasLanguage("es") || back.Title.In("es") != q.Title.In("es") || len(back.Items()) != len(q.Items()) {
				t.Errorf("came back as %v %q with %d items", back.Languages, back.Title.In("es"), len(back.Items()))
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"ErrNoFormat", "", []string{"import"}, 2, "want: ketascreen import fhir FILE|-"},
		{"ErrOtherFormat", "", []string{"import", "csv", "-"}, 2, "want: ketascreen import fhir"},
		{"ErrNoFile", "", []string{"import", "fhir", filepath.Join(t.TempDir(), "none.json")}, 2, "no such file"},
		{"ErrNotQuestionnaire", `{"resourceType": "Bundle"}`, []string{"import", "fhir", "-"}, 1, `the resource is a "Bundle"`},
		{"ErrNotJSON", `<Questionnaire/>`, []string{"import", "fhir", "-"}, 1, "not a JSON Questionnaire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runIn(t, tt.stdin, nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d with %q", code, stdout, stderr, tt.code, tt.want)
			}
		})
	}
}
