package helplines_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
	"github.com/ketascreen/ketascreen/internal/questionnaire/qtest"
)

// The browser languages the result page may take a region from, and no other: a bare language
// names no country, so nothing is chosen for the person.
func TestRegionFromAcceptLanguage(t *testing.T) {
	r := shippedCatalog(t).Resources
	for _, tt := range []struct{ header, want string }{
		{"en-GB", "uk"}, {"en-IE", "ie"}, {"en-CA", "ca"}, {"fr-CA", "ca"}, {"en-AU", "au"},
		{"es-ES", "es"}, {"es-MX", "mx"}, {"en-US", "us"}, {"es-US", "us"},
		{"en-gb", "uk"},
		{"es-MX,es;q=0.9,en;q=0.8", "mx"},
		{"es,en-US;q=0.5", "us"},
		{"fr-FR,de;q=0.9,en-AU;q=0.4", "au"},
		// Preference order, not header order.
		{"en-US;q=0.3, en-GB;q=0.9", "uk"},
		{"en-GB;q=0, en-IE", "ie"},
		{"en", ""}, {"es", ""}, {"", ""}, {"de-DE", ""}, {"*", ""},
		{"en-GB;q=abc, es-MX;q=0.2", "mx"},
		{";;,,en-AU", "au"},
		{strings.Repeat("xx,", 100) + "en-GB", ""},
	} {
		if got := r.RegionFromAcceptLanguage(tt.header); got != tt.want {
			t.Errorf("RegionFromAcceptLanguage(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
	if r.RegionByID("nope") != nil || r.RegionByID("mx") == nil {
		t.Error("RegionByID falls back, or misses Mexico")
	}
}

// Where a region has no drug information line, the page has words for where to look instead.
func TestWhereToLook(t *testing.T) {
	r := shippedCatalog(t).Resources
	for _, tt := range []struct {
		region string
		want   []string
	}{
		{"us", nil}, {"uk", nil}, {"ie", nil}, {"au", nil}, {"mx", nil},
		{"es", []string{"drug_info"}}, {"ca", []string{"drug_info"}}, {"other", []string{"drug_info"}},
	} {
		got := r.WhereToLook(tt.region, []string{"drug_info"})
		var kinds []string
		for _, m := range got {
			kinds = append(kinds, m.Kind.ID)
			for _, lang := range r.Languages {
				if s := strings.ToLower(m.WhereElse.In(lang)); !strings.Contains(s, map[string]string{"en": "doctor", "es": "médico"}[lang]) {
					t.Errorf("%s/%s: %q does not point to a doctor", tt.region, lang, s)
				}
			}
		}
		if !qtest.Equal(kinds, tt.want) {
			t.Errorf("WhereToLook(%s) = %v, want %v", tt.region, kinds, tt.want)
		}
	}
	if got := r.WhereToLook("us", []string{"support"}); len(got) != 1 || got[0].WhereElse.In("en") == "" {
		t.Errorf("support: %v", got)
	}
}

// Spanish pages lead with the services that speak Spanish, the rest in the file's order.
func TestSpeakingFirst(t *testing.T) {
	r := shippedCatalog(t).Resources
	ids := func(lang string) []string {
		var out []string
		for _, g := range r.For("us", nil) {
			if g.Kind.ID == "crisis" {
				for _, res := range g.SpeakingFirst(lang).Resources {
					out = append(out, res.ID)
				}
			}
		}
		return out
	}
	if got := ids("es"); !qtest.Equal(got, []string{"us-988-es", "us-988", "us-crisis-text-line"}) {
		t.Errorf("es: %v", got)
	}
	if got := ids("en"); !qtest.Equal(got, []string{"us-988", "us-988-es", "us-crisis-text-line"}) {
		t.Errorf("en: %v", got)
	}
}

// The help lines: Spain and Mexico with crisis and emergency lines, Mexico's drug line, 988 in
// Spanish, Ireland's HSE line with its hours, and no number that was not verified.
func TestShippedHelpLines(t *testing.T) {
	r := shippedCatalog(t).Resources
	// Every phone and text number in the verified list of help resources.
	verified := []string{"988", "741741", "911", "1-800-662-4357", "1-800-487-4889", "435748", "116 123", "85258",
		"999", "112", "0300 123 6600", "82111", "1800 459 459", "1-888-688-6677", "1800 250 015", "13 11 14", "000",
		"024", "717 003 717", "800 911 2000"}
	for _, reg := range r.Regions {
		for _, res := range reg.Resources {
			for _, c := range res.Contacts {
				if c.Type != "web" && !slices.Contains(verified, c.Value) {
					t.Errorf("%s: %s is not a verified number", res.ID, c.Value)
				}
			}
		}
	}
	has := func(region, kind, number string) *helplines.Resource {
		for _, res := range r.RegionByID(region).Resources {
			if res.Kind == kind && slices.ContainsFunc(res.Contacts, func(c *helplines.Contact) bool { return c.Value == number }) {
				return res
			}
		}
		t.Errorf("%s has no %s resource with %s", region, kind, number)
		return nil
	}
	has("es", "crisis", "024")
	has("es", "crisis", "717 003 717")
	has("es", "emergency", "112")
	has("mx", "crisis", "800 911 2000")
	has("mx", "drug_info", "800 911 2000")
	has("mx", "emergency", "911")
	if es := has("us", "crisis", "988"); es != nil {
		spanish := r.RegionByID("us").Resources[slices.IndexFunc(r.RegionByID("us").Resources, func(res *helplines.Resource) bool { return res.ID == "us-988-es" })]
		if !slices.Contains(spanish.Languages, "es") || !slices.ContainsFunc(spanish.Contacts, func(c *helplines.Contact) bool { return c.Keyword == "AYUDA" }) ||
			!strings.Contains(spanish.About.In("es"), "marque 2") {
			t.Errorf("988 in Spanish: %+v", spanish)
		}
	}
	if samhsa := has("us", "drug_info", "1-800-662-4357"); samhsa != nil && !slices.Contains(samhsa.Languages, "es") {
		t.Error("SAMHSA does not say it speaks Spanish")
	}
	if hse := has("ie", "drug_info", "1800 459 459"); hse != nil {
		if hse.AlwaysOpen || !strings.Contains(hse.Hours.In("en"), "Monday to Friday") || hse.Hours.In("es") == "" {
			t.Errorf("HSE helpline hours: open always %v, hours %q", hse.AlwaysOpen, hse.Hours.In("en"))
		}
	}
	if r.Listed("support") {
		t.Log("a support service is listed: the texts may now recommend groups")
	}
}
