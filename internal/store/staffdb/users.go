package staffdb

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/ketascreen/ketascreen/internal/store"
	"github.com/ketascreen/ketascreen/internal/store/auditdb"
)

// Roles of staff accounts.
const (
	RoleClinician = "clinician"
	RoleAdmin     = "admin"
)

// ErrEmailTaken means an account with that email already exists.
var ErrEmailTaken = errors.New("an account with this email already exists")

// User is a clinician or admin account.
type User struct {
	ID        int64
	Email     string
	Role      string
	Disabled  bool
	CreatedAt time.Time
	// TwoFactorRequired is the account's own setting; admins need two-factor sign-in whatever
	// it says (internal/access decides).
	TwoFactorRequired bool
	TwoFactor         bool // a TOTP secret is confirmed
}

// NewUser is an account to add.
type NewUser struct {
	Email, Role, PasswordHash string
	TwoFactorRequired         bool
	By                        string // who adds it, for the audit log
}

// CreateUser adds an account with a password hash already made, and its audit row. by says
// who did it (for the audit log).
func (db *DB) CreateUser(ctx context.Context, email, role, passwordHash, by string) (*User, error) {
	return db.AddUser(ctx, NewUser{Email: email, Role: role, PasswordHash: passwordHash, By: by})
}

// AddUser adds an account with a password hash already made, and its audit row.
func (db *DB) AddUser(ctx context.Context, nu NewUser) (*User, error) {
	u := &User{Email: strings.TrimSpace(nu.Email), Role: nu.Role, TwoFactorRequired: nu.TwoFactorRequired}
	role, by := nu.Role, nu.By
	if !store.Storable(u.Email) {
		return nil, errors.New("staffdb: an email must be UTF-8 text without NUL bytes")
	}
	err := db.st.Write(ctx, func(tx *sql.Tx) error {
		// The email's uniqueness (in any case) decides, so two adds at once cannot both pass.
		now := db.nowText()
		err := tx.QueryRow(`/* staffdb.AddUser */ insert into users (email, role, password_hash, created_at, totp_required)
			values (?, ?, ?, ?, ?) on conflict (email) do nothing returning id`,
			u.Email, role, nu.PasswordHash, now, nu.TwoFactorRequired).Scan(&u.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrEmailTaken
		}
		if err != nil {
			return err
		}
		u.CreatedAt = store.ParseTime(now)
		detail := "role=" + role
		if nu.TwoFactorRequired {
			detail += " require_2fa"
		}
		return db.audit.AppendTx(tx, auditdb.Entry{UserID: u.ID, Actor: by, Action: auditdb.ActionUserAdd, Outcome: auditdb.OutcomeOK, Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// userColumns are a User's columns, of users aliased u.
const userColumns = `u.id, u.email, u.role, u.disabled, u.created_at, u.totp_required,
	exists (select 1 from staff_totp t where t.user_id = u.id and t.confirmed_at is not null)`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*User, error) {
	var u User
	var created string
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Role, &u.Disabled, &created, &u.TwoFactorRequired, &u.TwoFactor}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.CreatedAt = store.ParseTime(created)
	return &u, nil
}

// UserByEmail finds an account (any case of the email) and its password hash.
func (db *DB) UserByEmail(ctx context.Context, email string) (*User, string, error) {
	email = strings.TrimSpace(email)
	if !store.Storable(email) { // no account has it; PostgreSQL would refuse to look
		return nil, "", store.ErrNotFound
	}
	var hash string
	u, err := scanUser(db.read.QueryRowContext(ctx, `/* staffdb.UserByEmail */ select `+userColumns+
		`, u.password_hash from users u where u.email = ?`, email), &hash)
	return u, hash, err
}

// userByEmailTx finds an account (any case of the email) in a write transaction, holding its
// row until the transaction ends; caller tags the query.
func userByEmailTx(tx *sql.Tx, caller, email string) (*User, error) {
	email = strings.TrimSpace(email)
	if !store.Storable(email) {
		return nil, store.ErrNotFound
	}
	return scanUser(tx.QueryRow(`/* staffdb.`+caller+` */ select `+userColumns+` from users u where u.email = ?`, email))
}

// Users lists every account, by email.
func (db *DB) Users(ctx context.Context) ([]*User, error) {
	rows, err := db.read.QueryContext(ctx, `/* staffdb.Users */ select `+userColumns+` from users u order by u.email`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// SetUserDisabled disables (or enables again) an account. Disabling ends its sessions at once,
// in the same transaction, with an audit row.
func (db *DB) SetUserDisabled(ctx context.Context, email string, disabled bool, by string) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		u, err := userByEmailTx(tx, "SetUserDisabled", email)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`/* staffdb.SetUserDisabled */ update users set disabled = ? where id = ?`, disabled, u.ID); err != nil {
			return err
		}
		action := auditdb.ActionUserEnable
		if disabled {
			action = auditdb.ActionUserDisable
			if _, err := tx.Exec(`/* staffdb.SetUserDisabled */ delete from sessions where user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		return db.audit.AppendTx(tx, auditdb.Entry{UserID: u.ID, Actor: by, Action: action, Outcome: auditdb.OutcomeOK})
	})
}

// SetPassword replaces an account's password hash and ends its sessions (whoever knew the old
// password is signed out), with an audit row.
func (db *DB) SetPassword(ctx context.Context, email, passwordHash, by string) error {
	return db.st.Write(ctx, func(tx *sql.Tx) error {
		u, err := userByEmailTx(tx, "SetPassword", email)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`/* staffdb.SetPassword */ update users set password_hash = ? where id = ?`, passwordHash, u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(`/* staffdb.SetPassword */ delete from sessions where user_id = ?`, u.ID); err != nil {
			return err
		}
		return db.audit.AppendTx(tx, auditdb.Entry{UserID: u.ID, Actor: by, Action: auditdb.ActionUserPasswd, Outcome: auditdb.OutcomeOK})
	})
}
