// Package yamlout writes a questionnaire in the layout of the shipped files (the questionnaire
// format, YAML), for 'ketascreen import fhir'. Every string is written as a JSON string, which
// YAML reads the same: no text can break out.
package yamlout

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
)

// Write is q as a questionnaire file, each of comments a comment line first.
func Write(q *questionnaire.Questionnaire, comments []string) []byte {
	var b strings.Builder
	w := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	for _, c := range comments {
		w(0, "# %s", c)
	}
	w(0, "id: %s", str(q.ID))
	w(0, "version: %s", str(q.Version))
	w(0, "languages: [%s]", strings.Join(quoteAll(q.Languages), ", "))
	w(0, "minutes: %d", q.Minutes)
	w(0, "level: %s", str(q.Level))
	if len(q.Levels) > 0 {
		w(0, "levels: [%s]", strings.Join(quoteAll(q.Levels), ", "))
	}
	w(0, "title: %s", text(q.Title))
	w(0, "introduction: %s", text(q.Introduction))
	w(0, "notice: %s", text(q.Notice))
	w(0, "domains:")
	for _, d := range q.Domains {
		w(1, "- {id: %s, label: %s}", str(d.ID), text(d.Label))
	}
	w(0, "sections:")
	for _, s := range q.Sections {
		w(1, "- id: %s", str(s.ID))
		w(2, "title: %s", text(s.Title))
		if s.ShowIf != nil {
			w(2, "show_if: %s", cond(s.ShowIf))
		}
		w(2, "items:")
		for _, it := range s.Items {
			writeItem(w, it)
		}
	}
	w(0, "scores:")
	for _, s := range q.Scores {
		w(1, "- id: %s", str(s.ID))
		w(2, "label: %s", text(s.Label))
		w(2, "kind: %s", s.Kind)
		if len(s.Items) > 0 {
			w(2, "items: [%s]", strings.Join(quoteAll(s.Items), ", "))
		}
		if len(s.Scores) > 0 {
			w(2, "scores: [%s]", strings.Join(quoteAll(s.Scores), ", "))
		}
		if s.ShowIf != nil {
			w(2, "show_if: %s", cond(s.ShowIf))
		}
		if len(s.Bands) > 0 {
			w(2, "bands:")
		}
		for _, bd := range s.Bands {
			w(3, "- {id: %s, min: %d, max: %d, label: %s, meaning: %s}", str(bd.ID), bd.Min, bd.Max, text(bd.Label), text(bd.Meaning))
		}
	}
	if len(q.Flags) > 0 {
		w(0, "flags:")
	}
	for _, f := range q.Flags {
		w(1, "- id: %s", str(f.ID))
		w(2, "severity: %s", f.Severity)
		w(2, "when: %s", cond(f.When))
		w(2, "title: %s", text(f.Title))
		w(2, "message: %s", text(f.Message))
	}
	return []byte(b.String())
}

func writeItem(w func(int, string, ...any), it *questionnaire.Item) {
	w(3, "- id: %s", str(it.ID))
	w(4, "type: %s", it.Type)
	w(4, "domain: %s", str(it.Domain))
	if it.DSM5 != "" {
		w(4, "dsm5: %s", it.DSM5)
	}
	if !it.IsRequired() {
		w(4, "required: false")
	}
	if it.ShowIf != nil {
		w(4, "show_if: %s", cond(it.ShowIf))
	}
	w(4, "prompt: %s", text(it.Prompt))
	if it.Type == questionnaire.Number {
		w(4, "min: %d", *it.Min)
		w(4, "max: %d", *it.Max)
		if it.Unit != nil {
			w(4, "unit: %s", text(it.Unit))
		}
		if it.Weight != nil {
			w(4, "weight: %d", *it.Weight)
		}
		if len(it.Points) > 0 {
			w(4, "points:")
		}
		for _, p := range it.Points {
			w(5, "- {min: %d, max: %d, value: %d}", p.Min, p.Max, p.Value)
		}
		return
	}
	w(4, "options:")
	for _, o := range it.Options {
		s := fmt.Sprintf("- {code: %s, label: %s", str(o.Code), text(o.Label))
		if o.Value != 0 {
			s += fmt.Sprintf(", value: %d", o.Value)
		}
		if len(o.Values) > 0 {
			keys := make([]string, 0, len(o.Values))
			for k := range o.Values {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var parts []string
			for _, k := range keys {
				parts = append(parts, fmt.Sprintf("%s: %d", str(k), o.Values[k]))
			}
			s += ", values: {" + strings.Join(parts, ", ") + "}"
		}
		if o.Exclusive {
			s += ", exclusive: true"
		}
		w(5, "%s}", s)
	}
}

// cond writes a condition in flow style.
func cond(c *questionnaire.Condition) string {
	switch {
	case c.Item != "" && (c.Min != nil || c.Max != nil):
		return "{item: " + str(c.Item) + bounds2(c) + "}"
	case c.Item != "" && c.AnyOf != nil:
		return "{item: " + str(c.Item) + ", any_of: [" + strings.Join(quoteAll(c.AnyOf), ", ") + "]}"
	case c.Item != "":
		return "{item: " + str(c.Item) + ", none_of: [" + strings.Join(quoteAll(c.NoneOf), ", ") + "]}"
	case c.Score != "":
		return "{score: " + str(c.Score) + bounds2(c) + "}"
	}
	subs, key := c.All, "all"
	if c.Any != nil {
		subs, key = c.Any, "any"
	}
	parts := make([]string, len(subs))
	for i, sub := range subs {
		parts[i] = cond(sub)
	}
	return "{" + key + ": [" + strings.Join(parts, ", ") + "]}"
}

func bounds2(c *questionnaire.Condition) string {
	s := ""
	if c.Min != nil {
		s += fmt.Sprintf(", min: %d", *c.Min)
	}
	if c.Max != nil {
		s += fmt.Sprintf(", max: %d", *c.Max)
	}
	return s
}

func str(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = str(s)
	}
	return out
}

func text(t questionnaire.Text) string {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + str(t[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
