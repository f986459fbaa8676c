package catalog_test

import "github.com/ketascreen/ketascreen/internal/questionnaire/qtest"

// The shared test helpers, by the names these tests use.
var (
	lintFile       = qtest.LintFile
	lineOf         = qtest.LineOf
	shippedCatalog = qtest.Catalog
	ans            = qtest.Ans
	with           = qtest.With
	fill           = qtest.Fill
	mustScore      = qtest.MustScore
)
