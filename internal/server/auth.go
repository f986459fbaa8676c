package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/store"
)

// requireRole lets a request through only for a signed-in, enabled account with one of the
// roles; others are sent to the login page (signed out) or get 403 (wrong role).
// (Stub until the clinician area lands: everyone is refused.)
func (s *Server) requireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		s.renderError(c.Writer, c.Request, &Error{http.StatusForbidden, "error.forbidden"})
		c.Abort()
	}
}

// staffUser is the signed-in account of a request that passed requireRole, or nil.
func staffUser(c *gin.Context) *store.User {
	u, _ := c.Get("user")
	user, _ := u.(*store.User)
	return user
}
