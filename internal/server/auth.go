package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/store"
)

// Staff sessions: a random token (256 bits) in a cookie, only its SHA-256 in the database.
// Over TLS the cookie is __Host- prefixed and Secure; browsers refuse __Host- cookies without
// Secure, so over plain HTTP (a local test) it has a plain name.
const (
	sessionCookieTLS   = "__Host-ketascreen_session"
	sessionCookiePlain = "ketascreen_session"
	deviceCookie       = "ketascreen_device"
	deviceCookiePath   = "/clinician"
	deviceLifetime     = 90 * 24 * time.Hour
)

var errForbidden = &Error{http.StatusForbidden, "error.forbidden"}

func (s *Server) sessionCookieName() string {
	if s.cfg.BehindTLS {
		return sessionCookieTLS
	}
	return sessionCookiePlain
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: token, Path: "/", HttpOnly: true,
		Secure: s.cfg.BehindTLS, SameSite: http.SameSiteStrictMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.BehindTLS, SameSite: http.SameSiteStrictMode})
}

// sessionToken is the session cookie's value, if it looks like one of ours.
func (s *Server) sessionToken(r *http.Request) string {
	ck, err := r.Cookie(s.sessionCookieName())
	if err != nil || !tokenRE.MatchString(ck.Value) {
		return ""
	}
	return ck.Value
}

// signedIn is the account of a request's session, or nil when it has none that is valid (no
// cookie, ended, timed out, account disabled).
func (s *Server) signedIn(c *gin.Context) (*store.User, string, error) {
	token := s.sessionToken(c.Request)
	if token == "" {
		return nil, "", nil
	}
	u, err := s.store.SessionUser(c.Request.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		// The browser still sends a cookie the server no longer knows: remove it.
		s.clearSessionCookie(c.Writer)
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// requireRole lets a request through only for a signed-in, enabled account with one of the
// roles; others are sent to the login page (signed out) or get 403 (wrong role).
func (s *Server) requireRole(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, token, err := s.signedIn(c)
		if err != nil {
			s.log.Error("session lookup", "err", err)
			s.renderError(c.Writer, c.Request, errInternal)
			c.Abort()
			return
		}
		if u == nil {
			c.Redirect(http.StatusSeeOther, s.newPage(c, "").Link("/clinician/login"))
			c.Abort()
			return
		}
		if !slices.Contains(roles, u.Role) {
			s.renderError(c.Writer, c.Request, errForbidden)
			c.Abort()
			return
		}
		c.Set("user", u)
		c.Set("session", token)
		c.Next()
	}
}

// staffUser is the signed-in account of a request that passed requireRole, or nil.
func staffUser(c *gin.Context) *store.User {
	u, _ := c.Get("user")
	user, _ := u.(*store.User)
	return user
}

// staffSession is the session token of a request that passed requireRole.
func staffSession(c *gin.Context) string {
	v, _ := c.Get("session")
	token, _ := v.(string)
	return token
}

// Device cookies say "this browser signed in to this account before" (see throttle.go). The
// value is the account id, an expiry and a random id, signed with a key derived from the
// server secret; it holds no email and unlocks nothing by itself.
func (s *Server) deviceKey() []byte {
	m := hmac.New(sha256.New, s.cfg.Secret)
	m.Write([]byte("ketascreen device cookie v1"))
	return m.Sum(nil)
}

func (s *Server) setDeviceCookie(w http.ResponseWriter, userID int64) {
	exp := s.store.Now().Add(deviceLifetime).Unix()
	payload := strconv.FormatInt(userID, 10) + "." + strconv.FormatInt(exp, 10) + "." + store.NewToken()[:22]
	m := hmac.New(sha256.New, s.deviceKey())
	m.Write([]byte(payload))
	v := payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: v, Path: deviceCookiePath, MaxAge: int(deviceLifetime / time.Second),
		HttpOnly: true, Secure: s.cfg.BehindTLS, SameSite: http.SameSiteStrictMode})
}

// device is the id of the request's device cookie when it is valid for the account, or "".
func (s *Server) device(r *http.Request, userID int64) string {
	ck, err := r.Cookie(deviceCookie)
	if err != nil || userID == 0 || len(ck.Value) > 200 {
		return ""
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 4 {
		return ""
	}
	payload := strings.Join(parts[:3], ".")
	m := hmac.New(sha256.New, s.deviceKey())
	m.Write([]byte(payload))
	sig, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		return ""
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || id != userID || s.store.Now().Unix() > exp {
		return ""
	}
	return parts[2]
}
