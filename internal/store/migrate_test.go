package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A database made before migration 4 (responses and share codes numbered in the order they
// came) keeps every row, code and grant, and loses the order.
func TestMigrationToUnorderedRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v3.db")
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"001_responses.sql", "002_audit.sql", "003_accounts.sql"} {
		body, err := migrations.ReadFile("migrations/sqlite/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(string(body)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	for _, q := range []string{
		"PRAGMA user_version = 3",
		`insert into responses values ('r-b', x'01', 'q', '1', 'en', 'us', '{"a":["x"]}', '{}', 'low', '[]', '2026-11-01')`,
		`insert into responses values ('r-a', x'02', 'q', '1', 'es', 'uk', '{"a":["y"]}', '{}', 'high', '["safety"]', '2026-11-02')`,
		`insert into users values (1, 'c@example.org', 'clinician', 'h', 0, '2026-11-01T00:00:00Z')`,
		`insert into sessions values (x'aa', 1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')`,
		`insert into share_codes values (1, 'r-b', x'b1', '2026-12-01')`,
		`insert into share_codes values (2, 'r-a', x'b2', '2026-12-01')`,
		`insert into session_grants values (x'aa', 1)`,
		`insert into session_grants values (x'aa', 2)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.write
	var version int
	db.QueryRow("PRAGMA user_version").Scan(&version)
	if version < 4 {
		t.Fatalf("schema version %d after Open", version)
	}
	if _, err := db.Exec("select rowid from responses"); err == nil {
		t.Error("responses still has a rowid")
	}
	var ids []string
	rows, _ := db.Query("select id, answers from responses") // a table scan: the stored order
	for rows.Next() {
		var id, answers string
		rows.Scan(&id, &answers)
		ids = append(ids, id)
	}
	rows.Close()
	if !slices.Equal(ids, []string{"r-a", "r-b"}) {
		t.Errorf("responses in stored order: %v, want every row, by id", ids)
	}
	var answers string
	db.QueryRow("select answers from responses where id = 'r-a'").Scan(&answers)
	if answers != `{"a":["y"]}` {
		t.Errorf("answers of r-a: %s", answers)
	}
	var codes, grants, oldIDs int
	db.QueryRow("select count(*), sum(id in (1, 2)) from share_codes").Scan(&codes, &oldIDs)
	db.QueryRow(`select count(*) from session_grants g join share_codes c on c.id = g.share_code_id
		join responses r on r.id = c.response_id`).Scan(&grants)
	if codes != 2 || grants != 2 || oldIDs != 0 {
		t.Errorf("%d codes (%d with their old ids), %d grants reaching a response", codes, oldIDs, grants)
	}
	var schema string
	db.QueryRow("select group_concat(sql, ';') from sqlite_master").Scan(&schema)
	if strings.Contains(schema, "_new") {
		t.Errorf("the schema still names a rebuilt table:\n%s", schema)
	}
	if rows, err := db.Query("PRAGMA foreign_key_check"); err != nil {
		t.Fatal(err)
	} else {
		if rows.Next() {
			t.Error("foreign key violations after the migration")
		}
		rows.Close()
	}
	// The cascades still hold: deleting a response deletes its code and the grant.
	if _, err := db.Exec("delete from responses where id = 'r-b'"); err != nil {
		t.Fatal(err)
	}
	db.QueryRow("select count(*) from share_codes").Scan(&codes)
	db.QueryRow("select count(*) from session_grants").Scan(&grants)
	if codes != 1 || grants != 1 {
		t.Errorf("after deleting a response: %d codes, %d grants, want 1 and 1", codes, grants)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Error(err)
	}
}
