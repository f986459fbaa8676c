package dbcopy_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
	"github.com/ketascreen/ketascreen/internal/store/dbcopy"
	"github.com/ketascreen/ketascreen/internal/store/jobdb"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/staffdb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

var copySecret = []byte("copy-test-secret-copy-test-secret")

// deployment is what populate made, to check that it still works after a copy.
type deployment struct {
	clinician *staffdb.User
	session   string // the clinician's session, which redeemed a code
	response  string // the id of the response the code opened
}

// populate puts rows in every table a copy moves, through the store as the program would.
func populate(t *testing.T, s *store.Store) deployment {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	responses, staff, audit, releases := responsedb.New(s), staffdb.New(s), auditdb.New(s), releasedb.New(s)
	must(staffdb.New(s).CheckSecret(ctx, copySecret))
	admin, err := staff.AddUser(ctx, staffdb.NewUser{Email: "Admin@Example.org", Role: staffdb.RoleAdmin, PasswordHash: "$argon2id$a",
		TwoFactorRequired: true, By: "test"})
	must(err)
	clin, err := staff.AddUser(ctx, staffdb.NewUser{Email: "clin@example.org", Role: staffdb.RoleClinician, PasswordHash: "$argon2id$c", By: "test"})
	must(err)
	var tokens []string
	for i := range 30 {
		tok, err := responses.CreateResponse(ctx, sample(i))
		must(err)
		tokens = append(tokens, tok)
	}
	var seeded []*responsedb.Response
	for i := range 20 {
		r := sample(100 + i)
		r.Day = store.Day(s.Now().AddDate(0, 0, -i))
		seeded = append(seeded, r)
	}
	must(responses.CreateResponses(ctx, seeded))
	must(responses.DeleteResponse(ctx, tokens[0]))
	_, err = responses.CreateShareCode(ctx, tokens[1], []byte("code-hash-1"), 30)
	must(err)
	_, err = responses.CreateShareCode(ctx, tokens[2], []byte("code-hash-2"), 30)
	must(err)
	sess, err := staff.CreateSession(ctx, clin, "", auditdb.Entry{UserID: clin.ID, Actor: clin.Email, Action: "login", Outcome: "ok"})
	must(err)
	rid, err := staff.ClaimShareCode(ctx, clin.ID, sess, []byte("code-hash-1"), auditdb.Entry{Actor: clin.Email, Action: "redeem", Outcome: "ok"})
	must(err)
	must(audit.Append(ctx, auditdb.Entry{Actor: "cli", Action: "export", Outcome: "ok", Detail: "format=csv"}))
	limit := staffdb.Limit{Scope: "login", Key: []byte("key-1"), Max: 1, Window: time.Hour}
	for range 3 { // a slot, and two refusals tallied
		_, _, err := staff.Reserve(ctx, []staffdb.Limit{limit}, auditdb.Tally{Action: auditdb.ActionLoginFailed, Outcome: auditdb.OutcomeThrottled, Actor: "x@example.org"})
		must(err)
	}
	_, err = staff.RaiseAlarm(ctx, "redeem", "2026-03-10T09", auditdb.Entry{Actor: "(everyone)", Action: "redeem_alarm", Outcome: "alarm"})
	must(err)
	must(staff.StartTOTP(ctx, admin.ID, []byte("sealed-secret")))
	must(staff.ConfirmTOTP(ctx, admin.ID, 1234, [][]byte{[]byte("rc-1"), []byte("rc-2")},
		auditdb.Entry{UserID: admin.ID, Actor: admin.Email, Action: "totp_enrol", Outcome: "ok"}))
	_, err = staff.StartSignInStep(ctx, admin.ID, staffdb.StageCode)
	must(err)
	b := &releasedb.ReleaseBatch{Ledger: releasedb.LedgerEntry{Questionnaire: "ketamine-selfcheck", Period: "2026-W10",
		FirstDay: "2026-03-02", LastDay: "2026-03-08", Epsilon: 0.5, Delta: 1e-6, Mechanism: "gaussian", Kind: "release",
		MadeOn: "2026-03-20", Actor: "job"}}
	for _, v := range []string{"1.0", "1.1"} {
		b.Releases = append(b.Releases, &releasedb.Release{Version: v, Body: `{"v":"` + v + `"}`})
	}
	must(releases.SaveReleases(ctx, []*releasedb.ReleaseBatch{b}, releasedb.SaveGuard{MaxEpsilon: 2}))
	_, err = jobdb.New(s).Lease(ctx, "daily", time.Hour) // not copied: it belongs to this process
	must(err)
	return deployment{clinician: clin, session: sess, response: rid}
}

// TestCopyRoundTrip copies a SQLite database with rows in every table to PostgreSQL and back
// to SQLite: the counts and checksums are the same at each step, and the copies work.
func TestCopyRoundTrip(t *testing.T) {
	ctx := context.Background()
	first := storetest.Open(t, store.Open, storetest.SQLite.New(t))
	defer first.Close()
	c := storetest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	first.Now = c.Now
	dep := populate(t, first)
	want, err := dbcopy.Checksums(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range want {
		if tc.Rows == 0 {
			t.Errorf("populate left %s empty: the copy of that table is not tested", tc.Table)
		}
	}

	pgDB := storetest.Postgres.New(t)
	pg := storetest.Open(t, store.Open, pgDB)
	defer pg.Close()
	pg.Now = c.Now
	got, err := dbcopy.Copy(ctx, first, pg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("copied to PostgreSQL:\n%v\nthe source:\n%v", got, want)
	}

	last := storetest.Open(t, store.Open, storetest.SQLite.New(t))
	defer last.Close()
	last.Now = c.Now
	if got, err = dbcopy.Copy(ctx, pg, last); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("copied back to SQLite:\n%v\nthe source:\n%v", got, want)
	}
	for _, s := range []*store.Store{pg, last} {
		checkCopyWorks(t, s, dep)
	}
}

// checkCopyWorks: the secret, the session and its redeemed summary, and new rows all work on
// a copy.
func checkCopyWorks(t *testing.T, s *store.Store, dep deployment) {
	t.Helper()
	ctx := context.Background()
	staff := staffdb.New(s)
	if err := staffdb.New(s).CheckSecret(ctx, copySecret); err != nil {
		t.Errorf("the copy's secret: %v", err)
	}
	if err := staffdb.New(s).CheckSecret(ctx, []byte("another-secret-another-secret-another")); !errors.Is(err, staffdb.ErrSecretMismatch) {
		t.Errorf("another secret on the copy: %v", err)
	}
	if u, err := staff.SessionUser(ctx, dep.session); err != nil || u.ID != dep.clinician.ID {
		t.Errorf("the clinician's session on the copy: %v %v", u, err)
	}
	if ok, err := staff.CanView(ctx, dep.session, dep.response); err != nil || !ok {
		t.Errorf("the redeemed summary on the copy: %v %v", ok, err)
	}
	u, err := staff.AddUser(ctx, staffdb.NewUser{Email: fmt.Sprintf("new%d@example.org", time.Now().UnixNano()), Role: staffdb.RoleClinician,
		PasswordHash: "h", By: "test"})
	if err != nil || u.ID <= dep.clinician.ID {
		t.Errorf("a new account on the copy: %+v, %v (ids must go on after the copied ones)", u, err)
	}
	if err := auditdb.New(s).Append(ctx, auditdb.Entry{Actor: "cli", Action: "export", Outcome: "ok"}); err != nil {
		t.Errorf("a new audit row on the copy: %v", err)
	}
	if err := s.Check(ctx); err != nil {
		t.Error(err)
	}
}

// A copy refuses a target that holds anything, and changes nothing in it.
func TestCopyRefusesNonEmptyTarget(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		src := storetest.Open(t, store.Open, storetest.SQLite.New(t))
		defer src.Close()
		populate(t, src)
		dst := storetest.Open(t, store.Open, b.New(t))
		defer dst.Close()
		if _, err := responsedb.New(dst).CreateResponse(ctx, sample(1)); err != nil {
			t.Fatal(err)
		}
		before, err := dbcopy.Checksums(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dbcopy.Copy(ctx, src, dst); !errors.Is(err, dbcopy.ErrTargetNotEmpty) {
			t.Fatalf("copy into a target with a response: %v", err)
		}
		after, err := dbcopy.Checksums(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before, after) {
			t.Errorf("the refused copy changed the target:\n%v\n%v", before, after)
		}
	})
}

// A SQLite database written before text was made storable may hold audit rows with a NUL or
// invalid UTF-8 in what someone typed at sign-in: SQLite took them, PostgreSQL refuses them.
// The copy carries such text made storable (U+FFFD in their place), to either backend, and
// its check agrees.
func TestCopyUnstorableText(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		srcDB := storetest.SQLite.New(t)
		src := storetest.Open(t, store.Open, srcDB)
		defer src.Close()
		populate(t, src)
		raw := storetest.Raw(t, srcDB)
		if _, err := raw.Exec(`insert into audit (at, actor, action, outcome, detail, n)
			values ('2026-03-10T09:00:00Z', ?, 'login_failed', 'failed', ?, 1)`, "ana\x00@example.org", "bad \xff\xfe"); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`insert into audit_tally (minute, action, outcome, actor, detail, user_id, n)
			values ('2026-03-10T09:01', 'login_failed', 'failed', ?, '', null, 3)`, "\xc0\xaf"); err != nil {
			t.Fatal(err)
		}
		dst := storetest.Open(t, store.Open, b.New(t))
		defer dst.Close()
		if _, err := dbcopy.Copy(ctx, src, dst); err != nil {
			t.Fatalf("copy: %v", err)
		}
		rows, err := auditdb.New(dst).Entries(ctx, auditdb.Filter{User: "ana\uFFFD@example.org"})
		if err != nil || len(rows) != 1 || rows[0].Detail != "bad \uFFFD" {
			t.Errorf("the copied row: %+v %v", rows, err)
		}
	})
}
