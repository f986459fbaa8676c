package staff

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// The staff cookies. Each is HttpOnly and SameSite=Strict. Over TLS the session and pending
// cookies are __Host- prefixed and Secure; browsers refuse __Host- cookies without Secure, so
// over plain HTTP (a local test) they have plain names.
//   - session: a random token (256 bits) for a signed-in account; the database keeps its hash.
//   - pending: a half-done sign-in (the password was right; a code or enrolment is next), for
//     staffdb.SignInStepLifetime; the database keeps its hash.
//   - device: "this browser signed in to this account before" (access.NewDeviceCookie), which
//     gives the browser its own allowance of tries; only the staff paths see it.
const (
	sessionCookieTLS   = "__Host-ketascreen_session"
	sessionCookiePlain = "ketascreen_session"
	pendingCookieTLS   = "__Host-ketascreen_signin"
	pendingCookiePlain = "ketascreen_signin"
	deviceCookie       = "ketascreen_device"
	deviceCookiePath   = "/clinician"
)

func (a *Area) named(tls, plain string) string {
	if a.site.BehindTLS {
		return tls
	}
	return plain
}

// set sets a cookie; maxAge 0 makes it last as long as the browser session, -1 removes it.
func (a *Area) set(w http.ResponseWriter, name, value, path string, maxAge time.Duration) {
	age := int(maxAge / time.Second)
	if maxAge < 0 {
		age, value = -1, ""
	}
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: age, HttpOnly: true,
		Secure: a.site.BehindTLS, SameSite: http.SameSiteStrictMode})
}

// token is a cookie's value when it has the form of one of our tokens, else "".
func token(r *http.Request, name string) string {
	ck, err := r.Cookie(name)
	if err != nil || !store.IsToken(ck.Value) {
		return ""
	}
	return ck.Value
}

func (a *Area) sessionToken(r *http.Request) string {
	return token(r, a.named(sessionCookieTLS, sessionCookiePlain))
}

func (a *Area) clearSessionCookie(w http.ResponseWriter) {
	a.set(w, a.named(sessionCookieTLS, sessionCookiePlain), "", "/", -1)
}

func (a *Area) pendingToken(r *http.Request) string {
	return token(r, a.named(pendingCookieTLS, pendingCookiePlain))
}

func (a *Area) setPending(w http.ResponseWriter, value string) {
	a.set(w, a.named(pendingCookieTLS, pendingCookiePlain), value, "/", staffdb.SignInStepLifetime)
}

func (a *Area) clearPending(w http.ResponseWriter) {
	a.set(w, a.named(pendingCookieTLS, pendingCookiePlain), "", "/", -1)
}

// deviceValue is the device cookie's value as sent (the service checks it), or "".
func deviceValue(r *http.Request) string {
	ck, err := r.Cookie(deviceCookie)
	if err != nil {
		return ""
	}
	return ck.Value
}

// startSession sets the cookies of a sign-in that succeeded: the new session, a new device
// cookie, and no half-done sign-in.
func (a *Area) startSession(c *gin.Context, res access.Result) {
	a.set(c.Writer, a.named(sessionCookieTLS, sessionCookiePlain), res.Session, "/", 0)
	a.set(c.Writer, deviceCookie, res.DeviceCookie, deviceCookiePath, access.DeviceCookieLifetime)
	if a.pendingToken(c.Request) != "" {
		a.clearPending(c.Writer)
	}
}
