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
		for _, m := range regexp.MustCompile(`M(\d+) (\d+)h1v1h-1z`).FindAllStringSubmatch(svg, -1) {
			var x, y int
			fmt.Sscan(m[1], &x)
			fmt.Sscan(m[2], &y)
			got[image.Pt(x, y)] = true
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
