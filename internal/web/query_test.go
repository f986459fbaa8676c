package web

import (
	"net/http/httptest"
	"testing"
)

func TestQueryValue(t *testing.T) {
	for _, q := range []string{"", "lang=en", "lang=en&lang=es", "region=us&lang=es", "lang", "lang=", "lang=%zz&lang=es",
		"la%6Eg=es", "lang=e%73", "lang=a+b", "lang=en;x=1&lang=es", "&&lang=es&", "x=1&lang=es=1", "lang=%", "%zz=1&lang=en"} {
		r := httptest.NewRequest("GET", "/q/x?"+q, nil)
		if got, want := QueryValue(r, "lang"), r.URL.Query().Get("lang"); got != want {
			t.Errorf("%q: QueryValue = %q, want %q", q, got, want)
		}
	}
}
