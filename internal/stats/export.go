package stats

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Library names the differential privacy implementation in the metadata.
const Library = "github.com/google/differential-privacy/go/v3 v3.0.0, dpagg.Count with Laplace noise"

// WriteCSV writes the release as one CSV table in long form: table, questionnaire, row,
// column, count, status. It starts with metadata rows (table "metadata", the key in row and
// the value in column) stating the format, the coverage and the protection. A withheld cell
// has an empty count and the status "suppressed". Every field is escaped against formula
// injection. See docs/stats-export.md.
func (r *Release) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	write := func(fields ...string) {
		for i, f := range fields {
			fields[i] = EscapeCSV(f)
		}
		cw.Write(fields)
	}
	write("table", "questionnaire", "row", "column", "count", "status")
	for _, m := range r.metadata() {
		write("metadata", m.questionnaire, m.key, m.value, "", "")
	}
	for _, t := range r.Tables {
		for _, e := range t.Entries {
			if e.Suppressed {
				write(t.ID, t.Questionnaire, e.Row, e.Column, "", "suppressed")
			} else {
				write(t.ID, t.Questionnaire, e.Row, e.Column, strconv.FormatInt(e.Value, 10), "")
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// EscapeCSV defuses a field a spreadsheet would run as a formula (one starting with =, +, -,
// @, a tab or a carriage return) by putting a single quote before it, as OWASP advises.
func EscapeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type meta struct{ questionnaire, key, value string }

func (r *Release) metadata() []meta {
	eps := "none"
	if r.Noise != nil {
		eps = formatFloat(r.Noise.Epsilon)
	}
	m := []meta{
		{"", "format", Format},
		{"", "format_version", strconv.Itoa(FormatVersion)},
		{"", "generated_week", r.Generated},
		{"", "by", r.Params.By},
		{"", "from", r.Start.Format(time.DateOnly)},
		{"", "to", r.End.Format(time.DateOnly)},
		{"", "questionnaires", strings.Join(r.Params.Questionnaires, " ")},
		{"", "languages", strings.Join(r.Params.Langs, " ")},
		{"", "regions", strings.Join(r.Params.Regions, " ")},
		{"", "method", r.Method()},
		{"", "k", strconv.Itoa(r.Params.K)},
		{"", "suppressed_cells", strconv.Itoa(r.Suppressed)},
		{"", "epsilon", eps},
	}
	if r.Noise != nil {
		m = append(m, meta{"", "epsilon_per_table", formatFloat(r.Noise.EpsilonPerTable)},
			meta{"", "noise", Library},
			meta{"", "privacy_unit", "submission"})
		for _, t := range r.Noise.Tables {
			m = append(m, meta{t.Questionnaire, "laplace_scale:" + t.Table, formatFloat(t.Scale)})
		}
	}
	return m
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }

// JSON form, version 1 (docs/stats-export.md, docs/stats-export.schema.json).
type jsonRelease struct {
	Format        string         `json:"format"`
	FormatVersion int            `json:"format_version"`
	GeneratedWeek string         `json:"generated_week"`
	Coverage      jsonCoverage   `json:"coverage"`
	Filters       jsonFilters    `json:"filters"`
	Protection    jsonProtection `json:"protection"`
	LabelsLang    string         `json:"labels_language"`
	Tables        []jsonTable    `json:"tables"`
}

type jsonCoverage struct {
	By      string   `json:"by"`
	From    string   `json:"from"`
	To      string   `json:"to"`
	Periods []string `json:"periods"`
}

type jsonFilters struct {
	Questionnaires []string `json:"questionnaires"`
	Languages      []string `json:"languages"`
	Regions        []string `json:"regions"`
}

type jsonProtection struct {
	Method              string   `json:"method"`
	K                   int      `json:"k"`
	SuppressedCells     int      `json:"suppressed_cells"`
	Epsilon             *float64 `json:"epsilon"`
	DifferentialPrivacy *jsonDP  `json:"differential_privacy"`
	Complementary       string   `json:"complementary_suppression"`
}

type jsonDP struct {
	EpsilonPerTable float64       `json:"epsilon_per_table"`
	Mechanism       string        `json:"mechanism"`
	Library         string        `json:"library"`
	PrivacyUnit     string        `json:"privacy_unit"`
	ClampedAtZero   bool          `json:"clamped_at_zero"`
	Tables          []jsonDPTable `json:"tables"`
}

type jsonDPTable struct {
	Table         string  `json:"table"`
	Questionnaire string  `json:"questionnaire,omitempty"`
	MaxCells      int64   `json:"max_cells_per_submission"`
	LaplaceScale  float64 `json:"laplace_scale"`
}

type jsonTable struct {
	ID            string     `json:"id"`
	Questionnaire string     `json:"questionnaire,omitempty"`
	Cells         []jsonCell `json:"cells"`
}

type jsonCell struct {
	Row         string `json:"row"`
	Column      string `json:"column"`
	Count       *int64 `json:"count"`
	Suppressed  bool   `json:"suppressed,omitempty"`
	RowLabel    string `json:"row_label,omitempty"`
	ColumnLabel string `json:"column_label,omitempty"`
}

// WriteJSON writes the release as JSON, with the labels of rows and columns in lang.
func (r *Release) WriteJSON(w io.Writer, lang string) error {
	out := jsonRelease{
		Format: Format, FormatVersion: FormatVersion, GeneratedWeek: r.Generated, LabelsLang: lang,
		Coverage: jsonCoverage{By: r.Params.By, From: r.Start.Format(time.DateOnly), To: r.End.Format(time.DateOnly), Periods: r.Periods},
		Filters:  jsonFilters{Questionnaires: r.Params.Questionnaires, Languages: r.Params.Langs, Regions: r.Params.Regions},
		Protection: jsonProtection{Method: r.Method(), K: r.Params.K, SuppressedCells: r.Suppressed,
			Complementary: "no withheld count can be worked out from the released cells of this release " +
				"(totals, sub-totals, other cells, and the questionnaire's structure)"},
	}
	if r.Noise != nil {
		e := r.Noise.Epsilon
		out.Protection.Epsilon = &e
		dp := &jsonDP{EpsilonPerTable: r.Noise.EpsilonPerTable, Mechanism: "laplace", Library: Library,
			PrivacyUnit: "submission", ClampedAtZero: true}
		for _, t := range r.Noise.Tables {
			dp.Tables = append(dp.Tables, jsonDPTable{t.Table, t.Questionnaire, t.MaxCells, t.Scale})
		}
		out.Protection.DifferentialPrivacy = dp
	}
	for _, t := range r.Tables {
		jt := jsonTable{ID: t.ID, Questionnaire: t.Questionnaire, Cells: []jsonCell{}}
		for _, e := range t.Entries {
			c := jsonCell{Row: e.Row, Column: e.Column, Suppressed: e.Suppressed,
				RowLabel: r.RowLabel(t, e, lang), ColumnLabel: r.ColumnLabel(t, e, lang)}
			if !e.Suppressed {
				v := e.Value
				c.Count = &v
			}
			jt.Cells = append(jt.Cells, c)
		}
		out.Tables = append(out.Tables, jt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("encode the release: %w", err)
	}
	return nil
}

// AuditDetail is what the audit log keeps of an export: its parameters, never a count.
func (r *Release) AuditDetail(format string) string {
	eps := "none"
	if r.Noise != nil {
		eps = formatFloat(r.Noise.Epsilon)
	}
	return fmt.Sprintf("format=%s from=%s to=%s by=%s k=%d epsilon=%s questionnaires=%s languages=%s regions=%s",
		format, r.Start.Format(time.DateOnly), r.End.Format(time.DateOnly), r.Params.By, r.Params.K, eps,
		strings.Join(r.Params.Questionnaires, ","), strings.Join(r.Params.Langs, ","), strings.Join(r.Params.Regions, ","))
}
