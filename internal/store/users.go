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
}

// timeFormat is how staff timestamps are stored: RFC 3339 in UTC, fixed width, so they compare
// as text.
const timeFormat = "2006-01-02T15:04:05Z"

func (s *Store) nowText() string { return s.Now().UTC().Format(timeFormat) }

func parseTime(v string) time.Time {
	t, _ := time.Parse(timeFormat, v)
	return t
}

// CreateUser adds an account with a password hash already made, and its audit row. by says
// who did it (for the audit log).
func (s *Store) CreateUser(ctx context.Context, email, role, passwordHash, by string) (*User, error) {
	u := &User{Email: strings.TrimSpace(email), Role: role}
	err := s.Write(ctx, func(tx *sql.Tx) error {
		var exists int
		err := tx.QueryRow(`/* Store.CreateUser */ select count(*) from users where email = ?`, u.Email).Scan(&exists)
		if err != nil {
			return err
		}
		if exists > 0 {
			return ErrEmailTaken
		}
		now := s.nowText()
		res, err := tx.Exec(`/* Store.CreateUser */ insert into users (email, role, password_hash, created_at) values (?, ?, ?, ?)`,
			u.Email, role, passwordHash, now)
		if err != nil {
			return err
		}
		if u.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		u.CreatedAt = parseTime(now)
		return s.audit(tx, AuditEntry{UserID: u.ID, Actor: by, Action: "user_add", Outcome: "ok", Detail: "role=" + role})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

const userColumns = `id, email, role, disabled, created_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*User, error) {
	var u User
	var created string
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Role, &u.Disabled, &created}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	u.CreatedAt = parseTime(created)
	return &u, nil
}

// UserByEmail finds an account (any case of the email) and its password hash.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, string, error) {
	var hash string
	u, err := scanUser(s.read.QueryRowContext(ctx, `/* Store.UserByEmail */ select `+userColumns+
		`, password_hash from users where email = ?`, strings.TrimSpace(email)), &hash)
	return u, hash, err
}

// Users lists every account, by email.
func (s *Store) Users(ctx context.Context) ([]*User, error) {
	rows, err := s.read.QueryContext(ctx, `/* Store.Users */ select `+userColumns+` from users order by email`)
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
		u, err := scanUser(tx.QueryRow(`/* Store.SetUserDisabled */ select `+userColumns+` from users where email = ?`,
			strings.TrimSpace(email)))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`/* Store.SetUserDisabled */ update users set disabled = ? where id = ?`, disabled, u.ID); err != nil {
			return err
		}
		action := "user_enable"
		if disabled {
			action = "user_disable"
			if _, err := tx.Exec(`/* Store.SetUserDisabled */ delete from sessions where user_id = ?`, u.ID); err != nil {
				return err
			}
		}
		return s.audit(tx, AuditEntry{UserID: u.ID, Actor: by, Action: action, Outcome: "ok"})
	})
}

// SetPassword replaces an account's password hash and ends its sessions (whoever knew the old
// password is signed out), with an audit row.
func (s *Store) SetPassword(ctx context.Context, email, passwordHash, by string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		u, err := scanUser(tx.QueryRow(`/* Store.SetPassword */ select `+userColumns+` from users where email = ?`,
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
		return s.audit(tx, AuditEntry{UserID: u.ID, Actor: by, Action: "user_passwd", Outcome: "ok"})
	})
}
