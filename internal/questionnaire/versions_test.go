package questionnaire_test

import (
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/questionnaires"
)

// shippedCatalog is every shipped questionnaire version and the help resources.
func shippedCatalog(t testing.TB) *questionnaire.Catalog {
	t.Helper()
	c, ps := questionnaire.Load(questionnaires.FS)
	if len(ps) > 0 {
		t.Fatalf("the shipped questionnaires have problems:\n%v", ps)
	}
	return c
}
