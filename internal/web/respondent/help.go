package respondent

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
)

// helpGroup is the help resources of one kind, as the help list shows them.
type helpGroup struct {
	Kind      string
	Label     string
	Resources []helpResource
}

type helpResource struct {
	Name, About string
	Meta        string // free, open 24/7 or its hours, languages
	Contacts    []helpContact
}

type helpContact struct {
	Type, Text, Label string
	// Href is tel:, sms: or https:, from the checked resources file (lint allows nothing else);
	// html/template would otherwise blank the tel: and sms: schemes.
	Href template.URL
}

// whereElse is a kind of help asked for that the region has none of, with where to look.
type whereElse struct {
	Label, Text string
}

// helpGroups are the help resources of a region for the kinds asked for (and every kind
// marked always), keeping only the kinds keep accepts when it is not nil. In each kind, the
// services that speak the page's language come first.
func (a *Area) helpGroups(lang, region string, kinds []string, keep func(kind string) bool) []helpGroup {
	var out []helpGroup
	for _, g := range a.site.Catalog.Resources.For(region, kinds) {
		if keep != nil && !keep(g.Kind.ID) {
			continue
		}
		g = g.SpeakingFirst(lang)
		hg := helpGroup{Kind: g.Kind.ID, Label: g.Kind.Label.In(lang)}
		for _, res := range g.Resources {
			hr := helpResource{Name: res.Name.In(lang), About: res.About.In(lang)}
			var meta []string
			if res.Free {
				meta = append(meta, a.site.T(lang, "resource.free"))
			}
			if res.AlwaysOpen {
				meta = append(meta, a.site.T(lang, "resource.always_open"))
			} else if h := res.Hours.In(lang); h != "" {
				meta = append(meta, a.site.T(lang, "resource.hours", h))
			}
			if len(res.Languages) > 0 {
				var langs []string
				for _, l := range res.Languages {
					langs = append(langs, a.site.T(lang, "lang.in."+l))
				}
				meta = append(meta, a.site.T(lang, "resource.languages", strings.Join(langs, ", ")))
			}
			hr.Meta = strings.Join(meta, " · ")
			for _, ct := range res.Contacts {
				hr.Contacts = append(hr.Contacts, a.contact(lang, ct))
			}
			hg.Resources = append(hg.Resources, hr)
		}
		out = append(out, hg)
	}
	return out
}

// whereElse says, for each kind asked for that the region has nothing of, where to look
// instead: the resources file's words for the kind, or a general pointer to a doctor.
func (a *Area) whereElse(lang, region string, kinds []string) []whereElse {
	var out []whereElse
	for _, m := range a.site.Catalog.Resources.WhereToLook(region, kinds) {
		w := whereElse{Label: m.Kind.Label.In(lang), Text: m.WhereElse.In(lang)}
		if w.Text == "" {
			w.Text = a.site.T(lang, "result.help_missing")
		}
		out = append(out, w)
	}
	return out
}

// emergencyCall is the first phone number of the region's emergency services, for the button
// an urgent result starts with, or nil when the region lists none to call.
func (a *Area) emergencyCall(lang, region string) *helpContact {
	for _, g := range a.site.Catalog.Resources.For(region, []string{"emergency"}) {
		if g.Kind.ID != "emergency" {
			continue
		}
		for _, res := range g.Resources {
			for _, ct := range res.Contacts {
				if ct.Type == "phone" {
					hc := a.contact(lang, ct)
					hc.Text = a.site.T(lang, "result.urgent.call", ct.Value)
					return &hc
				}
			}
		}
	}
	return nil
}

func (a *Area) contact(lang string, ct *helplines.Contact) helpContact {
	hc := helpContact{Type: ct.Type, Label: ct.Label.In(lang)}
	switch ct.Type {
	case "phone":
		hc.Href, hc.Text = template.URL("tel:"+ct.Dial()), a.site.T(lang, "contact.call", ct.Value)
	case "text":
		hc.Href = template.URL("sms:" + ct.Dial())
		if ct.Keyword != "" {
			hc.Href += template.URL("?&body=" + url.QueryEscape(ct.Keyword))
			hc.Text = a.site.T(lang, "contact.text_keyword", ct.Keyword, ct.Value)
		} else if hc.Label != "" {
			// A label such as "Text your ZIP code to 435748" says it all.
			hc.Text, hc.Label = hc.Label, ""
		} else {
			hc.Text = a.site.T(lang, "contact.text", ct.Value)
		}
	default:
		hc.Href = template.URL(ct.Value)
		hc.Text = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(ct.Value, "https://"), "www."), "/")
	}
	return hc
}
