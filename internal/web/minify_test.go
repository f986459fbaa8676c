package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/web"
)

func TestMinifyCSS(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a { color: red; }", "a{color:red}"},
		{"/* c */\n.a,\n.b  >  .c { margin: 0 auto; }\n", ".a,.b>.c{margin:0 auto}"},
		{"@media (min-width: 48rem) and (prefers-color-scheme: dark) { a { b: c } }",
			"@media (min-width:48rem) and (prefers-color-scheme:dark){a{b:c}}"},
		{"body:has(.summary) :is(header, footer) { display: none; }", "body:has(.summary) :is(header,footer){display:none}"},
		{`li + li::before { content: " · "; }`, `li + li::before{content:" · "}`},
		{"a { width: calc(100% - 2rem + 1px); }", "a{width:calc(100% - 2rem + 1px)}"},
		{`a { content: "/* not a comment */"; }`, `a{content:"/* not a comment */"}`},
		{`a { content: 'it\'s'; }`, `a{content:'it\'s'}`},
		{"a { b: c !important; }", "a{b:c !important}"},
		{"a{b:c}/* unterminated", "a{b:c}"},
		{"a { margin: 0.5rem -0.25em 10.5px 0; gap: 0 0.75rem; }", "a{margin:.5rem -.25em 10.5px 0;gap:0 .75rem}"},
		{"a { color: #0a0; width: calc(100% - 0.5rem); b: rgb(0 0 0 / 0.5); c: x-0.5 0.0 }", "a{color:#0a0;width:calc(100% - .5rem);b:rgb(0 0 0 / .5);c:x-0.5 .0}"},
	} {
		if got := string(minifyCSS([]byte(tc.in))); got != tc.want {
			t.Errorf("minifyCSS(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestMinifyJS(t *testing.T) {
	in := "// comment\n(function () {\n  \"use strict\";\n\n  // another\n  var a = 1; // kept\n})();\n"
	if got, want := string(minifyJS([]byte(in))), "(function () {\n\"use strict\";\nvar a = 1; // kept\n})();\n"; got != want {
		t.Errorf("minifyJS:\n got %q\nwant %q", got, want)
	}
	for _, in := range []string{"var s = `a\n  b`;\n", "/* a\n  b */\nvar a;\n"} {
		if got := string(minifyJS([]byte(in))); got != in {
			t.Errorf("minifyJS changed %q into %q", in, got)
		}
	}
}

// Every shipped stylesheet keeps its rules: the same selectors and declarations, in order,
// once comments and whitespace are set aside.
func TestMinifiedStylesheetsKeepEveryRule(t *testing.T) {
	comment := regexp.MustCompile(`(?s)/\*.*?\*/`)
	space := regexp.MustCompile(`\s+`)
	// Leading zeros go too (0.5rem is .5rem).
	zero := regexp.MustCompile(`([\s:,(/]-?)0\.([0-9])`)
	norm := func(s string) string {
		s = zero.ReplaceAllString(comment.ReplaceAllString(s, " "), "$1.$2")
		s = space.ReplaceAllString(s, "")
		return strings.ReplaceAll(s, ";}", "}")
	}
	files, _ := fs.Glob(web.FS, "static/*.css")
	if len(files) == 0 {
		t.Fatal("no stylesheets")
	}
	for _, f := range files {
		src, _ := fs.ReadFile(web.FS, f)
		min := minifyCSS(src)
		// The only spaces that may go are ones a browser ignores, so without any spaces the
		// two must be equal (strings in these files hold no double spaces).
		if norm(string(src)) != norm(string(min)) {
			t.Errorf("%s: minifying changed a rule", f)
		}
		if len(min) > len(src)*9/10 {
			t.Errorf("%s: minified to %d bytes of %d", f, len(min), len(src))
		}
		if strings.Count(string(min), "{") != strings.Count(comment.ReplaceAllString(string(src), ""), "{") {
			t.Errorf("%s: a block was lost", f)
		}
	}
}
