package staff

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Throttling of staff logins and share-code redemptions. Everything here lives in memory
// only, for an hour at most: client addresses are never written anywhere.
//
// Logins: a browser that signed in to an account before holds a device cookie for it
// (OWASP's "device cookie" lockout protection). Without one, failures are slowed per address
// and account (5 quick tries, then one per 20 s), per address across accounts, and capped at
// 100 an hour per account; with one, the browser has its own allowance of 10 an hour. So a
// stranger can at worst stop unknown browsers signing in to an account for an hour, never the
// clinician's own browser.
//
// Redemptions (signed-in accounts only): at most 10 failures an hour per account, and 100 an
// hour across all accounts.
const (
	loginClientBurst    = 5
	loginClientEvery    = 20 * time.Second
	loginIPBurst        = 30
	loginIPEvery        = 10 * time.Second
	loginAccountPerHour = 100
	loginDevicePerHour  = 10
	redeemPerHour       = 10
	redeemGlobalPerHour = 100
	throttleWindow      = time.Hour
	// maxThrottleKeys bounds memory: past it, slowing state is forgotten (caps per account
	// are kept).
	maxThrottleKeys = 100_000
)

// window counts events in the last hour.
type window struct{ at []time.Time }

func (w *window) count(now time.Time) int {
	i := 0
	for i < len(w.at) && now.Sub(w.at[i]) >= throttleWindow {
		i++
	}
	w.at = w.at[i:]
	return len(w.at)
}

func (w *window) add(now time.Time) { w.at = append(w.at, now) }

// retry is how long until the window has room for one more event under limit.
func (w *window) retry(now time.Time, limit int) time.Duration {
	if n := w.count(now); n < limit {
		return 0
	}
	return throttleWindow - now.Sub(w.at[len(w.at)-limit])
}

type Throttle struct {
	mu       sync.Mutex
	clients  map[string]*rate.Limiter // address + account typed
	ips      map[string]*rate.Limiter // address
	accounts map[int64]*window        // login failures from browsers without a device cookie
	devices  map[string]*window       // login failures from a device cookie
	redeems  map[int64]*window        // failed redemptions per account
	global   window                   // failed redemptions of everyone
	noted    map[string]time.Time     // when a refusal was last audited, to bound audit rows
	pruned   time.Time
}

func NewThrottle() *Throttle {
	return &Throttle{clients: map[string]*rate.Limiter{}, ips: map[string]*rate.Limiter{}, accounts: map[int64]*window{},
		devices: map[string]*window{}, redeems: map[int64]*window{}, noted: map[string]time.Time{}}
}

// prune forgets what no longer matters: full buckets and empty windows.
func (t *Throttle) prune(now time.Time) {
	if now.Sub(t.pruned) < time.Minute && len(t.clients)+len(t.ips)+len(t.devices) < maxThrottleKeys {
		return
	}
	t.pruned = now
	for k, l := range t.clients {
		if l.TokensAt(now) >= loginClientBurst {
			delete(t.clients, k)
		}
	}
	for k, l := range t.ips {
		if l.TokensAt(now) >= loginIPBurst {
			delete(t.ips, k)
		}
	}
	for k, w := range t.devices {
		if w.count(now) == 0 {
			delete(t.devices, k)
		}
	}
	for k, w := range t.accounts {
		if w.count(now) == 0 {
			delete(t.accounts, k)
		}
	}
	for k, w := range t.redeems {
		if w.count(now) == 0 {
			delete(t.redeems, k)
		}
	}
	for k, at := range t.noted {
		if now.Sub(at) >= time.Minute {
			delete(t.noted, k)
		}
	}
	if len(t.clients) > maxThrottleKeys || len(t.ips) > maxThrottleKeys {
		clear(t.clients)
		clear(t.ips)
	}
	if len(t.devices) > maxThrottleKeys {
		clear(t.devices)
	}
}

// loginAttempt is who is trying to sign in: the address, the account typed (0 when none
// matches) and the device cookie's id when the browser holds a valid one for that account.
type loginAttempt struct {
	ip, email string
	account   int64
	device    string
}

func (a loginAttempt) clientKey() string { return a.ip + "\x00" + a.email }

// LoginWait says whether an attempt may be checked now; if not, how long to wait.
func (t *Throttle) LoginWait(a loginAttempt, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	if a.device != "" {
		if w := t.devices[a.device]; w != nil {
			return w.retry(now, loginDevicePerHour)
		}
		return 0
	}
	var wait time.Duration
	if l := t.clients[a.clientKey()]; l != nil && l.TokensAt(now) < 1 {
		wait = max(wait, time.Duration((1-l.TokensAt(now))*float64(loginClientEvery)))
	}
	if l := t.ips[a.ip]; l != nil && l.TokensAt(now) < 1 {
		wait = max(wait, time.Duration((1-l.TokensAt(now))*float64(loginIPEvery)))
	}
	if w := t.accounts[a.account]; a.account != 0 && w != nil {
		wait = max(wait, w.retry(now, loginAccountPerHour))
	}
	return wait
}

// LoginFailed records a failed attempt.
func (t *Throttle) LoginFailed(a loginAttempt, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a.device != "" {
		w := t.devices[a.device]
		if w == nil {
			w = &window{}
			t.devices[a.device] = w
		}
		w.add(now)
		return
	}
	l := t.clients[a.clientKey()]
	if l == nil {
		l = rate.NewLimiter(rate.Every(loginClientEvery), loginClientBurst)
		t.clients[a.clientKey()] = l
	}
	l.AllowN(now, 1)
	l = t.ips[a.ip]
	if l == nil {
		l = rate.NewLimiter(rate.Every(loginIPEvery), loginIPBurst)
		t.ips[a.ip] = l
	}
	l.AllowN(now, 1)
	if a.account != 0 {
		w := t.accounts[a.account]
		if w == nil {
			w = &window{}
			t.accounts[a.account] = w
		}
		w.add(now)
	}
}

// RedeemWait says whether an account may try a code now; if not, how long to wait.
func (t *Throttle) RedeemWait(account int64, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	wait := t.global.retry(now, redeemGlobalPerHour)
	if w := t.redeems[account]; w != nil {
		wait = max(wait, w.retry(now, redeemPerHour))
	}
	return wait
}

func (t *Throttle) RedeemFailed(account int64, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.redeems[account]
	if w == nil {
		w = &window{}
		t.redeems[account] = w
	}
	w.add(now)
	t.global.add(now)
}

// Note reports whether a refusal for key should be audited: once a minute at most, so a
// flood of refused requests cannot flood the audit log.
func (t *Throttle) Note(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at, ok := t.noted[key]; ok && now.Sub(at) < time.Minute {
		return false
	}
	t.noted[key] = now
	return true
}
