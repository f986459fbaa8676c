package statsview

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
)

// An export is a view written out: CSV and JSON carry the same cells (table, questionnaire,
// row, column, value, status, 90% margin) and the same metadata. See docs/stats-export.md.

// Format names the export format; FormatVersion changes whenever a reader would need to.
const (
	Format        = "ketascreen-stats"
	FormatVersion = 2
)

// tablePart says which part of a release's budget pays for each table of a view.
var tablePart = map[string]string{
	TableByPeriod: stats.PartLevel, TableByQuestionnaire: stats.PartLevel, TableByLangRegion: stats.PartLevel,
	TableByLevel: stats.PartLevel, TableByFlag: stats.PartFlags, TableWarningSigns: stats.PartOptions, TableOptions: stats.PartOptions,
}

// WriteCSV writes the view as one CSV table in long form: table, questionnaire, row, column,
// value, status, margin90. Metadata rows come first (table "metadata", the key in row and the
// value in column). A figure under k has an empty value and the status fewer_than_k. Every
// field is escaped against formula injection.
func (v *View) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	write := func(fields ...string) {
		for i, f := range fields {
			fields[i] = EscapeCSV(f)
		}
		cw.Write(fields)
	}
	write("table", "questionnaire", "row", "column", "value", "status", "margin90")
	for _, m := range v.metadata() {
		write("metadata", m.questionnaire, m.key, m.value, "", "", "")
	}
	for _, t := range v.Tables {
		for _, e := range t.Entries {
			value := strconv.FormatInt(e.Value, 10)
			if e.Suppressed {
				value = ""
			}
			write(t.ID, t.Questionnaire, e.Row, e.Column, value, e.Status(), formatFloat(e.Margin))
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

// epsilonText is the epsilon of the releases used, or "varies".
func (v *View) epsilonText() string {
	if len(v.Releases) == 0 {
		return ""
	}
	e := v.Releases[0].Epsilon
	for _, r := range v.Releases {
		if r.Epsilon != e {
			return "varies"
		}
	}
	return formatFloat(e)
}

func (v *View) metadata() []meta {
	m := []meta{
		{"", "format", Format},
		{"", "format_version", strconv.Itoa(FormatVersion)},
		{"", "generated_week", v.Generated},
		{"", "by", v.Params.By},
		{"", "from", v.Start.Format(time.DateOnly)},
		{"", "to", v.End.Format(time.DateOnly)},
		{"", "questionnaires", strings.Join(v.Params.Questionnaires, " ")},
		{"", "languages", strings.Join(v.Params.Langs, " ")},
		{"", "regions", strings.Join(v.Params.Regions, " ")},
		{"", "k", strconv.Itoa(v.Params.K)},
		{"", "fewer_than_k_cells", strconv.Itoa(v.Suppressed)},
		{"", "privacy_unit", "submission"},
		{"", "epsilon", v.epsilonText()},
		{"", "delta", formatFloat(stats.Delta)},
		{"", "library", stats.Library},
	}
	for _, id := range []string{TableByPeriod, TableByQuestionnaire, TableByLangRegion, TableByLevel, TableByFlag, TableWarningSigns, TableOptions} {
		m = append(m, meta{"", "table_part:" + id, tablePart[id]})
	}
	for _, r := range v.Releases {
		m = append(m, meta{r.Questionnaire, fmt.Sprintf("release:%d", r.ID),
			fmt.Sprintf("version=%s period=%s mechanism=%s epsilon=%s delta=%s", r.Version, r.Period, r.Mechanism,
				formatFloat(r.Epsilon), formatFloat(r.Delta))})
		for _, p := range r.Parts {
			m = append(m, meta{r.Questionnaire, fmt.Sprintf("release:%d:%s", r.ID, p.Part),
				fmt.Sprintf("share=%s epsilon=%s max_cells=%d sd_all=%s sd_slice=%s", formatFloat(p.Share),
					formatFloat(p.Epsilon(r.Mechanism, r.Epsilon, r.Delta)), p.MaxCells, formatFloat(p.SDAll), formatFloat(p.SDSlice))})
		}
	}
	return m
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', 6, 64) }

// JSON form (docs/stats-export.schema.json). Cells carry the CSV's columns.
type jsonView struct {
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
	K               int               `json:"k"`
	FewerThanKCells int               `json:"fewer_than_k_cells"`
	PrivacyUnit     string            `json:"privacy_unit"`
	Epsilon         string            `json:"epsilon"`
	Delta           float64           `json:"delta"`
	Library         string            `json:"library"`
	MarginLevel     float64           `json:"margin_level"`
	TableParts      map[string]string `json:"table_parts"`
	Releases        []jsonRelease     `json:"releases"`
}

type jsonRelease struct {
	ID            int64      `json:"id"`
	Questionnaire string     `json:"questionnaire"`
	Version       string     `json:"version"`
	Period        string     `json:"period"`
	Mechanism     string     `json:"mechanism"`
	Epsilon       float64    `json:"epsilon"`
	Delta         float64    `json:"delta"`
	Parts         []jsonPart `json:"parts"`
}

type jsonPart struct {
	Part     string  `json:"part"`
	Share    float64 `json:"share"`
	Epsilon  float64 `json:"epsilon"`
	MaxCells int     `json:"max_cells"`
	SDAll    float64 `json:"sd_all"`
	SDSlice  float64 `json:"sd_slice"`
}

type jsonTable struct {
	ID            string     `json:"id"`
	Questionnaire string     `json:"questionnaire,omitempty"`
	Cells         []jsonCell `json:"cells"`
}

type jsonCell struct {
	Row         string  `json:"row"`
	Column      string  `json:"column"`
	Value       *int64  `json:"value"`
	Status      string  `json:"status"`
	Margin90    float64 `json:"margin90"`
	RowLabel    string  `json:"row_label,omitempty"`
	ColumnLabel string  `json:"column_label,omitempty"`
}

// WriteJSON writes the view as JSON, with the labels of rows and columns in lang.
func (v *View) WriteJSON(w io.Writer, lang string) error {
	out := jsonView{Format: Format, FormatVersion: FormatVersion, GeneratedWeek: v.Generated, LabelsLang: lang,
		Coverage: jsonCoverage{By: v.Params.By, From: v.Start.Format(time.DateOnly), To: v.End.Format(time.DateOnly), Periods: v.Periods},
		Filters:  jsonFilters{Questionnaires: v.Params.Questionnaires, Languages: v.Params.Langs, Regions: v.Params.Regions},
		Protection: jsonProtection{K: v.Params.K, FewerThanKCells: v.Suppressed, PrivacyUnit: "submission", Epsilon: v.epsilonText(),
			Delta: stats.Delta, Library: stats.Library, MarginLevel: 0.9, TableParts: tablePart, Releases: []jsonRelease{}},
		Tables: []jsonTable{}}
	for _, r := range v.Releases {
		jr := jsonRelease{ID: r.ID, Questionnaire: r.Questionnaire, Version: r.Version, Period: r.Period,
			Mechanism: r.Mechanism, Epsilon: r.Epsilon, Delta: r.Delta, Parts: []jsonPart{}}
		for _, p := range r.Parts {
			jr.Parts = append(jr.Parts, jsonPart{p.Part, p.Share, p.Epsilon(r.Mechanism, r.Epsilon, r.Delta), p.MaxCells, p.SDAll, p.SDSlice})
		}
		out.Protection.Releases = append(out.Protection.Releases, jr)
	}
	for _, t := range v.Tables {
		jt := jsonTable{ID: t.ID, Questionnaire: t.Questionnaire, Cells: []jsonCell{}}
		for _, e := range t.Entries {
			c := jsonCell{Row: e.Row, Column: e.Column, Status: e.Status(), Margin90: e.Margin,
				RowLabel: v.RowLabel(t, e, lang), ColumnLabel: v.ColumnLabel(t, e, lang)}
			if !e.Suppressed {
				n := e.Value
				c.Value = &n
			}
			jt.Cells = append(jt.Cells, c)
		}
		out.Tables = append(out.Tables, jt)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("encode the view: %w", err)
	}
	return nil
}

// AuditDetail is what the audit log keeps of an export or a view: what was read (kind
// "format" with csv or json, or "view" with the dashboard's view) and its parameters, never a
// figure.
func (v *View) AuditDetail(kind, name string) string {
	return fmt.Sprintf("%s=%s from=%s to=%s by=%s k=%d questionnaires=%s languages=%s regions=%s releases=%d",
		kind, name, v.Start.Format(time.DateOnly), v.End.Format(time.DateOnly), v.Params.By, v.Params.K,
		strings.Join(v.Params.Questionnaires, ","), strings.Join(v.Params.Langs, ","), strings.Join(v.Params.Regions, ","), len(v.Releases))
}
