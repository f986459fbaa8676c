package server_test

import (
	"slices"
	"strings"

	"github.com/chromedp/chromedp/kb"
)

// Keyboard and focus helpers of the browser tests: choosing answers as a keyboard user does,
// and checking what screen readers and sighted keyboard users get.

// choose picks answers to one question with the keyboard. A radio group is one Tab stop:
// arrows move and choose; Space chooses the focused option. Check boxes are a Tab stop each.
func (tb *tab) choose(item string, codes ...string) {
	tb.t.Helper()
	for _, code := range codes {
		tb.toggle(item, code, true)
	}
}

// setAnswer makes a question's chosen options exactly codes, with the keyboard, and reports
// whether anything changed.
func (tb *tab) setAnswer(item string, codes ...string) bool {
	tb.t.Helper()
	state := eval[map[string]bool](tb, `Object.fromEntries([...document.querySelectorAll("#item-`+item+` input")].map(i => [i.value, i.checked]))`)
	changed := false
	// In page order: Tab only goes forward.
	for _, code := range eval[[]string](tb, `[...document.querySelectorAll("#item-`+item+` input")].map(i => i.value)`) {
		want := slices.Contains(codes, code)
		if state[code] != want {
			tb.toggle(item, code, want)
			changed = true
			state = eval[map[string]bool](tb, `Object.fromEntries([...document.querySelectorAll("#item-`+item+` input")].map(i => [i.value, i.checked]))`)
		}
	}
	return changed
}

// toggle moves to one option with the keyboard and chooses it (on) or clears it (a check box).
func (tb *tab) toggle(item, code string, on bool) {
	tb.t.Helper()
	id := jsString(item + "-" + code)
	switch typ := eval[string](tb, "document.getElementById("+id+").type"); typ {
	case "radio":
		tb.tabTo("a.name === " + jsString(item))
		for range 12 {
			if eval[bool](tb, "document.activeElement.id === "+id) {
				break
			}
			tb.press(kb.ArrowDown)
		}
	case "checkbox":
		tb.tabTo("a.id === " + id)
	default:
		tb.t.Fatalf("%s: input type %q", id, typ)
	}
	if !eval[bool](tb, "document.activeElement.id === "+id) {
		tb.t.Fatalf("could not reach %s with the keyboard", id)
	}
	if eval[bool](tb, "document.activeElement.checked") != on {
		tb.press(" ")
	}
	if eval[bool](tb, "document.getElementById("+id+").checked") != on {
		tb.t.Fatalf("%s not %s", id, map[bool]string{true: "chosen", false: "cleared"}[on])
	}
}

// checkExclusive checks the script's "none of these": choosing it clears the other boxes,
// and choosing another box clears it.
func (tb *tab) checkExclusive(item, other, none string) {
	t := tb.t
	tb.setAnswer(item, other)
	tb.toggle(item, none, true)
	if eval[bool](tb, "document.getElementById("+jsString(item+"-"+other)+").checked") {
		t.Errorf("%s: choosing %q left %q chosen", item, none, other)
	}
	tb.toggle(item, other, true)
	if eval[bool](tb, "document.getElementById("+jsString(item+"-"+none)+").checked") {
		t.Errorf("%s: choosing %q left %q chosen", item, other, none)
	}
}

// checkGroups checks that screen readers get each shown question as a group named by its
// question (the legend), whatever the CSS does to the legend.
func (tb *tab) checkGroups() {
	t := tb.t
	for _, id := range eval[[]string](tb, `[...document.querySelectorAll("fieldset.item")].filter(f => !f.hidden).map(f => f.id)`) {
		n := tb.ax("#" + id)
		legend := strings.Join(strings.Fields(eval[string](tb, "document.querySelector('#"+id+" legend').textContent")), " ")
		if n.Role != "group" || strings.Join(strings.Fields(n.Name), " ") != legend {
			t.Errorf("%s: accessibility role %q, name %q; want group %q", id, n.Role, n.Name, legend)
		}
	}
}

func (tb *tab) scripted() bool {
	return eval[bool](tb, "document.documentElement.classList.contains('js')")
}

// focusShown fails unless the focused element shows a focus indicator.
func (tb *tab) focusShown(what string) {
	tb.t.Helper()
	f := eval[focusStyle](tb, focusStyleJS)
	if !f.visible() {
		tb.t.Errorf("%s: focus not visible on %s (outline %s %gpx, box-shadow %s)", what, f.Desc, f.Outline, f.Width, f.Shadow)
	}
}

type focusStyle struct {
	Desc, Outline, Shadow string
	Width                 float64
	Body                  bool
}

func (f focusStyle) visible() bool {
	return (f.Outline != "none" && f.Width >= 2) || (f.Shadow != "none" && f.Shadow != "")
}

const focusStyleJS = `(() => {
	const a = document.activeElement, s = getComputedStyle(a);
	return {Desc: a.tagName.toLowerCase() + (a.id ? "#" + a.id : "") + " " + JSON.stringify((a.innerText || a.value || "").trim().slice(0, 40)),
		Outline: s.outlineStyle, Width: parseFloat(s.outlineWidth) || 0, Shadow: s.boxShadow,
		Body: a === document.body || a === document.documentElement};
})()`
