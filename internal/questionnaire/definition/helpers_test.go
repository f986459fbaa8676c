package definition_test

import "github.com/ketascreen/ketascreen/internal/questionnaire/qtest"

// The shared test helpers, by the names these tests use.
var (
	parse     = qtest.Parse
	parseFile = qtest.Fixture
	ans       = qtest.Ans
	mustScore = qtest.MustScore
	shownIDs  = qtest.ShownIDs
	lintFile  = qtest.LintFile
	lineOf    = qtest.LineOf
)
