// Package i18n holds the message catalogues of the user interface: one YAML file per language,
// a flat map from key to text. Adding a language is adding a file.
package i18n

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/goccy/go-yaml"
)

// Fallback is the language used when nothing else matches, and for any missing key.
const Fallback = "en"

// Catalog is every language's messages.
type Catalog struct {
	langs map[string]map[string]string
	names []string
}

// Load reads every <lang>.yaml and <lang>.<area>.yaml file in fsys; the files of one language
// are merged, so each area of the site keeps its messages in its own file.
func Load(fsys fs.FS) (*Catalog, error) {
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	c := &Catalog{langs: map[string]map[string]string{}}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := yaml.UnmarshalWithOptions(data, &m, yaml.Strict()); err != nil {
			return nil, fmt.Errorf("%s: %s", f, yaml.FormatError(err, false, false))
		}
		lang, _, _ := strings.Cut(strings.TrimSuffix(path.Base(f), ".yaml"), ".")
		if c.langs[lang] == nil {
			c.langs[lang] = map[string]string{}
			c.names = append(c.names, lang)
		}
		for k, v := range m {
			if _, dup := c.langs[lang][k]; dup {
				return nil, fmt.Errorf("%s: key %q is also in another %s file", f, k, lang)
			}
			c.langs[lang][k] = v
		}
	}
	if c.langs[Fallback] == nil {
		return nil, fmt.Errorf("no %s.yaml message file", Fallback)
	}
	sort.Strings(c.names)
	return c, nil
}

// Languages lists the languages with a catalogue.
func (c *Catalog) Languages() []string { return c.names }

// Has reports whether lang has a catalogue.
func (c *Catalog) Has(lang string) bool { return c.langs[lang] != nil }

// T returns the message in lang, formatted with args; a missing key falls back to English,
// then to the key itself, so a gap shows up in tests rather than as a blank page.
func (c *Catalog) T(lang, key string, args ...any) string {
	s, ok := c.langs[lang][key]
	if !ok {
		if s, ok = c.langs[Fallback][key]; !ok {
			return key
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Missing lists, per language, the keys English has and it lacks.
func (c *Catalog) Missing() map[string][]string {
	out := map[string][]string{}
	for _, lang := range c.names {
		for k := range c.langs[Fallback] {
			if _, ok := c.langs[lang][k]; !ok {
				out[lang] = append(out[lang], k)
			}
		}
		sort.Strings(out[lang])
	}
	return out
}

// Keys lists the English keys, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.langs[Fallback]))
	for k := range c.langs[Fallback] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Negotiate picks a language: the explicit choice if supported, then the best match in an
// Accept-Language header, then English.
func Negotiate(choice, acceptLanguage string, supported []string) string {
	if slices.Contains(supported, choice) {
		return choice
	}
	best, bestQ := "", 0.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if slices.Contains(supported, base) && q > bestQ {
			best, bestQ = base, q
		}
	}
	if best != "" {
		return best
	}
	return Fallback
}
