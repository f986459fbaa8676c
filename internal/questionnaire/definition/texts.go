package definition

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// text checks that a text is given in every declared language and in no other.
func (c *checker) text(p string, t questionnaire.Text, required bool) {
	CheckText(c.pl.Add, p, t, c.q.Languages, required)
}

// CheckText reports a text that lacks a language of langs, has one not in langs, or is longer
// than MaxTextLength; an empty one only when it is required.
func CheckText(report yamlfile.Report, p string, t questionnaire.Text, langs []string, required bool) {
	if len(t) == 0 {
		if required {
			report(p, "text is missing")
		}
		return
	}
	for _, l := range langs {
		s, ok := t[l]
		if !ok || s == "" {
			report(p, "missing the %q text", l)
		}
	}
	for l, s := range t {
		if !slices.Contains(langs, l) {
			report(p+"."+l, "has a %q text, but %q is not in languages", l, l)
		}
		if len(s) > MaxTextLength {
			report(p+"."+l, "text is longer than %d characters", MaxTextLength)
		}
	}
}

// placeholderRE finds {name} in a scale text.
var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)

// scalePlaceholders are the names a scale text may use, and must use.
var scalePlaceholders = []string{"{value}", "{max}"}

// checkLevelTexts checks the band variants and the scale texts of every score.
func (c *checker) checkLevelTexts() {
	for i, s := range c.q.Scores {
		p := fmt.Sprintf("$.scores[%d]", i)
		c.text(p+".scale", s.Scale, false)
		for lang, t := range s.Scale {
			for _, ph := range placeholderRE.FindAllString(t, -1) {
				if ph != "{value}" && ph != "{max}" {
					c.pl.Add(p+".scale."+lang, "%s is not a placeholder a scale text can use (only {value} and {max})", ph)
				}
			}
			for _, ph := range scalePlaceholders {
				if !strings.Contains(t, ph) {
					c.pl.Add(p+".scale."+lang, "the scale text needs %s", ph)
				}
			}
		}
		for j, b := range s.Bands {
			bp := fmt.Sprintf("%s.bands[%d]", p, j)
			for k, t := range b.Texts {
				tp := fmt.Sprintf("%s.texts[%d]", bp, k)
				c.text(tp+".label", t.Label, false)
				c.text(tp+".meaning", t.Meaning, true)
				c.condition(tp+".when", t.When, len(c.items), true)
			}
		}
	}
}

// checkFlagClinicianTexts checks the optional texts for health workers in every language.
func (c *checker) checkFlagClinicianTexts() {
	for i, f := range c.q.Flags {
		p := fmt.Sprintf("$.flags[%d]", i)
		c.text(p+".clinician_label", f.ClinicianLabel, false)
		c.text(p+".suggested_follow_up", f.FollowUp, false)
	}
}
