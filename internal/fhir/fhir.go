// Package fhir turns a questionnaire and a scored response into FHIR R4 resources (JSON): a
// Questionnaire, and a QuestionnaireResponse that points to it by canonical URL and version.
// The scores, level, flags and DSM-5 count are read-only items of both, so a receiving system
// reads them like any other answer. Only the parts of R4 used here are modelled.
package fhir

import (
	"regexp"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// DefaultBase is the base of canonical URLs when a site sets none. The .example domain is
// reserved: it names no real server, and a site publishing its resources sets its own base.
const DefaultBase = "https://ketascreen.example/fhir"

// Coding is a code from a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code"`
	Display string `json:"display,omitempty"`
}

// Questionnaire is an R4 Questionnaire.
type Questionnaire struct {
	ResourceType string   `json:"resourceType"`
	ID           string   `json:"id,omitempty"`
	Language     string   `json:"language,omitempty"`
	URL          string   `json:"url"`
	Version      string   `json:"version"`
	Name         string   `json:"name,omitempty"`
	Title        string   `json:"title,omitempty"`
	Status       string   `json:"status"`
	SubjectType  []string `json:"subjectType,omitempty"`
	Publisher    string   `json:"publisher,omitempty"`
	Description  string   `json:"description,omitempty"`
	Item         []Item   `json:"item,omitempty"`
}

// Item is an item of a Questionnaire: a group or a question.
type Item struct {
	LinkID         string         `json:"linkId"`
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
	AnswerCoding  *Coding `json:"answerCoding,omitempty"`
}

// AnswerOption is a permitted answer.
type AnswerOption struct {
	ValueCoding Coding `json:"valueCoding"`
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

// Link ids of what the questionnaire file does not hold itself. Items' own ids have no dots,
// so these never collide with them.
const (
	resultGroup   = "result"
	levelItem     = "result.level"
	flagsItem     = "result.flags"
	dsm5CountItem = "result.dsm5_count"
	dsm5Item      = "result.dsm5_criteria"
)

func sectionLink(id string) string { return "section." + id }
func scoreLink(id string) string   { return "score." + id }

// Canonical is the questionnaire's canonical URL, without version.
func Canonical(base string, q *questionnaire.Questionnaire) string {
	return strings.TrimRight(base, "/") + "/Questionnaire/" + q.ID
}

// system is the code system of an item's options (or of the level, flags, scores).
func system(base string, q *questionnaire.Questionnaire, what string) string {
	return strings.TrimRight(base, "/") + "/CodeSystem/" + q.ID + "-" + strings.ReplaceAll(what, "_", "-")
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
