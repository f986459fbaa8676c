package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/ketascreen/ketascreen/internal/cli/command"
	"github.com/ketascreen/ketascreen/internal/questionnaire/catalog"
	"github.com/ketascreen/ketascreen/internal/questionnaire/yamlfile"
	"github.com/ketascreen/ketascreen/questionnaires"
)

func runLint(_ context.Context, e *command.Env, args []string) error {
	fl := e.Flags("lint", "[FILE|DIR ...]",
		"Checks questionnaire and resources files: structure, references, skip logic, bands and\n"+
			"translations. With no argument it checks the built-in set. A folder is checked as a whole,\n"+
			"including resources.yaml. Prints file:line: message for each problem and exits 1 if any.")
	if err := e.Parse(fl, args); err != nil {
		return err
	}
	var problems yamlfile.Problems
	checked := 0
	if fl.NArg() == 0 {
		ps, n := lintFS(questionnaires.FS, "questionnaires")
		problems, checked = append(problems, ps...), checked+n
	}
	for _, arg := range fl.Args() {
		st, err := os.Stat(arg)
		if err != nil {
			return command.UsageError{Msg: fmt.Sprintf("%s: no such file or folder", arg)}
		}
		if st.IsDir() {
			ps, n := lintFS(os.DirFS(arg), arg)
			problems, checked = append(problems, ps...), checked+n
			continue
		}
		data, err := readCapped(arg)
		if err != nil {
			problems = append(problems, yamlfile.Problem{File: arg, Message: err.Error()})
			continue
		}
		problems = append(problems, yamlfile.ProblemsOf(catalog.CheckFile(arg, data))...)
		checked++
	}
	for _, p := range problems {
		fmt.Fprintln(e.Stdout, p.String())
	}
	if len(problems) > 0 {
		fmt.Fprintf(e.Stderr, "%d problem(s) in %d file(s)\n", len(problems), checked)
		return command.ExitError{Code: 1}
	}
	fmt.Fprintf(e.Stdout, "ok: %d file(s) checked, no problems\n", checked)
	return nil
}

// versionFileRE is the name of a file in a questionnaire's version folder that Load reads
// (1.2.0.yaml); other files there, such as notes, are not definitions and are not counted.
var versionFileRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*\.ya?ml$`)

// lintFS checks a folder as the server would load it, naming files by their path under dir.
// The count is of the files Load reads: the YAML files at the top and the version files one
// folder down (questionnaires/<id>/<version>.yaml).
func lintFS(fsys fs.FS, dir string) (yamlfile.Problems, int) {
	files, _ := fs.Glob(fsys, "*.y*ml")
	versions, _ := fs.Glob(fsys, "*/*.y*ml")
	for _, f := range versions {
		if !strings.HasPrefix(f, ".") && versionFileRE.MatchString(path.Base(f)) {
			files = append(files, f)
		}
	}
	_, err := catalog.Load(fsys)
	ps := yamlfile.ProblemsOf(err)
	for i := range ps {
		ps[i].File = filepath.Join(dir, ps[i].File)
	}
	return ps, len(files)
}

// readCapped reads a regular file of at most MaxFileSize bytes. The size is checked while
// reading too: a device such as /dev/zero says it is empty and never ends.
func readCapped(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > yamlfile.MaxFileSize {
		return nil, fmt.Errorf("file is larger than %d bytes", yamlfile.MaxFileSize)
	}
	f, err := os.Open(path)
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
