package web

import (
	"net/http"
	"net/url"
	"strings"
)

// QueryValue is r.URL.Query().Get(key) without parsing the whole query into a map: the first
// value of key, or "". It skips the pairs url.ParseQuery skips (a semicolon, a bad escape), so
// both always agree; a value without escapes is a slice of the query, no copy.
func QueryValue(r *http.Request, key string) string {
	q := r.URL.RawQuery
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		if pair == "" || strings.Contains(pair, ";") {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, ok := unescapeQuery(k)
		if !ok || k != key {
			continue
		}
		if v, ok = unescapeQuery(v); ok {
			return v
		}
	}
	return ""
}

func unescapeQuery(s string) (string, bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, true
	}
	u, err := url.QueryUnescape(s)
	return u, err == nil
}
