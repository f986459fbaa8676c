package access_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/password"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

const goodPassword = "a decent passphrase here"

var secret = []byte("0123456789abcdef0123456789abcdef")

// env is a service on a fresh database.
type env struct {
	t    *testing.T
	path string
	st   *store.Store
	svc  *access.Service
	clk  *storetest.Clock
	cfg  access.Config
}

func newEnv(t *testing.T, cfg access.Config) *env {
	t.Helper()
	return newEnvOn(t, storetest.SQLite, cfg)
}

// newEnvOn is a service on a fresh database of a backend.
func newEnvOn(t *testing.T, b storetest.Backend, cfg access.Config) *env {
	t.Helper()
	e := &env{t: t, path: b.New(t), clk: storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)), cfg: cfg}
	if e.cfg.HashWait == 0 {
		e.cfg.HashWait = 5 * time.Minute // bursts queue for the hashing slots; none may be busy
	}
	e.open()
	t.Cleanup(func() { e.st.Close() })
	return e
}

// open opens the store and the service; restart closes and opens them again.
func (e *env) open() {
	e.t.Helper()
	st := storetest.Open(e.t, store.Open, e.path)
	st.Now = e.clk.Now
	cfg := e.cfg
	cfg.Store, cfg.Secret = st, secret
	svc, err := access.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.st, e.svc = st, svc
}

func (e *env) restart() {
	e.t.Helper()
	if err := e.st.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

var hashOnce = sync.OnceValue(func() string {
	h, err := password.Hash(goodPassword)
	if err != nil {
		panic(err)
	}
	return h
})

func (e *env) addUser(email, role string, requireTwoFactor bool) *staffdb.User {
	e.t.Helper()
	u, err := staffdb.New(e.st).AddUser(context.Background(), staffdb.NewUser{Email: email, Role: role, PasswordHash: hashOnce(),
		TwoFactorRequired: requireTwoFactor, By: "test"})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) signIn(email, pw, device string) access.Result {
	e.t.Helper()
	r, err := e.svc.SignIn(context.Background(), access.SignInForm{Email: email, Password: pw, DeviceCookie: device})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// audit is the audit log after folding every tally, oldest first.
func (e *env) audit() []auditdb.Entry {
	e.t.Helper()
	ctx := context.Background()
	if _, err := auditdb.New(e.st).FoldTally(ctx, e.clk.Now().Add(time.Hour)); err != nil {
		e.t.Fatal(err)
	}
	rows, err := auditdb.New(e.st).Entries(ctx, auditdb.Filter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

// tries sums the counts of audit rows of an action and outcome.
func tries(rows []auditdb.Entry, a auditdb.Action, o auditdb.Outcome) int {
	n := 0
	for _, r := range rows {
		if r.Action == a && r.Outcome == o {
			n += r.Count
		}
	}
	return n
}

// outcomes counts the outcomes of a burst.
type outcomes struct {
	mu sync.Mutex
	n  map[access.Outcome]int
}

func (o *outcomes) add(r access.Result) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.n == nil {
		o.n = map[access.Outcome]int{}
	}
	o.n[r.Outcome]++
}
