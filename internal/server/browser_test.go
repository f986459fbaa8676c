package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/ketascreen/ketascreen/internal/testtool"
)

// The browser tests drive the real server in headless Chromium and check every page with
// axe-core. testtool finds both (installing axe-core with npm when KETASCREEN_AXE_JS is not
// set); without Chromium they skip, except in CI (CI=true), where that is a failure.

// axeTags are the axe-core rule sets every page must pass: WCAG 2.0 and 2.1, levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// browser is one Chromium shared by every browser test; each test opens its own tab.
type browser struct {
	ctx   context.Context
	axeJS string
	shots string
}

func startBrowser(t *testing.T) *browser {
	t.Helper()
	axe := testtool.Axe(t)
	shots := os.Getenv("KETASCREEN_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := testtool.Browser(t, chromedp.Flag("hide-scrollbars", true))
	return &browser{ctx: ctx, axeJS: string(axe), shots: shots}
}

// tab is one browser tab, sized as a phone (390x844) unless told otherwise.
type tab struct {
	t      *testing.T
	b      *browser
	ctx    context.Context
	base   string // the server's URL
	w, h   int64
	prefix string // of screenshot file names
	script bool   // false once noScript turned JavaScript off
}

func (b *browser) newTab(t *testing.T, base string) *tab {
	t.Helper()
	// A deadline per test, on the tab's context only: a hung page fails one test, not all.
	tctx, cancelT := context.WithTimeout(b.ctx, 3*time.Minute)
	// Each tab has its own browser context: cookies (staff sessions) never cross tests.
	ctx, cancel := chromedp.NewContext(tctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		cancel()
		cancelT()
	})
	slug := strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(strings.TrimPrefix(t.Name(), "TestBrowser/"), "-"))
	tb := &tab{t: t, b: b, ctx: ctx, base: base, prefix: slug, script: true}
	// The first Do opens the tab, which lives as long as the context of that call.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	tb.viewport(390, 844)
	return tb
}

// step is the context of one action: no single step of a test takes 30 seconds.
func (tb *tab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, 30*time.Second)
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// eval evaluates JavaScript in the page, awaiting a promise, and decodes the result.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

func (tb *tab) viewport(w, h int64) {
	tb.t.Helper()
	tb.w, tb.h = w, h
	tb.do(chromedp.EmulateViewport(w, h, chromedp.EmulatePortrait))
}

// media emulates a media type ("print", or "" for screen) and media features, such as
// prefers-color-scheme; nothing resets them all.
func (tb *tab) media(typ string, features ...string) {
	tb.t.Helper()
	p := emulation.SetEmulatedMediaParams{Media: typ, Features: []*emulation.MediaFeature{}}
	for i := 0; i+1 < len(features); i += 2 {
		p.Features = append(p.Features, &emulation.MediaFeature{Name: features[i], Value: features[i+1]})
	}
	ctx, cancel := tb.step()
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, p); err != nil {
		tb.t.Fatal(err)
	}
}

// noScript turns JavaScript off in this tab, for pages loaded from now on.
func (tb *tab) noScript() {
	tb.t.Helper()
	tb.script = false
	tb.scriptOff(true)
}

func (tb *tab) scriptOff(off bool) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off}); err != nil {
		tb.t.Fatal(err)
	}
}

// open loads a path of the server and returns the HTTP status.
func (tb *tab) open(path string) int64 {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.base+path))
	if err != nil {
		tb.t.Fatalf("open %s: %v", path, err)
	}
	return res.Status
}

// press sends keys (kb.Tab, kb.ArrowDown, " ", ...) to the focused element.
func (tb *tab) press(keys string) {
	tb.t.Helper()
	tb.do(chromedp.KeyEvent(keys))
}

// pressAndLoad sends keys that load a new page (Enter on a button or link) and returns the
// status of the page loaded, after any redirect.
func (tb *tab) pressAndLoad(keys string) int64 {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.KeyEvent(keys))
	if err != nil {
		tb.t.Fatalf("pressing %q: %v", keys, err)
	}
	return res.Status
}

// tabTo presses Tab until the focused element, `a` in the JavaScript condition, matches.
func (tb *tab) tabTo(cond string) {
	tb.t.Helper()
	check := "(a => !!a && (" + cond + "))(document.activeElement)"
	for range 120 {
		if eval[bool](tb, check) {
			return
		}
		tb.press(kb.Tab)
	}
	tb.t.Fatalf("Tab never reached an element where %s, on %s", cond, tb.path())
}

// activate moves to an element with Tab and presses Enter, loading a new page.
func (tb *tab) activate(cond string) int64 {
	tb.t.Helper()
	tb.tabTo(cond)
	return tb.pressAndLoad(kb.Enter)
}

func (tb *tab) path() string {
	return eval[string](tb, "location.pathname + location.search")
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	return eval[string](tb, fmt.Sprintf("(e => e ? e.innerText : '')(document.querySelector(%q))", sel))
}

func (tb *tab) exists(sel string) bool {
	return eval[bool](tb, fmt.Sprintf("!!document.querySelector(%q)", sel))
}

// visible reports whether an element is rendered (not hidden, not display:none).
func (tb *tab) visible(sel string) bool {
	return eval[bool](tb, fmt.Sprintf("(e => !!e && e.getClientRects().length > 0)(document.querySelector(%q))", sel))
}

// shot writes full-page screenshots at phone (390x844) and desktop (1280x800) size.
func (tb *tab) shot(state string) {
	tb.t.Helper()
	w, h := tb.w, tb.h
	for _, size := range []struct {
		name string
		w, h int64
	}{{"phone", 390, 844}, {"desktop", 1280, 800}} {
		tb.viewport(size.w, size.h)
		ctx, cancel := tb.step()
		defer cancel()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			tb.t.Fatal(err)
		}
		name := filepath.Join(tb.b.shots, tb.prefix+"-"+state+"-"+size.name+".png")
		if err := os.WriteFile(name, png, 0o644); err != nil {
			tb.t.Fatal(err)
		}
	}
	tb.viewport(w, h)
}

// foldShot writes a screenshot of the viewport only: what shows without scrolling.
func (tb *tab) foldShot(state string) {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tb.b.shots, tb.prefix+"-"+state+"-fold.png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// axNode is what assistive technology gets for an element: Chromium's role, accessible name
// and description.
type axNode struct{ Role, Name, Description string }

func (tb *tab) ax(sel string) axNode {
	tb.t.Helper()
	ctx, cancel := tb.step()
	defer cancel()
	obj, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject](fmt.Sprintf("document.querySelector(%q)", sel)))
	if err != nil || obj.ObjectID == "" {
		tb.t.Fatalf("ax %s: no element (%v)", sel, err)
	}
	res, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: obj.ObjectID, FetchRelatives: ptrTo(false)})
	if err != nil || len(res.Nodes) == 0 {
		tb.t.Fatalf("ax %s: %v", sel, err)
	}
	str := func(v *accessibility.Value) string {
		if v == nil {
			return ""
		}
		var s string
		_ = json.Unmarshal([]byte(v.Value), &s)
		return s
	}
	n := res.Nodes[0]
	return axNode{Role: str(n.Role), Name: str(n.Name), Description: str(n.Description)}
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axe runs axe-core's WCAG 2.1 A and AA rules on the page as it is now and fails the test
// for every violation, naming the rule, its impact and the elements.
func (tb *tab) axe(state string) {
	tb.t.Helper()
	if !tb.script {
		// axe-core needs timers, which stop while scripts are off. Turning them on for the
		// check runs none of the page's own scripts: those ran (or not) at load.
		tb.scriptOff(false)
		defer tb.scriptOff(true)
	}
	if !eval[bool](tb, "typeof window.axe === 'object'") {
		ctx, cancel := tb.step()
		defer cancel()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](tb.b.axeJS)); err != nil {
			tb.t.Fatalf("injecting axe-core: %v", err)
		}
	}
	tags, _ := json.Marshal(axeTags)
	res := eval[struct {
		Passes     int            `json:"passes"`
		Violations []axeViolation `json:"violations"`
	}](tb, `axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`}})
		.then(r => ({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary}))}))}))`)
	if res.Passes == 0 {
		tb.t.Fatalf("axe checked nothing on %s", state)
	}
	vs := res.Violations
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "axe: %d violation(s) on %s (%s):", len(vs), state, tb.path())
	for _, v := range vs {
		fmt.Fprintf(&b, "\n  %s (%s): %s", v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
		}
	}
	tb.t.Error(b.String())
}

// check runs axe on the page in light and dark colour schemes, and takes its screenshots.
func (tb *tab) check(state string) {
	tb.t.Helper()
	tb.axe(state)
	tb.media("", "prefers-color-scheme", "dark")
	tb.axe(state + " (dark)")
	tb.media("", "prefers-color-scheme", "light")
	tb.shot(state)
	// No sideways scrolling on a phone, nor on a phone at 200% zoom (a 195px-wide layout).
	w, h := tb.w, tb.h
	for _, v := range []struct {
		w, h  int64
		scale float64
	}{{390, 844, 1}, {195, 422, 2}} {
		tb.do(chromedp.EmulateViewport(v.w, v.h, chromedp.EmulateScale(v.scale)))
		if over := eval[[]string](tb, overflowJS); len(over) > 0 {
			tb.t.Errorf("%s: at %dpx wide (zoom %.0f%%) the page scrolls sideways; too wide: %v", state, v.w, v.scale*100, over)
		}
	}
	tb.viewport(w, h)
}
