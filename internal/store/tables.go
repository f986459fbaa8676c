package store

// Every table of the schema, parents before the tables that point at them, with the columns
// and their kinds as Go passes them. Copy moves them in this order; Check reads each; a test
// fails when a migration adds a table that is not listed here.

type kind int

const (
	kText kind = iota
	kBlob
	kInt
	kBool
	kReal
)

type column struct {
	name string
	kind kind
}

type table struct {
	name string
	cols []column
	// identity: PostgreSQL numbers new rows from a sequence, which a copy moves past the ids
	// it wrote.
	identity bool
	// transient: state of running processes (job leases), not copied.
	transient bool
}

func cols(k kind, names ...string) []column {
	out := make([]column, len(names))
	for i, n := range names {
		out[i] = column{n, k}
	}
	return out
}

func join(parts ...[]column) []column {
	var out []column
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var tables = []table{
	{name: "users", identity: true, cols: join(cols(kInt, "id"), cols(kText, "email", "role", "password_hash"),
		cols(kBool, "disabled"), cols(kText, "created_at"), cols(kBool, "totp_required"))},
	{name: "responses", cols: join(cols(kText, "id"), cols(kBlob, "token_hash"),
		cols(kText, "questionnaire", "version", "lang", "region", "answers", "scores", "band", "flags", "day"))},
	{name: "deleted_tokens", cols: join(cols(kBlob, "token_hash"), cols(kText, "day"))},
	{name: "share_codes", cols: join(cols(kInt, "id"), cols(kText, "response_id"), cols(kBlob, "code_hash"),
		cols(kText, "expires_on"), cols(kInt, "holder_id"))},
	{name: "sessions", cols: join(cols(kBlob, "id_hash"), cols(kInt, "user_id"), cols(kText, "created_at", "last_seen_at"))},
	{name: "session_grants", cols: join(cols(kBlob, "session_hash"), cols(kInt, "share_code_id"))},
	{name: "audit", identity: true, cols: join(cols(kInt, "id"), cols(kText, "at"), cols(kInt, "user_id"),
		cols(kText, "actor", "action", "response_id", "outcome", "detail"), cols(kInt, "n"))},
	{name: "audit_tally", cols: join(cols(kText, "minute", "action", "outcome", "actor", "detail"), cols(kInt, "user_id", "n"))},
	{name: "stat_ledger", identity: true, cols: join(cols(kInt, "id"), cols(kText, "questionnaire", "period", "first_day", "last_day"),
		cols(kReal, "epsilon", "delta"), cols(kText, "mechanism", "kind", "made_on", "actor"))},
	{name: "stat_releases", identity: true, cols: join(cols(kInt, "id", "ledger_id"),
		cols(kText, "questionnaire", "version", "period", "first_day", "last_day", "body"))},
	{name: "staff_totp", cols: join(cols(kInt, "user_id"), cols(kBlob, "secret"), cols(kText, "confirmed_at"), cols(kInt, "last_step"))},
	{name: "recovery_codes", cols: join(cols(kInt, "user_id"), cols(kBlob, "code_hash"))},
	{name: "signin_steps", cols: join(cols(kBlob, "token_hash"), cols(kInt, "user_id"), cols(kText, "stage", "created_at"))},
	{name: "limit_slots", cols: join(cols(kInt, "id"), cols(kText, "scope"), cols(kBlob, "key"), cols(kInt, "until"))},
	{name: "limit_keys", cols: join(cols(kText, "scope"), cols(kBlob, "key"), cols(kInt, "seen"))},
	{name: "limit_alarms", cols: cols(kText, "name", "period")},
	{name: "meta", cols: cols(kText, "name", "value")},
	{name: "job_leases", transient: true, cols: join(cols(kText, "name", "holder"), cols(kInt, "until"))},
}
