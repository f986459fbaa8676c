package access_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/access"
	"github.com/ketascreen/ketascreen/internal/sharecode"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// clinician is a signed-in clinician: its account and session.
type clinician struct {
	u       *staffdb.User
	session string
}

func (e *env) clinician(email string) clinician {
	e.t.Helper()
	e.addUser(email, staffdb.RoleClinician, false)
	r := e.signIn(email, goodPassword, "")
	if r.Outcome != access.SignedIn {
		e.t.Fatalf("sign-in: %v", r.Outcome)
	}
	return clinician{r.User, r.Session}
}

func (e *env) redeem(c clinician, code string) access.Result {
	e.t.Helper()
	r, err := e.svc.Redeem(context.Background(), access.RedeemForm{User: c.u, Session: c.session, Code: code})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// shared stores a response and a share code for it.
func (e *env) shared() (code, responseID string) {
	e.t.Helper()
	ctx := context.Background()
	r := &responsedb.Response{Questionnaire: "ketamine-selfcheck", Version: "1.0.0", Lang: "en", Region: "uk", Band: "low"}
	token, err := responsedb.New(e.st).CreateResponse(ctx, r)
	if err != nil {
		e.t.Fatal(err)
	}
	c := sharecode.New()
	if _, err := responsedb.New(e.st).CreateShareCode(ctx, token, c.Hash(secret), 30); err != nil {
		e.t.Fatal(err)
	}
	return c.String(), r.ID
}

func wrongShareCode(i int) string {
	return sharecode.Code(fmt.Sprintf("ZZZZZZZZ%04d", i)).String()
}

// TestRedeemBurst: 500 wrong codes at once from one account are evaluated no more than its
// allowance; malformed ones count; another clinician is not locked out; a restart keeps the
// limit; the audit log grows by a few rows holding the counts.
func TestRedeemBurst(t *testing.T) { storetest.Run(t, testRedeemBurst) }

func testRedeemBurst(t *testing.T, b storetest.Backend) {
	e := newEnvOn(t, b, access.Config{})
	attacker, doc := e.clinician("attacker@example.org"), e.clinician("doc@example.org")
	code, rid := e.shared()
	before := len(e.audit())
	var got outcomes
	storetest.Burst(500, func(i int) {
		typed := wrongShareCode(i)
		if i%2 == 0 {
			typed = "not-a-code-" + fmt.Sprint(i) // malformed: counted like a wrong one
		}
		r, err := e.svc.Redeem(context.Background(), access.RedeemForm{User: attacker.u, Session: attacker.session, Code: typed})
		if err != nil {
			t.Error(err)
		}
		got.add(r)
	})
	if evaluated := got.n[access.UnknownCode] + got.n[access.Malformed]; evaluated != access.RedeemPerHour || got.n[access.Throttled] != 500-access.RedeemPerHour {
		t.Fatalf("%v; want %d evaluated, the rest throttled", got.n, access.RedeemPerHour)
	}
	if r := e.redeem(doc, code); r.Outcome != access.Redeemed || r.ResponseID != rid {
		t.Fatalf("another clinician with a valid code after the burst: %v", r.Outcome)
	}
	e.restart()
	e.clk.Advance(30 * time.Minute)
	if r := e.redeem(attacker, code); r.Outcome != access.Throttled || r.RetryAfter != 30*time.Minute {
		t.Fatalf("after a restart, 30 min on: %v %v; want Throttled 30m0s", r.Outcome, r.RetryAfter)
	}
	added := e.audit()[before:]
	if len(added) > 5 {
		t.Errorf("the audit log grew by %d rows for 502 tries: %+v", len(added), added)
	}
	failed, throttled := tries(added, auditdb.ActionRedeem, auditdb.OutcomeFailed), tries(added, auditdb.ActionRedeem, auditdb.OutcomeThrottled)
	if failed != access.RedeemPerHour || throttled != 500-access.RedeemPerHour+1 || tries(added, auditdb.ActionRedeem, auditdb.OutcomeOK) != 1 {
		t.Errorf("audited %d failed, %d throttled; want %d, %d, and the redemption", failed, throttled, access.RedeemPerHour, 500-access.RedeemPerHour+1)
	}
}

// TestShareCodeServesOneClinician: the first clinician to redeem a code holds it; to any other
// account it is a wrong code, even when two redeem at the same moment.
func TestShareCodeServesOneClinician(t *testing.T) { storetest.Run(t, testShareCodeServesOneClinician) }

func testShareCodeServesOneClinician(t *testing.T, b storetest.Backend) {
	e := newEnvOn(t, b, access.Config{})
	docs := []clinician{e.clinician("a@example.org"), e.clinician("b@example.org")}
	code, rid := e.shared()
	winner := -1
	var got outcomes
	storetest.Burst(2, func(i int) {
		r, err := e.svc.Redeem(context.Background(), access.RedeemForm{User: docs[i].u, Session: docs[i].session, Code: code})
		if err != nil {
			t.Error(err)
		}
		if r.Outcome == access.Redeemed {
			winner = i
		}
		got.add(r)
	})
	if got.n[access.Redeemed] != 1 || got.n[access.UnknownCode] != 1 {
		t.Fatalf("two clinicians at once: %v", got.n)
	}
	loser := docs[1-winner]
	for _, c := range []struct {
		name string
		doc  clinician
		want access.Outcome
	}{
		{"HolderAgain", docs[winner], access.Redeemed},
		{"HolderNewSession", clinician{docs[winner].u, e.signIn(docs[winner].u.Email, goodPassword, "").Session}, access.Redeemed},
		{"Other", loser, access.UnknownCode},
		{"OtherNewcomer", e.clinician("c@example.org"), access.UnknownCode},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.redeem(c.doc, code)
			if r.Outcome != c.want {
				t.Fatalf("%v, want %v", r.Outcome, c.want)
			}
			ok, err := staffdb.New(e.st).CanView(context.Background(), c.doc.session, rid)
			if err != nil || ok != (c.want == access.Redeemed) {
				t.Fatalf("CanView = %v, %v", ok, err)
			}
		})
	}
}

// TestRedeemAlarm: failures of many accounts together raise one alarm (logged and audited)
// and lock nobody out.
func TestRedeemAlarm(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, access.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	code, _ := e.shared()
	for a := range 12 {
		c := e.clinician(fmt.Sprintf("c%02d@example.org", a))
		storetest.Burst(access.RedeemPerHour, func(i int) {
			if _, err := e.svc.Redeem(context.Background(), access.RedeemForm{User: c.u, Session: c.session, Code: wrongShareCode(a*100 + i)}); err != nil {
				t.Error(err)
			}
		})
	}
	if r := e.redeem(e.clinician("late@example.org"), code); r.Outcome != access.Redeemed {
		t.Fatalf("a clinician after 120 failures of others: %v", r.Outcome)
	}
	if n := tries(e.audit(), auditdb.ActionRedeemAlarm, auditdb.OutcomeAlarm); n != 1 {
		t.Fatalf("%d alarm rows, want 1", n)
	}
	if n := strings.Count(logs.String(), "alarm threshold"); n != 1 {
		t.Fatalf("%d alarm log lines, want 1:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "ZZZZ") || strings.Contains(logs.String(), "@example.org") {
		t.Fatalf("the log holds codes or emails:\n%s", logs.String())
	}
}
