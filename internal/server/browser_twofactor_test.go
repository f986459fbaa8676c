package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode/qr"
	"github.com/chromedp/chromedp/kb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// testTwoFactorJourney: an admin who has not set up two-factor sign-in enrols at sign-in from
// the QR page (the key read from its text form, as a person types it into an app), keeps the
// recovery codes, signs in again with a code from the app, is refused that code a second
// time, and signs in with a recovery code, which then fails the second time. Keyboard only;
// every page is checked with axe-core in light and dark, on a phone and a desktop.
func testTwoFactorJourney(t *testing.T, b *browser) {
	ts := newTestServer(t)
	u := addStaff(t, ts, "admin@example.org", staffdb.RoleAdmin, false)
	tb := b.newTab(t, ts.URL)
	tb.prefix = "two-factor"
	password := func() int64 {
		t.Helper()
		tb.open("/clinician/login?lang=en")
		tb.typeInto("email", "admin@example.org")
		tb.typeInto("password", staffPassword)
		return tb.pressAndLoad(kb.Enter)
	}
	if st := password(); st != 200 || !strings.HasPrefix(tb.path(), "/clinician/login/enrol") {
		t.Fatalf("password: status %d at %s", st, tb.path())
	}
	tb.check("enrol")
	tb.open("/clinician/login/enrol?lang=es")
	tb.check("enrol-es")
	tb.open("/clinician/login/enrol?lang=en")

	// The key as the page writes it, and the QR code as the browser draws it: the modules of
	// the key's otpauth:// URL, which holds the same key.
	key := strings.ReplaceAll(tb.text("#totp-key"), " ", "")
	en, err := ts.Access.Enrolment(context.Background(), u, "QR code") // the key being enrolled, shown again
	if err != nil {
		t.Fatal(err)
	}
	if parsed, err := url.Parse(en.URL); err != nil || parsed.Query().Get("secret") != key || len(key) != 32 {
		t.Fatalf("the page's key %q is not the QR code's (%s)", key, en.URL)
	}
	if got, want := eval[[]string](tb, qrPixelsJS), qrModules(t, en.URL); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the QR code as drawn:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := tb.ax(".qr svg"); got.Role != "image" || !strings.Contains(got.Name, "QR code") {
		t.Errorf("the QR code is %+v to a screen reader, want a named image", got)
	}

	tb.typeInto("code", "000000")
	if st := tb.pressAndLoad(kb.Enter); st != 401 {
		t.Fatalf("a wrong first code: status %d", st)
	}
	if got := eval[string](tb, "document.activeElement.id"); got != "error-summary" {
		t.Errorf("after a wrong code focus is on %q, want the error", got)
	}
	tb.check("enrol-wrong")
	phone := &authenticator{key: key}
	tb.typeInto("code", phone.next(t, time.Now()))
	if st := tb.pressAndLoad(kb.Enter); st != 200 {
		t.Fatalf("confirming: status %d", st)
	}
	codes := eval[[]string](tb, `[...document.querySelectorAll(".recovery-codes code")].map(c => c.textContent)`)
	if len(codes) != 10 {
		t.Fatalf("%d recovery codes shown, want 10", len(codes))
	}
	tb.check("recovery-codes")
	if st := tb.activate(`a.matches('a.button.primary[href^="/clinician?"]')`); st != 200 || !strings.HasPrefix(tb.path(), "/clinician?") {
		t.Fatalf("continue: status %d at %s", st, tb.path())
	}
	signOut := func() {
		t.Helper()
		if st := tb.activate("a.matches('nav.staff-nav button[type=submit]')"); st != 200 {
			t.Fatalf("sign out: status %d", st)
		}
	}
	signOut()

	// Signing in with a code from the app: the latest step it may be, so that the same code
	// typed again a few seconds later is still within its window (a replay, not a stale code).
	if st := password(); st != 200 || !strings.HasPrefix(tb.path(), "/clinician/login/code") {
		t.Fatalf("password: status %d at %s", st, tb.path())
	}
	tb.check("code")
	code := totpCode(t, key, time.Now().Unix()/30+1)
	tb.typeInto("code", code)
	if st := tb.pressAndLoad(kb.Enter); st != 200 || !strings.HasPrefix(tb.path(), "/clinician?") {
		t.Fatalf("a code from the app: status %d at %s", st, tb.path())
	}
	signOut()
	password()
	tb.typeInto("code", code)
	if st := tb.pressAndLoad(kb.Enter); st != 401 || !strings.Contains(tb.text("#error-summary"), "used already") {
		t.Fatalf("the same code again: status %d, %q", st, tb.text("#error-summary"))
	}
	tb.check("code-replayed")

	// A recovery code, once.
	tb.typeInto("code", codes[0])
	if st := tb.pressAndLoad(kb.Enter); st != 200 || !strings.HasPrefix(tb.path(), "/clinician/two-factor") {
		t.Fatalf("a recovery code: status %d at %s", st, tb.path())
	}
	if text := tb.text("main"); !strings.Contains(text, "9 of 10") {
		t.Errorf("after a recovery code the page says: %q", text)
	}
	tb.check("two-factor")
	signOut()
	password()
	tb.typeInto("code", codes[0])
	if st := tb.pressAndLoad(kb.Enter); st != 401 || !strings.Contains(tb.text("#error-summary"), "not right") {
		t.Fatalf("the same recovery code again: status %d, %q", st, tb.text("#error-summary"))
	}
}

// qrPixelsJS draws the page's QR code into a canvas, as an image of its own markup, and reads
// each module's colour at its centre: "#" dark, "." light, a string per row.
const qrPixelsJS = `(async () => {
	const svg = document.querySelector(".qr svg");
	const n = svg.viewBox.baseVal.width, s = 8;
	const img = new Image();
	img.src = "data:image/svg+xml;base64," + btoa(new XMLSerializer().serializeToString(svg));
	await img.decode();
	const c = document.createElement("canvas");
	c.width = c.height = n * s;
	const g = c.getContext("2d");
	g.imageSmoothingEnabled = false;
	g.drawImage(img, 0, 0, n * s, n * s);
	const d = g.getImageData(0, 0, n * s, n * s).data;
	const rows = [];
	for (let y = 0; y < n; y++) {
		let r = "";
		for (let x = 0; x < n; x++) { r += d[((y * s + s / 2) * n * s + x * s + s / 2) * 4] < 128 ? "#" : "."; }
		rows.push(r);
	}
	return rows;
})()`

// qrModules is the QR code of a text as rows of "#" and ".", with its four-module quiet zone.
func qrModules(t *testing.T, text string) []string {
	t.Helper()
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		t.Fatal(err)
	}
	b := code.Bounds()
	n := b.Dx() + 8
	var rows []string
	for y := range n {
		var r strings.Builder
		for x := range n {
			mx, my := b.Min.X+x-4, b.Min.Y+y-4
			dark := false
			if mx >= b.Min.X && mx < b.Max.X && my >= b.Min.Y && my < b.Max.Y {
				c, _, _, _ := code.At(mx, my).RGBA()
				dark = c == 0
			}
			if dark {
				r.WriteByte('#')
			} else {
				r.WriteByte('.')
			}
		}
		rows = append(rows, r.String())
	}
	return rows
}
