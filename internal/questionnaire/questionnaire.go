// Package questionnaire is the scoring engine and the types of a questionnaire definition:
// skip logic, validating a person's answers and scoring them into a Result. It does no I/O, and
// knows nothing of HTTP or storage. Around it: package definition reads and checks (lints) a
// definition file and links it for the engine, with package scorerange finding the scores'
// ranges; package resultview shows a result in one language, and package answersjson reads
// answers sent as JSON; package catalog reads a folder of definitions, and package helplines
// the help resources file.
package questionnaire

import "sort"

// Text is a text in every language the questionnaire declares, keyed by language code.
type Text map[string]string

// In returns the text in lang, falling back to English and then to any language, so a
// missing translation (which lint refuses) never shows as a blank.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	if s, ok := t["en"]; ok && s != "" {
		return s
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if t[k] != "" {
			return t[k]
		}
	}
	return ""
}

// Item types.
const (
	Single   = "single"
	Multiple = "multiple"
	Number   = "number" // a whole number between the item's min and max
)

// Score kinds.
const (
	Sum   = "sum"
	Count = "count"
	Max   = "max" // the highest of the items or scores that have a value
	Min   = "min" // the lowest of them
	// Criteria counts DSM-5 criteria met rather than items: two items mapped to the same
	// criterion (used more than meant, used more than prescribed) count once, and an item
	// mapped to none can count nothing, so every item it lists needs a dsm5 code.
	Criteria = "criteria"
)

// Severities, most urgent first.
var severityOrder = map[string]int{"acute": 0, "urgent": 1, "high": 2, "moderate": 3, "info": 4}

// DSM5Criteria are the eleven DSM-5 substance use disorder criteria an item may map to.
var DSM5Criteria = []string{
	"larger_longer", "cut_down", "time_spent", "craving", "role_failure", "social_problems",
	"activities_given_up", "hazardous_use", "physical_psych_problems", "tolerance", "withdrawal",
}

// Questionnaire is one versioned instrument, as written in its YAML file.
type Questionnaire struct {
	ID           string     `yaml:"id" validate:"required,max=64,slug"`
	Version      string     `yaml:"version" validate:"required,max=32,printascii,excludesall= "`
	Languages    []string   `yaml:"languages" validate:"required,min=1,unique,dive,lang"`
	Title        Text       `yaml:"title" validate:"required"`
	Introduction Text       `yaml:"introduction" validate:"required"`
	Minutes      int        `yaml:"minutes" validate:"min=1,max=120"`
	Notice       Text       `yaml:"notice" validate:"required"`
	Level        string     `yaml:"level" validate:"required"`
	Levels       []string   `yaml:"levels" validate:"unique"` // more scores whose bands the result shows, after level
	Domains      []*Domain  `yaml:"domains" validate:"required,min=1,dive,required"`
	Sections     []*Section `yaml:"sections" validate:"required,min=1,dive,required"`
	Scores       []*Score   `yaml:"scores" validate:"required,min=1,dive,required"`
	Flags        []*Flag    `yaml:"flags" validate:"dive,required"`
	Advice       []*Advice  `yaml:"advice" validate:"dive,required"`

	// Derived by link, after the file has been checked.
	items   []*Item
	itemIDs map[string]*Item
	scores  map[string]*Score
	domains map[string]*Domain
	level   *Score
	derived // repeated blocks, levels and the order scores are computed in
}

// Domain is what an item stands for: a warning sign, a risk factor, a physical harm...
type Domain struct {
	ID    string `yaml:"id" validate:"required,max=64,ident"`
	Label Text   `yaml:"label" validate:"required"`
}

// Section is a group of items shown together, one step of the web form.
type Section struct {
	ID     string     `yaml:"id" validate:"required,max=64,ident"`
	Title  Text       `yaml:"title" validate:"required"`
	Intro  Text       `yaml:"intro"`
	ShowIf *Condition `yaml:"show_if"`
	Repeat *Repeat    `yaml:"repeat"`
	Items  []*Item    `yaml:"items" validate:"required,min=1,dive,required"`
	// Origin is the block and entry a repeated section was made from; nil when written once.
	Origin *Origin `yaml:"-" json:"-" validate:"-"`

	index int
}

// Index is the section's position in the questionnaire, from 0.
func (s *Section) Index() int { return s.index }

// Item is one question.
type Item struct {
	ID       string     `yaml:"id" validate:"required,max=64,ident"`
	Type     string     `yaml:"type" validate:"required,oneof=single multiple number"`
	Prompt   Text       `yaml:"prompt" validate:"required"`
	Help     Text       `yaml:"help"`
	Required *bool      `yaml:"required"`
	Domain   string     `yaml:"domain" validate:"required"`
	DSM5     string     `yaml:"dsm5"`
	ShowIf   *Condition `yaml:"show_if"`
	Options  []*Option  `yaml:"options" validate:"omitempty,min=2,max=30,dive,required"`
	// A number item's answer is a whole number from Min to Max, in Unit. In a score it counts
	// as its value times Weight (default 1), or as the value of the Points band that holds it.
	Min    *int      `yaml:"min"`
	Max    *int      `yaml:"max"`
	Unit   Text      `yaml:"unit"`
	Weight *int      `yaml:"weight" validate:"omitempty,min=-1000,max=1000"`
	Points []*Points `yaml:"points" validate:"dive,required"`
	// Origin is the block and entry a repeated item was made from; nil when written once.
	Origin *Origin `yaml:"-" json:"-" validate:"-"`

	section *Section
	index   int
}

// IsRequired reports whether a visible item must be answered (the default).
func (it *Item) IsRequired() bool { return it.Required == nil || *it.Required }

// Section is the section the item belongs to.
func (it *Item) Section() *Section { return it.section }

// Option returns the option with the code, or nil.
func (it *Item) Option(code string) *Option {
	for _, o := range it.Options {
		if o.Code == code {
			return o
		}
	}
	return nil
}

// Option is one possible answer to an item.
type Option struct {
	Code      string         `yaml:"code" validate:"required,max=64,ident"`
	Label     Text           `yaml:"label" validate:"required"`
	Value     int            `yaml:"value" validate:"min=-1000,max=1000"`
	Values    map[string]int `yaml:"values" validate:"dive,min=-1000,max=1000"`
	Exclusive bool           `yaml:"exclusive"`
	Told      Text           `yaml:"told"`
	// Reworded says the label's words changed since the last version but not its meaning, so
	// answers stored under the old words still mean the same; lint compares labels otherwise.
	Reworded bool `yaml:"reworded"`
}

// ValueFor is the option's number for a score: its per-score value, or its default value.
func (o *Option) ValueFor(score string) int {
	if v, ok := o.Values[score]; ok {
		return v
	}
	return o.Value
}

// ToldText is how the answer is said back: the option's own text, or the question and answer.
func (o *Option) ToldText(it *Item, lang string) string {
	if s := o.Told.In(lang); s != "" {
		return s
	}
	return it.Prompt.In(lang) + " " + o.Label.In(lang)
}

// Condition is skip logic and the trigger of flags, next steps and advice. Exactly one form is set.
type Condition struct {
	Item   string       `yaml:"item" json:"item,omitempty"`
	AnyOf  []string     `yaml:"any_of" json:"any_of,omitempty"`
	NoneOf []string     `yaml:"none_of" json:"none_of,omitempty"`
	Score  string       `yaml:"score" json:"score,omitempty"`
	Min    *int         `yaml:"min" json:"min,omitempty"`
	Max    *int         `yaml:"max" json:"max,omitempty"`
	All    []*Condition `yaml:"all" json:"all,omitempty"`
	Any    []*Condition `yaml:"any" json:"any,omitempty"`
}

// Score is a named sum or count over chosen items.
type Score struct {
	ID    string   `yaml:"id" validate:"required,max=64,ident"`
	Label Text     `yaml:"label" validate:"required"`
	Kind  string   `yaml:"kind" validate:"required,oneof=sum count max min criteria"`
	Items []string `yaml:"items" validate:"unique"`
	Bands []*Band  `yaml:"bands" validate:"dive,required"`
	// Scores are other scores this one adds up, counts, or takes the highest or lowest of.
	Scores []string `yaml:"scores" validate:"unique"`
	// ShowIf gives the score a value only when it holds; otherwise it has none, its band is
	// not shown, and scores and conditions that use it see nothing.
	ShowIf *Condition `yaml:"show_if"`
	// Repeat names a repeated section: the score is made once for each of its entries.
	Repeat string `yaml:"repeat"`
	// Scale words the score's place on a scale, "{value} of {max} warning signs"; a score
	// without it is not shown as a scale.
	Scale Text `yaml:"scale"`
	// Origin is the block and entry a repeated score was made for; nil when written once.
	Origin *Origin `yaml:"-" json:"-" validate:"-"`

	items    []*Item
	min, max int
	scoreInfo
}

// Range is the lowest and highest value the score can take.
func (s *Score) Range() (min, max int) { return s.min, s.max }

// Band returns the band that holds v, or nil when the score has no bands.
func (s *Score) Band(v int) *Band {
	for _, b := range s.Bands {
		if v >= b.Min && v <= b.Max {
			return b
		}
	}
	// Lint proves every value has a band when it can try every way of answering; where it
	// could only bound the range, a value beyond the bands takes the nearest one.
	if n := len(s.Bands); n > 0 && v < s.Bands[0].Min {
		return s.Bands[0]
	} else if n > 0 && v > s.Bands[n-1].Max {
		return s.Bands[n-1]
	}
	return nil
}

// Band is a contiguous range of a score with its meaning in plain words.
type Band struct {
	ID        string   `yaml:"id" validate:"required,max=64,ident"`
	Min       int      `yaml:"min"`
	Max       int      `yaml:"max"`
	Label     Text     `yaml:"label" validate:"required"`
	Meaning   Text     `yaml:"meaning" validate:"required"`
	NextSteps []*Step  `yaml:"next_steps" validate:"dive,required"`
	Resources []string `yaml:"resources" validate:"unique"`
	// Reassuring marks the label and meaning as reassuring: lint refuses them where a safety
	// flag can be raised at the same time.
	Reassuring bool `yaml:"reassuring"`
	// Texts are variants of the label and meaning for some answers; the first that holds wins.
	Texts []*BandText `yaml:"texts" validate:"dive,required"`
}

// Step is one next step, shown when its condition holds.
type Step struct {
	Text       Text       `yaml:"text" validate:"required"`
	ShowIf     *Condition `yaml:"show_if"`
	Reassuring bool       `yaml:"reassuring"`
}

// Flag is a condition that needs attention before anything else, with its message.
type Flag struct {
	ID        string     `yaml:"id" validate:"required,max=64,ident"`
	Severity  string     `yaml:"severity" validate:"required,oneof=acute urgent high moderate info"`
	When      *Condition `yaml:"when" validate:"required"`
	Title     Text       `yaml:"title" validate:"required"`
	Message   Text       `yaml:"message" validate:"required"`
	Resources []string   `yaml:"resources" validate:"unique"`
	// ClinicianLabel names the flag for health workers ("Current suicidal thoughts reported"),
	// beside the title written for the person; FollowUp is a suggested next step for them.
	ClinicianLabel Text `yaml:"clinician_label"`
	FollowUp       Text `yaml:"suggested_follow_up"`
}

// Advice is a set of tips shown when its condition holds.
type Advice struct {
	ID     string     `yaml:"id" validate:"required,max=64,ident"`
	ShowIf *Condition `yaml:"show_if"`
	Title  Text       `yaml:"title" validate:"required"`
	Tips   []Text     `yaml:"tips" validate:"required,min=1"`
	// Reassuring: see Band.Reassuring.
	Reassuring bool `yaml:"reassuring"`
}

// Items lists every item in order.
func (q *Questionnaire) Items() []*Item { return q.items }

// Item returns the item with the id, or nil.
func (q *Questionnaire) Item(id string) *Item { return q.itemIDs[id] }

// ScoreByID returns the score with the id, or nil.
func (q *Questionnaire) ScoreByID(id string) *Score { return q.scores[id] }

// Domain returns the domain with the id, or nil.
func (q *Questionnaire) Domain(id string) *Domain { return q.domains[id] }

// LevelScore is the score whose band is the level of concern.
func (q *Questionnaire) LevelScore() *Score { return q.level }

// Section returns the section with the id, or nil.
func (q *Questionnaire) Section(id string) *Section {
	for _, s := range q.Sections {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Flag returns the flag with the id, or nil.
func (q *Questionnaire) Flag(id string) *Flag {
	for _, f := range q.Flags {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// HasLanguage reports whether the questionnaire is written in lang.
func (q *Questionnaire) HasLanguage(lang string) bool {
	for _, l := range q.Languages {
		if l == lang {
			return true
		}
	}
	return false
}
