package statsview

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/ketascreen/ketascreen/internal/stats"
	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// What each table may hold once the retention purge has deleted every response. Anything
// about one respondent must be gone; only releases (noisy totals) and what staff tables hold
// (accounts, their sessions, the audit of their actions, never answers) may stay. A new table
// must be added here, which makes someone decide.
var afterPurge = map[string]string{
	"responses":      "empty",
	"share_codes":    "empty",
	"session_grants": "empty",
	"legacy_counts":  "absent",
	"stat_ledger":    "kept: one row per period released, epsilon and mechanism",
	"stat_releases":  "kept: noisy cells of a period's tables, nothing finer",
	"users":          "staff",
	"sessions":       "staff",
	"audit":          "staff",
	// Staff sign-in: limits keyed by keyed hashes of what staff typed, refused tries counted
	// per minute, second factors, half-done sign-ins. Respondents never reach them.
	"limit_slots":    "staff",
	"limit_keys":     "staff",
	"limit_alarms":   "staff",
	"audit_tally":    "staff",
	"staff_totp":     "staff",
	"recovery_codes": "staff",
	"signin_steps":   "staff",
	// A deleted response's token hash and the day, so its link can say "deleted": no answers,
	// no counts (its columns are checked below).
	"deleted_tokens": "token hashes",
	// The deployment: the server secret's fingerprint, the day a background job last ran, and
	// which process runs a job now.
	"meta":       "deployment",
	"job_leases": "deployment",
}

// After the retention purge, the database holds releases and nothing finer: every table is
// read, none holds a response or a count below the level of a release.
func TestAfterThePurgeOnlyReleasesRemain(t *testing.T) {
	storetest.Run(t, testAfterThePurgeOnlyReleasesRemain)
}

func testAfterThePurgeOnlyReleasesRemain(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st, path := openStoreOn(t, b)
	seedRows(t, st, 600, 6, 8)
	st.Now = func() time.Time { return day0.AddDate(0, 0, 10) }
	lone := stats.SyntheticResponse(shipped(t).Latest(qid), rand.New(rand.NewPCG(1, 1)), 0, nil)
	lone.Lang, lone.Region = "es", "ie"
	tok, err := responsedb.New(st).CreateResponse(ctx, lone)
	if err != nil {
		t.Fatal(err)
	}
	if err := responsedb.New(st).DeleteResponse(ctx, tok); err != nil {
		t.Fatal(err)
	}
	release(t, st, after(6))
	st.Now = func() time.Time { return after(6).AddDate(0, 0, 400) }
	if n, err := responsedb.New(st).Purge(ctx, 365); err != nil || n != 600 {
		t.Fatalf("purged %d (%v)", n, err)
	}
	db := storetest.Raw(t, path)
	tables := storetest.Tables(t, path)
	for _, name := range tables {
		rule, ok := afterPurge[name]
		if !ok {
			t.Errorf("table %s is not classified: does it hold anything about one respondent after the purge?", name)
			continue
		}
		var n int
		if err := db.QueryRow(`select count(*) from "` + name + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		switch {
		case rule == "empty" && n != 0:
			t.Errorf("%s holds %d rows after the purge", name, n)
		case name == "stat_releases" && n != 6, name == "stat_ledger" && n != 6:
			t.Errorf("%s holds %d rows, want one per week", name, n)
		}
	}
	for _, name := range []string{"legacy_counts", "counts"} {
		if slices.Contains(tables, name) {
			t.Errorf("table %s exists", name)
		}
	}
	// deleted_tokens can hold nothing but a hash and a day.
	columns := `select name from pragma_table_info('deleted_tokens') order by cid`
	if b == storetest.Postgres {
		columns = `select column_name from information_schema.columns where table_schema = current_schema()
			and table_name = 'deleted_tokens' order by ordinal_position`
	}
	rows, err := db.Query(columns)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	rows.Close()
	if !slices.Equal(cols, []string{"token_hash", "day"}) {
		t.Errorf("deleted_tokens has columns %v", cols)
	}
	// Every release's cells are whole-slice figures of a whole week.
	rs, err := releasedb.New(st).Releases(ctx, releasedb.ReleaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		f := &stats.Release{}
		if err := jsonUnmarshal(r.Body, f); err != nil {
			t.Fatal(err)
		}
		if len(f.Values) != f.Layout.Slices() || f.Epsilon != 1 || f.Noise[0].SDSlice <= 0 || r.LastDay != store.Day(mustDay(t, r.FirstDay).AddDate(0, 0, 6)) {
			t.Errorf("release %d: %d slices, epsilon %g, from %s to %s", r.ID, len(f.Values), f.Epsilon, r.FirstDay, r.LastDay)
		}
	}
}
