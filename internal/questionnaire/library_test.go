package questionnaire_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// The instrument library loads as a folder of its own (its resources.yaml is a link to the
// shipped one), and the binary does not embed it: a clinic serves it only by choice.
func TestLibrary(t *testing.T) {
	dir := filepath.Join(qtest.Root(), "questionnaires", "library")
	cat, err := catalog.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cat.IDs(), []string{"assist", "audit", "audit-c", "phq2", "phq9"}; !slices.Equal(got, want) {
		t.Errorf("library %v, want %v", got, want)
	}
	if _, err := fs.Stat(questionnaires.FS, "library"); err == nil {
		t.Error("the binary embeds the library")
	}
	// Every other folder (a shipped questionnaire's versions) is embedded.
	entries, err := os.ReadDir(filepath.Join(qtest.Root(), "questionnaires"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && e.Name() != "library" {
			if _, err := fs.Stat(questionnaires.FS, e.Name()); err != nil {
				t.Errorf("questionnaires/%s is not embedded: add it to the go:embed line in questionnaires/embed.go", e.Name())
			}
		}
	}
	for _, id := range cat.IDs() {
		if cat.Latest(id).MapsDSM5() {
			t.Errorf("%s maps DSM-5 criteria: none of these instruments does", id)
		}
	}
}
