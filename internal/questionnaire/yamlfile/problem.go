// Package yamlfile reads the definition files (questionnaires, help resources, the site file)
// strictly: unknown fields, bad syntax, aliases, deep nesting and broken field rules are
// problems, and every problem found, by these rules or by the checks of the package that owns
// the file, is reported at its line. It knows nothing of what the files mean.
package yamlfile

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// MaxFileSize caps a definition file; a real questionnaire is a few tens of KiB.
const MaxFileSize = 1 << 20

// Problem is one thing wrong with a definition file, at a line when it is known.
type Problem struct {
	File    string
	Line    int
	Path    string // YAML path, e.g. $.sections[0].items[2].id
	Message string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Problems is a list of problems that is also an error. The loaders (Decode, and
// definition.Parse and ScoreRanges, catalog.Load and CheckFile, helplines.Parse) return it
// as an error that is nil when there is no problem; ProblemsOf gives the list back.
type Problems []Problem

// ProblemsOf is the list of problems an error holds: every problem of a Problems, one problem
// with the error's text for any other error, and none for nil.
func ProblemsOf(err error) Problems {
	if err == nil {
		return nil
	}
	var ps Problems
	if errors.As(err, &ps) {
		return ps
	}
	return Problems{{Message: err.Error()}}
}

// Err is the problems as an error, nil when there are none: a nil Problems held in an
// error interface would not be nil.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Report notes a problem at a YAML path of the file being checked, in fmt.Sprintf's form.
type Report func(path, format string, args ...any)

// Decode decodes a definition file into v strictly (unknown fields, bad syntax, aliases and
// deep nesting are problems), checks v's field rules, and when they hold runs check. It
// returns every problem, each at its line, as Problems, or nil. The help resources and the
// site file are read with it.
func Decode(file string, data []byte, v any, check func(Report)) error {
	pl, ps := Read(file, data, v)
	if ps != nil {
		return ps
	}
	if pl.Len() == 0 && check != nil {
		check(pl.Add)
	}
	return pl.Resolve().Err()
}

// Read decodes a definition file into v strictly and checks v's field rules, for a reader that
// goes on checking (definition.Parse): the problems found so far are in the list, to be
// resolved to their lines once every check has run. When the file cannot be decoded at all,
// Read returns those problems instead, with their lines, and no list.
func Read(file string, data []byte, v any) (*List, Problems) {
	nodes, ps := decode(file, data, v)
	if ps != nil {
		return nil, ps
	}
	pl := &List{file: file, nodes: nodes}
	checkFields(pl, v)
	return pl, nil
}

// ProblemsIn runs check over a file already read, for problems found across files, and returns
// them at their lines in data.
func ProblemsIn(file string, data []byte, check func(Report)) Problems {
	pl := &List{file: file}
	check(pl.Add)
	return pl.resolveIn(data)
}

// List collects problems by YAML path and resolves their lines at the end.
type List struct {
	file  string
	list  []Problem
	nodes *ast.File
	// Rewrite, when set, maps the path of each problem added: a reader that expands what
	// was written (questionnaire's repeated blocks) reports a problem in a copy at the line
	// of what was written.
	Rewrite func(string) string
}

// Add notes a problem at a YAML path, in fmt.Sprintf's form; it is a Report.
func (pl *List) Add(path, format string, args ...any) {
	if pl.Rewrite != nil {
		path = pl.Rewrite(path)
	}
	p := Problem{File: pl.file, Path: path, Message: fmt.Sprintf(format, args...)}
	// A mistake in a repeated block is found once per copy: report it once.
	if !slices.Contains(pl.list, p) {
		pl.list = append(pl.list, p)
	}
}

// Len is the number of problems noted so far.
func (pl *List) Len() int { return len(pl.list) }

// Resolve fills in the line of each problem from the parsed file: the line of the path, or of
// its nearest ancestor that exists (a missing key is reported at its parent).
func (pl *List) Resolve() Problems {
	for i := range pl.list {
		if pl.list[i].Line == 0 && pl.nodes != nil {
			pl.list[i].Line = lineOf(pl.nodes, pl.list[i].Path)
		}
	}
	return pl.list
}

// pathSegment is the last segment of a YAML path: a key, or an index or map key in brackets
// (validator writes a map entry as values[score]).
// resolveIn resolves the lines of problems found after parsing, in the file's text.
func (pl *List) resolveIn(data []byte) Problems {
	if len(pl.list) == 0 {
		return nil
	}
	if pl.nodes == nil {
		pl.nodes, _ = parser.ParseBytes(data, 0)
	}
	return pl.Resolve()
}

var pathSegment = regexp.MustCompile(`(\.[^.\[]+|\[[^\]]*\])$`)

// lastKey is the last segment of a path when it is a plain key.
var lastKey = regexp.MustCompile(`\.([^.\[]+)$`)

func lineOf(f *ast.File, path string) int {
	for path != "" && path != "$" {
		// A key's own line, so a problem with a block value ("regions:") is not reported
		// at its first entry, and a missing value is reported where the key is.
		if m := lastKey.FindStringSubmatchIndex(path); m != nil {
			if line := keyLine(nodeAt(f, path[:m[0]]), path[m[2]:m[3]]); line > 0 {
				return line
			}
		}
		if n := nodeAt(f, path); n != nil {
			return n.GetToken().Position.Line
		}
		loc := pathSegment.FindStringIndex(path)
		if loc == nil {
			break
		}
		path = path[:loc[0]]
	}
	return 1
}

// nodeAt is the node at a YAML path, or nil.
func nodeAt(f *ast.File, path string) ast.Node {
	if path == "$" {
		if len(f.Docs) == 0 || f.Docs[0] == nil || f.Docs[0].Body == nil {
			return nil
		}
		return f.Docs[0].Body
	}
	p, err := yaml.PathString(path)
	if err != nil {
		return nil
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil {
		return nil
	}
	return n
}

// keyLine is the line of a key of a mapping node, or 0.
func keyLine(n ast.Node, key string) int {
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	}
	for _, mv := range values {
		if mv.Key == nil {
			continue
		}
		if tk := mv.Key.GetToken(); tk != nil && tk.Value == key {
			return tk.Position.Line
		}
	}
	return 0
}

// decode parses data into v, strictly: unknown fields, bad syntax and wrong types are problems
// with their line.
func decode(file string, data []byte, v any) (*ast.File, Problems) {
	if len(data) > MaxFileSize {
		return nil, Problems{{File: file, Message: fmt.Sprintf("file is larger than %d bytes", MaxFileSize)}}
	}
	if p := nestingProblem(file, data); p != nil {
		return nil, Problems{*p}
	}
	nodes, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, Problems{yamlProblem(file, err)}
	}
	// An alias (*name) repeats its anchor's value wherever it appears; nested, a file of 1 KB
	// expands to gigabytes when decoded ("billion laughs"). Definitions never need one.
	for _, tk := range lexer.Tokenize(string(data)) {
		if tk.Type == token.AliasType {
			return nodes, Problems{{File: file, Line: tk.Position.Line,
				Message: "YAML aliases (*name) are not allowed: write the value out in full"}}
		}
	}
	if err := unmarshal(data, v); err != nil {
		return nodes, Problems{yamlProblem(file, err)}
	}
	return nodes, nil
}

// unmarshal decodes strictly. The YAML library panics on a few malformed inputs (a lone "!"
// tag, found by FuzzParse): that is a problem with the file, never a crash of lint or start-up.
func unmarshal(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot decode this YAML (look for a stray tag such as a lone \"!\"): %v", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, v, yaml.DisallowUnknownField())
}

func yamlProblem(file string, err error) Problem {
	var ye yaml.Error
	if errors.As(err, &ye) {
		line := 0
		if tk := ye.GetToken(); tk != nil {
			line = tk.Position.Line
		}
		return Problem{File: file, Line: line, Message: ye.GetMessage()}
	}
	return Problem{File: file, Message: err.Error()}
}

var (
	validate     *validator.Validate
	validateOnce sync.Once
	slugRE       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	identRE      = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	langRE       = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$`)
)

func fieldRules() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "-" {
				return ""
			}
			return name
		})
		must(v.RegisterValidation("slug", func(fl validator.FieldLevel) bool { return slugRE.MatchString(fl.Field().String()) }))
		must(v.RegisterValidation("ident", func(fl validator.FieldLevel) bool { return identRE.MatchString(fl.Field().String()) }))
		must(v.RegisterValidation("lang", func(fl validator.FieldLevel) bool { return langRE.MatchString(fl.Field().String()) }))
		validate = v
	})
	return validate
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// checkFields runs the struct tag rules and turns each failure into a problem at its YAML path.
func checkFields(pl *List, v any) {
	err := fieldRules().Struct(v)
	var fes validator.ValidationErrors
	if !errors.As(err, &fes) {
		return
	}
	for _, fe := range fes {
		ns := fe.Namespace()
		if i := strings.IndexByte(ns, '.'); i >= 0 {
			ns = ns[i:]
		}
		pl.Add("$"+ns, "%s %s", fe.Field(), ruleMessage(fe))
	}
}

func ruleMessage(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "max":
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return "has more than " + fe.Param() + " entries"
		}
		if fe.Kind() == reflect.String {
			return "is longer than " + fe.Param() + " characters"
		}
		return "must be at most " + fe.Param()
	case "min":
		if fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map {
			return "needs at least " + fe.Param() + " entries"
		}
		return "must be at least " + fe.Param()
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "unique":
		return "lists the same entry twice"
	case "slug":
		return "must be lower-case letters, digits and hyphens"
	case "ident":
		return "must start with a letter and use only lower-case letters, digits and underscores"
	case "lang":
		return "must be a language code such as en or es"
	case "printascii", "excludesall":
		return "must be plain ASCII without spaces"
	}
	return "fails the rule " + fe.Tag()
}
