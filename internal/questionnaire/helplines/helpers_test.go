package helplines_test

import "github.com/ketascreen/ketascreen/internal/questionnaire/qtest"

// The shared test helpers, by the names these tests use.
var (
	lintFile       = qtest.LintFile
	shippedCatalog = qtest.Catalog
)
