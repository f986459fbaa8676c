package web

import "github.com/ketascreen/ketascreen/internal/questionnaire"

// RegionChoice is one entry of a region picker.
type RegionChoice struct {
	ID, Name string
	Selected bool
}

// RegionChoices lists the regions of the help resources in a language, "other" last.
func (s *Site) RegionChoices(lang, selected string) []RegionChoice {
	var out []RegionChoice
	var other *RegionChoice
	for _, r := range s.Catalog.Resources.Regions {
		rc := RegionChoice{ID: r.ID, Name: r.Name.In(lang), Selected: r.ID == selected}
		if r.ID == questionnaire.OtherRegion {
			other = &rc
			continue
		}
		out = append(out, rc)
	}
	if other != nil {
		out = append(out, *other)
	}
	return out
}

// Region is a valid region id from a request value, or "other".
func (s *Site) Region(v string) string {
	if s.Catalog.Resources.HasRegion(v) {
		return v
	}
	return questionnaire.OtherRegion
}
