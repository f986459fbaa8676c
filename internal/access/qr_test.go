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
		runs := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(svg, -1)
		for _, m := range runs {
			var x, y, n, back int
			fmt.Sscan(m[1], &x)
			fmt.Sscan(m[2], &y)
			fmt.Sscan(m[3], &n)
			fmt.Sscan(m[4], &back)
			if n < 1 || n != back {
				t.Fatalf("run %q is not a closed rectangle", m[0])
			}
			for i := range n {
				if got[image.Pt(x+i, y)] {
					t.Fatalf("module %v drawn twice", image.Pt(x+i, y))
				}
				got[image.Pt(x+i, y)] = true
			}
		}
		if strings.Count(svg, "M") != len(runs) {
			t.Fatalf("the path has %d moves, %d of them runs", strings.Count(svg, "M"), len(runs))
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
