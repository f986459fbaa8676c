package helplines_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/questionnaires"
)

func lintFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "lint", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// shippedCatalog is every shipped questionnaire version and the help resources.
func shippedCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load(questionnaires.FS)
	if err != nil {
		t.Fatalf("the shipped questionnaires have problems:\n%v", err)
	}
	return c
}

func equal[T comparable](a, b []T) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return slices.Equal(a, b)
}
