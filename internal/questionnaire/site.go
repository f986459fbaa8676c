package questionnaire

import "slices"

// SiteFile is the name of the site file in a questionnaires folder. It is optional.
const SiteFile = "site.yaml"

// Limits on the site's texts: a name fits a page title, an introduction a short paragraph.
const (
	MaxSiteName  = 80
	MaxSiteIntro = 600
)

// Site is what a deployment calls itself, whatever the questionnaire: its name in each
// language (page titles and headers) and an optional short introduction for the start page.
type Site struct {
	Languages []string `yaml:"languages" validate:"required,min=1,unique,dive,lang"`
	Name      Text     `yaml:"name" validate:"required"`
	Intro     Text     `yaml:"intro"`
}

// ParseSite reads and checks the site file.
func ParseSite(file string, data []byte) (*Site, error) {
	s, ps := parseSite(file, data)
	return s, ps.orNil()
}

func parseSite(file string, data []byte) (*Site, Problems) {
	s := new(Site)
	nodes, ps := decode(file, data, s)
	if ps != nil {
		return nil, ps
	}
	pl := &problemList{file: file, nodes: nodes}
	checkFields(pl, s)
	if len(pl.list) == 0 {
		checkText(pl, "$.name", s.Name, s.Languages, true)
		checkText(pl, "$.intro", s.Intro, s.Languages, false)
		for l, t := range s.Name {
			if len([]rune(t)) > MaxSiteName {
				pl.add("$.name."+l, "a site name is at most %d characters", MaxSiteName)
			}
		}
		for l, t := range s.Intro {
			if len([]rune(t)) > MaxSiteIntro {
				pl.add("$.intro."+l, "a site introduction is at most %d characters", MaxSiteIntro)
			}
		}
	}
	if len(pl.list) > 0 {
		return nil, pl.resolve()
	}
	return s, nil
}

// Site is the site file's content, or nil when the folder has none (the caller then uses its
// own default name).
func (c *Catalog) Site() *Site { return c.site }

// checkSiteLanguages checks that the site is named in every language of a questionnaire.
func checkSiteLanguages(file string, data []byte, q *Questionnaire, s *Site) Problems {
	pl := &problemList{file: file}
	for _, l := range q.Languages {
		if !slices.Contains(s.Languages, l) {
			pl.add("$.languages", "%s is in language %q, but %s is not", q.ID, l, SiteFile)
		}
	}
	return pl.resolveIn(data)
}
