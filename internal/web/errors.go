package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Error is an error a person may see: a status and the key of a message in their language.
// Any other error is logged and shown only as "something went wrong".
type Error struct {
	Status int
	Key    string
}

func (e *Error) Error() string { return e.Key }

// Errors every area may return.
var (
	ErrNotFound    = &Error{http.StatusNotFound, "error.not_found"}
	ErrMethod      = &Error{http.StatusMethodNotAllowed, "error.method"}
	ErrBadRequest  = &Error{http.StatusBadRequest, "error.bad_request"}
	ErrTooLarge    = &Error{http.StatusRequestEntityTooLarge, "error.too_large"}
	ErrCrossOrigin = &Error{http.StatusForbidden, "error.cross_origin"}
	ErrForbidden   = &Error{http.StatusForbidden, "error.forbidden"}
	ErrInternal    = &Error{http.StatusInternalServerError, "error.internal"}
	ErrMediaType   = &Error{http.StatusUnsupportedMediaType, "error.media_type"}
	ErrGone        = &Error{http.StatusGone, "error.version_gone"}
)

// Handle adapts a handler that returns an error: the error is rendered as a page in the
// person's language (or as problem details under /api/), internal details are logged, never
// shown.
func (s *Site) Handle(fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		err := fn(c)
		if err == nil {
			return
		}
		// A person who closes the page or loses the network is not a server error: nothing is
		// written (nobody is there to read it) and the request log says 499, as nginx does.
		if c.Request.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			s.Log.Debug("client went away", "route", c.FullPath())
			c.Status(StatusClientClosed)
			c.Abort()
			return
		}
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = ErrTooLarge
		}
		var e *Error
		if !errors.As(err, &e) {
			s.Log.Error("handler failed", "route", c.FullPath(), "err", err)
			e = ErrInternal
		}
		if c.Writer.Written() {
			return
		}
		s.RenderError(c.Writer, c.Request, e)
	}
}

// StatusClientClosed is what the request log shows for a request whose client went away
// before it was answered (nginx's 499).
const StatusClientClosed = 499

// IsAPI says whether a request is for the JSON API, whose errors are problem details.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Problem is an RFC 9457 problem details object, the one shape of every error of the JSON API.
// Type stays "about:blank" (the status says what went wrong); Code names the problem for
// programs; Errors lists, for a 422, one entry per item with a problem.
type Problem struct {
	Type   string        `json:"type"`
	Title  string        `json:"title"`
	Status int           `json:"status"`
	Detail string        `json:"detail,omitempty"`
	Code   string        `json:"code"`
	Errors []ItemProblem `json:"errors,omitempty"`
}

// ItemProblem is what is wrong with the answer to one item.
type ItemProblem struct {
	Item    string `json:"item,omitempty"`
	Code    string `json:"error"`
	Message string `json:"message"`
}

// ProblemContentType is the media type of problem details.
const ProblemContentType = "application/problem+json"

// WriteProblem sends problem details with their status.
func WriteProblem(w http.ResponseWriter, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	w.Header().Set("Content-Type", ProblemContentType)
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}
