package catalog

import "github.com/ketascreen/ketascreen/internal/questionnaire"

// Versions lists every version of a questionnaire, newest first.
func (c *Catalog) Versions(id string) []*questionnaire.Questionnaire {
	return append([]*questionnaire.Questionnaire(nil), c.byID[id]...)
}
