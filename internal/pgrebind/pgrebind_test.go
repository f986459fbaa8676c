package pgrebind

import "testing"

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"select 1", "select 1"},
		{"select ?", "select $1"},
		{"insert into t (a, b) values (?, ?)", "insert into t (a, b) values ($1, $2)"},
		{"/* Caller? */ select ? -- why?\n, ?", "/* Caller? */ select $1 -- why?\n, $2"},
		{"select '?', ?, 'it''s ?', \"odd?name\", ?", "select '?', $1, 'it''s ?', \"odd?name\", $2"},
		{"select ? from t where a = '", "select $1 from t where a = '"},
		{"select ?,?,?,?,?,?,?,?,?,?,?", "select $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11"},
	} {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
