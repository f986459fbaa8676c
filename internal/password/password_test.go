package password

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name, pw string
		want     error
	}{
		{"OK", "correct horse battery", nil},
		{"OKTwelve", "tqbf-jotl-dg", nil},
		{"OKAccents", "contraseña de mañana", nil},
		{"OKMax", strings.Repeat("x", 106) + "the end of a long line", nil},
		{"ErrTooShort", "abc-def-gh1", ErrTooShort},
		{"ErrTooShortRunes", "ñññññññññññ", ErrTooShort}, // 11 characters, 22 bytes
		{"ErrTooLong", strings.Repeat("x", 129), ErrTooLong},
		{"ErrEmpty", "", ErrTooShort},
		{"ErrCommonExact", "1234567890ab", ErrCommon},
		{"ErrCommonList", "qwertyuiop12", ErrCommon},
		{"ErrCommonCase", "PASSWORD1234", ErrCommon},
		{"ErrCommonDressed", "!!password2024!!", ErrCommon},
		{"ErrCommonLeet", "p4ssw0rd!2345", ErrCommon},
		{"ErrCommonRepeated", "iloveyouiloveyou", ErrCommon},
		{"ErrCommonJoined", "sunshinedragon", ErrCommon},
		{"ErrOneChar", "aaaaaaaaaaaaaaa", ErrCommon},
		{"ErrShortRun", "abcabcabcabc", ErrCommon},
		{"ErrDigitsOnly", "123456789012", ErrCommon},
		{"ErrSite", "ketamine2026!", ErrCommon},
		{"ErrControl", "tab\there-and-more", ErrInvalid},
		{"ErrNotUTF8", "abc\xffdefghijklm", ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Check(c.pw); !errors.Is(got, c.want) {
				t.Errorf("Check(%q) = %v, want %v", c.pw, got, c.want)
			}
		})
	}
	if len(common) < 1000 {
		t.Errorf("common list has %d entries, want at least 1000", len(common))
	}
}

func TestHashVerify(t *testing.T) {
	pw := "a long enough passphrase"
	start := time.Now()
	h, err := Hash(pw)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Argon2id m=19 MiB t=2 p=1: %v", took)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry the expected parameters", h)
	}
	if strings.Contains(h, pw) {
		t.Fatal("hash contains the password")
	}
	h2, _ := Hash(pw)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{pw, true}, {pw + " ", false}, {"A long enough passphrase", false}, {"", false}} {
		got, err := Verify(h, c.pw)
		if err != nil || got != c.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", c.pw, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=1,t=2,p=1$c2FsdA$aGFzaA",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$aGFzaA", "plain"} {
		if ok, err := Verify(bad, pw); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want an error", bad, ok, err)
		}
	}
}

func TestGenerate(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		g := Generate()
		if err := Check(g); err != nil {
			t.Fatalf("generated %q fails the rules: %v", g, err)
		}
		if len(g) != 29 || seen[g] {
			t.Fatalf("generated %q: wrong length or repeated", g)
		}
		seen[g] = true
	}
}

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		Hash("a long enough passphrase")
	}
}
