package stats

import (
	"bytes"
	"context"
	"database/sql"
	"testing"
	"time"
)

func TestRetentionPurgesRawRowsButKeepsStatistics(t *testing.T) {
	cat := shipped(t)
	s := seed(t, cat, 2500, 20, 9) // 2,500 responses over 20 weeks (more than one purge batch)
	ctx := context.Background()
	p := params(20)
	export := func() []byte {
		r, err := Build(ctx, s.st, cat, p, day0)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		r.WriteCSV(&buf)
		return buf.Bytes()
	}
	rows := func() (n int) {
		db, err := sql.Open("sqlite", "file:"+s.path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRow("select count(*) from responses").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := export()
	// 70 days after the last response, with a 30-day retention: every response is older.
	s.st.Now = func() time.Time { return day0.AddDate(0, 0, 20*7+70) }
	n, err := s.st.Purge(ctx, 30)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2500 || rows() != 0 {
		t.Fatalf("purged %d, %d rows left; want 2500 and 0", n, rows())
	}
	if after := export(); !bytes.Equal(before, after) {
		t.Errorf("the statistics changed when raw responses were purged:\nbefore\n%s\nafter\n%s", before, after)
	}
}

func TestPurgeKeepsRecentResponses(t *testing.T) {
	cat := shipped(t)
	s := seed(t, cat, 300, 10, 10) // over 70 days from day0
	ctx := context.Background()
	s.st.Now = func() time.Time { return day0.AddDate(0, 0, 70) }
	n, err := s.st.Purge(ctx, 35)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := sql.Open("sqlite", "file:"+s.path+"?mode=ro")
	defer db.Close()
	var old, kept int
	cutoff := day0.AddDate(0, 0, 35).Format(time.DateOnly)
	db.QueryRow("select count(*) from responses where day < ?", cutoff).Scan(&old)
	db.QueryRow("select count(*) from responses where day >= ?", cutoff).Scan(&kept)
	if old != 0 || n == 0 || kept == 0 || n+kept != 300 {
		t.Errorf("purged %d, %d older left, %d kept", n, old, kept)
	}
	if _, err := s.st.Purge(ctx, 0); err == nil {
		t.Error("a retention of 0 days was accepted")
	}
}
