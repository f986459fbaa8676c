package server_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/chromedp/chromedp"
)

// papers are the sizes a page must print on: the stylesheet sets no page size, so whatever the
// printer holds is used, A4 in most of the world and US Letter in North America.
var papers = []struct {
	name string
	size chromedp.PaperSize
}{{"a4", chromedp.PaperA4}, {"letter", chromedp.PaperLetter}}

// checkPrint emulates print media: screen-only parts disappear, the page is black on white,
// and it prints on one or two pages of A4 and of US Letter.
func (tb *tab) checkPrint(state string) { tb.checkPrintPages(state, 2) }

// checkPrintPages is checkPrint with a limit on pages (0: no limit).
func (tb *tab) checkPrintPages(state string, most int) {
	t := tb.t
	t.Helper()
	tb.media("print")
	defer tb.media("")
	shown := eval[[]string](tb, `[...document.querySelectorAll(".no-print, header.site nav, .skip, footer.site a")]
		.filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 60))`)
	if len(shown) > 0 {
		t.Errorf("%s: shown in print: %v", state, shown)
	}
	if bg := eval[string](tb, "getComputedStyle(document.body).backgroundColor"); bg != "rgb(255, 255, 255)" {
		t.Errorf("%s: print background %s, want white", state, bg)
	}
	// A dark colour scheme must not print light grey on white.
	tb.media("print", "prefers-color-scheme", "dark")
	tb.axe(state + " (print, dark)")
	tb.media("print", "prefers-color-scheme", "light")
	for _, p := range papers {
		ctx, cancel := tb.step()
		// The stylesheet's page size would win over the paper asked for: the sheet printed on
		// must be the one asked for.
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(p.size), chromedp.PDFPreferCSSPageSize()))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tb.b.shots, tb.prefix+"-"+state+"-print-"+p.name+".pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		// Within 2 points: Chromium rounds the sheet to whole pixels.
		if w, h := pdfSheet(pdf); math.Abs(w-p.size.Width*72) > 2 || math.Abs(h-p.size.Height*72) > 2 {
			t.Errorf("%s: printed on %.0f x %.0f points, asked for %s (%.0f x %.0f): the stylesheet fixes a page size",
				state, w, h, p.name, p.size.Width*72, p.size.Height*72)
		}
		if n := pdfPages(pdf); n < 1 || (most > 0 && n > most) {
			t.Errorf("%s: prints on %d %s pages, want 1 to %d", state, n, p.name, most)
		}
	}
}

var (
	pdfPageRE  = regexp.MustCompile(`/Type\s*/Page[^s]`)
	mediaBoxRE = regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]`)
)

// pdfPages counts the pages of a PDF from Chromium, which writes page objects uncompressed.
func pdfPages(pdf []byte) int {
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		return -1
	}
	return len(pdfPageRE.FindAll(pdf, -1))
}

// pdfSheet is the size of the first page of a PDF from Chromium, in points.
func pdfSheet(pdf []byte) (w, h float64) {
	m := mediaBoxRE.FindSubmatch(pdf)
	if m == nil {
		return 0, 0
	}
	w, _ = strconv.ParseFloat(string(m[1]), 64)
	h, _ = strconv.ParseFloat(string(m[2]), 64)
	return w, h
}
