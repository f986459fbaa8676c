package server

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
)

// Error is an error a person may see: a status and the key of a message in their language.
// Any other error is logged and shown only as "something went wrong".
type Error struct {
	Status int
	Key    string
}

func (e *Error) Error() string { return e.Key }

var (
	errNotFound    = &Error{http.StatusNotFound, "error.not_found"}
	errMethod      = &Error{http.StatusMethodNotAllowed, "error.method"}
	errBadRequest  = &Error{http.StatusBadRequest, "error.bad_request"}
	errTooLarge    = &Error{http.StatusRequestEntityTooLarge, "error.too_large"}
	errCrossOrigin = &Error{http.StatusForbidden, "error.cross_origin"}
	errInternal    = &Error{http.StatusInternalServerError, "error.internal"}
	errMediaType   = &Error{http.StatusUnsupportedMediaType, "error.media_type"}
)

// handle adapts a handler that returns an error: the error is rendered as a page in the
// person's language (or as JSON under /api), internal details are logged, never shown.
func (s *Server) handle(fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := fn(c)
		if err == nil {
			return
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = errTooLarge
		}
		var e *Error
		if !errors.As(err, &e) {
			s.log.Error("handler failed", "route", c.FullPath(), "err", err)
			e = errInternal
		}
		if c.Writer.Written() {
			return
		}
		s.renderError(c.Writer, c.Request, e)
	}
}
