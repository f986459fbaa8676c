package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
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

func (s *Store) nowText() string { return s.Now().UTC().Format(TimeFormat) }

// CreateUser adds an account with a password hash already made, and its audit row. by says
// who did it (for the audit log).
func (s *Store) CreateUser(ctx context.Context, email, role, passwordHash, by string) (*User, error) {
	return s.AddUser(ctx, NewUser{Email: email, Role: role, PasswordHash: passwordHash, By: by})
}

// AddUser adds an account with a password hash already made, and its audit row.
func (s *Store) AddUser(ctx context.Context, nu NewUser) (*User, error) {
	u := &User{Email: strings.TrimSpace(nu.Email), Role: nu.Role, TwoFactorRequired: nu.TwoFactorRequired}
	role, by := nu.Role, nu.By
	err := s.Write(ctx, func(tx *sql.Tx) error {
		// The email's uniqueness (in any case) decides, so two adds at once cannot both pass.
		now := s.nowText()
		err := tx.QueryRow(`/* Store.CreateUser */ insert into users (email, role, password_hash, created_at, totp_required)
			values (?, ?, ?, ?, ?) on conflict (email) do nothing returning id`,
			u.Email, role, nu.PasswordHash, now, nu.TwoFactorRequired).Scan(&u.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrEmailTaken
		}
		if err != nil {
			return err
		}
		u.CreatedAt = ParseTime(now)
		detail := "role=" + role
		if nu.TwoFactorRequired {
			detail += " require_2fa"
		}
		return s.audit(tx, AuditEntry{UserID: u.ID, Actor: by, Action: ActionUserAdd, Outcome: OutcomeOK, Detail: detail})
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
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.CreatedAt = ParseTime(created)
	return &u, nil
}

// UserByEmail finds an account (any case of the email) and its password hash.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, string, error) {
	var hash string
	u, err := scanUser(s.read.QueryRowContext(ctx, `/* Store.UserByEmail */ select `+userColumns+
		`, u.password_hash from users u where u.email = ?`, strings.TrimSpace(email)), &hash)
	return u, hash, err
}

// Users lists every account, by email.
func (s *Store) Users(ctx context.Context) ([]*User, error) {
	rows, err := s.read.QueryContext(ctx, `/* Store.Users */ select `+userColumns+` from users u order by u.email`)
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
func (s *Store) SetUserDisabled(ctx context.Context, email string, disabled bool, by string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRow(`/* Store.SetUserDisabled */ select `+userColumns+` from users u where u.email = ?`,
			strings.TrimSpace(email)))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`/* Store.SetUserDisabled */ update users set disabled = ? where id = ?`, disabled, u.ID); err != nil {
			return err
		}
		action := ActionUserEnable
		if disabled {
			action = ActionUserDisable
			if _, err := tx.Exec(`/* Store.SetUserDisabled */ delete from sessions where user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		return s.audit(tx, AuditEntry{UserID: u.ID, Actor: by, Action: action, Outcome: OutcomeOK})
	})
}

// SetPassword replaces an account's password hash and ends its sessions (whoever knew the old
// password is signed out), with an audit row.
func (s *Store) SetPassword(ctx context.Context, email, passwordHash, by string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRow(`/* Store.SetPassword */ select `+userColumns+` from users u where u.email = ?`,
			strings.TrimSpace(email)))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`/* Store.SetPassword */ update users set password_hash = ? where id = ?`, passwordHash, u.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(`/* Store.SetPassword */ delete from sessions where user_id = ?`, u.ID); err != nil {
			return err
		}
		return s.audit(tx, AuditEntry{UserID: u.ID, Actor: by, Action: ActionUserPasswd, Outcome: OutcomeOK})
	})
}
