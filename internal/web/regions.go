package web

import (
	"net/http"

	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
)

// RegionChoice is one entry of a region picker.
type RegionChoice struct {
	ID, Name string
	Selected bool
}

// RegionChoices lists the regions of the help resources in a language, "other" last. With
// nothing selected, a page puts "Choose where you are" first: no region is ever chosen for a
// person without their knowing.
func (s *Site) RegionChoices(lang, selected string) []RegionChoice {
	var out []RegionChoice
	var other *RegionChoice
	for _, r := range s.Catalog.Resources.Regions {
		rc := RegionChoice{ID: r.ID, Name: r.Name.In(lang), Selected: r.ID == selected}
		if r.ID == helplines.OtherRegion {
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

// KnownRegion is the region a request value names, or "" when it names none: a page that
// needs a region then asks for it instead of choosing one.
func (s *Site) KnownRegion(v string) string {
	if s.Catalog.Resources.RegionByID(v) != nil {
		return v
	}
	return ""
}

// SuggestedRegion is the region the browser's language names (en-GB: United Kingdom), or ""
// when it names no country we list. It is only ever preselected, for the person to confirm.
func (s *Site) SuggestedRegion(r *http.Request) string {
	return s.Catalog.Resources.RegionFromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// RegionName is a region's name in a language.
func (s *Site) RegionName(lang, id string) string {
	if r := s.Catalog.Resources.RegionByID(id); r != nil {
		return r.Name.In(lang)
	}
	return ""
}
