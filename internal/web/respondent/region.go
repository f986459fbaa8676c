package respondent

import (
	"net/http"

	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
	"github.com/ketascreen/ketascreen/internal/web"
)

// regionView is the line "Help lines for: <region> (change)" and the form that changes the
// region, on the result and help pages. Changing it is a GET of the same page: a result's
// answers are stored, so nothing is lost.
type regionView struct {
	Regions []web.RegionChoice
	// RegionName is whose help lines the page shows.
	RegionName string
	// Chosen is false when the person has not said where they are: the picker then starts at
	// "Choose where you are", while the page shows the lines that work anywhere.
	Chosen bool
	// KeepsAnswers says, by the picker, that changing the region keeps the answers.
	KeepsAnswers bool
	action       string
}

// RegionAction is where the form sends the choice.
func (v *regionView) RegionAction() string { return v.action }

// regionView is the region line and picker of a page at path showing region's help lines.
func (a *Area) regionView(lang, path, region string, chosen bool) regionView {
	selected := ""
	if chosen {
		selected = region
	}
	return regionView{Regions: a.site.RegionChoices(lang, selected), RegionName: a.site.RegionName(lang, region),
		Chosen: chosen, action: path}
}

// helpRegion is the region a page with no answers shows help lines for: the one asked for,
// else the one the browser's language names, else the lines that work anywhere, which the
// page says it shows. chosen is false in the last case.
func (a *Area) helpRegion(r *http.Request) (region string, chosen bool) {
	if id := a.site.KnownRegion(r.URL.Query().Get("region")); id != "" {
		return id, true
	}
	if id := a.site.SuggestedRegion(r); id != "" {
		return id, true
	}
	return helplines.OtherRegion, false
}
