package questionnaire

import (
	"fmt"
	"regexp"
	"strings"
)

// BandText is a variant of a band's label and meaning for some answers: the same level reads
// differently after a "yes" to the safety question, or for someone who has stopped using.
type BandText struct {
	When       *Condition `yaml:"when" validate:"required"`
	Label      Text       `yaml:"label"` // the band's own label when not given
	Meaning    Text       `yaml:"meaning" validate:"required"`
	Reassuring bool       `yaml:"reassuring"`
}

// LevelText is the level's label and meaning for these answers: the first of the band's texts
// whose condition holds, or the band's own. Variant is that text's index, or -1 for the band's.
type LevelText struct {
	Label      Text
	Meaning    Text
	Reassuring bool
	Variant    int
}

// LevelText returns the words the level is shown with, or nil when there is no level.
func (r *Result) LevelText() *LevelText {
	b := r.Level
	if b == nil {
		return nil
	}
	for i, t := range b.Texts {
		if t.When.holds(r.Answers, r.Scores) {
			lt := &LevelText{Label: t.Label, Meaning: t.Meaning, Reassuring: t.Reassuring, Variant: i}
			if len(lt.Label) == 0 {
				lt.Label = b.Label
			}
			return lt
		}
	}
	return &LevelText{Label: b.Label, Meaning: b.Meaning, Reassuring: b.Reassuring, Variant: -1}
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

// Acute reports whether a flag of the most urgent severity was raised: the person needs help
// now, and the result page leads with the emergency number.
func (r *Result) Acute() bool {
	for _, f := range r.Flags {
		if f.Severity == SeverityAcute {
			return true
		}
	}
	return false
}

// SafetyRaised reports whether a safety flag (acute or urgent) was raised.
func (r *Result) SafetyRaised() bool {
	for _, f := range r.Flags {
		if IsSafetySeverity(f.Severity) {
			return true
		}
	}
	return false
}

// Severities of the crisis path.
const (
	SeverityAcute  = "acute"  // needs help now: thoughts of suicide right now
	SeverityUrgent = "urgent" // any yes to a safety question
)

// IsSafetySeverity reports whether flags of the severity are about the person's safety: no
// text marked reassuring may be shown with them.
func IsSafetySeverity(s string) bool { return s == SeverityAcute || s == SeverityUrgent }
