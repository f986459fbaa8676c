package fhir

import "github.com/ketascreen/ketascreen/internal/questionnaire"

// ScoreVariable is the name of the SDC variable that holds a score in the exported
// Questionnaire.
func ScoreVariable(q *questionnaire.Questionnaire, id string) string { return scoreVar(q, id) }
