// Package fhirimport turns a FHIR R4 Questionnaire (JSON) into the questionnaire format (YAML):
// groups, questions, options and skip logic of any Questionnaire, and the scores, bands and flags
// of one that package fhir exported, read back from their FHIRPath expressions.
package fhirimport

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/ketascreen/ketascreen/internal/fhir"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
)

// MaxImport bounds the Questionnaire Import reads.
const MaxImport = 4 << 20

// in* are what Import reads of a Questionnaire: more than the export writes, so that it can
// say what it drops.
type inQuestionnaire struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	URL          string           `json:"url"`
	Version      string           `json:"version"`
	Name         string           `json:"name"`
	Title        string           `json:"title"`
	Language     string           `json:"language"`
	Description  string           `json:"description"`
	Extension    []fhir.Extension `json:"extension"`
	Item         []inItem         `json:"item"`
}

type inItem struct {
	LinkID         string           `json:"linkId"`
	Text           string           `json:"text"`
	Type           string           `json:"type"`
	Required       *bool            `json:"required"`
	Repeats        *bool            `json:"repeats"`
	Code           []fhir.Coding    `json:"code"`
	EnableWhen     []inEnableWhen   `json:"enableWhen"`
	EnableBehavior string           `json:"enableBehavior"`
	AnswerOption   []inOption       `json:"answerOption"`
	AnswerValueSet string           `json:"answerValueSet"`
	Extension      []fhir.Extension `json:"extension"`
	Item           []inItem         `json:"item"`
}

type inEnableWhen struct {
	Question      string       `json:"question"`
	Operator      string       `json:"operator"`
	AnswerBoolean *bool        `json:"answerBoolean"`
	AnswerInteger *int         `json:"answerInteger"`
	AnswerDecimal *float64     `json:"answerDecimal"`
	AnswerString  *string      `json:"answerString"`
	AnswerCoding  *fhir.Coding `json:"answerCoding"`
}

type inOption struct {
	ValueCoding  *fhir.Coding     `json:"valueCoding"`
	ValueString  *string          `json:"valueString"`
	ValueInteger *int             `json:"valueInteger"`
	Extension    []fhir.Extension `json:"extension"`
}

// importer turns one Questionnaire into a questionnaire, noting what it cannot convert.
type importer struct {
	in     inQuestionnaire
	lang   string
	q      *questionnaire.Questionnaire
	notes  []string
	ids    map[string]bool                // ids in use: "item q1", "score total"
	items  map[string]*questionnaire.Item // by link id
	codes  map[string]map[string]string   // link id -> FHIR code -> option code
	rec    *recognizer
	domain map[string]*questionnaire.Domain
	todo   []pending // skip logic to convert
}

// Import reads a FHIR R4 Questionnaire (JSON) and writes it in the questionnaire format
// (YAML), with the notes on what it could not convert at the top of the file and returned.
// It converts groups (to sections), choice, integer and boolean questions, answerOption with
// ordinalValue (an option's value), required and repeats, enableWhen and enableWhenExpression,
// and the scores, bands and flags of a Questionnaire package fhir exported. The result passes
// lint, or Import fails with its problems.
func Import(data []byte) ([]byte, []string, error) {
	if len(data) > MaxImport {
		return nil, nil, fmt.Errorf("the Questionnaire is larger than %d bytes", MaxImport)
	}
	im := &importer{ids: map[string]bool{}, items: map[string]*questionnaire.Item{}, codes: map[string]map[string]string{},
		domain: map[string]*questionnaire.Domain{}}
	if err := json.Unmarshal(data, &im.in); err != nil {
		return nil, nil, fmt.Errorf("not a JSON Questionnaire: %v", err)
	}
	if im.in.ResourceType != "Questionnaire" {
		return nil, nil, fmt.Errorf("the resource is a %q, not a Questionnaire", im.in.ResourceType)
	}
	im.header()
	im.rec = &recognizer{items: map[string]string{}, scores: map[string]string{}, codes: im.code, anyAnswer: im.anyAnswer}
	var result *inItem
	for i := range im.in.Item {
		if it := &im.in.Item[i]; it.LinkID == fhir.ResultGroup && it.Type == "group" {
			result = it
		}
	}
	im.sections(result)
	if result != nil {
		im.scores(result)
	}
	im.conditions()
	if im.q.Level == "" {
		im.placeholderLevel()
	}
	out, err := im.finish()
	return out, im.notes, err
}

func (im *importer) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	for _, x := range im.notes {
		if x == n {
			return
		}
	}
	im.notes = append(im.notes, n)
}

// placeholder is the text of a required text FHIR has no place for.
func (im *importer) placeholder(what string) questionnaire.Text {
	return questionnaire.Text{im.lang: "(Not in the FHIR Questionnaire: write " + what + ".)"}
}

func (im *importer) text(s, what string) questionnaire.Text {
	if strings.TrimSpace(s) == "" {
		return im.placeholder(what)
	}
	if len(s) > definition.MaxTextLength {
		im.note("a text longer than %d characters was cut", definition.MaxTextLength)
		s = s[:definition.MaxTextLength]
	}
	return questionnaire.Text{im.lang: s}
}

var versionRE = regexp.MustCompile(`^[!-~]{1,32}$`)

func (im *importer) header() {
	in := im.in
	im.lang = in.Language
	if !regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`).MatchString(im.lang) {
		im.lang = "en"
		im.note("the Questionnaire names no language: its texts are taken as English (en)")
	}
	id := in.URL[strings.LastIndex(in.URL, "/")+1:]
	if id == "" || in.URL == "" {
		id = in.ID
	}
	if id == "" {
		id = in.Name
	}
	version := in.Version
	if !versionRE.MatchString(version) {
		version = "1.0.0"
		im.note("the Questionnaire has no usable version: 1.0.0 is used")
	}
	id = strings.TrimSuffix(strings.ToLower(id), "-"+strings.ToLower(version))
	im.q = &questionnaire.Questionnaire{
		ID: slug(id), Version: version, Languages: []string{im.lang}, Minutes: 5,
		Title:        im.text(firstOf(in.Title, in.Name), "a title"),
		Introduction: im.placeholder("a short introduction for the start page"),
		Notice:       im.text(in.Description, "the notice that this is not a diagnosis"),
	}
	im.note("the introduction and the time it takes (minutes: 5) are not in FHIR: write them")
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes a questionnaire id: lower-case letters, digits and single hyphens.
func slug(s string) string {
	s = strings.Trim(notSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "imported"
	}
	return truncate(s, 64)
}

var notIdent = regexp.MustCompile(`[^a-z0-9_]+`)

// ident makes an id for an item, option, score or section: lower-case letters, digits and
// underscores, starting with a letter.
func ident(s string) string {
	s = strings.Trim(notIdent.ReplaceAllString(strings.ToLower(s), "_"), "_")
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		s = "x" + s
	}
	return truncate(s, 60)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// unique makes an id not yet used by sections, items or scores (each kind its own) by adding
// a number.
func (im *importer) unique(kind, id string) string {
	base := id
	for i := 2; im.ids[kind+" "+id]; i++ {
		id = fmt.Sprintf("%s_%d", base, i)
	}
	im.ids[kind+" "+id] = true
	return id
}

// code is the option code a FHIR code became.
func (im *importer) code(item, fhirCode string) string {
	for link, it := range im.items {
		if it.ID == item {
			if c, ok := im.codes[link][fhirCode]; ok {
				return c
			}
		}
	}
	return ident(fhirCode)
}

// anyAnswer is the condition "the item was answered".
func (im *importer) anyAnswer(item string) *questionnaire.Condition {
	for _, it := range im.items {
		if it.ID != item {
			continue
		}
		if it.Type == questionnaire.Number {
			return &questionnaire.Condition{Item: item, Min: it.Min}
		}
		var codes []string
		for _, o := range it.Options {
			codes = append(codes, o.Code)
		}
		return &questionnaire.Condition{Item: item, AnyOf: codes}
	}
	return &questionnaire.Condition{Item: item}
}

func extensions(exts []fhir.Extension, url string) []fhir.Extension {
	var out []fhir.Extension
	for _, e := range exts {
		if e.URL == url {
			out = append(out, e)
		}
	}
	return out
}

// ordinal is an option's weight: ordinalValue, or the older itemWeight.
func (im *importer) ordinal(exts []fhir.Extension) int {
	for _, e := range exts {
		if (e.URL == fhir.ExtOrdinal || strings.HasSuffix(e.URL, "/itemWeight")) && e.ValueDecimal != nil {
			v := *e.ValueDecimal
			if v != math.Trunc(v) {
				im.note("option weights are whole numbers: %g was rounded", v)
			}
			return int(math.Round(v))
		}
	}
	return 0
}

var errNothing = errors.New("nothing to import")

func ptr[T any](v T) *T { return &v }
