package access

import (
	"fmt"
	"html"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// QRSVG draws text as a QR code (error correction M), labelled for screen readers, in an SVG
// element to place inline in a page, on a white square with the four-module quiet zone the
// standard asks for. The dark modules are one path: per row, a line one module thick along
// each run of them ("M4 4.5h7m3 0h2": a move to the row's middle, then a relative move and a
// line per run), a quarter of the bytes of a square per module, so that the enrolment page of
// a long email stays light. It is drawn here, so the secret in the URL never leaves the
// server, and it holds no style attribute or script (the pages' CSP allows neither).
func QRSVG(text, label string) (string, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return "", err
	}
	b := code.Bounds()
	const quiet = 4
	size := b.Dx() + 2*quiet
	var path strings.Builder
	dark := func(x, y int) bool { r, _, _, _ := code.At(x, y).RGBA(); return r == 0 }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		end := -1 // where the row's last run ended; -1 before the first
		for x := b.Min.X; x < b.Max.X; {
			if !dark(x, y) {
				x++
				continue
			}
			run := 1
			for x+run < b.Max.X && dark(x+run, y) {
				run++
			}
			if end < 0 {
				fmt.Fprintf(&path, "M%d %d.5h%d", x-b.Min.X+quiet, y-b.Min.Y+quiet, run)
			} else {
				fmt.Fprintf(&path, "m%d 0h%d", x-end, run)
			}
			x += run
			end = x
		}
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" `+
		`shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path stroke="#000" d="%s"/></svg>`,
		size, size, size*6, size*6, html.EscapeString(label), size, size, path.String()), nil
}
