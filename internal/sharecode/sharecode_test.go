package sharecode

import (
	"bytes"
	"errors"
	"regexp"
	"testing"
)

func TestNew(t *testing.T) {
	re := regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)
	seen := map[Code]bool{}
	counts := map[rune]int{}
	for range 2000 {
		c := New()
		if !re.MatchString(c.String()) {
			t.Fatalf("code %q is not three groups of Crockford base32", c)
		}
		if seen[c] {
			t.Fatalf("code %s made twice", c)
		}
		seen[c] = true
		for _, r := range string(c) {
			counts[r]++
		}
	}
	// Every character of the alphabet turns up (24,000 draws of 32: each about 750 times).
	for _, r := range alphabet {
		if counts[r] < 500 {
			t.Errorf("character %c drawn %d times: the draw is biased", r, counts[r])
		}
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		name, in string
		want     Code
		err      error
	}{
		{"OK", "K7QM-4XR2-P9DH", "K7QM4XR2P9DH", nil},
		{"OKLower", "k7qm-4xr2-p9dh", "K7QM4XR2P9DH", nil},
		{"OKSpaces", " k7qm 4xr2  p9dh ", "K7QM4XR2P9DH", nil},
		{"OKNoSeparators", "k7qm4xr2p9dh", "K7QM4XR2P9DH", nil},
		{"OKEnDash", "K7QM–4XR2—P9DH", "K7QM4XR2P9DH", nil},
		{"OKLookAlikes", "IL0O-ilOo-1100", "110011001100", nil},
		{"ErrU", "K7QM-4XR2-P9DU", "", ErrMalformed},
		{"ErrShort", "K7QM-4XR2-P9D", "", ErrMalformed},
		{"ErrLong", "K7QM-4XR2-P9DHX", "", ErrMalformed},
		{"ErrEmpty", "", "", ErrMalformed},
		{"ErrSymbol", "K7QM-4XR2-P9D!", "", ErrMalformed},
		{"ErrUnicode", "K7QM-4XR2-P9DÉ", "", ErrMalformed},
		{"ErrHuge", string(bytes.Repeat([]byte("-"), 1000)) + "K7QM4XR2P9DH", "", ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.in)
			if got != c.want || !errors.Is(err, c.err) {
				t.Errorf("Parse(%q) = %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
			}
		})
	}
}

func TestHash(t *testing.T) {
	c := Code("K7QM4XR2P9DH")
	a, b := c.Hash([]byte("secret one, at least 32 bytes long")), c.Hash([]byte("secret two, at least 32 bytes long"))
	if bytes.Equal(a, b) {
		t.Fatal("the hash does not depend on the secret")
	}
	if !bytes.Equal(a, Code("K7QM4XR2P9DH").Hash([]byte("secret one, at least 32 bytes long"))) {
		t.Fatal("the hash is not stable")
	}
	if bytes.Contains(a, []byte(c)) || len(a) != 32 {
		t.Fatal("hash holds the code or is not SHA-256 sized")
	}
}
