package questionnaire

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
		if t.When.Holds(r.Answers, r.Scores) {
			lt := &LevelText{Label: t.Label, Meaning: t.Meaning, Reassuring: t.Reassuring, Variant: i}
			if len(lt.Label) == 0 {
				lt.Label = b.Label
			}
			return lt
		}
	}
	return &LevelText{Label: b.Label, Meaning: b.Meaning, Reassuring: b.Reassuring, Variant: -1}
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
