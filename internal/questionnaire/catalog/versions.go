package catalog

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/ketascreen/ketascreen/internal/questionnaire"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
)

// A questionnaire's released versions are kept side by side, so that a stored result is always
// shown with the words it was answered under: questionnaires/<id>/<version>.yaml. A file at
// the top of the folder may still hold any questionnaire in any version.

// versionFileRE is the name of a version file: the version, then .yaml.
var versionFileRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*\.ya?ml$`)

// definitionFiles lists the files Load reads: the YAML files at the top of the folder, and the
// version files in its sub-folders. Other files in a sub-folder (notes, drafts, an old/ folder)
// are not definitions and are left alone.
func definitionFiles(fsys fs.FS, entries []fs.DirEntry) ([]string, yamlfile.Problems) {
	var names []string
	var ps yamlfile.Problems
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() {
			if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
				names = append(names, name)
			}
			continue
		}
		if strings.HasPrefix(name, ".") {
			continue // .git and the like
		}
		sub, err := fs.ReadDir(fsys, name)
		if err != nil {
			ps = append(ps, yamlfile.Problem{File: name, Message: err.Error()})
			continue
		}
		for _, f := range sub {
			if !f.IsDir() && versionFileRE.MatchString(f.Name()) {
				names = append(names, path.Join(name, f.Name()))
			}
		}
	}
	return names, ps
}

// checkVersionFile checks that a file in a questionnaire's folder holds that questionnaire,
// in the version its name gives.
func checkVersionFile(file string, data []byte, q *questionnaire.Questionnaire) yamlfile.Problems {
	dir, base := path.Split(file)
	if dir == "" {
		return nil
	}
	return yamlfile.ProblemsIn(file, data, func(report yamlfile.Report) {
		if id := strings.TrimSuffix(dir, "/"); q.ID != id {
			report("$.id", "a file in the folder %s/ must define %s, not %s", id, id, q.ID)
		}
		if v := strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml"); q.Version != v {
			report("$.version", "the file %s must hold version %s, not %s", base, v, q.Version)
		}
	})
}

// parsedFile is one parsed file, kept for problems found across files.
type parsedFile struct {
	q    *questionnaire.Questionnaire
	file string
	data []byte
}

// checkVersions checks that an answer stored under one version means the same under every
// other: an item keeps its type, and an option code keeps its label (in every language both
// versions have, ignoring case and spacing, unless the author marks the new words reworded)
// and whether it is exclusive. An item's prompt may be reworded; a new question, or a new
// answer, needs a new id or code.
func checkVersions(defs map[string][]parsedFile) yamlfile.Problems {
	ids := make([]string, 0, len(defs))
	for id := range defs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var all yamlfile.Problems
	for _, id := range ids {
		ds := defs[id]
		sort.Slice(ds, func(i, j int) bool { return versionLess(ds[i].q.Version, ds[j].q.Version) })
		for j := 1; j < len(ds); j++ {
			all = append(all, compareVersion(ds[j], ds[:j])...)
		}
	}
	return all
}

// compareVersion checks one version against the older ones, each item and option against the
// newest older version that has it.
func compareVersion(d parsedFile, older []parsedFile) yamlfile.Problems {
	return yamlfile.ProblemsIn(d.file, d.data, func(report yamlfile.Report) {
		for si, s := range d.q.Sections {
			for ii, it := range s.Items {
				ip := fmt.Sprintf("$.sections[%d].items[%d]", si, ii)
				if prev, old := lastWithItem(older, it.ID, ""); old != nil && old.Type != it.Type {
					report(ip+".type", "item %q is %s-choice in version %s but %s-choice here: a different question needs a new item id",
						it.ID, old.Type, prev.Version, it.Type)
					continue
				}
				for oi, o := range it.Options {
					prev, oldItem := lastWithItem(older, it.ID, o.Code)
					if oldItem == nil {
						continue
					}
					old := oldItem.Option(o.Code)
					op := fmt.Sprintf("%s.options[%d]", ip, oi)
					for _, lang := range d.q.Languages {
						if o.Reworded {
							break
						}
						was, now := old.Label[lang], o.Label[lang]
						if was != "" && sameWords(was, now) {
							continue
						}
						if was != "" {
							report(op+".label", "option %q of item %q said %q in version %s and says %q here: an answer stored as %q must mean the same in every version, so give the new wording a new code",
								o.Code, it.ID, was, prev.Version, now, o.Code)
							break
						}
					}
					if old.Exclusive != o.Exclusive {
						report(op+".exclusive", "option %q of item %q changes whether it is exclusive since version %s: give it a new code", o.Code, it.ID, prev.Version)
					}
				}
			}
		}
	})
}

// lastWithItem is the newest of the older versions that has the item (and the option code,
// when one is given), with that item.
func lastWithItem(older []parsedFile, item, code string) (*questionnaire.Questionnaire, *questionnaire.Item) {
	for i := len(older) - 1; i >= 0; i-- {
		it := older[i].q.Item(item)
		if it != nil && (code == "" || it.Option(code) != nil) {
			return older[i].q, it
		}
	}
	return nil, nil
}

// sameWords compares two labels ignoring case and spacing.
func sameWords(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}
