package access

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
)

func TestDeviceCookie(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	s, err := New(Config{Store: st, Secret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(Config{Store: st, Secret: []byte("another secret, also 32 bytes!!!")})
	if err != nil {
		t.Fatal(err)
	}
	v := s.NewDeviceCookie(7)
	parts := strings.Split(v, ".")
	cases := []struct {
		name  string
		value string
		user  int64
		after time.Duration
		ok    bool
	}{
		{"OK", v, 7, 0, true},
		{"OKNearTheEnd", v, 7, DeviceCookieLifetime - time.Minute, true},
		{"ErrExpired", v, 7, DeviceCookieLifetime + time.Minute, false},
		{"ErrOtherAccount", v, 8, 0, false},
		{"ErrUnknownAccount", v, 0, 0, false},
		{"ErrOtherSecret", other.NewDeviceCookie(7), 7, 0, false},
		{"ErrAccountChanged", "8." + strings.Join(parts[1:], "."), 8, 0, false},
		{"ErrSignatureCut", strings.Join(parts[:3], ".") + "." + parts[3][:10], 7, 0, false},
		{"ErrEmpty", "", 7, 0, false},
		{"ErrGarbage", "....", 7, 0, false},
		{"ErrLong", v + strings.Repeat("a", 200), 7, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC).Add(c.after)
			got := s.device(c.value, c.user)
			if (got != "") != c.ok || (c.ok && got != parts[2]) {
				t.Fatalf("device = %q, want ok %v", got, c.ok)
			}
		})
	}
}
