package access

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
)

// DeviceCookieLifetime is how long a device cookie lasts: set it with this Max-Age.
const DeviceCookieLifetime = 90 * 24 * time.Hour

// A device cookie says "this browser completed a sign-in to this account before". Its value
// is the account id, an expiry and a random id, signed with a key derived from the server
// secret; it holds no email and unlocks nothing by itself: it only gives the browser its own
// allowance of tries (see limits.go).

// legacyDeviceKey is the signing key, derived as the server derived it before this package,
// so device cookies already given out stay valid.
func legacyDeviceKey(secret []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("ketascreen device cookie v1"))
	return m.Sum(nil)
}

// NewDeviceCookie is the value of a new device cookie for an account.
func (s *Service) NewDeviceCookie(userID int64) string {
	exp := s.st.Now().Add(DeviceCookieLifetime).Unix()
	payload := idText(userID) + "." + strconv.FormatInt(exp, 10) + "." + store.NewToken()[:22]
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
}

func (s *Service) sign(payload string) []byte {
	m := hmac.New(sha256.New, s.deviceKey)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// device is the id of a device cookie's value when it is valid for the account, or "".
func (s *Service) device(value string, userID int64) string {
	if value == "" || userID == 0 || len(value) > 200 {
		return ""
	}
	parts := strings.Split(value, ".")
	if len(parts) != 4 {
		return ""
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || !hmac.Equal(sig, s.sign(strings.Join(parts[:3], "."))) {
		return ""
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || id != userID || s.st.Now().Unix() > exp {
		return ""
	}
	return parts[2]
}

func idText(id int64) string { return strconv.FormatInt(id, 10) }
