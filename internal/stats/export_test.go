package stats

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it); got:\n%s", name, got)
	}
}

func smallRelease(t *testing.T) *Release {
	t.Helper()
	cat := shipped(t)
	s := seed(t, cat, 300, 3, 42)
	p := params(3)
	p.Regions = []string{"us", "uk", "other"}
	r, err := Build(context.Background(), s.st, cat, p, day0.AddDate(0, 0, 30))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGoldenExport(t *testing.T) {
	r := smallRelease(t)
	var c, j bytes.Buffer
	if err := r.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&j, "en"); err != nil {
		t.Fatal(err)
	}
	golden(t, "small.csv", c.Bytes())
	golden(t, "small.json", j.Bytes())
}

func TestJSONMatchesSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("../../docs/stats-export.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, eps := range []float64{0, 1} {
		cat := shipped(t)
		s := seed(t, cat, 200, 2, 5)
		p := params(2)
		p.Epsilon = eps
		r, err := Build(context.Background(), s.st, cat, p, day0)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := r.WriteJSON(&buf, "es"); err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(doc); err != nil {
			t.Errorf("epsilon %g: %v", eps, err)
		}
	}
}

func TestCSVFormulaInjectionEscaped(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+cmd", "'+cmd"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"plain", "plain"},
		{"", ""},
		{"a=b", "a=b"},
	} {
		if got := EscapeCSV(tc.in); got != tc.want {
			t.Errorf("EscapeCSV(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// A whole export whose labels and keys carry formulas.
	r := &Release{Params: Params{By: ByWeek, K: 11, Questionnaires: []string{"=HYPERLINK(\"http://x\")"}},
		Start: day0, End: day0, Generated: "2026-W10",
		Tables: []*Table{{ID: TableByPeriod, Questionnaire: "@evil", Entries: []Entry{
			{Row: "=cmd|' /C calc'!A0", Column: "+1", Cell: Cell{Value: 12}},
			{Row: "-1", Column: "\t=1", Cell: Cell{Suppressed: true}},
		}}}}
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range records {
		for _, f := range rec {
			if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
				t.Errorf("field %q is not escaped", f)
			}
		}
	}
}

func TestExportStatesProtection(t *testing.T) {
	cat := shipped(t)
	s := seed(t, cat, 100, 2, 6)
	p := params(2)
	p.Epsilon = 0.5
	p.K = 20
	r, err := Build(context.Background(), s.st, cat, p, day0)
	if err != nil {
		t.Fatal(err)
	}
	var c bytes.Buffer
	r.WriteCSV(&c)
	for _, want := range []string{"metadata,,method,differential_privacy+small_cell_suppression,,",
		"metadata,,k,20,,", "metadata,,epsilon,0.5,,", "metadata,,privacy_unit,submission,,"} {
		if !strings.Contains(c.String(), want+"\n") {
			t.Errorf("the CSV lacks %q", want)
		}
	}
	var j bytes.Buffer
	r.WriteJSON(&j, "en")
	var doc struct {
		Protection struct {
			K       int
			Epsilon float64
			DP      struct {
				EpsilonPerTable float64 `json:"epsilon_per_table"`
			} `json:"differential_privacy"`
		}
	}
	if err := json.Unmarshal(j.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Protection.K != 20 || doc.Protection.Epsilon != 0.5 || doc.Protection.DP.EpsilonPerTable != 0.5/noisyTables {
		t.Errorf("protection = %+v", doc.Protection)
	}
}

func TestDatesNoFinerThanAWeek(t *testing.T) {
	r := smallRelease(t)
	var c bytes.Buffer
	r.WriteCSV(&c)
	// The only dates are the first and last days of whole weeks.
	if r.Start.Weekday() != time.Monday || r.End.Weekday() != time.Sunday {
		t.Errorf("coverage %s to %s is not whole weeks", r.Start, r.End)
	}
	for _, p := range r.Periods {
		if !strings.Contains(p, "-W") {
			t.Errorf("period %q is not a week", p)
		}
	}
}
