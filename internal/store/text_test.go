package store_test

import (
	"testing"
	"unicode/utf8"

	"github.com/ketascreen/ketascreen/internal/store"
)

func TestStorableText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{"ana@example.org", 0, "ana@example.org"},
		{"a\x00b", 0, "a\uFFFDb"},
		{"a\xff\xfeb", 0, "a\uFFFDb"},
		{"ééé", 5, "éé"},
		{"abc", 2, "ab"},
	} {
		got := store.StorableText(tc.in, tc.max)
		if got != tc.want || !utf8.ValidString(got) {
			t.Errorf("StorableText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
