// Package helplines owns the help resources file (resources.yaml): the help lines and services
// of each region, by kind of help, and which of them a result page shows.
package helplines

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// Resources are the help lines and services shown on result pages, by region and kind.
type Resources struct {
	Languages []string  `yaml:"languages" validate:"required,min=1,unique,dive,lang"`
	Kinds     []*Kind   `yaml:"kinds" validate:"required,min=1,dive,required"`
	Regions   []*Region `yaml:"regions" validate:"required,min=1,dive,required"`
}

// Kind is a kind of help: crisis line, emergency, drug information, peer support.
type Kind struct {
	ID     string             `yaml:"id" validate:"required,max=64,ident"`
	Label  questionnaire.Text `yaml:"label" validate:"required"`
	Always bool               `yaml:"always"`
	// IfMissing says where to look when a region has no resource of this kind ("a doctor can
	// tell you about drug services near you"), instead of promising help the page cannot show.
	IfMissing questionnaire.Text `yaml:"if_missing"`
}

// Region is a country or area with its own help lines.
type Region struct {
	ID        string             `yaml:"id" validate:"required,max=16,ident"`
	Name      questionnaire.Text `yaml:"name" validate:"required"`
	Resources []*Resource        `yaml:"resources" validate:"required,min=1,dive,required"`
	// Locales are the browser languages that name this region (en-GB, es-MX): the region is
	// suggested to people whose browser asks for one of them, and to no one else.
	Locales []string `yaml:"locales" validate:"unique,dive,lang"`
}

// Resource is one service.
type Resource struct {
	ID         string             `yaml:"id" validate:"required,max=64,slug"`
	Kind       string             `yaml:"kind" validate:"required"`
	Name       questionnaire.Text `yaml:"name" validate:"required"`
	About      questionnaire.Text `yaml:"about"`
	Free       bool               `yaml:"free"`
	AlwaysOpen bool               `yaml:"always_open"`
	Languages  []string           `yaml:"languages" validate:"unique,dive,lang"`
	Contacts   []*Contact         `yaml:"contacts" validate:"required,min=1,dive,required"`
	// Hours, for a service that is not open all the time ("Monday to Friday, office hours").
	Hours questionnaire.Text `yaml:"hours"`
}

// Contact is one way to reach a resource.
type Contact struct {
	Type    string             `yaml:"type" validate:"required,oneof=phone text web"`
	Value   string             `yaml:"value" validate:"required,max=200"`
	Keyword string             `yaml:"keyword" validate:"max=32"`
	Label   questionnaire.Text `yaml:"label"`
}

// OtherRegion is the region for anywhere else ("Another country"): a person chooses it, and
// Region falls back to it for an id the file no longer lists. Pages never choose it for a person.
const OtherRegion = "other"

// Parse reads and checks the resources file; its problems are Problems.
func Parse(file string, data []byte) (*Resources, error) {
	r := new(Resources)
	if err := yamlfile.Decode(file, data, r, r.check); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Resources) check(report yamlfile.Report) {
	kinds := map[string]bool{}
	for i, k := range r.Kinds {
		p := fmt.Sprintf("$.kinds[%d]", i)
		if kinds[k.ID] {
			report(p+".id", "kind %q is listed twice", k.ID)
		}
		kinds[k.ID] = true
		definition.CheckText(report, p+".label", k.Label, r.Languages, true)
	}
	for _, need := range []string{"crisis", "emergency"} {
		if !kinds[need] {
			report("$.kinds", "kind %q is required", need)
		}
	}
	regions := map[string]bool{}
	ids := map[string]bool{}
	for i, reg := range r.Regions {
		p := fmt.Sprintf("$.regions[%d]", i)
		if regions[reg.ID] {
			report(p+".id", "region %q is listed twice", reg.ID)
		}
		regions[reg.ID] = true
		definition.CheckText(report, p+".name", reg.Name, r.Languages, true)
		has := map[string]bool{}
		for j, res := range reg.Resources {
			rp := fmt.Sprintf("%s.resources[%d]", p, j)
			if ids[res.ID] {
				report(rp+".id", "resource id %q is used twice", res.ID)
			}
			ids[res.ID] = true
			if !kinds[res.Kind] {
				report(rp+".kind", "kind %q is not listed under kinds", res.Kind)
			}
			has[res.Kind] = true
			definition.CheckText(report, rp+".name", res.Name, r.Languages, true)
			definition.CheckText(report, rp+".about", res.About, r.Languages, false)
			for k, c := range res.Contacts {
				cp := fmt.Sprintf("%s.contacts[%d]", rp, k)
				definition.CheckText(report, cp+".label", c.Label, r.Languages, false)
				if msg := c.problem(); msg != "" {
					report(cp+".value", "%s", msg)
				}
			}
		}
		for _, need := range []string{"crisis", "emergency"} {
			if !has[need] {
				report(p, "region %q has no %s resource; every region needs one", reg.ID, need)
			}
		}
	}
	if !regions[OtherRegion] {
		report("$.regions", "a region %q is required, for people anywhere else", OtherRegion)
	}
	r.checkHelpLines(report)
}

// problem says what is wrong with a contact's value, or "".
func (c *Contact) problem() string {
	switch c.Type {
	case "web":
		u, err := url.Parse(c.Value)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil ||
			strings.ContainsFunc(c.Value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			return "a web contact must be an https:// address"
		}
	case "phone", "text":
		if !strings.ContainsAny(c.Value, "0123456789") {
			return "a phone or text contact needs digits"
		}
		for _, ch := range c.Value {
			if !(ch >= '0' && ch <= '9') && !slices.Contains([]rune(" -+()"), ch) {
				return fmt.Sprintf("%q is not a phone number (digits, spaces, + - ( ) only)", c.Value)
			}
		}
	}
	return ""
}

// Dial is the phone or text number with only its digits (and a leading +), for tel: links.
func (c *Contact) Dial() string {
	var out []rune
	for i, ch := range c.Value {
		if ch >= '0' && ch <= '9' || ch == '+' && i == 0 {
			out = append(out, ch)
		}
	}
	return string(out)
}

// Region returns the region with the id, or the "other" region.
func (r *Resources) Region(id string) *Region {
	var other *Region
	for _, reg := range r.Regions {
		if reg.ID == id {
			return reg
		}
		if reg.ID == OtherRegion {
			other = reg
		}
	}
	return other
}

// HasRegion reports whether the id names a region.
func (r *Resources) HasRegion(id string) bool {
	return slices.ContainsFunc(r.Regions, func(reg *Region) bool { return reg.ID == id })
}

// Kind returns the kind with the id, or nil.
func (r *Resources) Kind(id string) *Kind {
	for _, k := range r.Kinds {
		if k.ID == id {
			return k
		}
	}
	return nil
}

// Listed reports whether any region has a resource of the kind.
func (r *Resources) Listed(kind string) bool {
	return slices.ContainsFunc(r.Regions, func(reg *Region) bool {
		return slices.ContainsFunc(reg.Resources, func(res *Resource) bool { return res.Kind == kind })
	})
}

// KindGroup is the resources of one kind in one region.
type KindGroup struct {
	Kind      *Kind
	Resources []*Resource
}

// For returns the resources of a region to show, grouped by kind in the file's kind order:
// every kind marked always, plus the kinds asked for.
func (r *Resources) For(region string, kinds []string) []KindGroup {
	reg := r.Region(region)
	var out []KindGroup
	for _, k := range r.Kinds {
		if !k.Always && !slices.Contains(kinds, k.ID) {
			continue
		}
		g := KindGroup{Kind: k}
		for _, res := range reg.Resources {
			if res.Kind == k.ID {
				g.Resources = append(g.Resources, res)
			}
		}
		if len(g.Resources) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// Missing lists the kinds asked for that the region has no resource of, in the order asked:
// the result page says so rather than leave a promised kind of help silently out.
func (r *Resources) Missing(region string, kinds []string) []string {
	reg := r.Region(region)
	var out []string
	for _, k := range kinds {
		if !slices.ContainsFunc(reg.Resources, func(res *Resource) bool { return res.Kind == k }) {
			out = append(out, k)
		}
	}
	return out
}
