package sharecode_test

import (
	"strings"
	"testing"

	"github.com/ketascreen/ketascreen/internal/sharecode"
)

// FuzzParse: whatever a person (or an attacker) types, Parse returns a canonical code or
// ErrMalformed, never panics, and a code it returns reads back the same however it is shown.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"K7QM-4XR2-P9DH", "k7qm 4xr2 p9dh", "K7QM4XR2P9DH", "ILO0-ilo0-1234", "K7QM–4XR2—P9DH", "K7QM\u00a04XR2\u00a0P9DH",
		"", "-", "U7QM-4XR2-P9DH", "K7QM-4XR2-P9D", "K7QM-4XR2-P9DHX", "<script>alert(1)</script>", "' OR 1=1 --",
		"\xff\xfe", "ｋ７ＱＭ-4XR2-P9DH", "K7QM-4XR2-P9DH\x00", strings.Repeat("-", 64) + "K7QM4XR2P9DH", "ǰ7QM-4XR2-P9DH",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := sharecode.Parse(s)
		if err != nil {
			if err != sharecode.ErrMalformed || c != "" {
				t.Fatalf("Parse(%q) = %q, %v: want \"\", ErrMalformed", s, c, err)
			}
			return
		}
		if len(c) != sharecode.Length {
			t.Fatalf("Parse(%q) = %q: %d characters", s, c, len(c))
		}
		for _, r := range string(c) {
			if !strings.ContainsRune("0123456789ABCDEFGHJKMNPQRSTVWXYZ", r) {
				t.Fatalf("Parse(%q) = %q holds %q", s, c, r)
			}
		}
		for _, shown := range []string{c.String(), strings.ToLower(c.String()), string(c), " " + c.String() + " "} {
			if again, err := sharecode.Parse(shown); err != nil || again != c {
				t.Fatalf("Parse(%q) = %q, %v: want %q", shown, again, err, c)
			}
		}
		if len(s) > 64 {
			t.Fatalf("Parse accepted %d bytes of input", len(s))
		}
	})
}
