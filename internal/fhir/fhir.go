// Package fhir turns a questionnaire and a scored response into FHIR R4 resources (JSON): a
// Questionnaire, and a QuestionnaireResponse that points to it by canonical URL and version.
// Package fhirimport turns a FHIR Questionnaire back into the questionnaire format, reading the
// expressions written here with package fhirpath.
//
// Skip logic is written as enableWhen where R4 can say it, and otherwise as the SDC extension
// enableWhenExpression (FHIRPath). Every score, band and flag is a read-only item of a "result"
// group with an SDC calculatedExpression, over Questionnaire-level SDC variables (one per
// score): form fillers that implement SDC (LHC-Forms does) compute them as the person answers,
// and any reader finds the values in the response like other answers. Observations were the
// other choice; SDC form fillers neither read nor write them without extraction rules, so a
// response would lose its result on the way through. Option weights are also written as the
// ordinalValue extension. Only the parts of R4 used here are modelled.
package fhir

import (
	"regexp"
	"slices"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// DefaultBase is the base of canonical URLs when a site sets none. The .example domain is
// reserved: it names no real server, and a site publishing its resources sets its own base.
const DefaultBase = "https://ketascreen.example/fhir"

// Coding is a code from a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// Questionnaire is an R4 Questionnaire.
type Questionnaire struct {
	ResourceType string      `json:"resourceType"`
	ID           string      `json:"id,omitempty"`
	Language     string      `json:"language,omitempty"`
	URL          string      `json:"url"`
	Version      string      `json:"version"`
	Name         string      `json:"name,omitempty"`
	Title        string      `json:"title,omitempty"`
	Status       string      `json:"status"`
	SubjectType  []string    `json:"subjectType,omitempty"`
	Publisher    string      `json:"publisher,omitempty"`
	Description  string      `json:"description,omitempty"`
	Extension    []Extension `json:"extension,omitempty"`
	Item         []Item      `json:"item,omitempty"`
}

// Extension is an R4 extension, with the value types used here.
type Extension struct {
	URL             string      `json:"url"`
	ValueBoolean    *bool       `json:"valueBoolean,omitempty"`
	ValueDecimal    *float64    `json:"valueDecimal,omitempty"`
	ValueInteger    *int        `json:"valueInteger,omitempty"`
	ValueCoding     *Coding     `json:"valueCoding,omitempty"`
	ValueExpression *Expression `json:"valueExpression,omitempty"`
}

// Expression is an R4 Expression: FHIRPath here.
type Expression struct {
	Name       string `json:"name,omitempty"`
	Language   string `json:"language"`
	Expression string `json:"expression"`
}

// Item is an item of a Questionnaire: a group or a question.
type Item struct {
	LinkID         string         `json:"linkId"`
	Extension      []Extension    `json:"extension,omitempty"`
	Code           []Coding       `json:"code,omitempty"`
	Text           string         `json:"text,omitempty"`
	Type           string         `json:"type"`
	EnableWhen     []EnableWhen   `json:"enableWhen,omitempty"`
	EnableBehavior string         `json:"enableBehavior,omitempty"`
	Required       *bool          `json:"required,omitempty"`
	Repeats        *bool          `json:"repeats,omitempty"`
	ReadOnly       *bool          `json:"readOnly,omitempty"`
	AnswerOption   []AnswerOption `json:"answerOption,omitempty"`
	Item           []Item         `json:"item,omitempty"`
}

// EnableWhen is one condition of an item's skip logic.
type EnableWhen struct {
	Question      string  `json:"question"`
	Operator      string  `json:"operator"`
	AnswerBoolean *bool   `json:"answerBoolean,omitempty"`
	AnswerInteger *int    `json:"answerInteger,omitempty"`
	AnswerCoding  *Coding `json:"answerCoding,omitempty"`
}

// AnswerOption is a permitted answer.
type AnswerOption struct {
	Extension   []Extension `json:"extension,omitempty"`
	ValueCoding Coding      `json:"valueCoding"`
}

// QuestionnaireResponse is an R4 QuestionnaireResponse.
type QuestionnaireResponse struct {
	ResourceType  string         `json:"resourceType"`
	ID            string         `json:"id,omitempty"`
	Language      string         `json:"language,omitempty"`
	Questionnaire string         `json:"questionnaire"`
	Status        string         `json:"status"`
	Authored      string         `json:"authored,omitempty"`
	Item          []ResponseItem `json:"item,omitempty"`
}

// ResponseItem is a group or an answered question of a QuestionnaireResponse.
type ResponseItem struct {
	LinkID string         `json:"linkId"`
	Text   string         `json:"text,omitempty"`
	Answer []Answer       `json:"answer,omitempty"`
	Item   []ResponseItem `json:"item,omitempty"`
}

// Answer is one answer value.
type Answer struct {
	ValueCoding  *Coding `json:"valueCoding,omitempty"`
	ValueInteger *int    `json:"valueInteger,omitempty"`
}

// Labels gives the texts this package adds (group titles, DSM-5 criteria) in one language.
type Labels func(key string) string

// Link ids of what the questionnaire file does not hold itself (ResultGroup is read back by
// fhirimport). Items' own ids have no dots,
// so these never collide with them.
const (
	ResultGroup   = "result"
	LevelItem     = "result.level" // the band of the level score
	FlagsItem     = "result.flags"
	DSM5CountItem = "result.dsm5_count"
	DSM5Item      = "result.dsm5_criteria"
)

func sectionLink(id string) string { return "section." + id }
func scoreLink(id string) string   { return "score." + id }

// bandLink is the item holding a score's band: the level, one of the levels shown after it,
// or any other score with bands.
func bandLink(q *questionnaire.Questionnaire, s *questionnaire.Score) string {
	switch {
	case s == q.LevelScore():
		return LevelItem
	case slices.Contains(q.LevelScores(), s):
		return "result.levels." + s.ID
	}
	return "result.band." + s.ID
}

// Extensions used (and read back by fhirimport), from R4 core and from Structured Data Capture (SDC).
const (
	ExtOrdinal     = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
	ExtMinValue    = "http://hl7.org/fhir/StructureDefinition/minValue"
	ExtMaxValue    = "http://hl7.org/fhir/StructureDefinition/maxValue"
	ExtUnit        = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
	ExtVariable    = "http://hl7.org/fhir/StructureDefinition/variable"
	ExtCalculated  = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
	ExtEnableWhenX = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
	ExtExclusive   = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
	FhirpathLang   = "text/fhirpath"
)

// Canonical is the questionnaire's canonical URL, without version.
func Canonical(base string, q *questionnaire.Questionnaire) string {
	return strings.TrimRight(base, "/") + "/Questionnaire/" + q.ID
}

// Code systems are paths under the questionnaire's id, one kind of thing per segment, so no
// item id (even "level" or "flag") and no questionnaire id (even with hyphens) can make two
// of them equal.
func codeSystems(base string, q *questionnaire.Questionnaire) string {
	return strings.TrimRight(base, "/") + "/CodeSystem/" + q.ID
}

// itemSystem is the code system of an item's options.
func itemSystem(base string, q *questionnaire.Questionnaire, item string) string {
	return codeSystems(base, q) + "/item/" + item
}

// levelSystem is the code system of a score's bands.
func levelSystem(base string, q *questionnaire.Questionnaire, score string) string {
	return codeSystems(base, q) + "/level/" + score
}

func flagSystem(base string, q *questionnaire.Questionnaire) string {
	return codeSystems(base, q) + "/flag"
}
func scoreSystem(base string, q *questionnaire.Questionnaire) string {
	return codeSystems(base, q) + "/score"
}
func domainSystem(base string, q *questionnaire.Questionnaire) string {
	return codeSystems(base, q) + "/domain"
}

// dsm5System names the eleven DSM-5 substance use disorder criteria as this project codes them.
func dsm5System(base string) string {
	return strings.TrimRight(base, "/") + "/CodeSystem/dsm5-sud-criteria"
}

var notID = regexp.MustCompile(`[^A-Za-z0-9.-]+`)

// resourceID makes a valid FHIR id ([A-Za-z0-9-.]{1,64}).
func resourceID(s string) string {
	s = notID.ReplaceAllString(s, "-")
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// name is a computer-friendly name: "ketamine-selfcheck" becomes "KetamineSelfcheck".
func name(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func ptr[T any](v T) *T { return &v }
