package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// PostedForm reads a form POST: only the named fields, each at most once, valid UTF-8.
func PostedForm(c *gin.Context, fields ...string) (map[string]string, error) {
	if c.ContentType() != "application/x-www-form-urlencoded" {
		return nil, ErrMediaType
	}
	if err := c.Request.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, ErrBadRequest
	}
	out := map[string]string{}
	for k, vs := range c.Request.PostForm {
		if !slices.Contains(fields, k) || len(vs) != 1 || !utf8.ValidString(vs[0]) {
			return nil, ErrBadRequest
		}
		out[k] = vs[0]
	}
	return out, nil
}

// RetryAfter sets the Retry-After header, in whole seconds, at least one.
func RetryAfter(c *gin.Context, secs int) {
	c.Header("Retry-After", fmt.Sprint(max(1, secs)))
}
