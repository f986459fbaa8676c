package access_test

import (
	"fmt"
	"image"
	"regexp"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"

	"github.com/ketascreen/ketascreen/internal/access"
)

// TestQRSVG: the SVG draws exactly the dark modules of the QR code, inside a quiet zone of
// four modules, and escapes its label.
func TestQRSVG(t *testing.T) {
	for _, text := range []string{"otpauth://totp/ketascreen:a@example.org?secret=JBSWY3DPEHPK3PXP&issuer=ketascreen", "x"} {
		svg, err := access.QRSVG(text, `QR "code" <b>`)
		if err != nil {
			t.Fatal(err)
		}
		code, err := qr.Encode(text, qr.M, qr.Auto)
		if err != nil {
			t.Fatal(err)
		}
		want := map[image.Point]bool{}
		b := code.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if r, _, _, _ := code.At(x, y).RGBA(); r == 0 {
					want[image.Pt(x-b.Min.X+4, y-b.Min.Y+4)] = true
				}
			}
		}
		got := map[image.Point]bool{}
		// Read the path as a renderer does: M moves to a row's middle, m moves along it, h draws
		// a line one module thick (the stroke) over the modules it passes.
		d := regexp.MustCompile(` d="([^"]*)"`).FindStringSubmatch(svg)
		if d == nil || !strings.Contains(svg, `stroke="#000"`) {
			t.Fatalf("no path: %.300s", svg)
		}
		cmd := regexp.MustCompile(`([Mmh])(\d+)(?: (\d+)(\.5)?)?`)
		if rest := cmd.ReplaceAllString(d[1], ""); rest != "" {
			t.Fatalf("the path has commands this test does not read: %.100s", rest)
		}
		cmds := cmd.FindAllStringSubmatch(d[1], -1)
		x, y := -1, -1
		for _, c := range cmds {
			var a, b int
			fmt.Sscan(c[2], &a)
			switch c[1] {
			case "M":
				fmt.Sscan(c[3], &b)
				if c[4] != ".5" {
					t.Fatalf("%q: not the middle of a row", c[0])
				}
				x, y = a, b
			case "m":
				if c[3] != "0" || a < 1 {
					t.Fatalf("%q leaves the row or goes back", c[0])
				}
				x += a
			case "h":
				for i := range a {
					if got[image.Pt(x+i, y)] {
						t.Fatalf("module %v drawn twice", image.Pt(x+i, y))
					}
					got[image.Pt(x+i, y)] = true
				}
				x += a
			}
		}
		if len(got) != len(want) || len(want) == 0 {
			t.Fatalf("%d modules drawn, want %d", len(got), len(want))
		}
		for p := range want {
			if !got[p] {
				t.Fatalf("module %v missing", p)
			}
		}
		size := b.Dx() + 8
		if !strings.Contains(svg, fmt.Sprintf(`viewBox="0 0 %d %d"`, size, size)) || !strings.Contains(svg, `aria-label="QR &#34;code&#34; &lt;b&gt;"`) {
			t.Fatalf("svg: %.300s", svg)
		}
	}
}
