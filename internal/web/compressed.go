package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
)

// Compressed is a body that never changes (the first step of a questionnaire, a static file),
// kept as it is and gzipped once, so that a browser that accepts gzip gets a third of the
// bytes at no cost per request. Only bodies that hold nothing of the person and nothing
// secret are kept this way: compressing a page that mixes a secret with what a visitor sends
// would let an attacker guess the secret from the length (BREACH).
type Compressed struct {
	plain, gz             []byte
	plainLength, gzLength []string
}

// NewCompressed keeps body as it is and gzipped. The gzipped copy is kept only when it is
// smaller.
func NewCompressed(body []byte) *Compressed {
	c := &Compressed{plain: body, plainLength: []string{strconv.Itoa(len(body))}}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err == nil {
		_, err = zw.Write(body)
	}
	if err == nil {
		err = zw.Close()
	}
	if err == nil && buf.Len() < len(body) {
		c.gz = buf.Bytes()
		c.gzLength = []string{strconv.Itoa(len(c.gz))}
	}
	return c
}

var (
	gzipEncoding   = []string{"gzip"}
	varyOnEncoding = []string{"Accept-Encoding"}
)

// Write sends the body with status 200 and contentType, gzipped when the request accepts it.
func (c *Compressed) Write(w http.ResponseWriter, r *http.Request, contentType []string) error {
	h := w.Header()
	h["Content-Type"] = contentType
	body, length := c.plain, c.plainLength
	if c.gz != nil {
		h["Vary"] = varyOnEncoding
		if AcceptsGzip(r.Header.Values("Accept-Encoding")) {
			body, length = c.gz, c.gzLength
			h["Content-Encoding"] = gzipEncoding
		}
	}
	// With its length known, net/http sends the body whole instead of in chunks; under 4 KB
	// with its headers, it goes out in one system call.
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// AcceptsGzip reports whether Accept-Encoding header values accept gzip (RFC 9110, 12.5.3):
// "gzip" (or "x-gzip") or "*" with a weight other than zero, "gzip" deciding over "*".
func AcceptsGzip(values []string) bool {
	star := false
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.TrimSpace(coding)
			ok := weightNotZero(params)
			switch {
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
				return ok
			case coding == "*":
				star = ok
			}
		}
	}
	return star
}

// weightNotZero reads the parameters after a coding ("q=0.5"); a missing or unreadable
// weight counts as accepting, as "q=0" (or 0.0, 0.00, 0.000) alone refuses.
func weightNotZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		value = strings.TrimSpace(value)
		if value == "" || value[0] != '0' {
			return true
		}
		return strings.Trim(value, "0.") != "" // "0", "0.", "0.000": refused
	}
	return true
}
