package helplines

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// checkHelpLines checks the texts and region locales of the resources file: a locale names a
// country (en-GB, not en) and belongs to one region only, or the suggestion would be a guess.
func (r *Resources) checkHelpLines(report yamlfile.Report) {
	for i, k := range r.Kinds {
		definition.CheckText(report, fmt.Sprintf("$.kinds[%d].if_missing", i), k.IfMissing, r.Languages, false)
	}
	owner := map[string]string{}
	for i, reg := range r.Regions {
		p := fmt.Sprintf("$.regions[%d]", i)
		for j, loc := range reg.Locales {
			lp := fmt.Sprintf("%s.locales[%d]", p, j)
			if _, country, ok := strings.Cut(loc, "-"); !ok || len(country) != 2 {
				report(lp, "locale %q needs a two-letter country, such as en-GB or es-MX", loc)
				continue
			}
			key := strings.ToLower(loc)
			if other, dup := owner[key]; dup {
				report(lp, "locale %q already names region %q", loc, other)
				continue
			}
			owner[key] = reg.ID
		}
		for j, res := range reg.Resources {
			definition.CheckText(report, fmt.Sprintf("%s.resources[%d].hours", p, j), res.Hours, r.Languages, false)
		}
	}
}

// RegionByID returns the region with the id, or nil. Unlike Region it never falls back to
// "other": a page asking where the person is must not choose for them.
func (r *Resources) RegionByID(id string) *Region {
	for _, reg := range r.Regions {
		if reg.ID == id {
			return reg
		}
	}
	return nil
}

// RegionForLocale returns the id of the region a browser language such as en-GB names, or ""
// when none does (a bare "en" or "es" names no country).
func (r *Resources) RegionForLocale(tag string) string {
	for _, reg := range r.Regions {
		for _, loc := range reg.Locales {
			if strings.EqualFold(loc, tag) {
				return reg.ID
			}
		}
	}
	return ""
}

// RegionFromAcceptLanguage returns the region named by the most preferred language of an
// Accept-Language header that names one ("es-MX,es;q=0.9" gives Mexico), or "" when none does.
// Tags with q=0 are refused by the browser and ignored; a malformed entry is skipped.
func (r *Resources) RegionFromAcceptLanguage(header string) string {
	type pref struct {
		tag   string
		q     float64
		index int
	}
	var prefs []pref
	for i, part := range strings.Split(header, ",") {
		if i >= 32 {
			break // a real header has a handful
		}
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 {
				continue
			}
			q = f
		}
		if tag = strings.TrimSpace(tag); tag != "" && q > 0 {
			prefs = append(prefs, pref{tag, q, i})
		}
	}
	sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].q > prefs[j].q })
	for _, p := range prefs {
		if id := r.RegionForLocale(p.tag); id != "" {
			return id
		}
	}
	return ""
}

// MissingHelp is a kind of help asked for that a region has no resource of, with where to look
// instead (empty when the resources file says nothing).
type MissingHelp struct {
	Kind      *Kind
	WhereElse questionnaire.Text
}

// WhereToLook lists the kinds asked for that the region lacks, in the order asked, each with
// its resources file's pointer to where to look instead.
func (r *Resources) WhereToLook(region string, kinds []string) []MissingHelp {
	var out []MissingHelp
	for _, id := range r.Missing(region, kinds) {
		if k := r.Kind(id); k != nil {
			out = append(out, MissingHelp{Kind: k, WhereElse: k.IfMissing})
		}
	}
	return out
}

// SpeakingFirst returns the group with the resources that serve lang listed first, keeping
// the file's order otherwise: a Spanish page leads with the 988 Lifeline's Spanish line.
func (g KindGroup) SpeakingFirst(lang string) KindGroup {
	out := KindGroup{Kind: g.Kind, Resources: slices.Clone(g.Resources)}
	sort.SliceStable(out.Resources, func(i, j int) bool {
		return slices.Contains(out.Resources[i].Languages, lang) && !slices.Contains(out.Resources[j].Languages, lang)
	})
	return out
}
