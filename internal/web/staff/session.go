// Package staff is the signed-in side's front door: sign-in and sign-out, staff sessions and
// their cookies, the role check every clinician and admin route passes, and the staff pages'
// common frame.
package staff

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
	"github.com/ketascreen/ketascreen/internal/web"
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

// Area is the staff area: sign-in, sessions and the role check.
type Area struct {
	site     *web.Site
	secret   []byte
	throttle *Throttle
}

// New makes the staff area. The secret (at least 32 bytes) keys device cookies.
func New(site *web.Site, secret []byte) (*Area, error) {
	if len(secret) < 32 {
		return nil, errors.New("the server secret must be at least 32 bytes: it keys share codes and device cookies")
	}
	return &Area{site: site, secret: secret, throttle: NewThrottle()}, nil
}

// Throttle is the area's memory of refused tries, which the clinician area's redemptions share.
func (a *Area) Throttle() *Throttle { return a.throttle }

func (a *Area) sessionCookieName() string {
	if a.site.BehindTLS {
		return sessionCookieTLS
	}
	return sessionCookiePlain
}

func (a *Area) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: a.sessionCookieName(), Value: token, Path: "/", HttpOnly: true,
		Secure: a.site.BehindTLS, SameSite: http.SameSiteStrictMode})
}

func (a *Area) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: a.sessionCookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: a.site.BehindTLS, SameSite: http.SameSiteStrictMode})
}

// sessionToken is the session cookie's value, if it looks like one of ours.
func (a *Area) sessionToken(r *http.Request) string {
	ck, err := r.Cookie(a.sessionCookieName())
	if err != nil || !store.IsToken(ck.Value) {
		return ""
	}
	return ck.Value
}

// SignedIn is the account of a request's session, or nil when it has none that is valid (no
// cookie, ended, timed out, account disabled).
func (a *Area) SignedIn(c *gin.Context) (*store.User, string, error) {
	token := a.sessionToken(c.Request)
	if token == "" {
		return nil, "", nil
	}
	u, err := a.site.Store.SessionUser(c.Request.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		// The browser still sends a cookie the server no longer knows: remove it.
		a.clearSessionCookie(c.Writer)
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// Require lets a request through only for a signed-in, enabled account with one of the
// roles; others are sent to the login page (signed out) or get 403 (wrong role).
func (a *Area) Require(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, token, err := a.SignedIn(c)
		if err != nil {
			a.site.Log.Error("session lookup", "err", err)
			a.site.RenderError(c.Writer, c.Request, web.ErrInternal)
			c.Abort()
			return
		}
		if u == nil {
			c.Redirect(http.StatusSeeOther, a.site.NewPage(c.Request, "").Link("/clinician/login"))
			c.Abort()
			return
		}
		if !slices.Contains(roles, u.Role) {
			a.site.RenderError(c.Writer, c.Request, web.ErrForbidden)
			c.Abort()
			return
		}
		c.Set("user", u)
		c.Set("session", token)
		c.Next()
	}
}

// User is the signed-in account of a request that passed Require, or nil.
func User(c *gin.Context) *store.User {
	u, _ := c.Get("user")
	user, _ := u.(*store.User)
	return user
}

// Session is the session token of a request that passed Require.
func Session(c *gin.Context) string {
	v, _ := c.Get("session")
	token, _ := v.(string)
	return token
}

// Device cookies say "this browser signed in to this account before" (see throttle.go). The
// value is the account id, an expiry and a random id, signed with a key derived from the
// server secret; it holds no email and unlocks nothing by itself.
func (a *Area) deviceKey() []byte {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte("ketascreen device cookie v1"))
	return m.Sum(nil)
}

func (a *Area) setDeviceCookie(w http.ResponseWriter, userID int64) {
	exp := a.site.Store.Now().Add(deviceLifetime).Unix()
	payload := strconv.FormatInt(userID, 10) + "." + strconv.FormatInt(exp, 10) + "." + store.NewToken()[:22]
	m := hmac.New(sha256.New, a.deviceKey())
	m.Write([]byte(payload))
	v := payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: v, Path: deviceCookiePath, MaxAge: int(deviceLifetime / time.Second),
		HttpOnly: true, Secure: a.site.BehindTLS, SameSite: http.SameSiteStrictMode})
}

// device is the id of the request's device cookie when it is valid for the account, or "".
func (a *Area) device(r *http.Request, userID int64) string {
	ck, err := r.Cookie(deviceCookie)
	if err != nil || userID == 0 || len(ck.Value) > 200 {
		return ""
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 4 {
		return ""
	}
	payload := strings.Join(parts[:3], ".")
	m := hmac.New(sha256.New, a.deviceKey())
	m.Write([]byte(payload))
	sig, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		return ""
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || id != userID || a.site.Store.Now().Unix() > exp {
		return ""
	}
	return parts[2]
}
