package store_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/releasedb"
	"github.com/ketascreen/ketascreen/internal/store/responsedb"
	"github.com/ketascreen/ketascreen/internal/store/storetest"
)

// unzipFixture writes testdata/v4-seeded.db.gz to a temporary file: a database made by the
// version before releases ('ketascreen dev seed --n 240 --weeks 6 --seed 7' on 2026-12-02),
// schema version 4, with 240 responses and their counters.
func unzipFixture(t *testing.T) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "v4-seeded.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v4.db")
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// Migrations 5 and after on a database made by the version before releases, to today's schema: every response and counter is kept
// (the counters wait, renamed, for package stats to turn them into releases), the release
// tables are there and append-only, and a submission writes no counter.
func TestMigrationToReleases(t *testing.T) {
	path := unzipFixture(t)
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var before, counters, version int
	raw.QueryRow("select count(*) from responses").Scan(&before)
	raw.QueryRow("select count(*) from counts").Scan(&counters)
	raw.QueryRow("PRAGMA user_version").Scan(&version)
	raw.Close()
	if version != 4 || before != 240 || counters == 0 {
		t.Fatalf("fixture: version %d, %d responses, %d counters", version, before, counters)
	}

	s := storetest.Open(t, store.Open, path)
	defer s.Close()
	db := storetest.Raw(t, path)
	var after, waiting, latest int
	db.QueryRow("PRAGMA user_version").Scan(&version)
	db.QueryRow("select count(*) from responses").Scan(&after)
	db.QueryRow("select count(*) from legacy_counts").Scan(&waiting)
	fresh := filepath.Join(t.TempDir(), "new.db")
	storetest.Open(t, store.Open, fresh).Close()
	storetest.Raw(t, fresh).QueryRow("PRAGMA user_version").Scan(&latest)
	if version != latest || after != before || waiting != counters {
		t.Errorf("after migration: version %d (a new database's: %d), %d responses (had %d), %d counters waiting (had %d)",
			version, latest, after, before, waiting, counters)
	}
	if ok, err := releasedb.New(s).HasLegacyCounts(context.Background()); !ok || err != nil {
		t.Errorf("HasLegacyCounts = %v, %v", ok, err)
	}
	n := 0
	if err := releasedb.New(s).EachLegacyCount(context.Background(), true, func(c releasedb.LegacyCount) error {
		if c.Metric == "score" || len(c.Period) != 8 {
			t.Errorf("weekly counters gave %+v", c)
		}
		n++
		return nil
	}); err != nil || n == 0 {
		t.Errorf("%d weekly counters (%v)", n, err)
	}
	var tables int
	db.QueryRow(`select count(*) from sqlite_master where type = 'table'
		and name in ('stat_ledger', 'stat_releases', 'meta', 'job_leases')`).Scan(&tables)
	if tables != 4 {
		t.Errorf("%d of the release tables exist", tables)
	}
	if _, err := responsedb.New(s).CreateResponse(context.Background(), &responsedb.Response{Questionnaire: "q", Version: "1", Lang: "en", Region: "us",
		Band: "low", Answers: map[string][]string{"a": {"x"}}}); err != nil {
		t.Fatal(err)
	}
	var waitingNow int
	db.QueryRow("select count(*) from legacy_counts").Scan(&waitingNow)
	if waitingNow != waiting {
		t.Errorf("a submission changed the old counters: %d, was %d", waitingNow, waiting)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Error(err)
	}
}

// A database without counters (a new one) has no table waiting for them.
func TestNewDatabaseHasNoCounters(t *testing.T) {
	s := storetest.Open(t, store.Open, filepath.Join(t.TempDir(), "new.db"))
	defer s.Close()
	if ok, err := releasedb.New(s).HasLegacyCounts(context.Background()); ok || err != nil {
		t.Errorf("HasLegacyCounts = %v, %v on a new database", ok, err)
	}
}
