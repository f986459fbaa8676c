package cli

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// net/http's own error messages reach the log without the client's address.
func TestAddressScrubber(t *testing.T) {
	var buf bytes.Buffer
	a := addressScrubber{slog.New(slog.NewTextHandler(&buf, nil))}
	for _, msg := range []string{
		"http: TLS handshake error from 203.0.113.7:51000: EOF",
		"http: panic serving 198.51.100.23:4242: boom",
		"http: panic serving [2001:db8::1]:4242: boom",
		"http2: server: error reading preface from client 2001:db8:0:1::7: EOF",
	} {
		buf.Reset()
		a.Write([]byte(msg + "\n"))
		for _, addr := range []string{"203.0.113", "198.51.100", "2001:db8", "51000", "4242"} {
			if strings.Contains(buf.String(), addr) {
				t.Errorf("%q logged as %s", msg, buf.String())
			}
		}
		if !strings.Contains(buf.String(), "[address]") {
			t.Errorf("%q logged as %s", msg, buf.String())
		}
	}
}
