package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
)

// No enumeration: 100 wrong passwords for an email with an account and 100 for one without,
// taken in turns, get the same statuses, headers and words (the page keeps what was typed,
// and both emails have the same length), the same refusal after the limit, and median
// response times within 20% of each other.
//
// On a shared machine another process can slow one stretch of a round; taking the two emails
// in turns spreads that over both, and a round whose medians still differ is measured again
// (up to three rounds, an hour apart on the server's clock so the limits are fresh). A real
// difference, such as skipping the password hash for unknown emails (a tenth of the time),
// fails every round.
func TestSignInEnumeration(t *testing.T) {
	ts := newTestServer(t)
	clock := useClock(ts)
	const real, unknown = "real.person@example.org", "nobody.else@example.org"
	addUser(t, ts, real, staffdb.RoleClinician)

	try := func(email string, i int) (response, time.Duration) {
		start := time.Now()
		res := ts.postForm("/clinician/login?lang=en", url.Values{"email": {email}, "password": {"wrong password number " + strconv.Itoa(i)}})
		return res, time.Since(start)
	}
	// shape is what a response says apart from the email typed and the time it was sent.
	shape := func(res response, email string) string {
		var h []string
		for k, vs := range res.Header {
			if k != "Date" {
				h = append(h, k+": "+strings.Join(vs, ", "))
			}
		}
		sort.Strings(h)
		return strconv.Itoa(res.StatusCode) + "\n" + strings.Join(h, "\n") + "\n\n" + strings.ReplaceAll(res.Body, email, "EMAIL")
	}
	for round := 1; ; round++ {
		times := map[string][]time.Duration{}
		want := ""
		for i := range access.LoginPerHour {
			emails := []string{real, unknown}
			if i%2 == 1 {
				slices.Reverse(emails)
			}
			for _, email := range emails {
				res, d := try(email, i)
				times[email] = append(times[email], d)
				if res.StatusCode != http.StatusUnauthorized {
					t.Fatalf("round %d, try %d for %s: %d, want 401", round, i+1, email, res.StatusCode)
				}
				if s := shape(res, email); want == "" {
					want = s
				} else if s != want {
					t.Fatalf("try %d for %s is answered differently:\n%s\n--- first answer:\n%s", i+1, email, s, want)
				}
			}
		}
		// Past the limit: the same refusal, with the same Retry-After.
		r, _ := try(real, 0)
		u, _ := try(unknown, 0)
		if r.StatusCode != http.StatusTooManyRequests || shape(r, real) != shape(u, unknown) {
			t.Fatalf("past the limit: %d and %d, or different answers:\n%s\n---\n%s", r.StatusCode, u.StatusCode, shape(r, real), shape(u, unknown))
		}
		mr, mu := median(times[real]), median(times[unknown])
		ratio := float64(max(mr, mu)) / float64(min(mr, mu))
		t.Logf("round %d: median %v with an account, %v without (ratio %.3f)", round, mr, mu, ratio)
		if ratio <= 1.2 {
			break
		}
		if round == 3 {
			t.Fatalf("median times differ by more than 20%% in three rounds: an email with an account is told apart by timing")
		}
		clock.Advance(time.Hour)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// When every password-hashing slot stays taken, a sign-in is answered 429 "busy" with
// Retry-After, unchecked and uncounted, in the same words and headers for an email with an
// account and one without.
func TestSignInBusy(t *testing.T) {
	ts := newTestServerOpts(t, t.TempDir()+"/k.db", serverOptions{HashWait: time.Millisecond}, &authenticators{})
	useClock(ts)
	const real, unknown = "real.person@example.org", "nobody.else@example.org"
	addUser(t, ts, real, staffdb.RoleClinician)
	reqs := make([]heldRequest, 200)
	for i := range reqs {
		email := []string{real, unknown}[i%2]
		reqs[i] = heldRequest{path: "/clinician/login?lang=en", form: url.Values{"email": {email}, "password": {"guess " + strconv.Itoa(i)}}}
	}
	rs := heldBurst(t, ts.URL, reqs)
	n := statuses(rs)
	if n[http.StatusTooManyRequests] < 100 || n[http.StatusUnauthorized]+n[http.StatusTooManyRequests] != 200 {
		t.Fatalf("200 sign-ins at once with a 1 ms wait for a hashing slot: %v; want most of them busy", n)
	}
	busy := map[string]string{}
	for i, r := range rs {
		if r.status != http.StatusTooManyRequests {
			continue
		}
		email := []string{real, unknown}[i%2]
		s := r.header.Get("Retry-After") + "\n" + strings.ReplaceAll(r.body, email, "EMAIL")
		if !strings.Contains(r.body, "Many people are signing in") || r.header.Get("Retry-After") != "1" {
			t.Fatalf("a busy answer: Retry-After %q\n%.300s", r.header.Get("Retry-After"), r.body)
		}
		busy[email] = s
	}
	if busy[real] != busy[unknown] {
		t.Error("a busy answer tells an email with an account from one without")
	}
	// Busy tries were not counted: the account's allowance has room for the right password.
	rows := auditRows(t, ts)
	if got, want := countAudit(rows, auditdb.ActionLoginFailed, auditdb.OutcomeBusy), n[http.StatusTooManyRequests]; got != want {
		t.Errorf("%d busy tries audited, want %d", got, want)
	}
	if got := countAudit(rows, auditdb.ActionLoginFailed, auditdb.OutcomeFailed); got != n[http.StatusUnauthorized] {
		t.Errorf("%d failed tries audited, want %d (the ones checked)", got, n[http.StatusUnauthorized])
	}
	ts.newBrowser(t).login(real)
}
