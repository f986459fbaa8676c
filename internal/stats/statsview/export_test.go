package statsview

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ketascreen/ketascreen/internal/stats"
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

// fixedView is a view of one release whose values are the true counts of 80 synthetic
// responses (no noise, so the output is the same every run), with the release's real plan.
func fixedView(t *testing.T) *View {
	t.Helper()
	cat := shipped(t)
	l := stats.NewLayout(cat.Latest(qid), []string{"us", "uk", "other"})
	tl := stats.NewTally(l)
	for _, r := range population(t, 80, 42) {
		if l.Slice(r.Lang, r.Region) >= 0 {
			tl.Add(r)
		}
	}
	v := singleView(t, l, exact(t, tl))
	v.Generated = "2026-W14"
	return v
}

func TestGoldenExport(t *testing.T) {
	v := fixedView(t)
	var c, j bytes.Buffer
	if err := v.WriteCSV(&c); err != nil {
		t.Fatal(err)
	}
	if err := v.WriteJSON(&j, "en"); err != nil {
		t.Fatal(err)
	}
	golden(t, "small.csv", c.Bytes())
	golden(t, "small.json", j.Bytes())
}

// CSV and JSON carry the same cells, and the JSON matches the published schema.
func TestExportFormatsAgree(t *testing.T) {
	v := fixedView(t)
	var c, j bytes.Buffer
	v.WriteCSV(&c)
	if err := v.WriteJSON(&j, "es"); err != nil {
		t.Fatal(err)
	}
	sch, err := jsonschema.NewCompiler().Compile("../../../docs/stats-export.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(j.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Error(err)
	}
	text := c.String()
	records, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells, fewer := 0, 0
	for _, r := range records[1:] {
		if r[0] == "metadata" {
			continue
		}
		cells++
		if r[5] == "fewer_than_k" {
			fewer++
			if r[4] != "" {
				t.Errorf("a figure under k has a value in the CSV: %v", r)
			}
		}
	}
	jsonCells := strings.Count(j.String(), `"status": `)
	if cells != jsonCells || fewer != v.Suppressed || fewer == 0 {
		t.Errorf("CSV %d cells (%d under k), JSON %d cells, view %d under k", cells, fewer, jsonCells, v.Suppressed)
	}
	for _, want := range []string{"metadata,,format_version,2,,,", "metadata,,privacy_unit,submission,,,", "metadata,,delta,1e-06,,,",
		"metadata,,table_part:warning_signs,options,,,", "metadata,ketamine-selfcheck,release:1,version=1.2.0 period=2026-W10 mechanism=gaussian epsilon=1 delta=1e-06,,,"} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("the CSV lacks %q", want)
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
	// A whole export whose keys carry formulas.
	v := &View{Params: Params{By: stats.ByWeek, K: 11, Questionnaires: []string{"=HYPERLINK(\"http://x\")"}},
		Start: day0, End: day0, Generated: "2026-W10",
		Releases: []ReleaseUsed{{ID: 1, Questionnaire: "@evil", Version: "-1", Period: "+W", Mechanism: stats.Gaussian, Epsilon: 1, Delta: stats.Delta}},
		Tables: []*Table{{ID: TableByPeriod, Questionnaire: "@evil", Entries: []Entry{
			{Row: "=cmd|' /C calc'!A0", Column: "+1", Cell: Cell{Value: 12}},
			{Row: "-1", Column: "\t=1", Cell: Cell{Suppressed: true}},
		}}}}
	var buf bytes.Buffer
	if err := v.WriteCSV(&buf); err != nil {
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

// The only dates in an export are the first and last days of whole weeks.
func TestDatesNoFinerThanAWeek(t *testing.T) {
	v := fixedView(t)
	if v.Start.Weekday() != day0.Weekday() || v.End.Sub(v.Start).Hours() != 6*24 {
		t.Errorf("coverage %s to %s is not a whole week", v.Start, v.End)
	}
	for _, p := range v.Periods {
		if !strings.Contains(p, "-W") {
			t.Errorf("period %q is not a week", p)
		}
	}
}
