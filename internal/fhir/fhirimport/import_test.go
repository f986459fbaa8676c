package fhirimport_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/fhir/fhirimport"
	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
)

// A Questionnaire another tool wrote (LOINC-style link ids and answer codes, itemWeight, a total
// computed its own way, and items the format has no place for): what can be converted is, the
// rest is said, and the file passes lint.
const foreign = `{
  "resourceType": "Questionnaire", "url": "http://loinc.org/q/55757-9", "version": "2.72", "language": "en",
  "title": "PHQ-2 as another tool wrote it", "status": "active",
  "item": [
    {"linkId": "/55757-9", "type": "group", "text": "Over the last 2 weeks", "item": [
      {"linkId": "/44250-9", "type": "choice", "text": "Little interest", "required": true, "answerOption": [
        {"valueCoding": {"system": "http://loinc.org", "code": "LA6568-5", "display": "Not at all"},
         "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 0}]},
        {"valueCoding": {"system": "http://loinc.org", "code": "LA6569-3", "display": "Several days"},
         "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 1}]},
        {"valueCoding": {"system": "http://loinc.org", "code": "LA6570-1", "display": "More than half the days"},
         "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": 2}]}]},
      {"linkId": "/44255-8", "type": "choice", "text": "Feeling down", "answerOption": [
        {"valueCoding": {"code": "LA6568-5", "display": "Not at all"}, "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 0}]},
        {"valueCoding": {"code": "LA6569-3", "display": "Several days"}, "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 1.5}]}]},
      {"linkId": "/55758-7", "type": "integer", "text": "Total score", "readOnly": true,
       "extension": [{"url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression",
         "valueExpression": {"language": "text/fhirpath", "expression": "%resource.item.answer.value.weight().sum()"}}]},
      {"linkId": "why", "type": "text", "text": "Tell us more"},
      {"linkId": "note", "type": "display", "text": "Thank you"},
      {"linkId": "drug", "type": "choice", "text": "Which drug?", "answerValueSet": "http://example.org/ValueSet/drugs"},
      {"linkId": "sleep", "type": "boolean", "text": "Trouble sleeping?",
       "enableWhen": [{"question": "/44250-9", "operator": "!=", "answerCoding": {"code": "LA6568-5"}}]},
      {"linkId": "nights", "type": "integer", "text": "Nights",
       "enableWhen": [{"question": "sleep", "operator": "=", "answerBoolean": true}],
       "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                     {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 14}]},
      {"linkId": "often", "type": "choice", "text": "Most nights?", "enableBehavior": "all",
       "enableWhen": [{"question": "nights", "operator": ">", "answerInteger": 3}, {"question": "nights", "operator": "<", "answerInteger": 15}],
       "answerOption": [{"valueString": "yes"}, {"valueString": "no"}]},
      {"linkId": "ask", "type": "choice", "text": "Asked when the text was given",
       "enableWhen": [{"question": "why", "operator": "exists", "answerBoolean": true}],
       "answerOption": [{"valueString": "a"}, {"valueString": "b"}]},
      {"linkId": "inner", "type": "group", "enableWhen": [{"question": "/44255-8", "operator": "exists", "answerBoolean": true}], "item": [
        {"linkId": "inner.q", "type": "choice", "text": "Inside a group", "answerOption": [{"valueInteger": 1}, {"valueInteger": 2}]}]}
    ]}
  ]
}`

func TestImportForeign(t *testing.T) {
	yaml, notes, err := fhirimport.Import([]byte(foreign))
	if err != nil {
		t.Fatalf("%v\nnotes: %q", err, notes)
	}
	q, err := definition.Parse("imported.yaml", yaml)
	if err != nil {
		t.Fatalf("%v\n%s", err, yaml)
	}
	if q.ID != "55757-9" || q.Version != "2.72" || !q.HasLanguage("en") || q.Title.In("en") != "PHQ-2 as another tool wrote it" {
		t.Errorf("header %s %s %v %q", q.ID, q.Version, q.Languages, q.Title.In("en"))
	}
	var ids []string
	for _, it := range q.Items() {
		ids = append(ids, it.ID)
	}
	if got, want := strings.Join(ids, " "), "x44250_9 x44255_8 sleep nights often ask inner_q"; got != want {
		t.Errorf("items %q, want %q", got, want)
	}
	first := q.Item("x44250_9")
	if o := first.Option("la6569_3"); o == nil || o.Value != 1 || o.Label.In("en") != "Several days" || !first.IsRequired() {
		t.Errorf("first item: %+v", first.Options)
	}
	if q.Item("x44255_8").IsRequired() {
		t.Error("FHIR items are optional unless required: true")
	}
	tests := []struct {
		item, showIf string
	}{
		{"sleep", "none_of x44250_9 [la6568_5]"},           // "!=" alone: answered, and not that
		{"nights", "any_of sleep [yes]"},                   // a boolean's true
		{"often", "nights 4..14"},                          // > 3 and < 15
		{"inner_q", "any_of x44255_8 [la6568_5 la6569_3]"}, // its group's "exists"
	}
	for _, tt := range tests {
		if got := describe(q.Item(tt.item).ShowIf); got != tt.showIf {
			t.Errorf("%s show_if %q, want %q", tt.item, got, tt.showIf)
		}
	}
	// Skip logic on a dropped item cannot be kept: the item is always shown, and a note says so.
	if q.Item("ask").ShowIf != nil {
		t.Errorf("ask show_if %+v", q.Item("ask").ShowIf)
	}
	for _, want := range []string{
		`calculated item "/55758-7" is not one this package exported`,
		`item "why" of type text was dropped`,
		`display items`,
		`answers from a value set (http://example.org/ValueSet/drugs)`,
		`a yes/no (boolean) question became a choice`,
		`option weights are whole numbers: 1.5 was rounded`,
		`groups inside groups are flattened`,
		`no level this package can read: "total"`,
		`item ask: its skip logic could not be converted (it looks at "why", which is not an item that was imported)`,
	} {
		if !strings.Contains(strings.Join(notes, "\n"), want) {
			t.Errorf("no note says %q; notes:\n%s", want, strings.Join(notes, "\n"))
		}
		if !strings.Contains(string(yaml), want) {
			t.Errorf("the file's comments lack %q", want)
		}
	}
	// The made-up level adds up every weight, in one band that covers every value.
	if lo, hi := q.LevelScore().Range(); len(q.LevelScore().Bands) != 1 || q.LevelScore().Bands[0].Min != lo || q.LevelScore().Bands[0].Max != hi {
		t.Errorf("level %s %d..%d, bands %+v", q.Level, lo, hi, q.LevelScore().Bands[0])
	}
}

func describe(c *questionnaire.Condition) string {
	switch {
	case c == nil:
		return ""
	case c.Item != "" && (c.Min != nil || c.Max != nil):
		return c.Item + " " + itoa(c.Min) + ".." + itoa(c.Max)
	case c.AnyOf != nil:
		return "any_of " + c.Item + " [" + strings.Join(c.AnyOf, " ") + "]"
	case c.NoneOf != nil:
		return "none_of " + c.Item + " [" + strings.Join(c.NoneOf, " ") + "]"
	}
	return "?"
}

func itoa(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func TestImportRefuses(t *testing.T) {
	tests := []struct {
		name, in, err string
	}{
		{"ErrNotJSON", `{"resourceType": `, "not a JSON Questionnaire"},
		{"ErrNotAQuestionnaire", `{"resourceType": "Patient"}`, `the resource is a "Patient", not a Questionnaire`},
		{"ErrNoQuestion", `{"resourceType": "Questionnaire", "item": [{"linkId": "a", "type": "string", "text": "Name?"}]}`, "no question could be converted"},
		{"ErrTooLarge", `{"resourceType": "Questionnaire", "title": "` + strings.Repeat("x", fhirimport.MaxImport) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := fhirimport.Import([]byte(tt.in))
			if err == nil || out != nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Import() = %d bytes, %v; want an error with %q", len(out), err, tt.err)
			}
		})
	}
}
