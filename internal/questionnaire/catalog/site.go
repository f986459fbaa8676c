package catalog

import (
	"slices"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

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
	Languages []string           `yaml:"languages" validate:"required,min=1,unique,dive,lang"`
	Name      questionnaire.Text `yaml:"name" validate:"required"`
	Intro     questionnaire.Text `yaml:"intro"`
}

// ParseSite reads and checks the site file; its problems are Problems.
func ParseSite(file string, data []byte) (*Site, error) {
	s := new(Site)
	if err := yamlfile.Decode(file, data, s, s.check); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Site) check(report yamlfile.Report) {
	definition.CheckText(report, "$.name", s.Name, s.Languages, true)
	definition.CheckText(report, "$.intro", s.Intro, s.Languages, false)
	for l, t := range s.Name {
		if len([]rune(t)) > MaxSiteName {
			report("$.name."+l, "a site name is at most %d characters", MaxSiteName)
		}
	}
	for l, t := range s.Intro {
		if len([]rune(t)) > MaxSiteIntro {
			report("$.intro."+l, "a site introduction is at most %d characters", MaxSiteIntro)
		}
	}
}

// Site is the site file's content, or nil when the folder has none (the caller then uses its
// own default name).
func (c *Catalog) Site() *Site { return c.site }

// checkSiteLanguages checks that the site is named in every language of a questionnaire.
func checkSiteLanguages(file string, data []byte, q *questionnaire.Questionnaire, s *Site) yamlfile.Problems {
	return yamlfile.ProblemsIn(file, data, func(report yamlfile.Report) {
		for _, l := range q.Languages {
			if !slices.Contains(s.Languages, l) {
				report("$.languages", "%s is in language %q, but %s is not", q.ID, l, SiteFile)
			}
		}
	})
}
