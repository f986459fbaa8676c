package store

// Kind is how Go passes a column's values, the same from both backends.
type Kind int

// Kinds of columns.
const (
	KindText Kind = iota
	KindBlob
	KindInt
	KindBool
	KindReal
)

// Column is one column of a table.
type Column struct {
	Name string
	Kind Kind
}

// Table is one table of the schema.
type Table struct {
	Name string
	Cols []Column
	// Identity: PostgreSQL numbers new rows from a sequence, which a copy moves past the ids
	// it wrote.
	Identity bool
	// Transient: state of running processes (job leases), not copied.
	Transient bool
}

func cols(k Kind, names ...string) []Column {
	out := make([]Column, len(names))
	for i, n := range names {
		out[i] = Column{n, k}
	}
	return out
}

func join(parts ...[]Column) []Column {
	var out []Column
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// Tables is every table of the schema, parents before the tables that point at them, with the
// columns and their kinds. db copy moves them in this order (package dbcopy); Check reads each;
// a test fails when a migration adds a table that is not listed here.
var Tables = []Table{
	{Name: "users", Identity: true, Cols: join(cols(KindInt, "id"), cols(KindText, "email", "role", "password_hash"),
		cols(KindBool, "disabled"), cols(KindText, "created_at"), cols(KindBool, "totp_required"))},
	{Name: "responses", Cols: join(cols(KindText, "id"), cols(KindBlob, "token_hash"),
		cols(KindText, "questionnaire", "version", "lang", "region", "answers", "scores", "band", "flags", "day"))},
	{Name: "deleted_tokens", Cols: join(cols(KindBlob, "token_hash"), cols(KindText, "day"))},
	{Name: "share_codes", Cols: join(cols(KindInt, "id"), cols(KindText, "response_id"), cols(KindBlob, "code_hash"),
		cols(KindText, "expires_on"), cols(KindInt, "holder_id"))},
	{Name: "sessions", Cols: join(cols(KindBlob, "id_hash"), cols(KindInt, "user_id"), cols(KindText, "created_at", "last_seen_at"))},
	{Name: "session_grants", Cols: join(cols(KindBlob, "session_hash"), cols(KindInt, "share_code_id"))},
	{Name: "audit", Identity: true, Cols: join(cols(KindInt, "id"), cols(KindText, "at"), cols(KindInt, "user_id"),
		cols(KindText, "actor", "action", "response_id", "outcome", "detail"), cols(KindInt, "n"))},
	{Name: "audit_tally", Cols: join(cols(KindText, "minute", "action", "outcome", "actor", "detail"), cols(KindInt, "user_id", "n"))},
	{Name: "stat_ledger", Identity: true, Cols: join(cols(KindInt, "id"), cols(KindText, "questionnaire", "period", "first_day", "last_day"),
		cols(KindReal, "epsilon", "delta"), cols(KindText, "mechanism", "kind", "made_on", "actor"))},
	{Name: "stat_releases", Identity: true, Cols: join(cols(KindInt, "id", "ledger_id"),
		cols(KindText, "questionnaire", "version", "period", "first_day", "last_day", "body"))},
	{Name: "staff_totp", Cols: join(cols(KindInt, "user_id"), cols(KindBlob, "secret"), cols(KindText, "confirmed_at"), cols(KindInt, "last_step"))},
	{Name: "recovery_codes", Cols: join(cols(KindInt, "user_id"), cols(KindBlob, "code_hash"))},
	{Name: "signin_steps", Cols: join(cols(KindBlob, "token_hash"), cols(KindInt, "user_id"), cols(KindText, "stage", "created_at"))},
	{Name: "limit_slots", Cols: join(cols(KindInt, "id"), cols(KindText, "scope"), cols(KindBlob, "key"), cols(KindInt, "until"))},
	{Name: "limit_keys", Cols: join(cols(KindText, "scope"), cols(KindBlob, "key"), cols(KindInt, "seen"))},
	{Name: "limit_alarms", Cols: cols(KindText, "name", "period")},
	{Name: "meta", Cols: cols(KindText, "name", "value")},
	{Name: "job_leases", Transient: true, Cols: join(cols(KindText, "name", "holder"), cols(KindInt, "until"))},
}
