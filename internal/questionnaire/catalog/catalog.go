// Package catalog reads a questionnaires folder: every version of every questionnaire, the help
// resources file and the site file, checked together (versions that keep the meaning of stored
// answers, resource kinds that exist, languages that match), for the server and for lint.
package catalog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/definition"
	"github.com/ketascreen/ketascreen/internal/questionnaire/helplines"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// ResourcesFile is the name of the help resources file in a questionnaires folder.
const ResourcesFile = "resources.yaml"

// Catalog is every questionnaire in a folder, plus the help resources they share.
type Catalog struct {
	Resources *helplines.Resources
	site      *Site
	// every version of every questionnaire, newest version first within an id
	byID map[string][]*questionnaire.Questionnaire
	ids  []string
}

// Load reads every .yaml file of a folder: resources.yaml and the questionnaires, and each
// questionnaire's version files in its own sub-folder (<id>/<version>.yaml). It returns
// a catalog only when every file is sound, and otherwise every problem found (as yamlfile.Problems).
func Load(fsys fs.FS) (*Catalog, error) {
	c, ps := load(fsys)
	if len(ps) > 0 {
		return nil, ps
	}
	return c, nil
}

func load(fsys fs.FS) (*Catalog, yamlfile.Problems) {
	c := &Catalog{byID: map[string][]*questionnaire.Questionnaire{}}
	var all yamlfile.Problems
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, yamlfile.Problems{{File: ".", Message: err.Error()}}
	}
	type located struct {
		q    *questionnaire.Questionnaire
		file string
		data []byte
	}
	var qs []located
	names, ps := definitionFiles(fsys, entries)
	all = append(all, ps...)
	for _, name := range names {
		data, err := readFile(fsys, name)
		if err != nil {
			all = append(all, yamlfile.Problem{File: name, Message: err.Error()})
			continue
		}
		if name == ResourcesFile {
			r, err := helplines.Parse(name, data)
			all = append(all, yamlfile.ProblemsOf(err)...)
			c.Resources = r
			continue
		}
		if name == SiteFile {
			s, err := ParseSite(name, data)
			all = append(all, yamlfile.ProblemsOf(err)...)
			c.site = s
			continue
		}
		q, err := definition.Parse(name, data)
		all = append(all, yamlfile.ProblemsOf(err)...)
		if q != nil {
			all = append(all, checkVersionFile(name, data, q)...)
			qs = append(qs, located{q, name, data})
		}
	}
	if c.Resources == nil && !hasFile(all, ResourcesFile) {
		all = append(all, yamlfile.Problem{File: ResourcesFile, Message: "the help resources file is missing"})
	}
	if len(qs) == 0 && len(all) == 0 {
		all = append(all, yamlfile.Problem{File: ".", Message: "no questionnaire found"})
	}
	seen := map[string]string{}
	defs := map[string][]parsedFile{}
	for _, l := range qs {
		key := l.q.ID + "@" + l.q.Version
		if other, dup := seen[key]; dup {
			all = append(all, yamlfile.ProblemsIn(l.file, l.data, func(report yamlfile.Report) {
				report("$.version", "%s version %s is also defined in %s", l.q.ID, l.q.Version, other)
			})...)
			continue
		}
		seen[key] = l.file
		if c.Resources != nil {
			all = append(all, checkResourceRefs(l.file, l.data, l.q, c.Resources)...)
		}
		if c.site != nil {
			all = append(all, checkSiteLanguages(l.file, l.data, l.q, c.site)...)
		}
		c.byID[l.q.ID] = append(c.byID[l.q.ID], l.q)
		defs[l.q.ID] = append(defs[l.q.ID], parsedFile(l))
	}
	all = append(all, checkVersions(defs)...)
	if len(all) > 0 {
		return nil, all
	}
	for id, vs := range c.byID {
		sort.Slice(vs, func(i, j int) bool { return versionLess(vs[j].Version, vs[i].Version) })
		c.ids = append(c.ids, id)
	}
	sort.Strings(c.ids)
	return c, nil
}

func hasFile(ps yamlfile.Problems, file string) bool {
	return slices.ContainsFunc(ps, func(p yamlfile.Problem) bool { return p.File == file })
}

// checkResourceRefs checks that every kind a flag or band asks for exists and that some region
// lists a resource of it (else it could never be shown), and that the resources file speaks
// every language of the questionnaire.
func checkResourceRefs(file string, data []byte, q *questionnaire.Questionnaire, r *helplines.Resources) yamlfile.Problems {
	return yamlfile.ProblemsIn(file, data, func(report yamlfile.Report) {
		check := func(path, who, kind string) {
			switch {
			case r.Kind(kind) == nil:
				report(path, "%s asks for resource kind %q, which %s does not list", who, kind, ResourcesFile)
			case !r.Listed(kind):
				report(path, "%s asks for resource kind %q, but no region of %s has a resource of that kind", who, kind, ResourcesFile)
			}
		}
		for i, f := range q.Flags {
			for j, k := range f.Resources {
				check(fmt.Sprintf("$.flags[%d].resources[%d]", i, j), fmt.Sprintf("flag %q", f.ID), k)
			}
		}
		for i, s := range q.Scores {
			for j, b := range s.Bands {
				for k, kind := range b.Resources {
					check(fmt.Sprintf("$.scores[%d].bands[%d].resources[%d]", i, j, k), fmt.Sprintf("band %q of score %q", b.ID, s.ID), kind)
				}
			}
		}
		for _, l := range q.Languages {
			if !slices.Contains(r.Languages, l) {
				report("$.languages", "%s is in language %q, but %s is not", q.ID, l, ResourcesFile)
			}
		}
	})
}

// versionLess compares dotted versions number by number ("1.10.0" after "1.9.2").
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		an, aerr := strconv.Atoi(as[i])
		bn, berr := strconv.Atoi(bs[i])
		if aerr == nil && berr == nil {
			if an != bn {
				return an < bn
			}
			continue
		}
		if as[i] != bs[i] {
			return as[i] < bs[i]
		}
	}
	return len(as) < len(bs)
}

// IDs lists the questionnaire ids, sorted.
func (c *Catalog) IDs() []string { return c.ids }

// Latest returns the newest version of a questionnaire, or nil.
func (c *Catalog) Latest(id string) *questionnaire.Questionnaire {
	if vs := c.byID[id]; len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// Version returns one version of a questionnaire, or nil (an old result whose definition was
// removed from the folder).
func (c *Catalog) Version(id, version string) *questionnaire.Questionnaire {
	for _, q := range c.byID[id] {
		if q.Version == version {
			return q
		}
	}
	return nil
}

// Questionnaires lists the newest version of each questionnaire, by id.
func (c *Catalog) Questionnaires() []*questionnaire.Questionnaire {
	out := make([]*questionnaire.Questionnaire, 0, len(c.ids))
	for _, id := range c.ids {
		out = append(out, c.Latest(id))
	}
	return out
}

// Languages lists the languages every questionnaire of the catalog is written in.
func (c *Catalog) Languages() []string {
	var out []string
	for i, q := range c.Questionnaires() {
		if i == 0 {
			out = slices.Clone(q.Languages)
			continue
		}
		out = slices.DeleteFunc(out, func(l string) bool { return !q.HasLanguage(l) })
	}
	return out
}

// readFile reads a regular file of the folder, stopping past MaxFileSize: a name that leads
// to a device or a pipe (/dev/zero never ends) must not hang or fill memory.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, yamlfile.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > yamlfile.MaxFileSize {
		return nil, fmt.Errorf("file is larger than %d bytes", yamlfile.MaxFileSize)
	}
	return data, nil
}

// CheckFile parses one file, whatever its kind, for lint: its problems, as yamlfile.Problems, or nil.
func CheckFile(name string, data []byte) error {
	var err error
	switch path.Base(name) {
	case ResourcesFile:
		_, err = helplines.Parse(name, data)
	case SiteFile:
		_, err = ParseSite(name, data)
	default:
		_, err = definition.Parse(name, data)
	}
	return err
}
